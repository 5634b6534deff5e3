package process

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func cfg() *config.ProcessConfig {
	return &config.ProcessConfig{
		Name: "p", Autostart: true, Autorestart: config.RestartUnexpected,
		StartSecs: 1, StartRetries: 3, StopSignal: syscall.SIGTERM, StopWaitSecs: 10,
		ExitCodes: []int{0},
	}
}

func exitStatus(code int) syscall.WaitStatus { return syscall.WaitStatus(code << 8) }

// drive feeds events and answers DoSpawn with a pid, as the loop does.
func drive(t *testing.T, m *Machine, now time.Time, ev Event) []Effect {
	t.Helper()
	effs, err := m.Step(now, ev)
	if err != nil && !errors.Is(err, ErrNotRunning) {
		t.Fatalf("%s in %s: %v", ev.eventName(), m.State, err)
	}
	var all []Effect
	for _, e := range effs {
		all = append(all, e)
		if _, ok := e.(DoSpawn); ok {
			all = append(all, drive(t, m, now, Spawned{PID: 100})...)
		}
	}
	return all
}

func TestEveryCellIsDecided(t *testing.T) {
	evs := []Event{Start{}, Spawned{PID: 1}, SpawnFailed{Msg: "x"}, Reaped{}, Stop{}, Signal{Sig: syscall.SIGHUP},
		SignalFailed{Err: syscall.EPERM}, GiveUp{}, Tick{AutoStart: true}}
	for _, s := range AllStates {
		for _, ev := range evs {
			m := New(cfg())
			m.State = s
			m.PID = 0
			if s.IsSignallable() {
				m.PID = 42
			}
			_, err := m.Step(t0, ev)
			var ae *AssertionError
			if err != nil && !errors.As(err, &ae) && !errors.Is(err, ErrNotRunning) && ev.eventName() != "signal failed" {
				t.Errorf("%s × %s: unexpected error %v", s, ev.eventName(), err)
			}
			if ae != nil && ae.Error() == "" {
				t.Errorf("%s × %s: empty assertion", s, ev.eventName())
			}
		}
	}
}

func TestExitBeforeStartsecsIsBackoffEvenWithCodeZero(t *testing.T) {
	m := New(cfg())
	drive(t, m, t0, Tick{AutoStart: true})
	if m.State != Starting || m.PID != 100 {
		t.Fatalf("state %s pid %d", m.State, m.PID)
	}
	effs := drive(t, m, t0.Add(500*time.Millisecond), Reaped{Status: exitStatus(0)})
	if m.State != Backoff || m.Backoff != 1 {
		t.Fatalf("state %s backoff %d", m.State, m.Backoff)
	}
	if !hasLog(effs, config.LevelWarn, "exited: p (exit status 0; not expected)") {
		t.Fatalf("effects %+v", effs)
	}
}

func TestRetriesAndDelays(t *testing.T) {
	c := cfg()
	c.StartRetries = 2
	m := New(c)
	now := t0
	spawns := 0
	drive(t, m, now, Tick{AutoStart: true})
	spawns++
	for i := 1; m.State != Fatal; i++ {
		now = now.Add(100 * time.Millisecond)
		drive(t, m, now, Reaped{Status: exitStatus(1)})
		if m.State == Backoff && m.Backoff <= c.StartRetries {
			want := now.Add(time.Duration(m.Backoff) * time.Second)
			if d := m.Deadline(); !d.After(want) || d.Sub(want) > time.Millisecond {
				t.Fatalf("retry %d deadline %v, want just after %v", i, d, want)
			}
			// Nothing happens before the deadline...
			drive(t, m, want, Tick{AutoStart: true})
			if m.State != Backoff {
				t.Fatalf("spawned before the delay")
			}
			now = m.Deadline()
		}
		effs := drive(t, m, now, Tick{AutoStart: true})
		for _, e := range effs {
			if _, ok := e.(DoSpawn); ok {
				spawns++
			}
		}
	}
	if spawns != c.StartRetries+1 {
		t.Fatalf("spawns = %d, want %d", spawns, c.StartRetries+1)
	}
}

func TestStoppedAndFatalNeverRestart(t *testing.T) {
	for _, s := range []State{Stopped, Fatal} {
		m := New(cfg())
		m.State = s
		m.LastStart = t0 // has been started before
		if effs := drive(t, m, t0.Add(time.Hour), Tick{AutoStart: true}); len(effs) != 0 {
			t.Errorf("%s restarted: %+v", s, effs)
		}
	}
}

