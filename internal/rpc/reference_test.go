package rpc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/rpc/rpctest"
)

// These tests run the reference supervisord 4.2.5 and a test server made of
// our Handler and a fake Backend with the same configuration, call both
// with Python's xmlrpc.client, and compare what Python decodes. Only calls
// whose answers do not depend on running processes are compared.

const (
	refSupervisord = "/usr/bin/supervisord"
	refPython      = "/usr/bin/python3"
)

func needReference(t *testing.T) {
	t.Helper()
	for _, p := range []string{refSupervisord, refPython} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("reference Supervisor not installed: no %s", p)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startReference runs supervisord on a temp config and returns its URL.
func startReference(t *testing.T, dir string) string {
	t.Helper()
	port := freePort(t)
	conf := fmt.Sprintf(`[supervisord]
logfile=%[1]s/supervisord.log
pidfile=%[1]s/supervisord.pid
childlogdir=%[1]s
nodaemon=true
identifier=difftest

[inet_http_server]
port=127.0.0.1:%[2]d

[unix_http_server]
file=%[1]s/sup.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:broken]
command=/nonexistent/cmd
autostart=false

[program:cat]
command=/bin/cat
autostart=false

[group:grp]
programs=a,b

[program:a]
command=/bin/true
autostart=false

[program:b]
command=/bin/true
autostart=false
stdout_logfile=NONE

[program:sleeper]
command=/bin/sleep 1000
autostart=false
stdout_logfile=%[1]s/sleeper.out
stderr_logfile=%[1]s/sleeper.err
directory=/tmp
`, dir, port)
	path := filepath.Join(dir, "supervisord.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(refSupervisord, "-c", path)
	cmd.Dir = dir
	out, _ := os.Create(filepath.Join(dir, "stdout"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		out.Close()
	})
	url := fmt.Sprintf("http://127.0.0.1:%d/RPC2", port)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return url
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "stdout"))
			t.Fatalf("reference supervisord did not listen: %s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mirrorFake is the fake with the reference's configuration.
func mirrorFake(dir string) *rpctest.Fake {
	grp := rpctest.Program("grp", "/bin/true")
	a := grp.Processes[0]
	a.Name, a.ProgramName, a.Autostart = "a", "a", false
	b := *a
	b.Name, b.ProgramName = "b", "b"
	b.Stdout.Logfile = ""
	grp.Processes = append(grp.Processes, &b)
	var groups []*config.GroupConfig
	for _, g := range []*config.GroupConfig{rpctest.Program("broken", "/nonexistent/cmd"), rpctest.Program("cat", "/bin/cat"), grp, rpctest.Program("sleeper", "/bin/sleep 1000")} {
		for _, p := range g.Processes {
			p.Autostart = false
		}
		groups = append(groups, g)
	}
	sl := groups[3].Processes[0]
	sl.Stdout.Logfile = filepath.Join(dir, "sleeper.out")
	sl.Stderr.Logfile = filepath.Join(dir, "sleeper.err")
	sl.Directory = "/tmp"
	f := rpctest.New(groups...)
	f.Ident = "difftest"
	f.AutoLogDir = dir
	f.MainLog = filepath.Join(dir, "supervisord.log")
	return f
}

// startOurs serves the handler on 127.0.0.1 as a bare POST /RPC2 server.
func startOurs(t *testing.T, h *rpc.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		status, answer := h.Serve(r.Context(), body)
		if status != 200 {
			http.Error(w, http.StatusText(status), status)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(answer)
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + l.Addr().String() + "/RPC2"
}

type refCall struct {
	Method string `json:"method,omitempty"`
	Params []any  `json:"params"`
	Raw    string `json:"raw,omitempty"`
}

func runPython(t *testing.T, url string, calls []refCall) []map[string]any {
	t.Helper()
	in, _ := json.Marshal(calls)
	cmd := exec.Command(refPython, "testdata/refclient.py", url)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("refclient: %v\n%s", err, stderr.String())
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

var (
	none = map[string]any{"$": "none"}
	dt   = map[string]any{"$": "dt"}
	inf  = map[string]any{"$": "inf"}
	nan  = map[string]any{"$": "nan"}
	flt  = map[string]any{"$": "float", "v": "1.5"}
	dict = map[string]any{"$": "struct", "v": []any{[]any{"a", 1}}}
)

// typeProbes are values of every type a client can send.
var typeProbes = []any{1, true, false, "nosuch", flt, dt, []any{1}, []any{}, dict, none, "", 0, -5, inf, nan, "12", " 3 ", "1.5", "grp:*", "grp:", "cat", "sleeper", "HUP", "SIGUSR1", "bogus"}

func mc(method string, params ...any) any {
	return map[string]any{"$": "struct", "v": []any{[]any{"methodName", method}, []any{"params", params}}}
}

func differentialCalls() []refCall {
	var calls []refCall
	add := func(method string, params ...any) {
		if params == nil {
			params = []any{}
		}
		calls = append(calls, refCall{Method: method, Params: params})
		// The same call in a multicall shows the Python exception text.
		calls = append(calls, refCall{Method: "system.multicall", Params: []any{[]any{mc(method, params...)}}})
	}
	for _, m := range []string{"system.listMethods", "supervisor.getAPIVersion", "supervisor.getVersion",
		"supervisor.getSupervisorVersion", "supervisor.getIdentification", "supervisor.getState",
		"supervisor.nosuch", "nosuch.getState", "supervisor._update", "supervisor.getState.x", "getState",
		"supervisor.getAllConfigInfo", "supervisor.getAllProcessInfo"} {
		add(m)
	}
	// Wrong argument counts of every method.
	methods := rpc.NewHandler(rpctest.New(), []string{"supervisor"}, nil).MethodNames()
	for _, m := range methods {
		add("system.methodHelp", m)
		add("system.methodSignature", m)
		add(m, 1, 2, 3, 4)
	}
	// Every type in the name position, valid defaults elsewhere. Methods
	// that would change the reference's state with a valid name get only
	// names that cannot succeed.
	for _, v := range typeProbes {
		add("supervisor.getProcessInfo", v)
		add("supervisor.addProcessGroup", v)
		add("supervisor.removeProcessGroup", v)
		add("system.methodHelp", v)
		add("system.methodSignature", v)
		add("supervisor.readLog", v, 0)
		add("supervisor.readLog", 0, v)
		add("supervisor.readLog", -1, v)
		add("supervisor.sendProcessStdin", "cat", v)
		add("supervisor.sendProcessStdin", v, "x")
		add("supervisor.signalProcess", "cat", v)
		add("supervisor.signalProcess", "nosuch", v)
		add("supervisor.signalProcessGroup", "grp", v)
		add("supervisor.signalProcessGroup", v, "HUP")
		add("supervisor.signalAllProcesses", v)
		add("supervisor.tailProcessStdoutLog", "sleeper", v, 10)
		add("supervisor.readProcessStdoutLog", "nosuch", v, 0)
		add("supervisor.readProcessStderrLog", "grp:*", 0, v)
		add("supervisor.clearProcessLogs", "grp:"+fmt.Sprint(v))
		add("supervisor.sendRemoteCommEvent", v, v)
		add("system.multicall", v)
		add("system.multicall", []any{v})
		if s, ok := v.(string); !ok || (s != "cat" && s != "sleeper" && s != "grp:*" && s != "grp:") {
			add("supervisor.startProcess", v, false)
			add("supervisor.stopProcess", v)
			add("supervisor.startProcessGroup", v)
			add("supervisor.stopProcessGroup", v, v)
			add("supervisor.clearProcessLogs", v)
			add("supervisor.getProcessInfo", "grp:"+fmt.Sprint(v))
		}
	}
	// Multicall shapes.
	add("system.multicall", []any{map[string]any{"$": "struct", "v": []any{}}})
	add("system.multicall", []any{map[string]any{"$": "struct", "v": []any{[]any{"methodName", "system.multicall"}}}})
	add("system.multicall", []any{map[string]any{"$": "struct", "v": []any{[]any{"methodName", "supervisor.getProcessInfo"}, []any{"params", "x"}}}})
	add("system.multicall", []any{map[string]any{"$": "struct", "v": []any{[]any{"methodName", "supervisor.getProcessInfo"}, []any{"params", dict}}}})
	add("system.multicall", []any{map[string]any{"$": "struct", "v": []any{[]any{"methodName", "supervisor.getPID"}, []any{"params", 5}}}})
	add("system.multicall", []any{mc("supervisor.getAPIVersion"), mc("supervisor.nosuch"), mc("supervisor.readLog", -1, 1)})
	return calls
}

var (
	reNow = regexp.MustCompile(`'now': \d+`)
	reLog = regexp.MustCompile(`'((?:stdout_|stderr_)?logfile)': '[^']+'`)
)

func normalize(method string, v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	s = reNow.ReplaceAllString(s, "'now': N")
	s = reLog.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(m, "'none'") {
			return m
		}
		return reLog.ReplaceAllString(m, "'$1': LOG")
	})
	return s
}

func TestDifferentialAgainstSupervisor(t *testing.T) {
	needReference(t)
	dir := t.TempDir()
	refURL := startReference(t, dir)
	h := rpc.NewHandler(mirrorFake(dir), []string{"supervisor"}, nil)
	ourURL := startOurs(t, h)

	calls := differentialCalls()
	want := runPython(t, refURL, calls)
	got := runPython(t, ourURL, calls)
	diffs := 0
	for i, c := range calls {
		w, g := want[i], got[i]
		// readLog's content and getPID differ by nature.
		if c.Method == "supervisor.getPID" || (strings.HasPrefix(c.Method, "supervisor.readLog") && w["result"] != nil && g["result"] != nil) {
			continue
		}
		if _, ok := w["result"].(string); ok && strings.Contains(fmt.Sprint(c.Params), "readLog") && !strings.Contains(fmt.Sprint(w["result"]), "faultCode") {
			if _, ok := g["result"].(string); ok && !strings.Contains(fmt.Sprint(g["result"]), "faultCode") {
				continue // both read the log, whose contents differ
			}
		}
		if normalize(c.Method, w) != normalize(c.Method, g) {
			diffs++
			if diffs <= 40 {
				p, _ := json.Marshal(c.Params)
				t.Errorf("%s(%s):\n  Supervisor: %v\n  ours:       %v", c.Method, p, w, g)
			}
		}
	}
	if diffs > 40 {
		t.Errorf("... %d differences in all", diffs)
	}
	t.Logf("%d calls compared", len(calls))
}

func TestRawBytesAgainstSupervisor(t *testing.T) {
	needReference(t)
	dir := t.TempDir()
	refURL := startReference(t, dir)
	ourURL := startOurs(t, rpc.NewHandler(mirrorFake(dir), []string{"supervisor"}, nil))
	var calls []refCall
	for _, b := range []string{
		body("system.listMethods"),
		body("supervisor.getState"),
		body("supervisor.getAPIVersion"),
		body("supervisor.nosuch"),
		body("system.methodHelp", s("supervisor.tailProcessStdoutLog")),
		body("system.methodSignature", s("supervisor.startProcess")),
		body("supervisor.getProcessInfo", s("nosuch")),
		body("supervisor.getProcessInfo", s("cat")),
		body("supervisor.getAllConfigInfo"),
		body("supervisor.readLog", i(0), i(-1)),
		body("system.multicall", arr(st("methodName", s("supervisor.getProcessInfo"), "params", arr(i(1))))),
		body("supervisor.startProcess", i(1)),
		"<methodCall><methodName>x</methodCall>",
		"<methodCall></methodCall>",
	} {
		calls = append(calls, refCall{Raw: b})
	}
	want := runPython(t, refURL, calls)
	got := runPython(t, ourURL, calls)
	for i, c := range calls {
		w, g := want[i], got[i]
		if w["status"] != g["status"] {
			t.Errorf("%q: status %v, Supervisor %v", c.Raw, g["status"], w["status"])
			continue
		}
		if w["status"].(float64) != 200 {
			continue // error pages come from the HTTP layer, tested there
		}
		wb, gb := w["body"].(string), g["body"].(string)
		if strings.Contains(c.Raw, "getProcessInfo</methodName>\n<params>\n<param>\n<value><string>cat") || strings.Contains(c.Raw, "getAllConfigInfo") {
			wb, gb = maskBody(wb), maskBody(gb)
		}
		if wb != gb {
			t.Errorf("%q:\n got %q\nwant %q", c.Raw, gb, wb)
		}
	}
}

var reBodyLog = regexp.MustCompile(`(<name>(?:stdout_|stderr_)?logfile</name>\n<value><string>)[^<]*(</string>)`)
var reBodyNow = regexp.MustCompile(`(<name>now</name>\n<value><int>)\d+(</int>)`)

func maskBody(s string) string {
	s = reBodyLog.ReplaceAllString(s, "${1}LOG${2}")
	return reBodyNow.ReplaceAllString(s, "${1}N${2}")
}
