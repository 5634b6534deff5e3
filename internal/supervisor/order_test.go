package supervisor

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

func indexOf(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}

// TestStartAndShutdownOrder: lower priority starts first and stops last,
// one group at a time.
func TestStartAndShutdownOrder(t *testing.T) {
	a := prog("a", "/bin/sleep 30")
	a.Priority = 10
	b := prog("b", "/bin/sleep 30")
	b.Priority = 20
	c := prog("c", "/bin/sleep 30")
	c.Priority = 5
	cfg := testConfig(t, a, b, c)
	for _, g := range cfg.Groups {
		g.Priority = g.Processes[0].Priority
	}
	l := newLines()
	log := newTestLogger(l)
	s := New(Options{Config: cfg, Log: log})
	done := make(chan Mood)
	go func() { done <- s.Run(nil) }()
	l.wait(t, "success: b entered RUNNING")
	l.wait(t, "success: a entered RUNNING")
	l.wait(t, "success: c entered RUNNING")
	s.Signal(syscall.SIGTERM)
	if m := <-done; m != MoodShutdown {
		t.Fatalf("mood %v", m)
	}
	log.Close()
	got := l.snapshot()
	order := func(prefixes ...string) {
		t.Helper()
		last := -1
		for _, p := range prefixes {
			i := indexOf(got, p)
			if i < 0 || i < last {
				t.Fatalf("order of %q wrong in:\n%s", prefixes, strings.Join(got, "\n"))
			}
			last = i
		}
	}
	order("INFO spawned: 'c'", "INFO spawned: 'a'", "INFO spawned: 'b'")
	order("WARN received SIGTERM indicating exit request", "INFO waiting for a, b, c to die",
		"WARN stopped: b (terminated by SIGTERM)", "WARN stopped: a (terminated by SIGTERM)", "WARN stopped: c (terminated by SIGTERM)")
}

// TestStopAsGroupKillsGrandchildren: with stopasgroup the signal goes to
// the whole process group, so a shell's children die too.
func TestStopAsGroupKillsGrandchildren(t *testing.T) {
	dir := t.TempDir()
	p := prog("tree", "/bin/sh -c 'sleep 60 & echo $! > "+dir+"/child.pid; wait'")
	p.StopAsGroup, p.KillAsGroup = true, true
	s, l := run(t, testConfig(t, p))
	l.wait(t, "success: tree entered RUNNING")
	data, err := os.ReadFile(dir + "/child.pid")
	if err != nil {
		t.Fatal(err)
	}
	grandchild, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	if _, _, err := s.StopProcess(bg, "tree", true); err != nil {
		t.Fatal(err)
	}
	// The grandchild was signalled with the group; it is not our child,
	// so wait until kill(pid, 0) stops finding it (it is reaped by init).
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(grandchild, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d survived a process-group stop", grandchild)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReopenOnSIGUSR2: logrotate moves the file away, SIGUSR2 makes the
// child log start a new file with the same name.
func TestReopenOnSIGUSR2(t *testing.T) {
	dir := t.TempDir()
	p := prog("talker", "/bin/sh -c 'while read line; do echo $line; done'")
	p.Stdout.Logfile = dir + "/talker.log"
	s, l := run(t, testConfig(t, p))
	l.wait(t, "success: talker entered RUNNING")
	if err := s.SendProcessStdin("talker", []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	l.wait(t, "'talker' stdout output:\none")
	os.Rename(p.Stdout.Logfile, p.Stdout.Logfile+".1")
	s.Signal(syscall.SIGUSR2)
	l.wait(t, "INFO supervisord logreopen")
	s.SendProcessStdin("talker", []byte("two\n"))
	l.wait(t, "'talker' stdout output:\ntwo")
	if b, _ := os.ReadFile(p.Stdout.Logfile + ".1"); string(b) != "one\n" {
		t.Fatalf("rotated file: %q", b)
	}
	if b, _ := os.ReadFile(p.Stdout.Logfile); string(b) != "two\n" {
		t.Fatalf("new file: %q", b)
	}
}

// TestListenerProtocol drives a listener written in sh through READY,
// an event, RESULT OK, and checks the envelope it received.
func TestListenerProtocol(t *testing.T) {
	dir := t.TempDir()
	script := `printf 'READY\n'; read header; echo "$header" > ` + dir + `/header; ` +
		`len=$(echo "$header" | sed 's/.*len://'); dd bs=1 count=$len of=` + dir + `/payload 2>/dev/null; ` +
		`printf 'RESULT 2\nOK'; printf 'READY\n'; sleep 30`
	lp := prog("listener", "/bin/sh -c '"+strings.ReplaceAll(script, "'", `'"'"'`)+"'")
	lp.Priority = 999
	cfg := testConfig(t, prog("worker", "/bin/sleep 30"))
	cfg.Groups = append(cfg.Groups, &config.GroupConfig{
		Name: "listener", Priority: -1, Kind: config.KindEventListener,
		Processes: []*config.ProcessConfig{lp}, Events: []string{"PROCESS_STATE_RUNNING"}, BufferSize: 10,
	})
	_, l := run(t, cfg)
	l.wait(t, "listener: event was processed")
	header, _ := os.ReadFile(dir + "/header")
	payload, _ := os.ReadFile(dir + "/payload")
	h := strings.TrimSpace(string(header))
	if !strings.HasPrefix(h, "ver:3.0 server:supervisor serial:") || !strings.Contains(h, " pool:listener poolserial:0 eventname:PROCESS_STATE_RUNNING len:") {
		t.Fatalf("header %q", h)
	}
	if !strings.HasPrefix(string(payload), "processname:") || !strings.Contains(string(payload), "from_state:STARTING pid:") {
		t.Fatalf("payload %q", payload)
	}
}