func TestAutorestartPolicies(t *testing.T) {
	for _, tc := range []struct {
		policy config.AutoRestart
		code   int
		start  bool
	}{
		{config.RestartUnexpected, 0, false},
		{config.RestartUnexpected, 2, true},
		{config.RestartAlways, 0, true},
		{config.RestartNever, 2, false},
	} {
		c := cfg()
		c.Autorestart = tc.policy
		m := New(c)
		drive(t, m, t0, Tick{AutoStart: true})
		drive(t, m, t0.Add(2*time.Second), Tick{AutoStart: true})
		if m.State != Running {
			t.Fatalf("not running: %s", m.State)
		}
		drive(t, m, t0.Add(3*time.Second), Reaped{Status: exitStatus(tc.code)})
		if m.State != Exited {
			t.Fatalf("state %s", m.State)
		}
		drive(t, m, t0.Add(3*time.Second), Tick{AutoStart: true})
		if got := m.State == Starting; got != tc.start {
			t.Errorf("policy %d code %d: restarted=%v", tc.policy, tc.code, got)
		}
		// While shutting down nothing restarts.
		m2 := New(c)
		drive(t, m2, t0, Tick{AutoStart: false})
		if m2.State != Stopped {
			t.Errorf("autostart during shutdown")
		}
	}
}

func TestStopDuringBackoffIsImmediate(t *testing.T) {
	m := New(cfg())
	drive(t, m, t0, Tick{AutoStart: true})
	drive(t, m, t0.Add(100*time.Millisecond), Reaped{Status: exitStatus(1)})
	effs := drive(t, m, t0.Add(200*time.Millisecond), Stop{})
	if m.State != Stopped || !hasLog(effs, config.LevelDebug, "Attempted to kill p, which is in BACKOFF state.") {
		t.Fatalf("state %s effects %+v", m.State, effs)
	}
}

func TestStopThenKillAfterStopwaitsecs(t *testing.T) {
	c := cfg()
	c.StopAsGroup, c.KillAsGroup = true, true
	m := New(c)
	drive(t, m, t0, Tick{AutoStart: true})
	effs := drive(t, m, t0.Add(2*time.Second), Stop{})
	k, ok := findKill(effs)
	if !ok || k.PID != -100 || k.Sig != syscall.SIGTERM || m.State != Stopping {
		t.Fatalf("effects %+v state %s", effs, m.State)
	}
	if d := m.Deadline(); !d.Equal(t0.Add(12 * time.Second)) {
		t.Fatalf("kill deadline %v", d)
	}
	effs = drive(t, m, t0.Add(12*time.Second), Tick{AutoStart: true})
	k, ok = findKill(effs)
	if !ok || k.Sig != syscall.SIGKILL || !hasLog(effs, config.LevelWarn, "killing 'p' (100) with SIGKILL") {
		t.Fatalf("effects %+v", effs)
	}
	effs = drive(t, m, t0.Add(12*time.Second), Reaped{Status: syscall.WaitStatus(syscall.SIGKILL)})
	if m.State != Stopped || m.ExitStatus != -1 || !hasLog(effs, config.LevelWarn, "stopped: p (terminated by SIGKILL)") {
		t.Fatalf("state %s effects %+v", m.State, effs)
	}
}

func TestDecodeWaitStatus(t *testing.T) {
	for _, tc := range []struct {
		ws   syscall.WaitStatus
		es   int
		text string
	}{
		{exitStatus(3), 3, "exit status 3"},
		{syscall.WaitStatus(syscall.SIGTERM), -1, "terminated by SIGTERM"},
		{syscall.WaitStatus(syscall.SIGSEGV) | 0x80, -1, "terminated by SIGSEGV (core dumped)"},
	} {
		es, text := DecodeWaitStatus(tc.ws)
		if es != tc.es || text != tc.text {
			t.Errorf("%#x: %d %q", uint32(tc.ws), es, text)
		}
	}
}

func hasLog(effs []Effect, level config.LogLevel, msg string) bool {
	for _, e := range effs {
		if l, ok := e.(Log); ok && l.Level == level && l.Msg == msg {
			return true
		}
	}
	return false
}

func findKill(effs []Effect) (Kill, bool) {
	for _, e := range effs {
		if k, ok := e.(Kill); ok {
			return k, true
		}
	}
	return Kill{}, false
}
