package ctl

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/reftest"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

// The transcript suite: each testdata/ctl/*.txtar scenario is a
// supervisord config (optional), a fake server mode (optional) and a
// script of supervisorctl command lines. It runs the script with our
// supervisorctl and, when the reference is installed, again with the
// reference's on a fresh daemon, and requires
//
//   - our transcript to equal the golden file (testdata/ctl/*.golden,
//     rewritten with -update), and
//   - the reference's transcript to equal ours,
//
// Script verbs: ctl ARGS (supervisorctl -c <config> ARGS), ctlraw ARGS
// (without -c), ctlsort ARGS (stdout lines sorted, for results that come
// in completion order), intr "TEXT" ARGS (Ctrl-C once stdout shows
// TEXT), stdin TEXT (the next command's stdin, with \n escapes), env K=V,
// config FILE (copy FILE over supervisord.conf), wait STATE NAME...,
// waitexit (the daemon's exit), restartdaemon.
//
// after masking pids, times and the temp directory. The daemon is the
// reference supervisord by default; -ctl.daemon=ours (or
// GOSUPERVISOR_CTL_DAEMON=ours) runs the same scenarios against ours.

var (
	update     = flag.Bool("update", false, "rewrite the golden transcripts under testdata/ctl")
	daemonFlag = flag.String("ctl.daemon", envOr("GOSUPERVISOR_CTL_DAEMON", "reference"), "the supervisord the transcripts run against: reference or ours")
)

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

const refProgname = "/usr/bin/supervisorctl"

// scenario is one parsed testdata/ctl/*.txtar file.
type scenario struct {
	name    string
	files   map[string]string
	script  []string
	fake    string
	comment string
}

// parseTxtar reads the txtar format: a comment, then "-- name --"
// headers each followed by a file's content.
func parseTxtar(name, text string) *scenario {
	sc := &scenario{name: name, files: map[string]string{}}
	cur := ""
	var b strings.Builder
	flush := func() {
		if cur == "" {
			sc.comment = b.String()
		} else {
			sc.files[cur] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		l := strings.TrimRight(line, "\n")
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") && len(l) > 6 {
			flush()
			cur = l[3 : len(l)-3]
			continue
		}
		b.WriteString(line)
	}
	flush()
	for _, l := range strings.Split(sc.files["script"], "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			sc.script = append(sc.script, l)
		}
	}
	sc.fake = strings.TrimSpace(sc.files["fake"])
	return sc
}

func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("../../testdata/ctl/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	daemon := *daemonFlag
	if daemon != "reference" && daemon != "ours" {
		t.Fatalf("-ctl.daemon=%q: want reference or ours", daemon)
	}
	_, refErr := os.Stat(reftest.Supervisorctl)
	if daemon == "reference" && refErr != nil {
		t.Skip("reference Supervisor not installed (apt-get install -y supervisor); the transcripts need its supervisord")
	}
	ours := testenv.Ours(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".txtar")
		sc := parseTxtar(name, string(data))
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			supervisord := testenv.Reference.Supervisord
			if daemon == "ours" {
				supervisord = ours.Supervisord
			}
			got := runScenario(t, sc, supervisord, ours.Supervisorctl)
			golden := strings.TrimSuffix(f, ".txtar") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("our transcript differs from %s:\n%s", golden, lineDiff(string(want), got))
				}
			}
			if refErr != nil {
				t.Log("reference supervisorctl not installed: compared with the golden file only")
				return
			}
			if strings.HasPrefix(name, "ext_") {
				return // our additions: the reference has nothing to compare
			}
			if testing.Short() {
				t.Log("-short: compared with the golden file only")
				return
			}
			ref := runScenario(t, sc, supervisord, reftest.Supervisorctl)
			if ref != got {
				t.Errorf("the reference's transcript (-) differs from ours (+):\n%s", lineDiff(ref, got))
			}
		})
	}
}

