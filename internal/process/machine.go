package process

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/signames"
)

// Event is an input to Step.
type Event interface{ eventName() string }

// Start asks for a spawn (Subprocess.spawn): an explicit start or one the
// machine itself decided on during Tick.
type Start struct{}

// Spawned reports that the fork succeeded and the child has this pid.
type Spawned struct{ PID int }

// SpawnFailed reports a pre-fork failure with Supervisor's message
// ("can't find command 'x'").
type SpawnFailed struct{ Msg string }

// Reaped reports the child's wait status (Subprocess.finish).
type Reaped struct{ Status syscall.WaitStatus }

// Stop is an administrative stop: stopsignal now, SIGKILL after
// stopwaitsecs.
type Stop struct{}

// Signal sends a signal without intending to kill (signalProcess).
type Signal struct{ Sig syscall.Signal }

// SignalFailed reports that the Kill effect's kill(2) failed.
type SignalFailed struct {
	Err  error
	Kill bool // the failed signal was a Kill effect from Stop/Tick, not Signal
}

// GiveUp moves a BACKOFF process to FATAL (shutdown's stop_all).
type GiveUp struct{}

// Tick is Subprocess.transition: start what should start, promote STARTING
// to RUNNING after startsecs, retry or give up BACKOFF, escalate a slow
// stop to SIGKILL. AutoStart is false while supervisord is shutting down
// or restarting, when nothing may start.
type Tick struct{ AutoStart bool }

func (Start) eventName() string        { return "start" }
func (Spawned) eventName() string      { return "spawned" }
func (SpawnFailed) eventName() string  { return "spawn failed" }
func (Reaped) eventName() string       { return "reaped" }
func (Stop) eventName() string         { return "stop" }
func (Signal) eventName() string       { return "signal" }
func (SignalFailed) eventName() string { return "signal failed" }
func (GiveUp) eventName() string       { return "give up" }
func (Tick) eventName() string         { return "tick" }

// Effect is an output of Step, to be carried out in order.
type Effect interface{ effect() }

// Log asks for a main-log line.
type Log struct {
	Level config.LogLevel
	Msg   string
}

// DoSpawn asks the caller to fork/exec the process now and to feed back
// Spawned or SpawnFailed.
type DoSpawn struct{}

// Kill asks for kill(PID, Sig); PID is negative for the process group.
// A failure other than ESRCH must be fed back as SignalFailed.
type Kill struct {
	PID  int
	Sig  syscall.Signal
	Stop bool // part of a stop (kill), as opposed to a plain signal
}

// Changed reports a state change, with the values a PROCESS_STATE event
// carries, captured at the moment of the change.
type Changed struct {
	From, To State
	Expected bool
	PID      int
	Tries    int
}

// Cleanup asks the caller to close the dead child's pipes and forget its
// pid (the tail of Subprocess.finish).
type Cleanup struct{}

func (Log) effect()     {}
func (DoSpawn) effect() {}
func (Kill) effect()    {}
func (Changed) effect() {}
func (Cleanup) effect() {}

// ErrNotRunning is returned (wrapped, with Supervisor's message) by Stop and
// Signal for a process that has no pid; the RPC layer reports it as FAILED.
var ErrNotRunning = errors.New("process not running")

// AssertionError is Supervisor's "Assertion failed for x: A not in B C":
// an event arrived in a state where it has no meaning.
type AssertionError struct {
	Name    string
	State   State
	Allowed []State
}

func (e *AssertionError) Error() string {
	names := make([]string, len(e.Allowed))
	for i, s := range e.Allowed {
		names[i] = s.String()
	}
	return fmt.Sprintf("Assertion failed for %s: %s not in %s", e.Name, e.State, strings.Join(names, " "))
}

