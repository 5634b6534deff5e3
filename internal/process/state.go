// Package process is Supervisor's per-process state machine, written as one
// explicit table of state × event. It owns the bookkeeping of a single
// process (state, pid, start/stop times, backoff counter, deadlines) and
// decides what must happen next; it does not make syscalls, read the clock,
// or know about other processes. Callers feed it events stamped with the
// time and carry out the effects it returns (spawn, signal, log, notify),
// feeding the outcome of a spawn or a signal back as another event.
//
// Every rule of process.py:Subprocess lives here: an exit before startsecs
// is BACKOFF whatever the exit code; attempts = startretries+1 with delays
// of 1 s, 2 s, 3 s…; STOPPED and FATAL never restart by themselves; a stop
// during BACKOFF goes straight to STOPPED; SIGKILL follows stopwaitsecs.
package process

import "fmt"

// State is a process state with Supervisor's numeric codes
// (states.py:ProcessStates). String returns the wire name.
type State int

// Supervisor's process states.
const (
	Stopped  State = 0
	Starting State = 10
	Running  State = 20
	Backoff  State = 30
	Stopping State = 40
	Exited   State = 100
	Fatal    State = 200
	Unknown  State = 1000
)

// AllStates lists every state, for tables and exhaustive tests.
var AllStates = []State{Stopped, Starting, Running, Backoff, Stopping, Exited, Fatal, Unknown}

func (s State) String() string {
	switch s {
	case Stopped:
		return "STOPPED"
	case Starting:
		return "STARTING"
	case Running:
		return "RUNNING"
	case Backoff:
		return "BACKOFF"
	case Stopping:
		return "STOPPING"
	case Exited:
		return "EXITED"
	case Fatal:
		return "FATAL"
	case Unknown:
		return "UNKNOWN"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// IsStopped reports membership in STOPPED_STATES.
func (s State) IsStopped() bool {
	return s == Stopped || s == Exited || s == Fatal || s == Unknown
}

// IsRunning reports membership in RUNNING_STATES.
func (s State) IsRunning() bool {
	return s == Running || s == Backoff || s == Starting
}

// IsSignallable reports membership in SIGNALLABLE_STATES.
func (s State) IsSignallable() bool {
	return s == Running || s == Starting || s == Stopping
}
