// Package events defines Supervisor's event types, their names and class
// hierarchy (which abstract names a listener may subscribe to), and the
// exact payload and envelope texts. It owns no state: listener pools and
// their buffers are owned by the supervisor loop.
package events

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// Type is a concrete event type.
type Type int

// Concrete event types (events.EventTypes).
const (
	ProcessStateStopped Type = iota
	ProcessStateExited
	ProcessStateStarting
	ProcessStateStopping
	ProcessStateBackoff
	ProcessStateFatal
	ProcessStateRunning
	ProcessStateUnknown
	ProcessCommunicationStdout
	ProcessCommunicationStderr
	ProcessLogStdout
	ProcessLogStderr
	RemoteCommunication
	SupervisorStateChangeRunning
	SupervisorStateChangeStopping
	Tick5
	Tick60
	Tick3600
	ProcessGroupAdded
	ProcessGroupRemoved
	numTypes
)

var names = [numTypes]string{
	"PROCESS_STATE_STOPPED", "PROCESS_STATE_EXITED", "PROCESS_STATE_STARTING",
	"PROCESS_STATE_STOPPING", "PROCESS_STATE_BACKOFF", "PROCESS_STATE_FATAL",
	"PROCESS_STATE_RUNNING", "PROCESS_STATE_UNKNOWN",
	"PROCESS_COMMUNICATION_STDOUT", "PROCESS_COMMUNICATION_STDERR",
	"PROCESS_LOG_STDOUT", "PROCESS_LOG_STDERR", "REMOTE_COMMUNICATION",
	"SUPERVISOR_STATE_CHANGE_RUNNING", "SUPERVISOR_STATE_CHANGE_STOPPING",
	"TICK_5", "TICK_60", "TICK_3600",
	"PROCESS_GROUP_ADDED", "PROCESS_GROUP_REMOVED",
}

// abstract maps each abstract name to the concrete types it covers.
var abstract = map[string][]Type{
	"EVENT":                   nil, // everything
	"PROCESS_STATE":           {ProcessStateStopped, ProcessStateExited, ProcessStateStarting, ProcessStateStopping, ProcessStateBackoff, ProcessStateFatal, ProcessStateRunning, ProcessStateUnknown},
	"PROCESS_COMMUNICATION":   {ProcessCommunicationStdout, ProcessCommunicationStderr},
	"PROCESS_LOG":             {ProcessLogStdout, ProcessLogStderr},
	"SUPERVISOR_STATE_CHANGE": {SupervisorStateChangeRunning, SupervisorStateChangeStopping},
	"TICK":                    {Tick5, Tick60, Tick3600},
	"PROCESS_GROUP":           {ProcessGroupAdded, ProcessGroupRemoved},
}

func (t Type) String() string {
	if t >= 0 && t < numTypes {
		return names[t]
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Known reports whether name is a valid events= entry (concrete or abstract).
func Known(name string) bool {
	if _, ok := abstract[name]; ok {
		return true
	}
	_, ok := ByName(name)
	return ok
}

// ByName returns the concrete type with that name.
func ByName(name string) (Type, bool) {
	for i, n := range names {
		if n == name {
			return Type(i), true
		}
	}
	return 0, false
}

// Matches reports whether a subscription to name (concrete or abstract)
// receives events of type t, as isinstance does in events.notify.
func Matches(name string, t Type) bool {
	if name == "EVENT" {
		return true
	}
	if ts, ok := abstract[name]; ok {
		for _, x := range ts {
			if x == t {
				return true
			}
		}
		return false
	}
	return names[t] == name
}

// IsTick reports the TICK_* types.
func (t Type) IsTick() bool { return t == Tick5 || t == Tick60 || t == Tick3600 }

// TickPeriod is the period in seconds of a tick type.
func (t Type) TickPeriod() int64 {
	switch t {
	case Tick5:
		return 5
	case Tick60:
		return 60
	case Tick3600:
		return 3600
	}
	return 0
}

// Event is one notification with its payload already rendered (Supervisor
// renders state payloads eagerly so later pid changes do not leak in).
type Event struct {
	Type    Type
	Payload string
}

// StatePayload renders a PROCESS_STATE_* payload:
// "processname:x groupname:g from_state:STARTING" plus the extra values of
// the concrete type, no trailing newline.
func StatePayload(to Type, process, group, from string, expected bool, pid, tries int) string {
	s := fmt.Sprintf("processname:%s groupname:%s from_state:%s", process, group, from)
	switch to {
	case ProcessStateStarting, ProcessStateBackoff:
		s += fmt.Sprintf(" tries:%d", tries)
	case ProcessStateExited:
		e := 0
		if expected {
			e = 1
		}
		s += fmt.Sprintf(" expected:%d pid:%d", e, pid)
	case ProcessStateRunning, ProcessStateStopping, ProcessStateStopped:
		s += fmt.Sprintf(" pid:%d", pid)
	}
	return s
}

// decode is as_string with Supervisor's fallback for bad UTF-8.
func decode(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	return "Undecodable: " + pyfmt.BytesRepr(data)
}

// LogPayload renders PROCESS_LOG_STDOUT/STDERR.
func LogPayload(process, group string, pid int, channel string, data []byte) string {
	return fmt.Sprintf("processname:%s groupname:%s pid:%d channel:%s\n%s", process, group, pid, channel, decode(data))
}

// CommPayload renders PROCESS_COMMUNICATION_STDOUT/STDERR.
func CommPayload(process, group string, pid int, data []byte) string {
	return fmt.Sprintf("processname:%s groupname:%s pid:%d\n%s", process, group, pid, decode(data))
}

// RemotePayload renders REMOTE_COMMUNICATION.
func RemotePayload(typ, data string) string { return fmt.Sprintf("type:%s\n%s", typ, data) }

// GroupPayload renders PROCESS_GROUP_ADDED/REMOVED (with a newline).
func GroupPayload(group string) string { return fmt.Sprintf("groupname:%s\n", group) }

// TickPayload renders TICK_*.
func TickPayload(when int64) string { return fmt.Sprintf("when:%d", when) }

// Envelope renders the header line and payload sent to a listener; len
// counts characters, as Python's len() of a str does.
func Envelope(identifier string, serial int64, pool string, poolSerial int64, t Type, payload string) string {
	b := make([]byte, 0, 96+len(identifier)+len(pool)+len(payload))
	b = append(b, "ver:3.0 server:"...)
	b = append(b, identifier...)
	b = append(b, " serial:"...)
	b = strconv.AppendInt(b, serial, 10)
	b = append(b, " pool:"...)
	b = append(b, pool...)
	b = append(b, " poolserial:"...)
	b = strconv.AppendInt(b, poolSerial, 10)
	b = append(b, " eventname:"...)
	b = append(b, t.String()...)
	b = append(b, " len:"...)
	b = strconv.AppendInt(b, int64(utf8.RuneCountInString(payload)), 10)
	b = append(b, '\n')
	b = append(b, payload...)
	return string(b)
}
