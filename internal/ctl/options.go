package ctl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// Options is supervisorctl's configuration: the command line over the
// config file's [supervisorctl] section over the defaults
// (options.py:ClientOptions).
type Options struct {
	// Progname is sys.argv[0] as the reference sees it (resolved in PATH),
	// shown in the usage texts.
	Progname    string
	ConfigFile  string // the file read, "" for none
	Interactive bool
	ServerURL   string
	Username    *string // nil: not set
	Password    *string
	Prompt      string
	HistoryFile string
	// Args are the positional arguments; joined with spaces they are the
	// one command to run.
	Args []string
}

// usageDoc is supervisorctl.py's module docstring, printed by -h with %s
// replaced by the program name.
const usageDoc = `supervisorctl -- control applications run by supervisord from the cmd line.

Usage: %s [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-h/--help -- print usage message and exit
-i/--interactive -- start an interactive shell after executing commands
-s/--serverurl URL -- URL on which supervisord server is listening
     (default "http://localhost:9001").
-u/--username USERNAME -- username to use for authentication with server
-p/--password PASSWORD -- password to use for authentication with server
-r/--history-file -- keep a readline history (if readline is available)

action [arguments] -- see below

Actions are commands like "tail" or "stop".  If -i is specified or no action is
specified on the command line, a "shell" interpreting actions typed
interactively is started.  Use the action "help" to find out about available
actions.
`

// UsageError is a bad command line or config: the reference prints
// "Error: <msg>" and "For help, use <progname> -h" on stderr, exit 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// errHelp means -h was given: print the usage text on stdout, exit 0.
var errHelp = errors.New("help requested")

// ConfigParseError is a config file configparser cannot read; the
// reference does not catch it and dies with a traceback (exit 1).
type ConfigParseError struct {
	Type string // "ParsingError" or "MissingSectionHeaderError"
	Msg  string
}

func (e *ConfigParseError) Error() string { return "configparser." + e.Type + ": " + e.Msg }

// writeTraceback writes what Python prints for the uncaught configparser
// error, frame for frame as Debian's supervisorctl shows it; the first
// frame is the script as it was run (progname).
func (e *ConfigParseError) writeTraceback(w io.Writer, progname string) {
	line, src := 1132, "raise e"
	if e.Type == "MissingSectionHeaderError" {
		line, src = 1101, "raise MissingSectionHeaderError(fpname, lineno, line)"
	}
	fmt.Fprintf(w, `Traceback (most recent call last):
  File "%s", line 33, in <module>
    sys.exit(load_entry_point('supervisor==4.2.5', 'console_scripts', 'supervisorctl')())
             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/usr/lib/python3/dist-packages/supervisor/supervisorctl.py", line 1412, in main
    options.realize(args, doc=__doc__)
  File "/usr/lib/python3/dist-packages/supervisor/options.py", line 1672, in realize
    Options.realize(self, *arg, **kw)
  File "/usr/lib/python3/dist-packages/supervisor/options.py", line 310, in realize
    self.process_config()
  File "/usr/lib/python3/dist-packages/supervisor/options.py", line 318, in process_config
    self.process_config_file(do_usage)
  File "/usr/lib/python3/dist-packages/supervisor/options.py", line 348, in process_config_file
    self.read_config(self.configfile)
  File "/usr/lib/python3/dist-packages/supervisor/options.py", line 1693, in read_config
    parser.read_file(fp)
  File "/usr/lib/python3.11/configparser.py", line 734, in read_file
    self._read(f, source)
  File "/usr/lib/python3.11/configparser.py", line %d, in _read
    %s
configparser.%s: %s
`, progname, line, src, e.Type, e.Msg)
}

// cliOption is one of supervisorctl's getopt options.
type cliOption struct {
	short, long string
	arg         bool
}

var cliOptions = []cliOption{
	{"h", "help", false},
	{"?", "", false},
	{"c", "configuration", true},
	{"i", "interactive", false},
	{"s", "serverurl", true},
	{"u", "username", true},
	{"p", "password", true},
	{"r", "history_file", true},
}

type optPair struct{ opt, arg string }

