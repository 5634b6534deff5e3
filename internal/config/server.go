package config

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/version"
)

// serverDoc is the supervisord.py module docstring: supervisord's usage
// text, printed by -h with %s replaced by the program name.
const serverDoc = `supervisord -- run a set of applications as daemons.

Usage: %s [options]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)
-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)
-h/--help -- print this usage message and exit
-v/--version -- print supervisord version number and exit
-u/--user USER -- run supervisord as this user (or numeric uid)
-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)
-d/--directory DIRECTORY -- directory to chdir to when daemonized
-l/--logfile FILENAME -- use FILENAME as logfile path
-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile
-z/--logfile_backups NUM -- number of backups to keep when max bytes reached
-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)
-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME
-i/--identifier STR -- identifier used for this instance of supervisord
-q/--childlogdir DIRECTORY -- the log directory for child process logs
-k/--nocleanup --  prevent the process from performing cleanup (removal of
                   old automatic child log files) at startup.
-a/--minfds NUM -- the minimum number of file descriptors for start success
-t/--strip_ansi -- strip ansi escape codes from process output
--minprocs NUM  -- the minimum number of processes available for start success
--profile_options OPTIONS -- run supervisord under profiler and output
                             results based on OPTIONS, which  is a comma-sep'd
                             list of 'cumulative', 'calls', and/or 'callers',
                             e.g. 'cumulative,callers')
`

// rootWarning is what Python's warnings module prints when supervisord runs
// as root without -c (options.ServerOptions.default_configfile). We print
// the same bytes, source location included, so that nothing comparing
// stderr sees a difference.
const rootWarning = `/usr/lib/python3/dist-packages/supervisor/options.py:474: UserWarning: Supervisord is running as root and it is searching for its configuration file in default locations (including its current working directory); you probably want to specify a "-c" argument specifying an absolute path to a configuration file for improved security.
  self.warnings.warn(
`

// UsageError is an error supervisord reports through Options.usage: the
// caller prints it with Report and exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Report writes the error as Supervisor does:
// "Error: <msg>\nFor help, use <progname> -h\n".
func (e *UsageError) Report(w io.Writer, progname string) {
	fmt.Fprintf(w, "Error: %s\nFor help, use %s -h\n", e.Msg, progname)
}

func usageErr(format string, a ...any) *UsageError {
	return &UsageError{fmt.Sprintf(format, a...)}
}

// ServerOptions is supervisord's command line, parsed by ParseServerArgs.
// A nil pointer field was not given; flags are true when given.
type ServerOptions struct {
	// Progname is argv[0] as Supervisor sees it (resolved through PATH
	// when it has no slash, as the kernel hands it to the Python script):
	// it is printed in the usage text and errors, and locates two of the
	// default config paths.
	Progname string
	Env      []string  // the environment (KEY=value), for ENV_x and paths
	Cwd      string    // the working directory; "" means os.Getwd() at load time
	Stderr   io.Writer // where the running-as-root warning goes (nil: nowhere)

	Help        bool // -h, -?: print HelpText to stdout, exit 0
	Version     bool // -v: print VersionText to stdout, exit 0
	CheckConfig bool // --check-config (ours): validate, print, exit

	ConfigFile string // -c; set to the file found when searching

	Nodaemon, Silent, Nocleanup, StripAnsi bool

	User            *string
	Umask           *int
	Directory       *string
	Logfile         *string
	LogfileMaxBytes *int64
	LogfileBackups  *int
	LogLevel        *LogLevel
	Pidfile         *string
	Identifier      *string
	Childlogdir     *string
	Minfds          *int
	Minprocs        *int
	ProfileOptions  *string

	getuid      func() int // os.Getuid; tests replace it
	configGiven bool       // -c was given (possibly empty)
}

// HelpText is the text -h prints.
func (o *ServerOptions) HelpText() string {
	help := serverDoc + "\n"
	if strings.Index(help, "%s") > 0 {
		help = strings.ReplaceAll(help, "%s", o.Progname)
	}
	return help
}

// VersionText is the text -v prints.
func VersionText() string { return version.Supervisor + "\n" }

// supervisord's options in Supervisor's add() order.
type cliOpt struct {
	short, long string // without dashes; "" when absent
	arg         bool
}

var serverOpts = []cliOpt{
	{"h", "help", false}, {"?", "", false}, {"c", "configuration", true},
	{"v", "version", false}, {"n", "nodaemon", false}, {"u", "user", true},
	{"m", "umask", true}, {"d", "directory", true}, {"l", "logfile", true},
	{"y", "logfile_maxbytes", true}, {"z", "logfile_backups", true},
	{"e", "loglevel", true}, {"j", "pidfile", true}, {"i", "identifier", true},
	{"q", "childlogdir", true}, {"a", "minfds", true}, {"", "minprocs", true},
	{"k", "nocleanup", false}, {"t", "strip_ansi", false},
	{"", "profile_options", true}, {"s", "silent", false},
}

