package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// The reference's own supervisorctl (Debian's /usr/bin/supervisorctl)
// drives the reference supervisord and ours through the same commands;
// its output and exit codes must be the same. (Our supervisorctl is
// compared with the reference's in internal/ctl.)

// ctlSession is one daemon being driven.
type ctlSession struct {
	t      *testing.T
	d      *testenv.Daemon
	client *xmlrpc.Client
	out    []string
	failed error
}

type ctlStep func(s *ctlSession) error

var (
	reCtlUptime   = regexp.MustCompile(`pid \d+, uptime (?:\d+ days?, )?\d+:\d\d:\d\d`)
	reCtlStopTime = regexp.MustCompile(`[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M`)
	reCtlPidLine  = regexp.MustCompile(`(?m)^[1-9]\d*$`)
	reCtlLogTime  = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} `)
	reCtlPid      = regexp.MustCompile(`pid \d+`)
	reCtlAuto     = regexp.MustCompile(`---([^-/]+)-[a-z0-9_]{8}\.log`)
)

func (s *ctlSession) mask(text string) string {
	text = strings.ReplaceAll(text, s.d.Dir, "{dir}")
	text = reCtlAuto.ReplaceAllString(text, "---$1-XXXXXXXX.log")
	text = reCtlUptime.ReplaceAllString(text, "pid PID, uptime UPTIME")
	text = reCtlStopTime.ReplaceAllString(text, "STOPTIME")
	text = reCtlPidLine.ReplaceAllString(text, "PID")
	return text
}

func (s *ctlSession) emit(format string, args ...any) {
	s.out = append(s.out, strings.Split(fmt.Sprintf(format, args...), "\n")...)
}

func (s *ctlSession) ctlCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(reftest.Supervisorctl, append([]string{"-c", s.d.Conf}, args...)...)
	cmd.Dir = s.d.Dir
	return cmd
}

func exitCode(err error) (int, error) {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), nil
	}
	return 0, err
}

// ctl runs "supervisorctl args" and records its masked output and status.
func ctl(args ...string) ctlStep {
	return ctlShow(func(s string) string { return s }, args...)
}

// ctlShow is ctl with the output passed through show after masking.
func ctlShow(show func(string) string, args ...string) ctlStep {
	return func(s *ctlSession) error {
		out, err := s.ctlCmd(args...).CombinedOutput()
		code, err := exitCode(err)
		if err != nil {
			return err
		}
		s.emit("$ supervisorctl %s\n%s[exit %d]", strings.Join(args, " "), show(s.mask(string(out))), code)
		return nil
	}
}

// mainLogLines makes maintail output comparable: timestamps and pids
// masked, lines sorted (the reference polls once a second, so lines about
// different processes interleave differently).
func mainLogLines(text string) string {
	text = reCtlLogTime.ReplaceAllString(text, "")
	text = reCtlPid.ReplaceAllString(text, "pid N")
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

func note(text string) ctlStep {
	return func(s *ctlSession) error { s.emit("# %s", text); return nil }
}

// waitStates waits (unrecorded) until every named process is in its state.
func waitStates(want map[string]string) ctlStep {
	return func(s *ctlSession) error {
		deadline := time.Now().Add(40 * time.Second)
		for {
			got := map[string]string{}
			v, err := s.client.Call(context.Background(), "supervisor.getAllProcessInfo")
			if err == nil {
				for _, info := range v.Array() {
					name, _ := info.Get("name")
					group, _ := info.Get("group")
					state, _ := info.Get("statename")
					ns := name.Str()
					if name.Str() != group.Str() {
						ns = group.Str() + ":" + name.Str()
					}
					got[ns] = state.Str()
				}
				ok := true
				for k, w := range want {
					ok = ok && got[k] == w
				}
				if ok {
					return nil
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("timed out waiting for %v (have %v, %v)", want, got, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// waitLog waits until a process's stdout log holds text count times.
func waitLog(name, text string, count int) ctlStep {
	return func(s *ctlSession) error {
		deadline := time.Now().Add(40 * time.Second)
		for {
			v, err := s.client.Call(context.Background(), "supervisor.readProcessStdoutLog", name, 0, 0)
			if err == nil && strings.Count(v.Str(), text) >= count {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("timed out waiting for %q in %s's log (%v)", text, name, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// waitGone waits until the daemon has exited.
func waitGone() ctlStep {
	return func(s *ctlSession) error {
		select {
		case <-s.d.Done():
			return nil
		case <-time.After(40 * time.Second):
			return fmt.Errorf("the daemon did not exit")
		}
	}
}

func editConf(f func(string) string) ctlStep {
	return func(s *ctlSession) error {
		data, err := os.ReadFile(s.d.Conf)
		if err != nil {
			return err
		}
		text := strings.ReplaceAll(f(string(data)), "{dir}", s.d.Dir)
		return os.WriteFile(s.d.Conf, []byte(text), 0o644)
	}
}

func rpcCall(method string, args ...any) ctlStep {
	return func(s *ctlSession) error {
		_, err := s.client.Call(context.Background(), method, args...)
		return err
	}
}

// follow runs "supervisorctl args" (tail -f or maintail -f) until its
// output holds want, then does action, waits for after, interrupts it as
// Ctrl-C would and records what it printed (through show) and its status.
func follow(show func(string) string, want string, action ctlStep, after string, args ...string) ctlStep {
	return func(s *ctlSession) error {
		cmd := s.ctlCmd(args...)
		pr, pw := io.Pipe()
		cmd.Stdout, cmd.Stderr = pw, pw
		if err := cmd.Start(); err != nil {
			return err
		}
		var mu sync.Mutex
		var buf strings.Builder
		seen := make(chan struct{}, 1)
		go func() {
			r := bufio.NewReader(pr)
			for {
				b, err := r.ReadByte()
				if err != nil {
					return
				}
				mu.Lock()
				buf.WriteByte(b)
				mu.Unlock()
				select {
				case seen <- struct{}{}:
				default:
				}
			}
		}()
		waitText := func(text string) error {
			deadline := time.After(40 * time.Second)
			for {
				mu.Lock()
				have := buf.String()
				mu.Unlock()
				if strings.Contains(have, text) {
					return nil
				}
				select {
				case <-seen:
				case <-deadline:
					return fmt.Errorf("supervisorctl %v: no %q in %q", args, text, have)
				}
			}
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		if err := waitText(want); err != nil {
			return err
		}
		if action != nil {
			if err := action(s); err != nil {
				return err
			}
		}
		if err := waitText(after); err != nil {
			return err
		}
		// Ctrl-C while supervisorctl handles a read makes it print an
		// error instead of a blank line: interrupt it once it waits.
		if err := waitPolling(cmd.Process.Pid); err != nil {
			return err
		}
		cmd.Process.Signal(syscall.SIGINT)
		code, err := exitCode(cmd.Wait())
		pw.Close()
		if err != nil {
			return err
		}
		mu.Lock()
		text := buf.String()
		mu.Unlock()
		s.emit("$ supervisorctl %s (interrupted)\n%s[exit %d]", strings.Join(args, " "), show(s.mask(text)), code)
		return nil
	}
}

// waitPolling waits until pid is blocked in poll/select (x86-64 syscall
// numbers), as /proc/PID/syscall shows, twice in a row.
func waitPolling(pid int) error {
	waiting := map[string]bool{"7": true, "23": true, "232": true, "270": true, "271": true, "281": true}
	deadline := time.Now().Add(10 * time.Second)
	seen := 0
	for seen < 2 {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", pid))
		if err != nil {
			return nil // not readable here (no ptrace access): interrupt at once
		}
		if f := strings.Fields(string(data)); len(f) > 0 && waiting[f[0]] {
			seen++
		} else {
			seen = 0
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("supervisorctl (pid %d) never waited: %s", pid, data)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return nil
}

func runCtlScenario(t *testing.T, im testenv.Impl, conf string, steps []ctlStep) []string {
	d := testenv.Start(t, im, conf)
	c, err := xmlrpc.NewClient("unix://"+filepath.Join(d.Dir, "sock"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := &ctlSession{t: t, d: d, client: c}
	for i, st := range steps {
		if err := st(s); err != nil {
			s.emit("STEP %d FAILED: %v", i, err)
			s.failed = err
			break
		}
	}
	if s.failed != nil {
		t.Errorf("%s: %v", im.Name, s.failed)
	}
	return s.out
}

func ctlScenario(t *testing.T, conf string, steps ...ctlStep) {
	t.Helper()
	reftest.Require(t)
	t.Parallel()
	ours := testenv.Ours(t)
	conf = ctlBase + conf
	var wg sync.WaitGroup
	var ref, got []string
	wg.Add(2)
	go func() { defer wg.Done(); ref = runCtlScenario(t, testenv.Reference, conf, steps) }()
	go func() { defer wg.Done(); got = runCtlScenario(t, ours, conf, steps) }()
	wg.Wait()
	if d := lineDiff(ref, got); d != "" {
		t.Errorf("the reference's supervisorctl says different things (- reference daemon, + ours):\n%s", d)
	} else if testing.Verbose() {
		t.Logf("the same against both daemons:\n%s", strings.Join(ref, "\n"))
	}
}

const ctlBase = `
[unix_http_server]
file={dir}/sock

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=info