// runScenario runs the script with one supervisorctl on a fresh daemon
// and returns the masked transcript.
func runScenario(t *testing.T, sc *scenario, supervisord, ctlBin string) string {
	t.Helper()
	dir := t.TempDir()
	// A short path: unix socket paths are limited to 108 bytes.
	vars := map[string]string{"{dir}": dir, "{port}": freePort(t)}
	if sc.fake != "" {
		vars["{fake}"] = startFake(t, sc.fake)
	}
	expand := func(s string) string {
		for k, v := range vars {
			s = strings.ReplaceAll(s, k, v)
		}
		return s
	}
	for name, content := range sc.files {
		if name == "script" || name == "fake" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(expand(content)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := filepath.Join(dir, "supervisord.conf")
	var d *daemonProc
	if _, ok := sc.files["supervisord.conf"]; ok {
		d = startDaemon(t, supervisord, conf)
	}
	r := &runner{t: t, dir: dir, conf: conf, ctl: ctlBin, daemon: d, supervisord: supervisord}
	var out strings.Builder
	for _, line := range sc.script {
		r.step(&out, expand(line), line)
	}
	return mask(out.String(), dir, vars)
}

type runner struct {
	t           testing.TB
	dir, conf   string
	ctl         string
	supervisord string
	daemon      *daemonProc
	stdin       string
	env         []string
}

// step runs one script line and appends its transcript (shown with the
// line as written, before expansion).
func (r *runner) step(out *strings.Builder, line, shown string) {
	t := r.t
	verb, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	switch verb {
	case "stdin":
		r.stdin = unescape(rest)
	case "env":
		r.env = append(r.env, rest)
	case "config":
		data, err := os.ReadFile(filepath.Join(r.dir, rest))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(r.conf, data, 0o644); err != nil {
			t.Fatal(err)
		}
	case "wait":
		r.wait(rest)
	case "waitexit":
		if r.daemon != nil {
			r.daemon.waitExit(t, 30*time.Second)
		}
	case "restartdaemon":
		r.daemon = startDaemon(t, r.supervisord, r.conf)
	case "ctl", "ctlraw", "intr", "ctlsort":
		var args []string
		wantText := ""
		if verb == "intr" {
			// intr <text to wait for> <args>: Ctrl-C once stdout shows it.
			q, after, ok := cutQuoted(rest)
			if !ok {
				t.Fatalf("bad intr line %q", line)
			}
			wantText, rest = unescape(q), after
		}
		args = splitArgs(rest)
		if verb != "ctlraw" {
			args = append([]string{"-c", r.conf}, args...)
		}
		stdout, stderr, code := r.run(args, wantText)
		if isPidCommand(args) {
			stdout = rePidLine.ReplaceAllString(stdout, "N")
		}
		if verb == "ctlsort" {
			// Results of group and "all" calls come in completion order.
			lines := strings.SplitAfter(stdout, "\n")
			sort.Strings(lines)
			stdout = strings.Join(lines, "")
		}
		shownArgs := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(shown), verb))
		if verb == "intr" {
			q, after, _ := cutQuoted(shownArgs)
			shownArgs = strings.TrimSpace(after) + "    # Ctrl-C after " + strconv.Quote(q)
		}
		fmt.Fprintf(out, "$ %s\n", shownArgs)
		writeBlock(out, "", stdout)
		if stderr != "" {
			writeBlock(out, "[stderr]\n", stderr)
		}
		fmt.Fprintf(out, "[exit %d]\n", code)
		r.stdin = ""
	default:
		t.Fatalf("unknown script verb %q", verb)
	}
}

func writeBlock(out *strings.Builder, header, s string) {
	out.WriteString(header)
	out.WriteString(s)
	if s != "" && !strings.HasSuffix(s, "\n") {
		out.WriteString("\n[no newline at end]\n")
	}
}