// checkConfigOpt is our --check-config; getopt knows it only by its full
// name, so it changes no abbreviation Supervisor accepts.
const checkConfigOpt = "check-config"

type optPair struct{ opt, arg string }

// getopt is Python's getopt.getopt: options stop at the first non-option
// argument; a long option may be abbreviated to a unique prefix.
func getopt(args []string, opts []cliOpt, extraLong []string) ([]optPair, []string, error) {
	var out []optPair
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		if strings.HasPrefix(args[0], "--") {
			opt := args[0][2:]
			args = args[1:]
			var optarg *string
			if i := strings.IndexByte(opt, '='); i >= 0 {
				v := opt[i+1:]
				opt, optarg = opt[:i], &v
			}
			hasArg, full, err := longHasArgs(opt, opts, extraLong)
			if err != nil {
				return nil, nil, err
			}
			if hasArg {
				if optarg == nil {
					if len(args) == 0 {
						return nil, nil, fmt.Errorf("option --%s requires argument", full)
					}
					optarg = &args[0]
					args = args[1:]
				}
			} else if optarg != nil {
				return nil, nil, fmt.Errorf("option --%s must not have an argument", full)
			}
			a := ""
			if optarg != nil {
				a = *optarg
			}
			out = append(out, optPair{"--" + full, a})
			continue
		}
		optstring := []rune(args[0][1:])
		args = args[1:]
		for len(optstring) > 0 {
			c := string(optstring[0])
			optstring = optstring[1:]
			hasArg, known := false, false
			for _, o := range opts {
				if o.short == c {
					hasArg, known = o.arg, true
					break
				}
			}
			if !known {
				return nil, nil, fmt.Errorf("option -%s not recognized", c)
			}
			arg := ""
			if hasArg {
				if len(optstring) == 0 {
					if len(args) == 0 {
						return nil, nil, fmt.Errorf("option -%s requires argument", c)
					}
					optstring, args = []rune(args[0]), args[1:]
				}
				arg, optstring = string(optstring), nil
			}
			out = append(out, optPair{"-" + c, arg})
		}
	}
	return out, args, nil
}

func longHasArgs(opt string, opts []cliOpt, extra []string) (bool, string, error) {
	for _, e := range extra {
		if opt == e {
			return false, e, nil
		}
	}
	var poss []cliOpt
	for _, o := range opts {
		if o.long != "" && strings.HasPrefix(o.long, opt) {
			poss = append(poss, o)
		}
	}
	if len(poss) == 0 {
		return false, "", fmt.Errorf("option --%s not recognized", opt)
	}
	for _, o := range poss {
		if o.long == opt {
			return o.arg, opt, nil
		}
	}
	if len(poss) > 1 {
		// Python matches "name=" entries too: "--user=" style prefixes that
		// end exactly at a name with an argument are exact matches above.
		return false, "", fmt.Errorf("option --%s not a unique prefix", opt)
	}
	return poss[0].arg, poss[0].long, nil
}

// ResolveProgname returns argv0 as a Python script sees its sys.argv[0]:
// a name without a slash is found in PATH, as execvp found the script.
func ResolveProgname(argv0 string, env []string) string {
	if argv0 == "" || strings.Contains(argv0, "/") {
		return argv0
	}
	path := envMap(env)["PATH"]
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := pyJoin(dir, argv0)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return argv0
}

// envMap is os.environ built from an environment list: the first
// definition of a name wins, entries without "=" are skipped.
func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		i := strings.IndexByte(kv, '=')
		if i < 0 {
			continue
		}
		if _, ok := m[kv[:i]]; !ok {
			m[kv[:i]] = kv[i+1:]
		}
	}
	return m
}

// environExpansions is Options.environ_expansions: ENV_x for each
// variable, in environment order.
func environExpansions(env []string) *mapping {
	m := newMapping()
	seen := map[string]bool{}
	for _, kv := range env {
		i := strings.IndexByte(kv, '=')
		if i < 0 || seen[kv[:i]] {
			continue
		}
		seen[kv[:i]] = true
		m.setStr("ENV_"+kv[:i], kv[i+1:])
	}
	return m
}

func (o *ServerOptions) pathEnv() (*pathEnv, error) {
	cwd := o.Cwd
	if cwd == "" {
		var err error
		if cwd, err = getwd(); err != nil {
			return nil, err
		}
	}
	return &pathEnv{cwd: cwd, env: envMap(o.Env)}, nil
}