// Machine is the state of one process. The zero value is not usable; use
// New. Only its owner (the supervisor loop) may touch it.
type Machine struct {
	Name   string // process name, for messages
	Config *config.ProcessConfig

	State      State
	PID        int
	LastStart  time.Time // zero: never started
	LastStop   time.Time // zero: never stopped
	ExitStatus int       // Python's exitstatus, 0 when None
	HasExit    bool      // exitstatus is not None
	SpawnErr   string    // "" when None
	Backoff    int
	Killing    bool

	delay          time.Time // next retry (BACKOFF) or SIGKILL (STOPPING)
	lastStopReport time.Time
}

// New returns a STOPPED, never-started machine.
func New(cfg *config.ProcessConfig) *Machine {
	return &Machine{Name: cfg.Name, Config: cfg, State: Stopped}
}

type handler func(m *Machine, now time.Time, ev Event, out *[]Effect) error

// table is the complete state × event table. A missing cell is an event
// with no meaning in that state; Step reports it as Supervisor's
// AssertionError names it. Tick, Stop and Signal are meaningful everywhere
// (they decide by state), so they are listed for every state.
var table = map[State]map[string]handler{}

func init() {
	every := func(ev Event, h handler) {
		for _, s := range AllStates {
			if table[s] == nil {
				table[s] = map[string]handler{}
			}
			table[s][ev.eventName()] = h
		}
	}
	only := func(ev Event, h handler, states ...State) {
		for _, s := range states {
			table[s][ev.eventName()] = h
		}
	}
	every(Tick{}, (*Machine).tick)
	every(Stop{}, (*Machine).stop)
	every(Signal{}, (*Machine).signal)
	every(SignalFailed{}, (*Machine).signalFailed)
	// Exits are accepted in every state with a pid; finish() itself
	// asserts the state each branch expects, as Supervisor does.
	every(Reaped{}, (*Machine).finish)
	only(Start{}, (*Machine).spawn, Exited, Fatal, Backoff, Stopped)
	only(Spawned{}, (*Machine).spawned, Starting)
	only(SpawnFailed{}, (*Machine).spawnFailed, Starting)
	only(GiveUp{}, (*Machine).giveUp, Backoff)
}

// cellAllowed lists the states that accept ev, for assertion messages.
func cellAllowed(ev Event) []State {
	var out []State
	for _, s := range []State{Exited, Fatal, Backoff, Stopped, Starting, Running, Stopping, Unknown} {
		if _, ok := table[s][ev.eventName()]; ok {
			out = append(out, s)
		}
	}
	return out
}

// Step applies one event at time now and returns the effects to carry out,
// in order. An error is either an *AssertionError (the event is invalid in
// this state; nothing changed) or a message Supervisor returns to the
// caller (a stop or signal of a process without a pid; wraps
// ErrNotRunning).
func (m *Machine) Step(now time.Time, ev Event) ([]Effect, error) {
	h, ok := table[m.State][ev.eventName()]
	if !ok {
		// Start on a process with a pid warns instead of asserting,
		// exactly as spawn() checks the pid first.
		if _, isStart := ev.(Start); isStart && m.PID != 0 {
			return []Effect{Log{config.LevelWarn, fmt.Sprintf("process '%s' already running", m.Name)}}, nil
		}
		return nil, &AssertionError{Name: m.Name, State: m.State, Allowed: cellAllowed(ev)}
	}
	var out []Effect
	err := h(m, now, ev, &out)
	return out, err
}

// Deadline is the next time Tick must run for this process, or the zero
// time when nothing is pending. The caller wakes up then; nothing polls.
func (m *Machine) Deadline() time.Time {
	switch m.State {
	case Starting:
		// RUNNING once now - laststart > startsecs: strictly after.
		return m.LastStart.Add(time.Duration(m.Config.StartSecs)*time.Second + time.Microsecond)
	case Backoff:
		if m.Backoff > m.Config.StartRetries {
			return m.delay // already due: gives up at the next Tick
		}
		return m.delay.Add(time.Microsecond)
	case Stopping:
		if m.Killing {
			return m.delay
		}
	}
	return time.Time{}
}

