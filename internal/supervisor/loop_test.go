package supervisor

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/logging"
)

func TestSpawnRunExit(t *testing.T) {
	p := prog("quick", "/bin/sh -c 'exit 3'")
	p.StartSecs = 0
	p.Autorestart = config.RestartNever
	s, l := run(t, testConfig(t, p))
	l.wait(t, "INFO spawned: 'quick' with pid")
	l.wait(t, "WARN exited: quick (exit status 3; not expected)")
	info, err := s.ProcessInfo("quick")
	if err != nil {
		t.Fatal(err)
	}
	if info.StateName != "EXITED" || info.ExitStatus != 3 || info.SpawnErr != "Bad exit code 3" {
		t.Fatalf("info = %+v", info)
	}
}

func TestBackoffThenFatal(t *testing.T) {
	p := prog("crash", "/bin/sh -c 'exit 0'")
	p.StartRetries = 2
	s, l := run(t, testConfig(t, p))
	l.wait(t, "INFO gave up: crash entered FATAL state, too many start retries too quickly")
	var spawned, exited int
	for _, line := range l.snapshot() {
		if strings.HasPrefix(line, "INFO spawned: 'crash'") {
			spawned++
		}
		if line == "WARN exited: crash (exit status 0; not expected)" {
			exited++
		}
	}
	if spawned != 3 || exited != 3 {
		t.Fatalf("spawned %d, exited %d; want 3 each:\n%s", spawned, exited, strings.Join(l.snapshot(), "\n"))
	}
	info, _ := s.ProcessInfo("crash")
	if info.StateName != "FATAL" || info.SpawnErr != "Exited too quickly (process log may have details)" {
		t.Fatalf("info = %+v", info)
	}
}

func TestStartsecsThenStopEscalatesToKill(t *testing.T) {
	p := prog("stubborn", "/bin/sh -c 'trap \"\" TERM; while :; do sleep 0.1; done'")
	p.StopWaitSecs = 1
	p.StopAsGroup, p.KillAsGroup = true, true
	s, l := run(t, testConfig(t, p))
	l.wait(t, "INFO success: stubborn entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)")
	_, _, err := s.StopProcess(bg, "stubborn", true)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"DEBG killing stubborn (pid",
		"INFO waiting for stubborn to stop",
		"WARN killing 'stubborn' (",
		"WARN stopped: stubborn (terminated by SIGKILL)",
	}
	for _, w := range want {
		l.wait(t, w)
	}
	info, _ := s.ProcessInfo("stubborn")
	if info.StateName != "STOPPED" || info.ExitStatus != -1 {
		t.Fatalf("info = %+v", info)
	}
}

func TestSpawnErrorNoSuchCommand(t *testing.T) {
	p := prog("missing", "/nonexistent/cmd arg")
	p.StartRetries = 0
	_, l := run(t, testConfig(t, p))
	l.wait(t, "INFO spawnerr: can't find command '/nonexistent/cmd'")
	l.wait(t, "INFO gave up: missing entered FATAL state, too many start retries too quickly")
}

func TestChildSideChdirFailure(t *testing.T) {
	p := prog("nodir", "/bin/true")
	p.Directory = "/nonexistent-dir"
	p.StartRetries = 0
	p.Stderr.Logfile = t.TempDir() + "/err.log"
	_, l := run(t, testConfig(t, p))
	l.wait(t, "WARN exited: nodir (exit status 127; not expected)")
	data, _ := os.ReadFile(p.Stderr.Logfile)
	want := "supervisor: couldn't chdir to /nonexistent-dir: ENOENT\nsupervisor: child process was not spawned\n"
	if string(data) != want {
		t.Fatalf("stderr log = %q, want %q", data, want)
	}
}

func TestAutorestartRespawns(t *testing.T) {
	p := prog("again", "/bin/sh -c 'sleep 1.2; exit 1'")
	p.Autorestart = config.RestartAlways
	_, l := run(t, testConfig(t, p))
	l.wait(t, "WARN exited: again (exit status 1; not expected)")
	lines := l.snapshot()
	n := 0
	for _, line := range lines {
		if strings.HasPrefix(line, "INFO spawned: 'again'") {
			n++
		}
	}
	l.wait(t, "INFO success: again entered RUNNING")
	for n < 2 {
		l.wait(t, "INFO spawned: 'again'")
		n = 0
		for _, line := range l.snapshot() {
			if strings.HasPrefix(line, "INFO spawned: 'again'") {
				n++
			}
		}
	}
}

