// Package e2e drives the real binaries: our supervisord and, when it is
// installed, Debian's Python supervisord, on the same configs, and compares
// what users see (main-log lines, XML-RPC results, supervisorctl output).
package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
)

// bin holds our binaries, built once for the package.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gosup-e2e-bin")
	if err != nil {
		panic(err)
	}
	cmd := exec.Command("go", "build", "-o", dir+"/", "../../cmd/supervisord", "../../cmd/supervisorctl")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building binaries:", err)
		os.Exit(1)
	}
	bin = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// impl is one implementation under test.
type impl struct {
	name        string
	supervisord string
}

var (
	ours      = impl{"ours", ""}
	reference = impl{"reference", reftest.Supervisord}
)

func (i impl) daemonPath() string {
	if i.supervisord != "" {
		return i.supervisord
	}
	return filepath.Join(bin, "supervisord")
}

// daemon is one running supervisord.
type daemon struct {
	t    *testing.T
	impl impl
	dir  string
	conf string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

// startDaemon writes conf (with {dir} replaced by a fresh directory) and
// runs supervisord -n on it.
func startDaemon(t *testing.T, im impl, conf string, extraArgs ...string) *daemon {
	t.Helper()
	if im.supervisord != "" {
		reftest.Require(t)
	}
	dir := t.TempDir()
	conf = strings.ReplaceAll(conf, "{dir}", dir)
	path := filepath.Join(dir, "supervisord.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	d := &daemon{t: t, impl: im, dir: dir, conf: path, log: filepath.Join(dir, "supervisord.log"), done: make(chan struct{})}
	d.cmd = exec.Command(im.daemonPath(), append([]string{"-n", "-c", path}, extraArgs...)...)
	d.cmd.Dir = dir
	d.cmd.Stdout, d.cmd.Stderr = nil, nil
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			d.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-d.done:
			case <-time.After(30 * time.Second):
				d.cmd.Process.Kill()
				<-d.done
			}
		}
	})
	return d
}

// lines returns the main log's lines.
func (d *daemon) lines() []string {
	f, err := os.Open(d.log)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// waitFor waits until the main log holds a line containing want, counting
// occurrences: it returns once there are at least n.
func (d *daemon) waitFor(want string, n int) {
	d.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		count := 0
		for _, l := range d.lines() {
			if strings.Contains(l, want) {
				count++
			}
		}
		if count >= n {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: no %d× %q in the log:\n%s", d.impl.name, n, want, strings.Join(d.lines(), "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *daemon) signal(sig syscall.Signal) { d.cmd.Process.Signal(sig) }

// stop sends SIGTERM and waits for the daemon to exit.
func (d *daemon) stop() {
	d.t.Helper()
	d.signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(30 * time.Second):
		d.t.Fatalf("%s did not exit after SIGTERM", d.impl.name)
	}
}

var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} `), ""},
	{regexp.MustCompile(`pid \d+`), "pid N"},
	{regexp.MustCompile(`\((\d+)\) with SIGKILL`), "(N) with SIGKILL"},
	{regexp.MustCompile(`reaped unknown pid \d+`), "reaped unknown pid N"},
	{regexp.MustCompile(`---supervisor-[a-z0-9_]{8}\.log`), "---supervisor-XXXXXXXX.log"},
	{regexp.MustCompile(` at \d+`), " at ID"},
	{regexp.MustCompile(`fd \d+ closed`), "fd N closed"},
}

// masked returns the log lines with times, pids and random names masked,
// dropping lines that only one implementation can print (Python's
// interpreter warnings).
func masked(lines []string, dir string) []string {
	var out []string
	for _, l := range lines {
		for _, m := range masks {
			l = m.re.ReplaceAllString(l, m.with)
		}
		l = strings.ReplaceAll(l, dir, "{dir}")
		out = append(out, l)
	}
	return out
}

// compareLogs checks that two logs tell the same story: every line the
// same, and for every process, its lines in the same order. The global
// interleaving of different processes may differ, because the reference
// polls once a second and ours reacts at once.
func compareLogs(t *testing.T, ref, got *daemon, names []string) {
	t.Helper()
	r, g := masked(ref.lines(), ref.dir), masked(got.lines(), got.dir)
	sr, sg := append([]string(nil), r...), append([]string(nil), g...)
	sort.Strings(sr)
	sort.Strings(sg)
	if strings.Join(sr, "\n") != strings.Join(sg, "\n") {
		t.Errorf("the logs differ\n--- reference\n%s\n--- ours\n%s", strings.Join(r, "\n"), strings.Join(g, "\n"))
		return
	}
	for _, n := range names {
		fr, fg := filterName(r, n), filterName(g, n)
		if strings.Join(fr, "\n") != strings.Join(fg, "\n") {
			t.Errorf("lines about %s come in another order\n--- reference\n%s\n--- ours\n%s", n, strings.Join(fr, "\n"), strings.Join(fg, "\n"))
		}
	}
}

func filterName(lines []string, name string) []string {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
	var out []string
	for _, l := range lines {
		if re.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}