[supervisorctl]
serverurl=unix://{dir}/sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`

// ctlPrograms: "crash" fails 0.2 s after its spawn, so that its failure
// always comes after the synchronous ones in "start all": failing at once,
// it may or may not have been reaped when Supervisor's startProcess checks,
// which changes the order of results and the exit status.
const ctlPrograms = `
[program:app]
command=/bin/sleep 1000
startsecs=0

[program:web]
command=/bin/sh -c 'trap "echo again" USR1; echo hello from web; echo oops >&2; while :; do sleep 0.1; done'
stdout_logfile={dir}/web.out
stderr_logfile={dir}/web.err
startsecs=0

[program:crash]
command=/bin/sh -c 'sleep 0.2; exit 1'
startsecs=3
startretries=0

[program:manual]
command=/bin/sleep 1000
autostart=false

[program:missing]
command=/nonexistent/cmd
autostart=false

[group:g]
programs=ga,gb

[program:ga]
command=/bin/sleep 1000
startsecs=0

[program:gb]
command=/bin/sleep 1000
startsecs=0
autostart=false

[program:pool]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)d
numprocs=2
startsecs=0
`

var ctlSteady = waitStates(map[string]string{"app": "RUNNING", "web": "RUNNING", "crash": "FATAL", "g:ga": "RUNNING",
	"pool:pool_0": "RUNNING", "pool:pool_1": "RUNNING"})

