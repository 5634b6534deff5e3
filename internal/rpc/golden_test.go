package rpc_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/rpc/rpctest"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/xmlrpc")

// newFake is the daemon of the golden tests: cat (stopped), sleeper
// (running, with log files), grp:a and grp:b (stopped), a missing
// command in broken.
func newFake() *rpctest.Fake {
	cat := rpctest.Program("cat", "/bin/cat")
	sleeper := rpctest.Program("sleeper", "/bin/sleep 1000")
	sleeper.Processes[0].Stdout.Logfile = "testdata/logs/sleeper.out"
	sleeper.Processes[0].Stderr.Logfile = "testdata/logs/sleeper.err"
	sleeper.Processes[0].Directory = "/tmp"
	uid := 0
	sleeper.Processes[0].UID = &uid
	grp := rpctest.Program("grp", "/bin/true")
	b := *grp.Processes[0]
	grp.Processes[0].Name, b.Name = "a", "b"
	b.Stdout.Logfile = ""
	grp.Processes = append(grp.Processes, &b)
	broken := rpctest.Program("broken", "/nonexistent/cmd")
	f := rpctest.New(broken, cat, grp, sleeper)
	f.MainLog = "testdata/logs/main.log"
	f.SetState("sleeper", rpctest.Running)
	return f
}

func body(method string, params ...string) string {
	var b strings.Builder
	b.WriteString("<?xml version='1.0'?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n")
	for _, p := range params {
		b.WriteString("<param>\n<value>" + p + "</value>\n</param>\n")
	}
	b.WriteString("</params>\n</methodCall>\n")
	return b.String()
}

func s(v string) string { return "<string>" + v + "</string>" }
func i(n int) string    { return fmt.Sprintf("<int>%d</int>", n) }
func bo(b bool) string {
	if b {
		return "<boolean>1</boolean>"
	}
	return "<boolean>0</boolean>"
}
func arr(items ...string) string {
	var b strings.Builder
	b.WriteString("<array><data>")
	for _, it := range items {
		b.WriteString("<value>" + it + "</value>")
	}
	b.WriteString("</data></array>")
	return b.String()
}
func st(kv ...string) string {
	var b strings.Builder
	b.WriteString("<struct>")
	for k := 0; k+1 < len(kv); k += 2 {
		b.WriteString("<member><name>" + kv[k] + "</name><value>" + kv[k+1] + "</value></member>")
	}
	b.WriteString("</struct>")
	return b.String()
}

type goldenCase struct {
	name  string
	body  string
	setup func(*rpctest.Fake)
	ns    []string // namespaces; nil means {"supervisor"}
}