func (m *Machine) changeState(to State, expected bool, out *[]Effect, now time.Time) {
	from := m.State
	if to == from {
		return
	}
	m.State = to
	if to == Backoff {
		m.Backoff++
		m.delay = now.Add(time.Duration(m.Backoff) * time.Second)
	}
	*out = append(*out, Changed{From: from, To: to, Expected: expected, PID: m.PID, Tries: m.Backoff})
}

func (m *Machine) assertIn(states ...State) error {
	for _, s := range states {
		if m.State == s {
			return nil
		}
	}
	return &AssertionError{Name: m.Name, State: m.State, Allowed: states}
}

func logf(out *[]Effect, level config.LogLevel, format string, args ...any) {
	*out = append(*out, Log{level, fmt.Sprintf(format, args...)})
}

// spawn is the state half of Subprocess.spawn; the caller does the fork
// and feeds back Spawned or SpawnFailed.
func (m *Machine) spawn(now time.Time, _ Event, out *[]Effect) error {
	if m.PID != 0 {
		logf(out, config.LevelWarn, "process '%s' already running", m.Name)
		return nil
	}
	m.Killing = false
	m.SpawnErr = ""
	m.HasExit, m.ExitStatus = false, 0
	m.LastStart = now
	m.changeState(Starting, true, out, now)
	*out = append(*out, DoSpawn{})
	return nil
}

func (m *Machine) spawned(now time.Time, ev Event, out *[]Effect) error {
	m.PID = ev.(Spawned).PID
	logf(out, config.LevelInfo, "spawned: '%s' with pid %d", m.Name, m.PID)
	m.SpawnErr = ""
	m.delay = now.Add(time.Duration(m.Config.StartSecs) * time.Second)
	return nil
}

func (m *Machine) spawnFailed(now time.Time, ev Event, out *[]Effect) error {
	m.SpawnErr = ev.(SpawnFailed).Msg
	logf(out, config.LevelInfo, "spawnerr: %s", m.SpawnErr)
	m.changeState(Backoff, true, out, now)
	return nil
}

// finish is Subprocess.finish.
func (m *Machine) finish(now time.Time, ev Event, out *[]Effect) error {
	if m.PID == 0 {
		return &AssertionError{Name: m.Name, State: m.State, Allowed: []State{Starting, Running, Stopping, Unknown}}
	}
	es, msg := DecodeWaitStatus(ev.(Reaped).Status)
	m.LastStop = now
	tooQuickly := false
	if now.After(m.LastStart) {
		tooQuickly = now.Sub(m.LastStart) < time.Duration(m.Config.StartSecs)*time.Second
	} else {
		logf(out, config.LevelWarn, "process '%s' (%d) laststart time is in the future, don't know how long process was running so assuming it did not exit too quickly", m.Name, m.PID)
	}
	expected := false
	for _, c := range m.Config.ExitCodes {
		if c == es {
			expected = true
		}
	}
	var err error
	switch {
	case m.Killing:
		m.Killing = false
		m.delay = time.Time{}
		m.HasExit, m.ExitStatus = true, es
		if err = m.assertIn(Stopping); err == nil {
			m.changeState(Stopped, true, out, now)
		}
		level := config.LevelWarn
		if expected {
			level = config.LevelInfo
		}
		logf(out, level, "stopped: %s (%s)", m.Name, msg)
	case tooQuickly:
		m.HasExit, m.ExitStatus = false, 0
		m.SpawnErr = "Exited too quickly (process log may have details)"
		if err = m.assertIn(Starting); err == nil {
			m.changeState(Backoff, true, out, now)
		}
		logf(out, config.LevelWarn, "exited: %s (%s; not expected)", m.Name, msg)
	default:
		m.delay = time.Time{}
		m.Backoff = 0
		m.HasExit, m.ExitStatus = true, es
		if m.State == Starting {
			m.changeState(Running, true, out, now)
		}
		if err = m.assertIn(Running); err != nil {
			break
		}
		if expected {
			m.changeState(Exited, true, out, now)
			logf(out, config.LevelInfo, "exited: %s (%s; expected)", m.Name, msg)
		} else {
			m.SpawnErr = fmt.Sprintf("Bad exit code %d", es)
			m.changeState(Exited, false, out, now)
			logf(out, config.LevelWarn, "exited: %s (%s; not expected)", m.Name, msg)
		}
	}
	// The child is gone whatever the bookkeeping said: never keep a dead pid.
	m.PID = 0
	*out = append(*out, Cleanup{})
	return err
}