func TestReferenceCtlStatus(t *testing.T) {
	ctlScenario(t, ctlPrograms,
		ctlSteady,
		waitLog("web", "hello from web", 1),
		ctl("status"),
		ctl("status", "app"),
		ctl("status", "g:*"),
		ctl("status", "g:"),
		ctl("status", "pool:*", "app"),
		ctl("status", "nosuch"),
		ctl("status", "app", "nosuch"),
		ctl("status", "nosuch:*"),
		ctl("status", "manual"),
		ctl("status", "crash"),
		ctl("status", "crash", "manual"),
		ctl("status", "manual", "crash"),
		ctl("status", "all"),
		ctl("pid"),
		ctl("pid", "app"),
		ctl("pid", "manual"),
		ctl("pid", "nosuch"),
		ctl("pid", "all"),
		ctl("pid", "g:*"),
		ctl("avail"),
		ctl("version"),
		ctl("nosuchcommand"),
	)
}

func TestReferenceCtlStartStop(t *testing.T) {
	ctlScenario(t, ctlPrograms,
		ctlSteady,
		ctl("start", "manual"),
		ctl("start", "manual"),
		ctl("start", "missing"),
		ctl("start", "nosuch"),
		ctl("start", "nosuch:*"),
		ctl("start", "crash"),
		ctl("start"),
		ctl("start", "g:*"),
		ctl("start", "g:gb"),
		ctl("start", "app", "manual", "nosuch"),
		ctl("stop", "manual"),
		ctl("stop", "manual"),
		ctl("stop", "nosuch"),
		ctl("stop", "crash"),
		ctlShow(sortedLines, "stop", "g:*"),
		ctl("stop", "g:*"),
		ctl("stop"),
		ctl("status"),
		ctl("restart", "app"),
		ctl("restart", "manual"),
		ctl("restart", "missing"),
		ctl("restart", "nosuch"),
		ctlShow(sortedLines, "restart", "g:*"),
		ctl("restart"),
		ctlShow(sortedLines, "stop", "pool:*"),
		ctl("start", "pool:*"),
		ctlShow(sortedLines, "stop", "all"),
		ctl("stop", "all"),
		ctl("status"),
		ctlShow(sortedLines, "start", "all"),
		ctl("status"),
		ctlShow(sortedLines, "restart", "all"),
		ctl("status"),
	)
}

// sortedLines sorts the lines of a command whose results come in
// completion order (processes stopping at the same moment).
func sortedLines(text string) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}

func TestReferenceCtlSignal(t *testing.T) {
	ctlScenario(t, ctlPrograms,
		ctlSteady,
		waitLog("web", "hello from web", 1),
		ctl("signal", "USR1", "web"),
		waitLog("web", "again", 1),
		ctl("signal", "10", "web"),
		waitLog("web", "again", 2),
		ctl("signal", "SIGUSR1", "web", "nosuch"),
		waitLog("web", "again", 3),
		ctl("signal", "BOGUS", "web"),
		ctl("signal", "HUP", "manual"),
		ctl("signal", "HUP", "nosuch"),
		ctl("signal", "CONT", "g:*"),
		ctl("signal", "CONT", "all"),
		ctl("signal", "BOGUS", "all"),
		ctl("signal", "HUP"),
		ctl("signal"),
		ctl("signal", "KILL", "app"),
		waitStates(map[string]string{"app": "RUNNING"}),
		ctl("status", "app"),
	)
}