// run runs supervisorctl; with wantText, it sends SIGINT once stdout
// holds that text.
func (r *runner) run(args []string, wantText string) (string, string, int) {
	t := r.t
	path := r.ctl
	argv := append([]string{refProgname}, args...)
	if wantText != "" && r.ctl == reftest.Supervisorctl {
		// Python only turns SIGINT into KeyboardInterrupt if SIGINT is
		// not ignored, as it is for background jobs of some shells.
		path = reftest.Python
		argv = append([]string{reftest.Python, "-c", "import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])", reftest.Supervisorctl}, args...)
	}
	cmd := &exec.Cmd{Path: path, Args: argv, Dir: r.dir}
	// A fixed environment: error texts list every ENV_x name, and the
	// transcripts must not depend on where the tests run.
	cmd.Env = append(ctlEnv(), r.env...)
	cmd.Stdin = strings.NewReader(r.stdin)
	// A new session: no controlling terminal, so getpass behaves the same
	// wherever the tests run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	timeout := time.NewTimer(120 * time.Second)
	defer timeout.Stop()
	if wantText != "" {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
	wait:
		for !strings.Contains(stdout.String(), wantText) {
			select {
			case <-tick.C:
			case <-done:
				break wait
			case <-timeout.C:
				cmd.Process.Kill()
				<-done
				t.Fatalf("%s %v: %q never appeared; stdout %q stderr %q", r.ctl, args, wantText, stdout.String(), stderr.String())
			}
		}
		if r.ctl == reftest.Supervisorctl {
			waitIdle(cmd.Process.Pid, done)
		}
		cmd.Process.Signal(syscall.SIGINT)
	}
	select {
	case <-done:
	case <-timeout.C:
		wchan, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", cmd.Process.Pid))
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s %v did not finish (waiting in %q); stdout %q stderr %q", r.ctl, args, wchan, stdout.String(), stderr.String())
	}
	return stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()
}

