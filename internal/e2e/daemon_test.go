package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/testenv"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

const withSocket = `
[unix_http_server]
file={dir}/supervisor.sock
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
[program:app]
command=/bin/sleep 60
`

// TestSecondDaemonRefusesAndTouchesNothing: a second supervisord on the
// same socket exits 2 with Supervisor's message and leaves the running
// daemon's AUTO logs, socket and pid file alone (Supervisor would delete
// the AUTO logs before noticing).
func TestSecondDaemonRefusesAndTouchesNothing(t *testing.T) {
	t.Parallel()
	first := testenv.Start(t, testenv.Ours(t), withSocket)
	first.WaitFor("success: app entered RUNNING state", 1, 30*time.Second)
	autoLogs, _ := filepath.Glob(filepath.Join(first.Dir, "app-std*---supervisor-*.log"))
	if len(autoLogs) != 2 {
		t.Fatalf("AUTO logs: %v", autoLogs)
	}
	cmd := exec.Command(testenv.Ours(t).Supervisord, "-n", "-c", first.Conf)
	cmd.Dir = first.Dir
	out, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("second daemon: %v\n%s", err, out)
	}
	want := "Error: Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.\n"
	if !strings.HasPrefix(string(out), want) {
		t.Fatalf("second daemon said:\n%s", out)
	}
	for _, f := range append(autoLogs, filepath.Join(first.Dir, "supervisor.sock"), filepath.Join(first.Dir, "supervisord.pid")) {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("the second daemon removed %s", f)
		}
	}
	c, err := xmlrpc.NewClient("unix://"+filepath.Join(first.Dir, "supervisor.sock"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Call(context.Background(), "supervisor.getProcessInfo", "app")
	if err != nil || !strings.Contains(fmt.Sprint(info), "RUNNING") {
		t.Fatalf("first daemon after the attempt: %v %v", info, err)
	}
}

// TestReloadWithInvalidConfigKeepsRunning: SIGHUP with a broken config is
// reported and changes nothing (Supervisor would stop everything and exit).
func TestReloadWithInvalidConfigKeepsRunning(t *testing.T) {
	t.Parallel()
	d := testenv.Start(t, testenv.Ours(t), withSocket)
	d.WaitFor("success: app entered RUNNING state", 1, 30*time.Second)
	good, _ := os.ReadFile(d.Conf)
	os.WriteFile(d.Conf, append(good, []byte("[program:broken]\nautostart=perhaps\ncommand=/bin/true\n")...), 0o644)
	d.Signal(syscall.SIGHUP)
	d.WaitFor("restart refused, the configuration is invalid", 1, 30*time.Second)
	if n := d.Count("stopped: app"); n != 0 {
		t.Fatalf("app was stopped by a refused reload:\n%s", strings.Join(d.Lines(), "\n"))
	}
	if line := d.Lines()[len(d.Lines())-1]; !strings.Contains(line, "not a valid boolean value: 'perhaps'") {
		t.Fatalf("the error does not say why: %s", line)
	}
	// Fixed again, the next SIGHUP restarts normally.
	os.WriteFile(d.Conf, good, 0o644)
	d.Signal(syscall.SIGHUP)
	d.WaitFor("success: app entered RUNNING state", 2, 30*time.Second)
}

// TestStaleSocketIsReplaced: a socket file nobody listens on is removed
// with Supervisor's message and the daemon starts.
func TestStaleSocketIsReplaced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sock := filepath.Join(dir, "supervisor.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close() // the file stays, nothing listens: stale
	conf := strings.ReplaceAll(withSocket, "{dir}", dir)
	path := filepath.Join(dir, "supervisord.conf")
	os.WriteFile(path, []byte(conf), 0o644)
	cmd := exec.Command(testenv.Ours(t).Supervisord, "-c", path) // daemonizes
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	pid, _ := os.ReadFile(filepath.Join(dir, "supervisord.pid"))
	t.Cleanup(func() {
		if n, err := parsePid(pid); err == nil {
			syscall.Kill(n, syscall.SIGTERM)
		}
	})
	if want := "Unlinking stale socket " + sock + "\n"; string(out) != want {
		t.Fatalf("stderr %q, want %q", out, want)
	}
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatalf("the daemon does not answer on the socket: %v", err)
	}
	c.Close()
}

func parsePid(b []byte) (int, error) {
	var n int
	for _, c := range strings.TrimSpace(string(b)) {
		if c < '0' || c > '9' {
			return 0, os.ErrInvalid
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// publicDir is a directory outside the test's private temp tree that an
// unprivileged user can write to.
func publicDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "gosup-public")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// TestDropPrivilegesLikeReference: user= in [supervisord] drops to that
// user, with the same log lines as the reference, and children run as it.
func TestDropPrivilegesLikeReference(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to drop privileges")
	}
	t.Parallel()
	conf := `
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
user=nobody
[program:whoami]
command=/bin/sh -c 'id -u > {dir}/uid; exec sleep 60'
`
	for _, im := range []testenv.Impl{testenv.Reference, testenv.Ours(t)} {
		d := testenv.StartIn(t, im, publicDir(t), conf)
		d.WaitFor("success: whoami entered RUNNING state", 1, 30*time.Second)
		uid, _ := os.ReadFile(filepath.Join(d.Dir, "uid"))
		if strings.TrimSpace(string(uid)) != "65534" {
			t.Errorf("%s: child runs as uid %q", im.Name, uid)
		}
		d.Stop()
		got := masked(d.Lines(), d.Dir)
		want := []string{"INFO Set uid to user 65534 succeeded", "INFO supervisord started with pid N", "INFO spawned: 'whoami' with pid N"}
		if strings.Join(got[:3], "\n") != strings.Join(want, "\n") {
			t.Errorf("%s log:\n%s", im.Name, strings.Join(got, "\n"))
		}
	}
}