// ParseServerArgs parses supervisord's command line as Options.realize
// does, up to (not including) reading the config: getopt, then each
// option's converter in order. -h and -v stop the parse where they stand
// (the caller prints HelpText or VersionText and exits 0). Every error is
// a *UsageError.
func ParseServerArgs(argv0 string, args []string, env []string) (*ServerOptions, error) {
	o := &ServerOptions{Progname: ResolveProgname(argv0, env), Env: env}
	pe, err := o.pathEnv()
	if err != nil {
		return nil, &UsageError{err.Error()}
	}
	pairs, rest, err := getopt(args, serverOpts, []string{checkConfigOpt})
	if err != nil {
		return nil, &UsageError{err.Error()}
	}
	if len(rest) > 0 {
		return nil, usageErr("positional arguments are not supported: %s", pyList(rest))
	}
	given := map[string]bool{}
	for _, p := range pairs {
		name := strings.TrimLeft(p.opt, "-")
		for _, c := range serverOpts {
			if c.short == name || c.long == name {
				if c.long != "" {
					name = c.long
				}
				break
			}
		}
		switch name {
		case "help", "?":
			o.Help = true
			return o, nil
		case "version":
			o.Version = true
			return o, nil
		case checkConfigOpt:
			o.CheckConfig = true
			continue
		}
		bad := func(err error) error {
			return usageErr("invalid value for %s %s: %s", p.opt, repr(p.arg), err.Error())
		}
		var set func() error
		switch name {
		case "configuration":
			set = func() error { o.ConfigFile, o.configGiven = p.arg, true; return nil }
		case "nodaemon":
			set = func() error { o.Nodaemon = true; return nil }
		case "silent":
			set = func() error { o.Silent = true; return nil }
		case "nocleanup":
			set = func() error { o.Nocleanup = true; return nil }
		case "strip_ansi":
			set = func() error { o.StripAnsi = true; return nil }
		case "user":
			set = func() error { o.User = sp(p.arg); return nil }
		case "identifier":
			set = func() error { o.Identifier = sp(p.arg); return nil }
		case "profile_options":
			set = func() error { o.ProfileOptions = sp(p.arg); return nil }
		case "umask":
			v, err := Octal(p.arg)
			if err != nil {
				return nil, bad(err)
			}
			set = func() error { o.Umask = &v; return nil }
		case "directory", "childlogdir":
			v, err := pe.existingDirectory(p.arg)
			if err != nil {
				return nil, bad(err)
			}
			if name == "directory" {
				set = func() error { o.Directory = &v; return nil }
			} else {
				set = func() error { o.Childlogdir = &v; return nil }
			}
		case "logfile", "pidfile":
			v, err := pe.existingDirpath(p.arg)
			if err != nil {
				return nil, bad(err)
			}
			if name == "logfile" {
				set = func() error { o.Logfile = &v; return nil }
			} else {
				set = func() error { o.Pidfile = &v; return nil }
			}
		case "logfile_maxbytes":
			v, err := ByteSize(p.arg)
			if err != nil {
				return nil, bad(err)
			}
			set = func() error { o.LogfileMaxBytes = &v; return nil }
		case "logfile_backups", "minfds", "minprocs":
			v, err := integerInt(p.arg)
			if err != nil {
				return nil, bad(err)
			}
			switch name {
			case "logfile_backups":
				set = func() error { o.LogfileBackups = &v; return nil }
			case "minfds":
				set = func() error { o.Minfds = &v; return nil }
			default:
				set = func() error { o.Minprocs = &v; return nil }
			}
		case "loglevel":
			v, err := ParseLogLevel(p.arg)
			if err != nil {
				return nil, bad(err)
			}
			set = func() error { o.LogLevel = &v; return nil }
		}
		if given[name] {
			return nil, usageErr("conflicting command line option %s", repr(p.opt))
		}
		given[name] = true
		if err := set(); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// searchPaths is Options.searchpaths: relative entries are relative to
// the working directory.
func (o *ServerOptions) searchPaths() []string {
	return configSearchPaths(o.Progname)
}

func configSearchPaths(progname string) []string {
	here := pyDirname(pyDirname(progname))
	return []string{
		pyJoin(here, "etc", "supervisord.conf"),
		pyJoin(here, "supervisord.conf"),
		"supervisord.conf",
		"etc/supervisord.conf",
		"/etc/supervisord.conf",
		"/etc/supervisor/supervisord.conf",
	}
}

// hostname is platform.node(); getwd is the working directory when
// ServerOptions.Cwd is empty. Tests replace them.
var (
	hostname = os.Hostname
	getwd    = os.Getwd
)

// LoadServer finds (without -c) and reads the config file, applies the
// command-line overrides and checks what ServerOptions.realize checks.
// Every error is a *UsageError with Supervisor's text.
func LoadServer(opts *ServerOptions) (*Config, error) {
	return loadServer(opts, false)
}

// Reread reads the config again, as supervisord does for the
// reloadConfig RPC (process_config(do_usage=False)): the same file and
// command line, without the checks only startup makes. The error text is
// what CANT_REREAD carries.
func Reread(opts *ServerOptions) (*Config, error) {
	return loadServer(opts, true)
}

func loadServer(opts *ServerOptions, reread bool) (*Config, error) {
	pe, err := opts.pathEnv()
	if err != nil {
		return nil, &UsageError{err.Error()}
	}
	getuid := opts.getuid
	if getuid == nil {
		getuid = os.Getuid
	}
	if opts.ConfigFile == "" && opts.configGiven {
		// Supervisor skips reading an empty -c and then dies with an
		// AttributeError traceback; we say what is wrong.
		return nil, usageErr("could not find config file ")
	}
	if opts.ConfigFile == "" {
		if getuid() == 0 && opts.Stderr != nil {
			io.WriteString(opts.Stderr, rootWarning)
		}
		paths := opts.searchPaths()
		for _, p := range paths {
			if pe.exists(p) {
				opts.ConfigFile = p
				break
			}
		}
		if opts.ConfigFile == "" {
			return nil, usageErr("No config file found at default paths (%s); use the -c option to specify a config file at a different path", strings.Join(paths, ", "))
		}
	}
	host, _ := hostname()
	l := &loader{
		pe:         pe,
		configfile: opts.ConfigFile,
		here:       pe.abspath(pyDirname(opts.ConfigFile)),
		p:          newParser(),
		environ:    environExpansions(opts.Env),
		hostNode:   host,
		cfg:        &Config{},
		getuid:     getuid,
	}
	if err := l.readConfig(); err != nil {
		return nil, &UsageError{err.Error()}
	}
	cfg := l.cfg
	cfg.ConfigFile = opts.ConfigFile
	cfg.Path = pe.abspath(opts.ConfigFile)
	cfg.Here = l.here
	cfg.Warnings = l.warnings
	cfg.Infos = l.infos

	s := &cfg.Supervisord
	if opts.Nodaemon {
		s.Nodaemon = true
	}
	if opts.Silent {
		s.Silent = true
	}
	if opts.Nocleanup {
		s.Nocleanup = true
	}
	if opts.StripAnsi {
		s.StripAnsi = true
	}
	userSet := l.userSet
	if opts.User != nil {
		s.User, userSet = *opts.User, true
	}
	if opts.Umask != nil {
		s.Umask = *opts.Umask
	}
	if opts.Directory != nil {
		s.Directory = *opts.Directory
	}
	if opts.Logfile != nil {
		s.Logfile = *opts.Logfile
	}
	if opts.LogfileMaxBytes != nil {
		s.LogfileMaxBytes = *opts.LogfileMaxBytes
	}
	if opts.LogfileBackups != nil {
		s.LogfileBackups = *opts.LogfileBackups
	}
	if opts.LogLevel != nil {
		s.LogLevel = *opts.LogLevel
	}
	if opts.Pidfile != nil {
		s.Pidfile = *opts.Pidfile
	}
	if opts.Identifier != nil {
		s.Identifier = *opts.Identifier
	}
	if opts.Childlogdir != nil {
		s.Childlogdir = *opts.Childlogdir
	}
	if opts.Minfds != nil {
		s.Minfds = *opts.Minfds
	}
	if opts.Minprocs != nil {
		s.Minprocs = *opts.Minprocs
	}
	if opts.ProfileOptions != nil {
		s.Profile, s.ProfileOptions = true, *opts.ProfileOptions
	}

	// ServerOptions.realize
	if userSet && !reread {
		uid, err := NameToUID(s.User)
		if err != nil {
			return nil, &UsageError{err.Error()}
		}
		gid, err := gidForUID(uid)
		if err != nil {
			return nil, &UsageError{err.Error()}
		}
		s.UID, s.GID = &uid, gid
	}
	if s.Logfile != "syslog" {
		if s.Logfile, err = pe.normalizePath(s.Logfile); err != nil {
			return nil, &UsageError{err.Error()}
		}
	}
	if s.Pidfile, err = pe.normalizePath(s.Pidfile); err != nil {
		return nil, &UsageError{err.Error()}
	}
	for _, sc := range cfg.Servers {
		if sc.Unix {
			cfg.ServerURL = "unix://" + sc.File
			break
		}
	}
	if cfg.ServerURL == "" {
		for _, sc := range cfg.Servers {
			if !sc.Unix {
				host := sc.Host
				if host == "" {
					host = "localhost"
				}
				cfg.ServerURL = fmt.Sprintf("http://%s:%d", host, sc.Port)
			}
		}
	}
	return cfg, nil
}