func (m *Machine) stop(now time.Time, _ Event, out *[]Effect) error {
	m.lastStopReport = time.Time{}
	return m.kill(now, m.Config.StopSignal, out)
}

// kill is Subprocess.kill.
func (m *Machine) kill(now time.Time, sig syscall.Signal, out *[]Effect) error {
	if m.State == Backoff {
		logf(out, config.LevelDebug, "Attempted to kill %s, which is in BACKOFF state.", m.Name)
		m.changeState(Stopped, true, out, now)
		return nil
	}
	if m.PID == 0 {
		msg := fmt.Sprintf("attempted to kill %s with sig %s but it wasn't running", m.Name, signames.Name(sig))
		logf(out, config.LevelDebug, "%s", msg)
		return fmt.Errorf("%w: %s", ErrNotRunning, msg)
	}
	asGroup := m.Config.StopAsGroup
	if m.State == Stopping {
		asGroup = m.Config.KillAsGroup
	}
	groupText := ""
	if asGroup {
		groupText = "process group "
	}
	logf(out, config.LevelDebug, "killing %s (pid %d) %swith signal %s", m.Name, m.PID, groupText, signames.Name(sig))
	if err := m.assertIn(Running, Starting, Stopping); err != nil {
		return err
	}
	m.Killing = true
	m.delay = now.Add(time.Duration(m.Config.StopWaitSecs) * time.Second)
	m.changeState(Stopping, true, out, now)
	pid := m.PID
	if asGroup {
		pid = -pid
	}
	*out = append(*out, Kill{PID: pid, Sig: sig, Stop: true})
	return nil
}

// signal is Subprocess.signal.
func (m *Machine) signal(now time.Time, ev Event, out *[]Effect) error {
	sig := ev.(Signal).Sig
	if m.PID == 0 {
		msg := fmt.Sprintf("attempted to send %s sig %s but it wasn't running", m.Name, signames.Name(sig))
		logf(out, config.LevelDebug, "%s", msg)
		return fmt.Errorf("%w: %s", ErrNotRunning, msg)
	}
	logf(out, config.LevelDebug, "sending %s (pid %d) sig %s", m.Name, m.PID, signames.Name(sig))
	if err := m.assertIn(Running, Starting, Stopping); err != nil {
		return err
	}
	*out = append(*out, Kill{PID: m.PID, Sig: sig})
	return nil
}

// signalFailed handles a kill(2) error: ESRCH means the child just exited
// and its exit will arrive through the reaper; anything else leaves the
// process in UNKNOWN, as Supervisor does.
func (m *Machine) signalFailed(now time.Time, ev Event, out *[]Effect) error {
	f := ev.(SignalFailed)
	if errors.Is(f.Err, syscall.ESRCH) {
		if f.Kill {
			logf(out, config.LevelDebug, "unable to signal %s (pid %d), it probably just exited on its own: %s", m.Name, m.PID, pyOSError(f.Err))
		} else {
			logf(out, config.LevelDebug, "unable to signal %s (pid %d), it probably just now exited on its own: %s", m.Name, m.PID, pyOSError(f.Err))
		}
		return nil
	}
	var msg string
	if f.Kill {
		msg = fmt.Sprintf("unknown problem killing %s (%d):%s", m.Name, m.PID, pyOSError(f.Err))
	} else {
		msg = fmt.Sprintf("unknown problem sending sig %s (%d):%s", m.Name, m.PID, pyOSError(f.Err))
	}
	logf(out, config.LevelCritical, "%s", msg)
	m.changeState(Unknown, true, out, now)
	if f.Kill {
		m.Killing = false
		m.delay = time.Time{}
	}
	return errors.New(msg)
}