var goldenCases = []goldenCase{
	{name: "system.listMethods", body: body("system.listMethods")},
	{name: "system.listMethods-no-rpcinterface", body: body("system.listMethods"), ns: []string{}},
	{name: "system.listMethods-two-namespaces", body: body("system.listMethods"), ns: []string{"supervisor", "foo"}},
	{name: "foo.getState", body: body("foo.getState"), ns: []string{"supervisor", "foo"}},
	{name: "supervisor.getState-no-rpcinterface", body: body("supervisor.getState"), ns: []string{}},
	{name: "system.methodHelp", body: body("system.methodHelp", s("supervisor.startProcess"))},
	{name: "system.methodHelp-alias", body: body("system.methodHelp", s("supervisor.readMainLog"))},
	{name: "system.methodHelp-unknown", body: body("system.methodHelp", s("supervisor.nosuch"))},
	{name: "system.methodHelp-int", body: body("system.methodHelp", i(1))},
	{name: "system.methodSignature", body: body("system.methodSignature", s("supervisor.readProcessStdoutLog"))},
	{name: "system.methodSignature-multicall", body: body("system.methodSignature", s("system.multicall"))},
	{name: "system.methodSignature-unknown", body: body("system.methodSignature", s("nosuch"))},
	{name: "system.multicall", body: body("system.multicall", arr(
		st("methodName", s("supervisor.getPID")),
		st("methodName", s("supervisor.getProcessInfo"), "params", arr(s("nosuch"))),
		st("params", arr()),
		st("methodName", s("system.multicall"), "params", arr(arr())),
		st("methodName", s("supervisor.getProcessInfo"), "params", arr(i(1))),
		st("methodName", i(5)),
		st("methodName", s("supervisor.getPID"), "params", i(1)),
		st("methodName", s("supervisor.getProcessInfo"), "params", s("x")),
		st("methodName", s("supervisor.nosuch")),
		st("methodName", s("supervisor.readLog"), "params", arr(s("a"), i(0))),
		st("methodName", s("supervisor.getAPIVersion"), "params", arr(i(1))),
	))},
	{name: "system.multicall-not-a-struct", body: body("system.multicall", arr(st("methodName", s("supervisor.shutdown")), i(1)))},
	{name: "system.multicall-empty-string", body: body("system.multicall", s(""))},
	{name: "system.multicall-int", body: body("system.multicall", i(3))},
	{name: "supervisor.getAPIVersion", body: body("supervisor.getAPIVersion")},
	{name: "supervisor.getVersion", body: body("supervisor.getVersion")},
	{name: "supervisor.getSupervisorVersion", body: body("supervisor.getSupervisorVersion")},
	{name: "supervisor.getIdentification", body: body("supervisor.getIdentification")},
	{name: "supervisor.getState", body: body("supervisor.getState")},
	{name: "supervisor.getState-shutdown", body: body("supervisor.getState"), setup: func(f *rpctest.Fake) { f.MoodErr = faults.Bare(faults.ShutdownState) }},
	{name: "supervisor.getPID", body: body("supervisor.getPID")},
	{name: "supervisor.readLog", body: body("supervisor.readLog", i(0), i(0))},
	{name: "supervisor.readLog-tail", body: body("supervisor.readLog", i(-20), i(0))},
	{name: "supervisor.readLog-bad-arguments", body: body("supervisor.readLog", i(-1), i(1))},
	{name: "supervisor.readLog-negative-length", body: body("supervisor.readLog", i(0), i(-1))},
	{name: "supervisor.readLog-string-offset", body: body("supervisor.readLog", s("10"), s(" 5 "))},
	{name: "supervisor.readLog-bad-string", body: body("supervisor.readLog", s("a"), i(0))},
	{name: "supervisor.readLog-none", body: body("supervisor.readLog", "<nil/>", i(0))},
	{name: "supervisor.readLog-no-file", body: body("supervisor.readLog", i(0), i(0)), setup: func(f *rpctest.Fake) { f.MainLog = "testdata/logs/nosuch.log" }},
	{name: "supervisor.readLog-syslog", body: body("supervisor.readLog", i(0), i(0)), setup: func(f *rpctest.Fake) { f.MainLog = "" }},
	{name: "supervisor.readMainLog", body: body("supervisor.readMainLog", i(0), i(10))},
	{name: "supervisor.clearLog-no-file", body: body("supervisor.clearLog"), setup: func(f *rpctest.Fake) { f.MainLog = "" }},
	{name: "supervisor.shutdown", body: body("supervisor.shutdown")},
	{name: "supervisor.restart", body: body("supervisor.restart")},
	{name: "supervisor.reloadConfig", body: body("supervisor.reloadConfig"), setup: func(f *rpctest.Fake) {
		f.NewGroups = []*config.GroupConfig{f.Groups[1], f.Groups[2], f.Groups[3], rpctest.Program("new", "/bin/true")}
	}},
	{name: "supervisor.reloadConfig-error", body: body("supervisor.reloadConfig"), setup: func(f *rpctest.Fake) {
		f.ReloadErr = faults.New(faults.CantReread, "could not find config file /nope")
	}},
	{name: "supervisor.addProcessGroup", body: body("supervisor.addProcessGroup", s("new")), setup: func(f *rpctest.Fake) {
		f.NewGroups = append(append([]*config.GroupConfig{}, f.Groups...), rpctest.Program("new", "/bin/true"))
	}},
	{name: "supervisor.addProcessGroup-bad-name", body: body("supervisor.addProcessGroup", s("nosuch"))},
	{name: "supervisor.addProcessGroup-list", body: body("supervisor.addProcessGroup", arr(i(1), s("x")))},
	{name: "supervisor.removeProcessGroup-running", body: body("supervisor.removeProcessGroup", s("sleeper"))},
	{name: "supervisor.removeProcessGroup", body: body("supervisor.removeProcessGroup", s("cat"))},
	{name: "supervisor.removeProcessGroup-dict", body: body("supervisor.removeProcessGroup", st("a", i(1)))},
	{name: "supervisor.startProcess", body: body("supervisor.startProcess", s("cat"))},
	{name: "supervisor.startProcess-nowait", body: body("supervisor.startProcess", s("cat"), bo(false))},
	{name: "supervisor.startProcess-already", body: body("supervisor.startProcess", s("sleeper"))},
	{name: "supervisor.startProcess-no-file", body: body("supervisor.startProcess", s("broken"))},
	{name: "supervisor.startProcess-group", body: body("supervisor.startProcess", s("grp:*"))},
	{name: "supervisor.startProcess-bad-name", body: body("supervisor.startProcess", s("nosuch"))},
	{name: "supervisor.startProcess-int", body: body("supervisor.startProcess", i(1))},
	{name: "supervisor.startProcess-too-many", body: body("supervisor.startProcess", s("cat"), bo(true), i(1))},
	{name: "supervisor.startProcess-too-few", body: body("supervisor.startProcess")},
	{name: "supervisor.startProcessGroup", body: body("supervisor.startProcessGroup", s("grp"))},
	{name: "supervisor.startProcessGroup-bad-name", body: body("supervisor.startProcessGroup", i(7))},
	{name: "supervisor.startAllProcesses", body: body("supervisor.startAllProcesses")},
	{name: "supervisor.stopProcess", body: body("supervisor.stopProcess", s("sleeper"))},
	{name: "supervisor.stopProcess-not-running", body: body("supervisor.stopProcess", s("cat"))},
	{name: "supervisor.stopProcessGroup", body: body("supervisor.stopProcessGroup", s("sleeper"), bo(false))},
	{name: "supervisor.stopAllProcesses", body: body("supervisor.stopAllProcesses", bo(true))},
	{name: "supervisor.signalProcess", body: body("supervisor.signalProcess", s("sleeper"), s("HUP"))},
	{name: "supervisor.signalProcess-number", body: body("supervisor.signalProcess", s("sleeper"), i(10))},
	{name: "supervisor.signalProcess-bad-signal", body: body("supervisor.signalProcess", s("sleeper"), s("BOGUS"))},
	{name: "supervisor.signalProcess-bad-float", body: body("supervisor.signalProcess", s("sleeper"), "<double>99.5</double>")},
	{name: "supervisor.signalProcess-list", body: body("supervisor.signalProcess", s("sleeper"), arr())},
	{name: "supervisor.signalProcess-not-running", body: body("supervisor.signalProcess", s("cat"), s("HUP"))},
	{name: "supervisor.signalProcess-bad-name", body: body("supervisor.signalProcess", s("nosuch"), arr())},
	{name: "supervisor.signalProcessGroup", body: body("supervisor.signalProcessGroup", s("sleeper"), s("USR1"))},
	{name: "supervisor.signalProcessGroup-none-signallable", body: body("supervisor.signalProcessGroup", s("grp"), "<nil/>")},
	{name: "supervisor.signalAllProcesses", body: body("supervisor.signalAllProcesses", s("SIGTERM"))},
	{name: "supervisor.signalAllProcesses-shutdown", body: body("supervisor.signalAllProcesses", s("HUP")), setup: func(f *rpctest.Fake) { f.MoodErr = faults.Bare(faults.ShutdownState) }},
	{name: "supervisor.getAllConfigInfo", body: body("supervisor.getAllConfigInfo")},
	{name: "supervisor.getProcessInfo", body: body("supervisor.getProcessInfo", s("sleeper"))},
	{name: "supervisor.getProcessInfo-stopped", body: body("supervisor.getProcessInfo", s("grp:a"))},
	{name: "supervisor.getProcessInfo-group", body: body("supervisor.getProcessInfo", s("grp:*"))},
	{name: "supervisor.getProcessInfo-bad-name", body: body("supervisor.getProcessInfo", s("nosuch"))},
	{name: "supervisor.getAllProcessInfo", body: body("supervisor.getAllProcessInfo")},
	{name: "supervisor.readProcessStdoutLog", body: body("supervisor.readProcessStdoutLog", s("sleeper"), i(0), i(0))},
	{name: "supervisor.readProcessLog", body: body("supervisor.readProcessLog", s("sleeper"), i(-6), i(0))},
	{name: "supervisor.readProcessStderrLog", body: body("supervisor.readProcessStderrLog", s("sleeper"), i(0), i(0))},
	{name: "supervisor.readProcessStdoutLog-none", body: body("supervisor.readProcessStdoutLog", s("grp:b"), i(0), i(0))},
	{name: "supervisor.readProcessStdoutLog-bad-name", body: body("supervisor.readProcessStdoutLog", s("nosuch"), i(0), i(0))},
	{name: "supervisor.tailProcessStdoutLog", body: body("supervisor.tailProcessStdoutLog", s("sleeper"), i(0), i(10))},
	{name: "supervisor.tailProcessLog", body: body("supervisor.tailProcessLog", s("sleeper"), i(5), i(100))},
	{name: "supervisor.tailProcessStderrLog", body: body("supervisor.tailProcessStderrLog", s("sleeper"), i(0), i(100))},
	{name: "supervisor.tailProcessStdoutLog-no-file", body: body("supervisor.tailProcessStdoutLog", s("grp:b"), s("x"), i(100))},
	{name: "supervisor.tailProcessStdoutLog-bad-int", body: body("supervisor.tailProcessStdoutLog", s("sleeper"), s("x"), i(100))},
	{name: "supervisor.clearProcessLogs", body: body("supervisor.clearProcessLogs", s("sleeper"))},
	{name: "supervisor.clearProcessLog", body: body("supervisor.clearProcessLog", s("nosuch"))},
	{name: "supervisor.clearAllProcessLogs", body: body("supervisor.clearAllProcessLogs")},
	{name: "supervisor.sendProcessStdin", body: body("supervisor.sendProcessStdin", s("sleeper"), s("hello\n"))},
	{name: "supervisor.sendProcessStdin-not-running", body: body("supervisor.sendProcessStdin", s("cat"), s("hello\n"))},
	{name: "supervisor.sendProcessStdin-int", body: body("supervisor.sendProcessStdin", s("cat"), i(1))},
	{name: "supervisor.sendRemoteCommEvent", body: body("supervisor.sendRemoteCommEvent", s("type"), s("data"))},
	{name: "unknown-method", body: body("supervisor.nosuch")},
	{name: "unknown-namespace", body: body("nosuch.getState")},
	{name: "private-method", body: body("supervisor._update", s("x"))},
	{name: "three-parts", body: body("supervisor.getState.x")},
	{name: "no-dot", body: body("getState")},
	{name: "malformed", body: "<methodCall><methodName>x</methodCall>"},
	{name: "no-method-name", body: "<methodCall><params/></methodCall>"},
}

