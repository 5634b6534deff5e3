package config

import (
	"syscall"
)

// Auto is the Logfile value of a child log that supervisord names itself
// (`stdout_logfile=AUTO`). The real name is chosen when the group is added
// (see AutoChildLogName); until then configs compare as Supervisor compares
// them: an Auto value on either side is not a difference.
const Auto = "AUTO"

// LogLevel is a main-log level with Supervisor's numbers (loggers.py:LevelsByName).
type LogLevel int

// Supervisor's log levels. The zero value is not a level.
const (
	LevelBlather  LogLevel = 3
	LevelTrace    LogLevel = 5
	LevelDebug    LogLevel = 10
	LevelInfo     LogLevel = 20
	LevelWarn     LogLevel = 30
	LevelError    LogLevel = 40
	LevelCritical LogLevel = 50
)

// AutoRestart is the autorestart policy of a program.
type AutoRestart int

const (
	RestartNever      AutoRestart = iota // autorestart=false
	RestartUnexpected                    // autorestart=unexpected (the default)
	RestartAlways                        // autorestart=true
)

// GroupKind says which section a group came from.
type GroupKind int

const (
	KindProcess       GroupKind = iota // [program:x] or [group:x]
	KindEventListener                  // [eventlistener:x]
	KindFCGI                           // [fcgi-program:x]
)

// Config is one parsed supervisord.conf with its includes: typed, validated,
// defaults filled in, expansions done. It is immutable once Load returns.
type Config struct {
	Path string // absolute path of the main config file
	Here string // its directory (%(here)s of the main file)

	Supervisord Supervisord
	// Servers in Supervisor's order: every [inet_http_server*] section, then
	// every [unix_http_server*] section, each in file order.
	Servers []ServerConfig
	// Groups sorted by (priority, name), as Supervisor sorts them.
	Groups []*GroupConfig
	// RPCInterfaces are the [rpcinterface:x] sections. Without one named
	// "supervisor" the supervisor.* XML-RPC namespace does not exist.
	RPCInterfaces []PluginConfig
	// CtlPlugins are the [ctlplugin:x] sections (parsed, not loaded).
	CtlPlugins []PluginConfig

	// Warnings are logged at WARN and Infos at INFO on the main log once it
	// is open, in this order (Supervisor's parse_warnings / parse_infos).
	Warnings []string
	Infos    []string
}

// Supervisord is the [supervisord] section after command-line overrides.
type Supervisord struct {
	Logfile         string // absolute path, or "syslog"
	LogfileMaxBytes int64
	LogfileBackups  int
	LogLevel        LogLevel
	Pidfile         string // absolute path
	Umask           int
	Nodaemon        bool
	Silent          bool
	Minfds          int
	Minprocs        int
	Nocleanup       bool
	Childlogdir     string
	User            string // "" when not set
	Directory       string // "" when not set; applies only when daemonizing
	StripAnsi       bool
	Identifier      string
	Environment     map[string]string
}

// ServerConfig is one [inet_http_server*] or [unix_http_server*] section.
type ServerConfig struct {
	Section string // the section name, e.g. "inet_http_server" or "unix_http_server:x"
	Name    string // the part after ':' ("" for the plain section)
	Unix    bool

	// inet
	Host string // "" means all interfaces
	Port int

	// unix
	File     string // absolute path
	Chmod    int    // default 0700
	ChownUID int    // -1 when not set
	ChownGID int    // -1 when not set

	// Username and Password are both set or both empty. Password may be
	// "{SHA}" followed by the hex SHA-1 of the password.
	Username string
	Password string
}

// PluginConfig is an [rpcinterface:x] or [ctlplugin:x] section.
type PluginConfig struct {
	Name    string            // x
	Factory string            // supervisor.rpcinterface_factory / supervisor.ctl_factory
	Params  map[string]string // every other key of the section
}

// GroupConfig is one process group: a [program:x] (homogeneous), a [group:x]
// (heterogeneous), an [eventlistener:x] pool or an [fcgi-program:x].
type GroupConfig struct {
	Name      string
	Priority  int
	Kind      GroupKind
	Processes []*ProcessConfig // sorted by (priority, name)

	// Event listener pools only.
	Events        []string // upper-cased event type names, sorted, unique
	BufferSize    int
	ResultHandler string

	// FastCGI groups only.
	Socket *SocketConfig
}

// SocketConfig is the socket of an [fcgi-program:x].
type SocketConfig struct {
	URL     string // as configured after expansion: unix:///path or tcp://host:port
	Unix    bool
	Path    string  // unix: normalized absolute path
	Host    string  // tcp
	Port    int     // tcp
	Owner   *UIDGID // unix only; nil when not set (and not implied by user=)
	Mode    int     // unix only; default 0700
	Backlog int     // 0 when not set (the listener then uses SOMAXCONN)
}

// UIDGID is a resolved user[:group] pair.
type UIDGID struct{ UID, GID int }

// ProcessConfig is one process of a group (numprocs expands one section into
// several). Field names follow Supervisor's config attribute names.
type ProcessConfig struct {
	Name        string // process_name after expansion
	ProgramName string // x of the [program:x] section it came from
	Group       string // the group it belongs to in this GroupConfig
	Section     string // e.g. "program:x"
	File        string // the file the section came from

	Command      string // unsplit; split with POSIX shlex at spawn time
	Directory    string // "" when not set
	Umask        *int   // nil: inherit supervisord's
	Priority     int
	Autostart    bool
	Autorestart  AutoRestart
	StartSecs    int
	StartRetries int
	User         string // as written; "" when not set
	UID          *int   // resolved from User at parse time; nil when not set

	Stdout LogConfig
	Stderr LogConfig

	StopSignal     syscall.Signal
	StopWaitSecs   int
	StopAsGroup    bool
	KillAsGroup    bool
	ExitCodes      []int
	RedirectStderr bool
	// Environment is [supervisord] environment overlaid with the program's
	// own (the program wins), as Supervisor merges them.
	Environment map[string]string
	ServerURL   string // "" when not set or AUTO
}

// LogConfig is one of the stdout_* / stderr_* key families.
type LogConfig struct {
	Logfile         string // "" (NONE), Auto, or a path
	MaxBytes        int64
	Backups         int
	CaptureMaxBytes int64
	EventsEnabled   bool
	Syslog          bool
}