func (m *Machine) giveUp(now time.Time, _ Event, out *[]Effect) error {
	m.delay = time.Time{}
	m.Backoff = 0
	m.changeState(Fatal, true, out, now)
	return nil
}

// tick is Subprocess.transition.
func (m *Machine) tick(now time.Time, ev Event, out *[]Effect) error {
	state := m.State
	if ev.(Tick).AutoStart {
		start := false
		switch state {
		case Exited:
			switch m.Config.Autorestart {
			case config.RestartAlways:
				start = true
			case config.RestartUnexpected:
				start = !m.exitExpected()
			}
		case Stopped:
			start = m.LastStart.IsZero() && m.Config.Autostart
		case Backoff:
			start = m.Backoff <= m.Config.StartRetries && now.After(m.delay)
		}
		if start {
			if err := m.spawn(now, Start{}, out); err != nil {
				return err
			}
		}
	}
	switch state {
	case Starting:
		if now.Sub(m.LastStart) > time.Duration(m.Config.StartSecs)*time.Second {
			m.delay = time.Time{}
			m.Backoff = 0
			m.changeState(Running, true, out, now)
			logf(out, config.LevelInfo, "success: %s entered RUNNING state, process has stayed up for > than %d seconds (startsecs)", m.Name, m.Config.StartSecs)
		}
	case Backoff:
		if m.Backoff > m.Config.StartRetries {
			m.giveUp(now, GiveUp{}, out)
			logf(out, config.LevelInfo, "gave up: %s entered FATAL state, too many start retries too quickly", m.Name)
		}
	case Stopping:
		if m.Killing && !now.Before(m.delay) {
			logf(out, config.LevelWarn, "killing '%s' (%d) with SIGKILL", m.Name, m.PID)
			return m.kill(now, syscall.SIGKILL, out)
		}
	}
	return nil
}

func (m *Machine) exitExpected() bool {
	if !m.HasExit {
		return false // None is never in exitcodes
	}
	for _, c := range m.Config.ExitCodes {
		if c == m.ExitStatus {
			return true
		}
	}
	return false
}

// StopReport returns the "waiting for x to stop" line when one is due
// (at most every 2 s while a stop with wait is pending), and the time of
// the next one.
func (m *Machine) StopReport(now time.Time) (line string, next time.Time) {
	if m.State != Stopping {
		return "", time.Time{}
	}
	if m.lastStopReport.IsZero() || now.Sub(m.lastStopReport) > 2*time.Second {
		m.lastStopReport = now
		line = fmt.Sprintf("waiting for %s to stop", m.Name)
	}
	return line, m.lastStopReport.Add(2*time.Second + time.Microsecond)
}

// DecodeWaitStatus is options.decode_wait_status: the exit status (-1 for
// a signal) and Supervisor's description of it.
func DecodeWaitStatus(ws syscall.WaitStatus) (int, string) {
	switch {
	case ws.Exited():
		es := ws.ExitStatus() & 0xffff
		return es, fmt.Sprintf("exit status %d", es)
	case ws.Signaled():
		msg := "terminated by " + signames.Name(ws.Signal())
		if ws.CoreDump() {
			msg += " (core dumped)"
		}
		return -1, msg
	}
	return -1, fmt.Sprintf("unknown termination cause 0x%04x", uint32(ws))
}

// pyOSError renders an errno the way Python's str(OSError) does:
// "[Errno 3] No such process".
func pyOSError(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		text := errno.Error()
		if text != "" {
			text = strings.ToUpper(text[:1]) + text[1:]
		}
		return fmt.Sprintf("[Errno %d] %s", int(errno), text)
	}
	return err.Error()
}
