package daemon

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

// The test binary doubles as a supervisord: with GOSUP_TEST_CONFIG set it
// runs the daemon on that (JSON-encoded) config instead of the tests, so
// tests can treat it as a separate process (kill it, watch it daemonize).
func TestMain(m *testing.M) {
	if path := os.Getenv("GOSUP_TEST_CONFIG"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		var cfg config.Config
		if err := json.Unmarshal(data, &cfg); err != nil {
			panic(err)
		}
		os.Exit(Run(Options{Argv0: "supervisord", Config: &cfg, Stdout: os.Stdout, Stderr: os.Stderr}))
	}
	os.Exit(m.Run())
}

func program(name, command string) *config.ProcessConfig {
	return &config.ProcessConfig{
		Name: name, ProgramName: name, Group: name, Command: command, Priority: 999,
		Autostart: true, Autorestart: config.RestartUnexpected, StartSecs: 1, StartRetries: 3,
		StopSignal: syscall.SIGTERM, StopWaitSecs: 10, ExitCodes: []int{0},
		Environment: map[string]string{},
	}
}

func baseConfig(t *testing.T, procs ...*config.ProcessConfig) (*config.Config, string) {
	dir := t.TempDir()
	cfg := &config.Config{Path: dir + "/supervisord.conf", Here: dir}
	cfg.Supervisord = config.Supervisord{
		Logfile: dir + "/supervisord.log", LogfileMaxBytes: 50 << 20, LogfileBackups: 10,
		LogLevel: config.LevelInfo, Pidfile: dir + "/supervisord.pid", Umask: 0o22,
		Nodaemon: true, Minfds: 1024, Minprocs: 200, Childlogdir: dir, Identifier: "supervisor",
	}
	for _, p := range procs {
		cfg.Groups = append(cfg.Groups, &config.GroupConfig{Name: p.Name, Priority: 999, Processes: []*config.ProcessConfig{p}})
	}
	return cfg, dir
}

// start runs the test binary as a daemon on cfg.
func start(t *testing.T, cfg *config.Config, env ...string) *exec.Cmd {
	t.Helper()
	data, _ := json.Marshal(cfg)
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, data, 0o644)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), "GOSUP_TEST_CONFIG="+path), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	return cmd
}

// waitForLine follows a log file until a line contains want.
func waitForLine(t *testing.T, path, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if f, err := os.Open(path); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if strings.Contains(sc.Text(), want) {
					f.Close()
					return sc.Text()
				}
			}
			f.Close()
		}
		time.Sleep(20 * time.Millisecond)
	}
	data, _ := os.ReadFile(path)
	t.Fatalf("no %q in %s:\n%s", want, path, data)
	return ""
}

// TestChildrenDieWithTheDaemon: SIGKILL the daemon; its children must not
// run on unsupervised (they get SIGKILL as their parent-death signal).
func TestChildrenDieWithTheDaemon(t *testing.T) {
	cfg, dir := baseConfig(t, program("orphan", ""))
	cfg.Groups[0].Processes[0].Command = "/bin/sh -c 'echo $$ > " + dir + "/child.pid; exec sleep 60'"
	cmd := start(t, cfg)
	waitForLine(t, cfg.Supervisord.Logfile, "success: orphan entered RUNNING")
	data, _ := os.ReadFile(dir + "/child.pid")
	child, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if child == 0 || syscall.Kill(child, 0) != nil {
		t.Fatalf("child pid %q not running", data)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		// The child was reparented; a zombie no longer counts.
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(child) + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d still running after the daemon was killed", child)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSystemdNotify: with NOTIFY_SOCKET set the daemon reports READY=1
// with its MAINPID once started, and STOPPING=1 on SIGTERM.
func TestSystemdNotify(t *testing.T) {
	cfg, dir := baseConfig(t, program("napper", "/bin/sleep 60"))
	sockPath := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cmd := start(t, cfg, "NOTIFY_SOCKET="+sockPath)
	read := func() string {
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		buf := make([]byte, 4096)
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("no notification: %v", err)
		}
		return string(buf[:n])
	}
	if got, want := read(), "READY=1\nMAINPID="+strconv.Itoa(cmd.Process.Pid); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if pid, _ := os.ReadFile(cfg.Supervisord.Pidfile); strings.TrimSpace(string(pid)) != strconv.Itoa(cmd.Process.Pid) {
		t.Fatalf("pidfile %q", pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if got := read(); got != "STOPPING=1" {
		t.Fatalf("got %q", got)
	}
	cmd.Wait()
	if _, err := os.Stat(cfg.Supervisord.Pidfile); !os.IsNotExist(err) {
		t.Fatalf("pidfile left behind: %v", err)
	}
}

// TestDaemonizeWaitsUntilReady: without nodaemon the command returns only
// once the daemon runs and has written its pid file.
func TestDaemonizeWaitsUntilReady(t *testing.T) {
	cfg, _ := baseConfig(t, program("napper", "/bin/sleep 60"))
	cfg.Supervisord.Nodaemon = false
	data, _ := json.Marshal(cfg)
	path := filepath.Join(t.TempDir(), "config.json")
	os.WriteFile(path, data, 0o644)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "GOSUP_TEST_CONFIG="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	pidData, err := os.ReadFile(cfg.Supervisord.Pidfile)
	if err != nil {
		t.Fatalf("pid file not written when the parent exited: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(pidData)))
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGTERM) })
	if pid == cmd.Process.Pid || syscall.Kill(pid, 0) != nil {
		t.Fatalf("daemon pid %d not running", pid)
	}
	waitForLine(t, cfg.Supervisord.Logfile, "daemonizing the supervisord process")
	waitForLine(t, cfg.Supervisord.Logfile, "spawned: 'napper'")
}