// TestChildInheritsOnlyStdio checks the classic supervisor leak: a child
// must see fds 0, 1 and 2 and nothing else of the daemon's.
func TestChildInheritsOnlyStdio(t *testing.T) {
	dir := t.TempDir()
	p := prog("fds", "/bin/sh -c 'exec ls /proc/self/fd'")
	p.StartSecs = 0
	p.Autorestart = config.RestartNever
	p.Stdout.Logfile = dir + "/out.log"
	_, l := run(t, testConfig(t, p))
	l.wait(t, "exited: fds (exit status 0; expected)")
	data, _ := os.ReadFile(p.Stdout.Logfile)
	// ls itself opens one descriptor to read the directory.
	fields := strings.Fields(string(data))
	if len(fields) != 4 || fields[0] != "0" || fields[1] != "1" || fields[2] != "2" {
		t.Fatalf("child fds: %q", data)
	}
}

// TestEnvironment checks the variables Supervisor adds and that the
// program's own environment wins.
func TestEnvironment(t *testing.T) {
	dir := t.TempDir()
	p := prog("env", "/usr/bin/env")
	p.StartSecs = 0
	p.Autorestart = config.RestartNever
	p.Stdout.Logfile = dir + "/out.log"
	p.Environment = map[string]string{"FOO": "bar baz", "SUPERVISOR_GROUP_NAME": "overridden"}
	_, l := run(t, testConfig(t, p))
	l.wait(t, "exited: env (exit status 0; expected)")
	data, _ := os.ReadFile(p.Stdout.Logfile)
	for _, want := range []string{"SUPERVISOR_ENABLED=1\n", "SUPERVISOR_PROCESS_NAME=env\n", "SUPERVISOR_GROUP_NAME=overridden\n", "FOO=bar baz\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("missing %q in:\n%s", want, data)
		}
	}
}

// TestFullDiskLosesNothing fills a small tmpfs, lets a child write more
// than fits, checks the failure is logged once and another child keeps
// running and logging, then frees space and checks every byte arrives.
func TestFullDiskLosesNothing(t *testing.T) {
	// At debug level output is read (and echoed); at info level it is
	// spliced from the pipe to the file: both must hold out.
	for _, level := range []config.LogLevel{config.LevelDebug, config.LevelInfo} {
		t.Run(logging.LevelName(level), func(t *testing.T) { fullDisk(t, level) })
	}
}

func fullDisk(t *testing.T, level config.LogLevel) {
	if os.Getuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	filler := mnt + "/filler"
	if err := os.WriteFile(filler, make([]byte, 900<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	const total = 300 << 10
	writer := prog("writer", "/bin/sh -c 'head -c 307200 /dev/zero | tr \"\\000\" x; sleep 60'")
	writer.Stdout.Logfile = mnt + "/writer.log"
	other := prog("other", "/bin/sh -c 'while :; do echo alive; sleep 0.05; done'")
	other.Stdout.Logfile = t.TempDir() + "/other.log"
	cfg := testConfig(t, writer, other)
	cfg.Supervisord.LogLevel = level
	_, l := run(t, cfg)
	l.wait(t, "ERRO cannot write writer stdout log")
	// The other child is not held up: its log keeps growing.
	before := fileSize(other.Stdout.Logfile)
	for deadline := time.Now().Add(10 * time.Second); fileSize(other.Stdout.Logfile) <= before; {
		if time.Now().After(deadline) {
			t.Fatal("another child's logging stopped while the disk was full")
		}
		time.Sleep(20 * time.Millisecond)
	}
	os.Remove(filler)
	l.wait(t, "INFO writer stdout log "+writer.Stdout.Logfile+" is writable again")
	for deadline := time.Now().Add(20 * time.Second); fileSize(writer.Stdout.Logfile) < total; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d bytes reached the log", fileSize(writer.Stdout.Logfile), total)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := fileSize(writer.Stdout.Logfile); n != total {
		t.Fatalf("log holds %d bytes, want %d", n, total)
	}
	count := 0
	for _, line := range l.snapshot() {
		if strings.HasPrefix(line, "ERRO cannot write writer stdout log") {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("the write error was logged %d times, want once", count)
	}
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// TestReadsSeeCompletedChanges: once startProcess/stopProcess with wait
// has returned, getProcessInfo (answered from published state) must show
// the new state, every time.
func TestReadsSeeCompletedChanges(t *testing.T) {
	p := prog("flip", "/bin/sleep 60")
	p.StartSecs = 0
	p.Autostart = false
	s, _ := run(t, testConfig(t, p))
	for i := 0; i < 30; i++ {
		if _, _, err := s.StartProcess(bg, "flip", true); err != nil {
			t.Fatal(err)
		}
		if info, _ := s.ProcessInfo("flip"); info.StateName != "RUNNING" {
			t.Fatalf("round %d: after a completed start, state %s", i, info.StateName)
		}
		if _, _, err := s.StopProcess(bg, "flip", true); err != nil {
			t.Fatal(err)
		}
		if info, _ := s.ProcessInfo("flip"); info.StateName != "STOPPED" {
			t.Fatalf("round %d: after a completed stop, state %s", i, info.StateName)
		}
	}
}
