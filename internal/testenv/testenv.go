// Package testenv runs the real binaries for end-to-end tests and
// benchmarks: it builds ours once, finds the reference (Debian's Python
// Supervisor) and starts either supervisord on a config in a fresh
// directory. It owns the processes it starts and nothing else; it is used
// only from tests.
package testenv

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
)

// Impl is one implementation under test.
type Impl struct {
	Name          string
	Supervisord   string
	Supervisorctl string
}

// Reference is Debian's Python Supervisor.
var Reference = Impl{"reference", reftest.Supervisord, reftest.Supervisorctl}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// Ours returns our implementation, building the binaries on first use.
func Ours(t testing.TB) Impl {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "gosupervisor-bin")
		if buildErr != nil {
			return
		}
		root, err := RepoRoot()
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", binDir+"/", "./cmd/supervisord", "./cmd/supervisorctl")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return Impl{"ours", filepath.Join(binDir, "supervisord"), filepath.Join(binDir, "supervisorctl")}
}

// RepoRoot is the directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Daemon is one running supervisord.
type Daemon struct {
	t    testing.TB
	Impl Impl
	Dir  string // the config's directory; {dir} in the config
	Conf string // the config file
	Log  string // the main log
	Cmd  *exec.Cmd
	done chan struct{}
}

// Start writes conf, with {dir} replaced by a fresh directory, and runs
// supervisord -n on it. The daemon is stopped when the test ends.
func Start(t testing.TB, im Impl, conf string, extraArgs ...string) *Daemon {
	t.Helper()
	return StartIn(t, im, t.TempDir(), conf, extraArgs...)
}

// StartIn is Start in a directory the caller prepared (e.g. one an
// unprivileged user can write to).
func StartIn(t testing.TB, im Impl, dir, conf string, extraArgs ...string) *Daemon {
	t.Helper()
	if im.Name == Reference.Name {
		reftest.Require(t)
	}
	conf = strings.ReplaceAll(conf, "{dir}", dir)
	path := filepath.Join(dir, "supervisord.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	d := &Daemon{t: t, Impl: im, Dir: dir, Conf: path, Log: filepath.Join(dir, "supervisord.log"), done: make(chan struct{})}
	d.Cmd = exec.Command(im.Supervisord, append([]string{"-n", "-c", path}, extraArgs...)...)
	d.Cmd.Dir = dir
	if err := d.Cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.Cmd.Wait(); close(d.done) }()
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			d.Cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-d.done:
			case <-time.After(60 * time.Second):
				d.Cmd.Process.Kill()
				<-d.done
			}
		}
	})
	return d
}

// PID is the daemon's pid.
func (d *Daemon) PID() int { return d.Cmd.Process.Pid }

// Lines returns the main log's lines.
func (d *Daemon) Lines() []string {
	f, err := os.Open(d.Log)
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

// Count returns how many log lines contain s.
func (d *Daemon) Count(s string) int {
	n := 0
	for _, l := range d.Lines() {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

// WaitFor waits until at least n log lines contain want, failing the test
// after timeout. It polls the file: the log is another process's output.
func (d *Daemon) WaitFor(want string, n int, timeout time.Duration) {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	for d.Count(want) < n {
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: no %d× %q in the log:\n%s", d.Impl.Name, n, want, strings.Join(d.Lines(), "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Signal sends sig to the daemon.
func (d *Daemon) Signal(sig syscall.Signal) { d.Cmd.Process.Signal(sig) }

// Stop sends SIGTERM and waits for the daemon to exit.
func (d *Daemon) Stop() {
	d.t.Helper()
	d.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(60 * time.Second):
		d.t.Fatalf("%s did not exit after SIGTERM", d.Impl.Name)
	}
}

// Done is closed when the daemon has exited.
func (d *Daemon) Done() <-chan struct{} { return d.done }

// Ctl runs the implementation's supervisorctl with the daemon's config.
func (d *Daemon) Ctl(ctl Impl, args ...string) (string, int) {
	cmd := exec.Command(ctl.Supervisorctl, append([]string{"-c", d.Conf}, args...)...)
	cmd.Dir = d.Dir
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		d.t.Fatal(err)
	}
	return string(out), code
}

// LogTime parses the timestamp at the start of a main-log line.
func LogTime(line string) (time.Time, bool) {
	if len(line) < 23 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05,000", line[:23], time.Local)
	return t, err == nil
}