// getopt is Python's getopt.getopt: options end at the first argument that
// is not one ("-" and "--" included), short options cluster ("-ic x"), a
// long option may be abbreviated to a unique prefix.
func getopt(args []string) ([]optPair, []string, error) {
	var out []optPair
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		if args[0] == "--" {
			return out, args[1:], nil
		}
		if strings.HasPrefix(args[0], "--") {
			opt := args[0][2:]
			args = args[1:]
			var optarg *string
			if name, v, ok := strings.Cut(opt, "="); ok {
				opt, optarg = name, &v
			}
			o, err := longOption(opt)
			if err != nil {
				return nil, nil, err
			}
			if o.arg {
				if optarg == nil {
					if len(args) == 0 {
						return nil, nil, fmt.Errorf("option --%s requires argument", o.long)
					}
					optarg, args = &args[0], args[1:]
				}
			} else if optarg != nil {
				return nil, nil, fmt.Errorf("option --%s must not have an argument", o.long)
			}
			a := ""
			if optarg != nil {
				a = *optarg
			}
			out = append(out, optPair{"--" + o.long, a})
			continue
		}
		rest := []rune(args[0][1:])
		args = args[1:]
		for len(rest) > 0 {
			c := string(rest[0])
			rest = rest[1:]
			var o *cliOption
			for i := range cliOptions {
				if cliOptions[i].short == c {
					o = &cliOptions[i]
				}
			}
			if o == nil {
				return nil, nil, fmt.Errorf("option -%s not recognized", c)
			}
			a := ""
			if o.arg {
				if len(rest) == 0 {
					if len(args) == 0 {
						return nil, nil, fmt.Errorf("option -%s requires argument", c)
					}
					rest, args = []rune(args[0]), args[1:]
				}
				a, rest = string(rest), nil
			}
			out = append(out, optPair{"-" + c, a})
		}
	}
	return out, args, nil
}

func longOption(opt string) (*cliOption, error) {
	var poss []*cliOption
	for i := range cliOptions {
		o := &cliOptions[i]
		if o.long != "" && strings.HasPrefix(o.long, opt) {
			if o.long == opt {
				return o, nil
			}
			poss = append(poss, o)
		}
	}
	switch len(poss) {
	case 0:
		return nil, fmt.Errorf("option --%s not recognized", opt)
	case 1:
		return poss[0], nil
	}
	return nil, fmt.Errorf("option --%s not a unique prefix", opt)
}

// ParseArgs parses supervisorctl's command line and reads its config file,
// as ClientOptions.realize does. It returns errHelp for -h, a *UsageError
// or a *ConfigParseError. env is the process environment and cwd the
// working directory ("" for the process's own).
func ParseArgs(argv0 string, args []string, env []string, cwd string) (*Options, error) {
	o := &Options{Progname: config.ResolveProgname(argv0, env)}
	pairs, rest, err := getopt(args)
	if err != nil {
		return o, &UsageError{err.Error()}
	}
	o.Args = rest
	var configFile, serverURL, history *string
	interactive := false
	for _, p := range pairs {
		name := strings.TrimLeft(p.opt, "-")
		for _, c := range cliOptions {
			if c.short == name {
				name = c.long
			}
		}
		var dst **string
		switch name {
		case "help", "":
			return o, errHelp
		case "interactive":
			if interactive {
				return o, &UsageError{"conflicting command line option " + pyfmt.Repr(p.opt)}
			}
			interactive = true
			continue
		case "serverurl":
			if _, err := config.ValidURL(p.arg); err != nil {
				return o, &UsageError{fmt.Sprintf("invalid value for %s %s: %s", p.opt, pyfmt.Repr(p.arg), err.Error())}
			}
			dst = &serverURL
		case "configuration":
			dst = &configFile
		case "username":
			dst = &o.Username
		case "password":
			dst = &o.Password
		case "history_file":
			// The reference stores -r in an attribute nothing reads; only
			// the config's history_file takes effect.
			dst = &history
		}
		if *dst != nil {
			return o, &UsageError{"conflicting command line option " + pyfmt.Repr(p.opt)}
		}
		v := p.arg
		*dst = &v
	}
	o.Interactive = interactive

	cfg := &config.CtlConfig{ServerURL: config.DefaultServerURL, Prompt: "supervisor"}
	if configFile == nil || *configFile != "" {
		path := ""
		if configFile != nil {
			path = *configFile
		}
		cfg, err = config.LoadCtl(path, argv0, env, cwd)
		if err != nil {
			var ue *config.UsageError
			var pe *config.CtlParseError
			switch {
			case errors.As(err, &ue):
				return o, &UsageError{ue.Msg}
			case errors.As(err, &pe):
				return o, &ConfigParseError{Type: pe.Type, Msg: pe.Msg}
			}
			return o, &UsageError{err.Error()}
		}
	}
	o.ConfigFile = cfg.ConfigFile
	o.ServerURL = cfg.ServerURL
	if serverURL != nil {
		o.ServerURL = *serverURL
	}
	if o.Username == nil {
		o.Username = cfg.Username
	}
	if o.Password == nil {
		o.Password = cfg.Password
	}
	o.Prompt = cfg.Prompt
	o.HistoryFile = cfg.HistoryFile
	if len(o.Args) == 0 {
		o.Interactive = true
	}
	return o, nil
}

// Environ is the environment ParseArgs expands ENV_x from; a variable
// so that tests can run Main with another.
var Environ = os.Environ