func TestReferenceCtlLogs(t *testing.T) {
	ctlScenario(t, ctlPrograms,
		ctlSteady,
		waitLog("web", "hello from web", 1),
		ctl("tail", "web"),
		ctl("tail", "-5", "web"),
		ctl("tail", "web", "stderr"),
		ctl("tail", "web", "stdout"),
		ctl("tail", "web", "bogus"),
		ctl("tail", "-x", "web"),
		ctl("tail", "app"),
		ctl("tail", "nosuch"),
		ctl("tail", "g:*"),
		ctl("tail"),
		ctl("tail", "a", "b", "c", "d"),
		follow(func(s string) string { return s }, "hello from web", ctlSignalWeb, "again",
			"tail", "-f", "web"),
		follow(func(s string) string { return s }, "oops", nil, "oops",
			"tail", "-f", "web", "stderr"),
		ctl("tail", "-f", "nosuch"),
		ctlShow(mainLogLines, "maintail", "-100000"),
		ctlShow(func(s string) string { return fmt.Sprint(len(s)) }, "maintail", "-20"),
		ctl("maintail", "-x"),
		follow(func(s string) string {
			first, _, _ := strings.Cut(s, "\n")
			return first + "\n...\n"
		}, "Ctrl-C", nil, "success: web", "maintail", "-f"),
		ctl("clear", "web"),
		ctl("tail", "web"),
		ctl("clear", "nosuch"),
		ctl("clear", "manual"),
		ctl("clear", "g:*"),
		ctlShow(sortedLines, "clear", "all"),
		ctl("clear"),
		ctl("tail", "app"),
	)
}

func ctlSignalWeb(s *ctlSession) error {
	_, err := s.client.Call(context.Background(), "supervisor.signalProcess", "web", "USR1")
	return err
}

func TestReferenceCtlRereadUpdate(t *testing.T) {
	ctlScenario(t, ctlPrograms,
		ctlSteady,
		ctl("reread"),
		ctl("update"),
		ctl("avail"),
		editConf(func(c string) string {
			c = strings.Replace(c, "[program:app]\ncommand=/bin/sleep 1000", "[program:app]\ncommand=/bin/sleep 999", 1)
			c = strings.Replace(c, "[program:manual]\ncommand=/bin/sleep 1000\nautostart=false\n", "", 1)
			c = strings.Replace(c, "numprocs=2", "numprocs=3", 1)
			return c + "\n[program:new]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n[program:new2]\ncommand=/bin/sleep 1000\nautostart=false\n"
		}),
		ctl("reread"),
		ctl("avail"),
		ctl("add", "new"),
		ctl("add", "new"),
		ctl("add", "nosuch"),
		ctl("add"),
		ctl("remove", "app"),
		ctl("remove", "nosuch"),
		ctl("remove"),
		ctl("stop", "app"),
		ctl("remove", "app"),
		ctl("add", "app"),
		waitStates(map[string]string{"app": "RUNNING", "new": "RUNNING"}),
		ctl("update", "pool"),
		ctl("update", "nosuch"),
		waitStates(map[string]string{"pool:pool_2": "RUNNING"}),
		ctl("update"),
		waitStates(map[string]string{"new": "RUNNING"}),
		ctl("status"),
		ctl("avail"),
		ctl("update", "all"),
		editConf(func(c string) string {
			return strings.Replace(c, "[group:g]\nprograms=ga,gb\n", "[group:g]\nprograms=ga\n", 1)
		}),
		ctl("reread"),
		ctl("update", "g"),
		waitStates(map[string]string{"g:ga": "RUNNING"}),
		ctl("status"),
		editConf(func(c string) string { return c + "\n[program:broken]\n" }),
		ctl("reread"),
		ctl("update"),
		ctl("avail"),
	)
}

func TestReferenceCtlShutdown(t *testing.T) {
	ctlScenario(t, ctlPrograms,
		ctlSteady,
		ctl("shutdown", "now"),
		ctl("shutdown"),
		waitGone(),
		ctl("status"),
		ctl("shutdown"),
		ctl("start", "app"),
		ctl("tail", "web"),
		ctl("maintail"),
		ctl("reread"),
	)
}

func TestReferenceCtlReload(t *testing.T) {
	ctlScenario(t, ctlPrograms,
		ctlSteady,
		ctl("reload", "now"),
		ctl("reload"),
		waitStates(map[string]string{"app": "RUNNING", "web": "RUNNING", "crash": "FATAL", "g:ga": "RUNNING"}),
		ctl("status"),
		rpcCall("supervisor.getState"),
		note("done"),
	)
}
