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
// defaults filled in, expansions done. It is immutable once LoadServer
// returns.
type Config struct {
	Path string // absolute path of the main config file
	Here string // its directory (%(here)s of the main file)
	// ConfigFile is the path as given with -c (or found by the search),
	// possibly relative: Supervisor names it so in error messages, and
	// re-reads it from there on reload.
	ConfigFile string

	Supervisord Supervisord
	// Servers in Supervisor's order: every [inet_http_server*] section, then
	// every [unix_http_server*] section, each in file order.
	Servers []ServerConfig
	// ServerURL is the URL children get in SUPERVISOR_SERVER_URL when their
	// program sets no serverurl: unix:// and the first unix server's file,
	// else http:// and the last inet server's host (or localhost) and port;
	// "" without servers (options.ServerOptions.realize).
	ServerURL string
	// Groups sorted by (priority, name), as Supervisor sorts them (a stable
	// sort of: every [group:x], then [program:x], [eventlistener:x],
	// [fcgi-program:x] in file order). Two groups may share a name (a
	// [group:foo] beside a [program:foo] it does not list): Supervisor keeps
	// both here and its daemon adds only the first.
	Groups []*GroupConfig
	// RPCInterfaces are the [rpcinterface:x] sections in file order.
	// Without one whose factory is MainRPCInterfaceFactory, the supervisor.*
	// XML-RPC namespace does not exist; any other factory is Python code we
	// cannot run (the daemon warns and skips it, docs/compat.md).
	RPCInterfaces []PluginConfig
	// CtlPlugins are the [ctlplugin:x] sections, recorded as written:
	// supervisord does not read them (supervisorctl does, see LoadCtl), so
	// they are neither expanded nor checked here.
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
	Childlogdir     string // as configured, "~" expanded (may be relative)
	User            string // "" when not set
	UID             *int   // User resolved; nil when User is ""
	GID             int    // the primary group of UID
	Directory       string // "" when not set; "~" expanded; applies only when daemonizing
	StripAnsi       bool
	Identifier      string
	Environment     map[string]string
	// Profile is set by --profile_options, which gosupervisor accepts and
	// ignores (docs/compat.md); ProfileOptions is its value as given.
	Profile        bool
	ProfileOptions string
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
	Factory string            // supervisor.rpcinterface_factory / supervisor.ctl_factory, normalized to module:attr
	Params  map[string]string // every other key of the section (and of [DEFAULT]), expanded
}

// GroupConfig is one process group: a [program:x] (homogeneous), a [group:x]
// (heterogeneous), an [eventlistener:x] pool or an [fcgi-program:x].
type GroupConfig struct {
	Name     string
	Priority int
	Kind     GroupKind
	// Processes of a [program:x] are sorted by (priority, name); a
	// [group:x] holds each listed program's processes in programs= order,
	// unsorted, as Supervisor builds it.
	Processes []*ProcessConfig

	// Event listener pools only.
	Events        []string // upper-cased event type names, sorted, unique
	BufferSize    int
	ResultHandler string // normalized to module:attr; DefaultResultHandler unless configured

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

	Command   string // unsplit; split with POSIX shlex at spawn time
	Directory string // "" when not set
	// DirectorySet is true when directory= was given, even empty: an empty
	// directory makes the spawn fail ("couldn't chdir to : ENOENT") as under
	// Supervisor, which keeps '' apart from None.
	DirectorySet bool
	Umask        *int // nil: inherit supervisord's
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
	// ServerURLEmpty is true when serverurl= was given empty: the child then
	// gets no SUPERVISOR_SERVER_URL at all, where an unset or AUTO serverurl
	// falls back to Config.ServerURL.
	ServerURLEmpty bool
}

// LogConfig is one of the stdout_* / stderr_* key families.
type LogConfig struct {
	Logfile string // "" (NONE), Auto, or a path ("~" expanded, possibly relative)
	// LogfileEmpty is true when the key was given an empty value: no file is
	// written, as for NONE, but Supervisor keeps '' rather than None, so the
	// configs compare different and getAllConfigInfo shows '' not 'none'.
	LogfileEmpty    bool
	MaxBytes        int64
	Backups         int
	CaptureMaxBytes int64
	EventsEnabled   bool
	Syslog          bool
}
