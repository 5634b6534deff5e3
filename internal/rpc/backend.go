package rpc

import (
	"context"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
)

// Backend is what the XML-RPC layer (and the web UI and log tails) need
// from the daemon. The daemon's supervisor loop implements it; the RPC layer
// only converts arguments and results between XML-RPC values and these Go
// types, so every rule about process state lives in one place.
//
// Errors are *faults.Error values whose text is Supervisor's faultString
// ("BAD_NAME: foo"). Names are namespecs as Supervisor parses them
// (options.split_namespec): "name", "group:name", "group:*" or "group:".
//
// Methods that may block (start/stop with wait) honour ctx: when the client
// goes away the wait ends, but the action already taken is not undone.
type Backend interface {
	// Mood returns SHUTDOWN_STATE while supervisord is stopping or
	// restarting, nil otherwise (rpcinterface._update).
	Mood() error
	// State is getState: {1, "RUNNING"} in practice.
	State() (code int, name string)
	Identification() string
	PID() int

	// MainLogfile is the main log's path; "" when it is not a file
	// (syslog). The caller reads it with logfile.Read/Tail.
	MainLogfile() string
	ClearMainLog() error
	Shutdown() error
	Restart() error

	// ReloadConfig re-reads the config files without applying them and
	// returns the group names that differ from the running groups (added
	// and changed in the new config's order). A bad config gives
	// CANT_REREAD with the parse error's text.
	ReloadConfig() (added, changed, removed []string, err error)
	AddProcessGroup(name string) error
	RemoveProcessGroup(name string) error

	// StartProcess starts one process, or a whole group for "g:*"/"g:"
	// (then results are discarded as Supervisor discards them: the call
	// returns the group call's array; see StartProcessGroup). To keep the
	// XML-RPC result shape exact, a namespec naming a group returns
	// (results, true, err); a single process returns (nil, false, err).
	StartProcess(ctx context.Context, name string, wait bool) (results []Result, isGroup bool, err error)
	StartProcessGroup(ctx context.Context, name string, wait bool) ([]Result, error)
	StartAllProcesses(ctx context.Context, wait bool) ([]Result, error)
	StopProcess(ctx context.Context, name string, wait bool) (results []Result, isGroup bool, err error)
	StopProcessGroup(ctx context.Context, name string, wait bool) ([]Result, error)
	StopAllProcesses(ctx context.Context, wait bool) ([]Result, error)
	// SignalProcess takes the signal as the client sent it ("HUP", "1").
	// As in Supervisor, the name is resolved first (BAD_NAME), then the
	// signal parsed (BAD_SIGNAL, also for a group's processes, before their
	// state is looked at), then the state checked (NOT_RUNNING): the RPC
	// layer relies on that order to reproduce Python's errors for a signal
	// argument that is not a string.
	SignalProcess(name, signal string) (results []Result, isGroup bool, err error)
	SignalProcessGroup(name, signal string) ([]Result, error)
	SignalAllProcesses(signal string) ([]Result, error)

	ProcessInfo(name string) (ProcessInfo, error)
	// AllProcessInfo is sorted by group name, then process name.
	AllProcessInfo() []ProcessInfo
	// AllConfigInfo covers every group of the most recently read config
	// (which after ReloadConfig may differ from the running one), sorted by
	// process name.
	AllConfigInfo() []ConfigEntry

	// ProcessLogfile is the path of a process's "stdout" or "stderr" log,
	// "" when it has none. Unknown names give BAD_NAME. (The RPC layer
	// answers group specs such as "g:*" itself.)
	ProcessLogfile(name, channel string) (string, error)
	ClearProcessLogs(name string) error
	ClearAllProcessLogs() []Result
	SendProcessStdin(name string, data []byte) error
	// SendRemoteCommEvent gets the texts the REMOTE_COMMUNICATION payload
	// shows ("type:<typ>\n<data>"): str() of what the client sent.
	SendRemoteCommEvent(typ, data string) error
}

// Result is one entry of a group or "all" call's array.
type Result struct {
	Name        string
	Group       string
	Status      faults.Code // faults.Success for success
	Description string      // "OK" or the fault text
}

// ProcessInfo is getProcessInfo's struct, in Supervisor's key order.
type ProcessInfo struct {
	Name          string
	Group         string
	Start         int64 // unix seconds, 0 if never started
	Stop          int64
	Now           int64
	State         int
	StateName     string
	SpawnErr      string
	ExitStatus    int
	StdoutLogfile string // also sent as "logfile"
	StderrLogfile string
	PID           int
	Description   string
}

// ConfigEntry is one row of getAllConfigInfo before encoding.
type ConfigEntry struct {
	Group   *config.GroupConfig
	Process *config.ProcessConfig
	InUse   bool
}

// Compile-time reminder that fault values satisfy error.
var _ error = (*faults.Error)(nil)