type logLine struct {
	level config.LogLevel
	msg   string
}

type memLog struct {
	mu    sync.Mutex
	lines []logLine
}

func (l *memLog) Log(level config.LogLevel, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg})
}

func levelName(l config.LogLevel) string {
	return map[config.LogLevel]string{config.LevelCritical: "CRIT", config.LevelError: "ERRO", config.LevelWarn: "WARN",
		config.LevelInfo: "INFO", config.LevelDebug: "DEBG", config.LevelTrace: "TRAC", config.LevelBlather: "BLAT"}[l]
}

func runGolden(c goldenCase) string {
	f := newFake()
	if c.setup != nil {
		c.setup(f)
	}
	ns := c.ns
	if ns == nil {
		ns = []string{"supervisor"}
	}
	log := &memLog{}
	h := rpc.NewHandler(f, ns, log)
	status, answer := h.Serve(context.Background(), []byte(c.body))
	var out strings.Builder
	fmt.Fprintf(&out, "-- request --\n%s", c.body)
	if !strings.HasSuffix(c.body, "\n") {
		out.WriteString("\n")
	}
	fmt.Fprintf(&out, "-- status --\n%d\n-- response --\n%s", status, answer)
	var logs []string
	for _, l := range log.lines {
		if l.level != config.LevelTrace {
			logs = append(logs, levelName(l.level)+" "+l.msg)
		}
	}
	if len(logs) > 0 {
		fmt.Fprintf(&out, "-- log --\n%s\n", strings.Join(logs, "\n"))
	}
	if len(f.Calls) > 0 {
		fmt.Fprintf(&out, "-- backend --\n%s\n", strings.Join(f.Calls, "\n"))
	}
	return out.String()
}