// waitIdle waits (a few seconds at most) until the process's main thread
// is asleep in a system call (state S: poll, select, recv), not running
// Python code or waiting for another thread.
// The reference turns a SIGINT that lands while asyncore handles data into
// "Cannot connect, error: <class 'KeyboardInterrupt'> ()" instead of its
// Ctrl-C handling, and GNU readline can drop keys typed while it switches
// the terminal's mode: races of its own, kept out of the comparison.
func waitIdle(pid int, done <-chan struct{}) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return
		}
		// pid (comm) state ...: comm may hold spaces and parentheses.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'S' {
			w, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/wchan")
			// A futex wait is Python between two steps of its own (the
			// main thread waiting for a new thread to start, as fg does
			// right before it reads a line), not a system call of the
			// command.
			if len(w) > 0 && string(w) != "0" && !bytes.Contains(w, []byte("futex")) {
				return
			}
		}
		select {
		case <-done:
			return
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// isPidCommand: the pid command prints bare pids, masked as N.
func isPidCommand(args []string) bool {
	pairs, rest, err := getopt(args)
	_ = pairs
	return err == nil && len(rest) > 0 && rest[0] == "pid"
}

// wait polls the daemon until each named process is in the given state:
// "wait RUNNING a b STOPPED c".
func (r *runner) wait(spec string) {
	t := r.t
	want := map[string]string{}
	state := ""
	for _, w := range strings.Fields(spec) {
		if strings.ToUpper(w) == w && !strings.ContainsAny(w, ":_") {
			state = w
			continue
		}
		want[w] = state
	}
	c := r.client()
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		v, err := c.Call(context.Background(), "supervisor.getAllProcessInfo")
		if err == nil {
			have := map[string]string{}
			items, _ := v.([]any)
			for _, it := range items {
				spec, _ := namespecOf(it, 0)
				st, _ := getKey(it, "statename", 0)
				have[spec] = pyStr(st)
			}
			ok := true
			for n, s := range want {
				if have[n] != s {
					ok = false
				}
			}
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("wait %s: have %v", spec, have)
			}
		} else if time.Now().After(deadline) {
			t.Fatalf("wait %s: %v", spec, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *runner) client() Client {
	cfg, err := config.LoadCtl(r.conf, refProgname, ctlEnv(), r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	c, err := WireDialer(cfg.ServerURL, cfg.Username, cfg.Password)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

// daemonProc is a supervisord -n started for one scenario run.
type daemonProc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startDaemon runs supervisord -n on conf and waits until it answers on
// ctlEnv is the environment every supervisorctl of a transcript gets.
func ctlEnv() []string {
	return []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8", "TZ=UTC"}
}

// the config's [supervisorctl] serverurl.
func startDaemon(t testing.TB, supervisord, conf string) *daemonProc {
	t.Helper()
	d := &daemonProc{done: make(chan struct{})}
	d.cmd = exec.Command(supervisord, "-n", "-c", conf)
	d.cmd.Dir = filepath.Dir(conf)
	d.cmd.Env = append(os.Environ(), "TZ=UTC")
	var logbuf syncBuffer
	d.cmd.Stdout, d.cmd.Stderr = &logbuf, &logbuf
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		select {
		case <-d.done:
			return
		default:
		}
		d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.done:
		case <-time.After(30 * time.Second):
			d.cmd.Process.Kill()
			<-d.done
		}
	})
	cfg, err := config.LoadCtl(conf, refProgname, os.Environ(), filepath.Dir(conf))
	if err != nil {
		t.Fatal(err)
	}
	c, err := WireDialer(cfg.ServerURL, cfg.Username, cfg.Password)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := c.Call(context.Background(), "supervisor.getVersion")
		if err == nil {
			return d
		}
		if _, ok := err.(*ProtocolError); ok {
			return d // it answers; it wants credentials
		}
		select {
		case <-d.done:
			t.Fatalf("%s exited: %s", supervisord, logbuf.String())
		default:
		}
		if time.Now().After(deadline) {
			if strings.HasPrefix(supervisord, "/usr/") {
				t.Fatalf("%s does not answer on %s: %v\n%s", supervisord, cfg.ServerURL, err, logbuf.String())
			}
			t.Skipf("our supervisord does not serve XML-RPC on %s yet (%v); nothing to run the transcript against", cfg.ServerURL, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *daemonProc) waitExit(t testing.TB, timeout time.Duration) {
	select {
	case <-d.done:
	case <-time.After(timeout):
		t.Fatal("supervisord did not exit")
	}
}

func freePort(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

var (
	reUptime  = regexp.MustCompile(`uptime (\d+ days?, )?\d+:\d\d:\d\d`)
	rePid     = regexp.MustCompile(`pid \d+`)
	reStopped = regexp.MustCompile(`(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d [AP]M`)
	reLogTime = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}`)
	rePidLine = regexp.MustCompile(`(?m)^[1-9]\d*$`)
	reAutoLog = regexp.MustCompile(`---supervisor-[a-z0-9_]{8}\.log`)
	reJSONNum = regexp.MustCompile(`"(pid|start|stop|now)":\d+`)
)

// mask replaces what differs from run to run: pids, uptimes, stop times,
// log timestamps, the temp directory and ports.
func mask(s, dir string, vars map[string]string) string {
	s = strings.ReplaceAll(s, dir, "{dir}")
	if f, ok := vars["{fake}"]; ok {
		s = strings.ReplaceAll(s, f, "{fake}")
	}
	s = strings.ReplaceAll(s, "127.0.0.1:"+vars["{port}"], "127.0.0.1:{port}")
	s = reUptime.ReplaceAllString(s, "uptime U")
	s = rePid.ReplaceAllString(s, "pid N")
	s = reStopped.ReplaceAllString(s, "Mon DD HH:MM XM")
	s = reLogTime.ReplaceAllString(s, "YYYY-MM-DD HH:MM:SS,mmm")
	s = reAutoLog.ReplaceAllString(s, "---supervisor-XXXXXXXX.log")
	s = reJSONNum.ReplaceAllString(s, `"$1":N`)
	return s
}

// lineDiff shows the lines of a and b that differ.
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	n := len(al)
	if len(bl) > n {
		n = len(bl)
	}
	shown := 0
	for i := 0; i < n && shown < 40; i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			fmt.Fprintf(&out, "line %d:\n- %q\n+ %q\n", i+1, x, y)
			shown++
		}
	}
	return out.String()
}

// splitArgs splits a command line on spaces, keeping '...' and "..."
// quoted words (quotes removed, backslash escapes inside "..." decoded).
func splitArgs(s string) []string {
	var args []string
	var b strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == '\\' && quote == '"' && i+1 < len(s) {
				i++
				b.WriteString(unescape(`\` + string(s[i])))
			} else {
				b.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == ' ':
			if in {
				args = append(args, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteByte(ch)
			in = true
		}
	}
	if in {
		args = append(args, b.String())
	}
	return args
}

// cutQuoted takes a leading "..." word.
func cutQuoted(s string) (string, string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	end := strings.Index(s[1:], `"`)
	if end < 0 {
		return "", "", false
	}
	return s[1 : end+1], s[end+2:], true
}

// unescape decodes \n, \t, \r, \\ and \xNN.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'x':
			if i+2 < len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
					b.WriteByte(byte(v))
					i += 2
					continue
				}
			}
			b.WriteString(`\x`)
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
