package config

// CtlConfig is what supervisorctl takes from a config file's
// [supervisorctl] section (options.ClientOptions.read_config). It never
// looks at the server sections: credentials come from here or the command
// line only.
type CtlConfig struct {
	// ConfigFile is the file read, "" when none was given or found (not an
	// error for supervisorctl: the defaults apply).
	ConfigFile string
	// ServerURL defaults to http://localhost:9001; a unix:// path is made
	// absolute against the working directory ("~" expanded).
	ServerURL string
	// Username and Password are nil when not set. Supervisor's client sends
	// Basic auth whenever both are set, even to "".
	Username *string
	Password *string
	Prompt   string // default "supervisor" (the prompt shows it followed by "> ")
	// HistoryFile is absolute ("~" expanded), or "" when not set.
	HistoryFile string
	// Plugins are the [ctlplugin:x] sections (recorded, not loaded).
	Plugins []PluginConfig
}

// CtlParseError is a syntax error in the file supervisorctl reads.
// Supervisor 4.2.5 does not catch it (supervisorctl dies with a Python
// traceback ending in "configparser.<Type>: <Msg>"); the caller decides how
// to show it.
type CtlParseError struct {
	Type string // "ParsingError" or "MissingSectionHeaderError"
	Msg  string
}

func (e *CtlParseError) Error() string { return e.Msg }

// DefaultServerURL is supervisorctl's serverurl when nothing sets one.
const DefaultServerURL = "http://localhost:9001"

// LoadCtl reads supervisorctl's side of a config file. With path "" it
// searches the same default paths as supervisord (two of them relative to
// progname's directory, see ResolveProgname), and finding none is not an
// error. cwd "" means the process's working directory. Errors are
// *UsageError (printed like supervisord's, exit 2) or *CtlParseError.
func LoadCtl(path, progname string, env []string, cwd string) (*CtlConfig, error) {
	if cwd == "" {
		var err error
		if cwd, err = getwd(); err != nil {
			return nil, &UsageError{err.Error()}
		}
	}
	pe := &pathEnv{cwd: cwd, env: envMap(env)}
	out := &CtlConfig{ServerURL: DefaultServerURL, Prompt: "supervisor"}
	if path == "" {
		for _, p := range configSearchPaths(ResolveProgname(progname, env)) {
			if pe.exists(p) {
				path = p
				break
			}
		}
		if path == "" {
			return out, nil
		}
	}
	out.ConfigFile = path
	np, err := pe.normalizePath(path)
	if err != nil {
		return nil, &UsageError{err.Error()}
	}
	here := pyDirname(np)
	if !pe.exists(path) {
		return nil, usageErr("could not find config file %s", path)
	}
	data, err := readFile(pe.fsPath(path))
	if err != nil {
		return nil, usageErr("could not read config file %s", path)
	}
	p := newParser()
	if err := p.readMain(data, path); err != nil {
		switch e := err.(type) {
		case *parsingError:
			return nil, &CtlParseError{"ParsingError", e.msg}
		case *missingSectionHeaderError:
			return nil, &CtlParseError{"MissingSectionHeaderError", e.msg}
		}
		return nil, &UsageError{err.Error()}
	}
	if !p.hasSection("supervisorctl") {
		return nil, usageErr(".ini file does not include supervisorctl section")
	}
	l := &loader{pe: pe, configfile: path, here: here, p: p, environ: environExpansions(env)}
	get := func(opt string, def *string, withHere bool) (string, bool, error) {
		var extra *mapping
		if withHere {
			extra = l.hereMap()
		}
		return l.saneget("supervisorctl", opt, def, true, extra)
	}
	url, _, err := get("serverurl", sp(DefaultServerURL), true)
	if err != nil {
		return nil, &UsageError{err.Error()}
	}
	if len(url) >= 7 && url[:7] == "unix://" {
		np, err := pe.normalizePath(url[7:])
		if err != nil {
			return nil, &UsageError{err.Error()}
		}
		url = "unix://" + np
	}
	out.ServerURL = url
	if out.Prompt, _, err = get("prompt", sp("supervisor"), false); err != nil {
		return nil, &UsageError{err.Error()}
	}
	for _, f := range []struct {
		key string
		dst **string
	}{{"username", &out.Username}, {"password", &out.Password}} {
		v, ok, err := get(f.key, nil, false)
		if err != nil {
			return nil, &UsageError{err.Error()}
		}
		if ok {
			*f.dst = sp(v)
		}
	}
	hf, ok, err := get("history_file", nil, true)
	if err != nil {
		return nil, &UsageError{err.Error()}
	}
	if ok && hf != "" {
		if out.HistoryFile, err = pe.normalizePath(hf); err != nil {
			return nil, &UsageError{err.Error()}
		}
	}
	if out.Plugins, err = l.plugins("supervisor.ctl_factory", "ctlplugin:"); err != nil {
		return nil, &UsageError{err.Error()}
	}
	return out, nil
}