func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range goldenCases {
		if seen[c.name] {
			t.Fatalf("duplicate case %s", c.name)
		}
		seen[c.name] = true
		got := runGolden(c)
		path := filepath.Join("testdata", "xmlrpc", c.name+".txt")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run go test -update)", c.name, err)
			continue
		}
		if !bytes.Equal([]byte(got), want) {
			t.Errorf("%s: differs from %s:\n got:\n%s\nwant:\n%s", c.name, path, got, want)
		}
	}
}

// TestEveryMethodHasGolden keeps the golden files complete.
func TestEveryMethodHasGolden(t *testing.T) {
	h := rpc.NewHandler(newFake(), []string{"supervisor"}, nil)
	names := h.MethodNames()
	if len(names) != 41 {
		t.Errorf("%d methods, Supervisor has 41", len(names))
	}
	for _, m := range names {
		found := false
		for _, c := range goldenCases {
			if strings.Contains(c.body, "<methodName>"+m+"</methodName>") || strings.Contains(c.body, "<string>"+m+"</string></value></member>") {
				found = true
			}
		}
		if !found {
			t.Errorf("no golden case calls %s", m)
		}
	}
}

func TestCallErrorsAreTyped(t *testing.T) {
	h := rpc.NewHandler(newFake(), []string{"supervisor"}, nil)
	_, err := h.Call(context.Background(), "supervisor.getProcessInfo", []xmlrpc.Value{xmlrpc.NewInt(1)})
	var pe *rpc.PyError
	if !errors.As(err, &pe) || pe.Class != "AttributeError" || pe.Msg != "'int' object has no attribute 'split'" {
		t.Errorf("got %v", err)
	}
	_, err = h.Call(context.Background(), "supervisor.getProcessInfo", []xmlrpc.Value{xmlrpc.NewString("nosuch")})
	if !errors.Is(err, faults.Bare(faults.BadName)) || err.Error() != "BAD_NAME: nosuch" {
		t.Errorf("got %v", err)
	}
}
