package config

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// loader is one run of ServerOptions.read_config: the parser, the
// expansion names, and the messages it collects. Every step below follows
// options.py in the same order, so that the first error found is the one
// Supervisor reports.
type loader struct {
	pe         *pathEnv
	configfile string // as given
	here       string
	p          *iniParser
	// environ is Supervisor's environ_expansions: ENV_x for each variable,
	// extended by [supervisord] environment=. It is also the parser's own
	// expansion dict, so every value sees it.
	environ  *mapping
	hostNode string
	warnings []string
	infos    []string
	cfg      *Config
	userSet  bool // [supervisord] user= was given (even empty)
	getuid   func() int
	combo    comboCache
}

// plainError is a ValueError Supervisor raises with a message of its own.
func plainError(format string, a ...any) error { return fmt.Errorf(format, a...) }

// saneget is UnhosedConfigParser.saneget. A missing option yields def
// (expanded like a value when doExpand); with def nil it yields ok=false,
// standing for a default that is not a str (None, an int, a bool), which
// Python would not expand.
func (l *loader) saneget(section, option string, def *string, doExpand bool, extra *mapping) (string, bool, error) {
	v, ok := l.p.get(section, option)
	if !ok {
		if def == nil {
			return "", false, nil
		}
		v = *def
	}
	if !doExpand {
		return v, true, nil
	}
	if strings.IndexByte(v, '%') < 0 && utf8.ValidString(v) {
		// Nothing to expand: '%' formatting returns the text as it is,
		// and building the names (the whole environment) for each value
		// made reading 500 programs take 0.1 s.
		return v, true, nil
	}
	m := l.environ
	if extra != nil {
		m = l.combined(extra)
	}
	out, err := expand(v, m, section+"."+option)
	return out, true, err
}

// combined is combine(l.environ, extra), reused while neither changes:
// a program's options are all expanded with the same names.
func (l *loader) combined(extra *mapping) *mapping {
	c := &l.combo
	if c.m == nil || c.extra != extra || c.extraVersion != extra.version || c.environVersion != l.environ.version || c.environ != l.environ {
		*c = comboCache{m: combine(l.environ, extra), extra: extra, extraVersion: extra.version, environ: l.environ, environVersion: l.environ.version}
	}
	return c.m
}

// comboCache is the last mapping combined for saneget.
type comboCache struct {
	m, extra, environ            *mapping
	extraVersion, environVersion int
}

func sp(s string) *string { return &s }

// hereMap is {'here': here}.
func (l *loader) hereMap() *mapping {
	m := newMapping()
	m.setStr("here", l.here)
	return m
}

// readConfig is ServerOptions.read_config.
func (l *loader) readConfig() error {
	fp := l.configfile
	if !l.pe.exists(fp) {
		return plainError("could not find config file %s", fp)
	}
	data, err := readFile(l.pe.fsPath(fp))
	if err != nil {
		return plainError("could not read config file %s", fp)
	}
	if err := l.p.readMain(data, fp); err != nil {
		return err
	}

	expansions := newMapping()
	expansions.setStr("here", l.here)
	expansions.setStr("host_node_name", l.hostNode)
	expansions.update(l.environ)
	if l.p.hasSection("include") {
		l.p.expandHere(l.here)
		files, ok := l.p.get("include", "files")
		if !ok {
			return plainError(".ini file has [include] section, but no files setting")
		}
		files, err := expand(files, expansions, "include.files")
		if err != nil {
			return err
		}
		base := pyDirname(l.pe.abspath(fp))
		for _, pattern := range strings.FieldsFunc(files, pyIsSpace) {
			pattern = pyJoin(base, pattern)
			filenames, err := l.pe.glob(pattern)
			if err != nil {
				return err
			}
			if len(filenames) == 0 {
				l.warnings = append(l.warnings, `No file matches via include "`+pattern+`"`)
				continue
			}
			for _, filename := range sortedStrings(filenames) {
				l.infos = append(l.infos, `Included extra file "`+filename+`" during parsing`)
				if err := l.p.readInclude(l.pe.fsPath(filename), filename); err != nil {
					return err
				}
				l.p.expandHere(l.pe.abspath(pyDirname(filename)))
			}
		}
	}

	if !l.p.hasSection("supervisord") {
		return plainError(".ini file does not include supervisord section")
	}
	if err := l.supervisordSection(expansions); err != nil {
		return err
	}
	rpc, err := l.plugins("supervisor.rpcinterface_factory", "rpcinterface:")
	if err != nil {
		return err
	}
	l.cfg.RPCInterfaces = rpc
	groups, err := l.processGroups()
	if err != nil {
		return err
	}
	for _, g := range groups {
		for _, pc := range g.Processes {
			env := make(map[string]string, len(l.cfg.Supervisord.Environment)+len(pc.Environment))
			for k, v := range l.cfg.Supervisord.Environment {
				env[k] = v
			}
			for k, v := range pc.Environment {
				env[k] = v
			}
			pc.Environment = env
		}
	}
	l.cfg.Groups = groups
	servers, err := l.serverConfigs()
	if err != nil {
		return err
	}
	l.cfg.Servers = servers
	for _, section := range l.p.sectionNames() {
		if !strings.HasPrefix(section, "ctlplugin:") {
			continue
		}
		pc := PluginConfig{Name: strings.SplitN(section, ":", 2)[1], Params: map[string]string{}}
		for _, k := range l.p.options(section) {
			v, _ := l.p.get(section, k)
			if k == "supervisor.ctl_factory" {
				pc.Factory = v
			} else {
				pc.Params[k] = v
			}
		}
		l.cfg.CtlPlugins = append(l.cfg.CtlPlugins, pc)
	}
	return nil
}

// supervisordSection reads [supervisord] in read_config's order.
func (l *loader) supervisordSection(expansions *mapping) error {
	s := &l.cfg.Supervisord
	get := func(opt string, def *string) (string, bool, error) {
		return l.saneget("supervisord", opt, def, true, l.hereMap())
	}
	getInt := func(opt string, def int64) (int64, error) {
		v, ok, err := get(opt, nil)
		if err != nil || !ok {
			return def, err
		}
		return integer(v)
	}
	v64, err := getInt("minfds", 1024)
	if err != nil {
		return err
	}
	s.Minfds = int(v64)
	if v64, err = getInt("minprocs", 200); err != nil {
		return err
	}
	s.Minprocs = int(v64)
	if v, ok, err := get("directory", nil); err != nil {
		return err
	} else if ok {
		if s.Directory, err = l.pe.existingDirectory(v); err != nil {
			return err
		}
	}
	if v, ok, err := get("user", nil); err != nil {
		return err
	} else if ok {
		s.User = v
		l.userSet = true
	}
	v, _, err := get("umask", sp("022"))
	if err != nil {
		return err
	}
	if s.Umask, err = Octal(v); err != nil {
		return err
	}
	if v, _, err = get("logfile", sp("supervisord.log")); err != nil {
		return err
	}
	if s.Logfile, err = l.pe.existingDirpath(v); err != nil {
		return err
	}
	if v, _, err = get("logfile_maxbytes", sp("50MB")); err != nil {
		return err
	}
	if s.LogfileMaxBytes, err = ByteSize(v); err != nil {
		return err
	}
	if v64, err = getInt("logfile_backups", 10); err != nil {
		return err
	}
	s.LogfileBackups = int(v64)
	if v, _, err = get("loglevel", sp("info")); err != nil {
		return err
	}
	if s.LogLevel, err = ParseLogLevel(v); err != nil {
		return err
	}
	if v, _, err = get("pidfile", sp("supervisord.pid")); err != nil {
		return err
	}
	if s.Pidfile, err = l.pe.existingDirpath(v); err != nil {
		return err
	}
	if s.Identifier, _, err = get("identifier", sp("supervisor")); err != nil {
		return err
	}
	for _, b := range []struct {
		key string
		dst *bool
	}{{"nodaemon", &s.Nodaemon}, {"silent", &s.Silent}} {
		if v, _, err = get(b.key, sp("false")); err != nil {
			return err
		}
		if *b.dst, err = Boolean(v); err != nil {
			return err
		}
	}
	tmp, err := gettempdir(l.pe)
	if err != nil {
		return err
	}
	if v, _, err = get("childlogdir", sp(tmp)); err != nil {
		return err
	}
	if s.Childlogdir, err = l.pe.existingDirectory(v); err != nil {
		return err
	}
	for _, b := range []struct {
		key string
		dst *bool
	}{{"nocleanup", &s.Nocleanup}, {"strip_ansi", &s.StripAnsi}} {
		if v, _, err = get(b.key, sp("false")); err != nil {
			return err
		}
		if *b.dst, err = Boolean(v); err != nil {
			return err
		}
	}
	if v, _, err = get("environment", sp("")); err != nil {
		return err
	}
	if v, err = expand(v, expansions, "environment"); err != nil {
		return err
	}
	env, err := dictOfKeyValuePairs(v)
	if err != nil {
		return err
	}
	s.Environment = map[string]string{}
	for _, k := range env.keys {
		s.Environment[k] = env.vals[k]
		l.environ.setStr("ENV_"+k, env.vals[k])
	}
	return nil
}

// entryPoint is what pkg_resources.EntryPoint.parse("x=" + spec) accepts.
// These patterns are compiled on first use: their Unicode classes cost
// every supervisorctl start a millisecond otherwise.
var entryPoint = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(`^\s*(.+?)\s*=\s*([\p{L}\p{N}_.]+)\s*(:\s*([\p{L}\p{N}_.]+))?\s*(\[.*\])?\s*\n?$`, `\s`, `[`+pySpaceClass+`]`))
})

var moduleName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\p{L}\p{N}_]+(\.[\p{L}\p{N}_]+)*$`) })

// supervisorModules are the modules of Supervisor 4.2.5's package, and
// the names in the three a config can point into, so that a spec naming
// Supervisor's own code resolves (or fails) as it does under Supervisor.
var supervisorModules = map[string][]string{
	"supervisor": nil, "supervisor.childutils": nil, "supervisor.compat": nil,
	"supervisor.confecho": nil, "supervisor.datatypes": nil, "supervisor.events": nil,
	"supervisor.http": nil, "supervisor.http_client": nil, "supervisor.loggers": nil,
	"supervisor.medusa": nil, "supervisor.options": nil, "supervisor.pidproxy": nil,
	"supervisor.poller": nil, "supervisor.process": nil, "supervisor.socket_manager": nil,
	"supervisor.states": nil, "supervisor.supervisord": nil, "supervisor.templating": nil,
	"supervisor.tests": nil, "supervisor.web": nil, "supervisor.xmlrpc": nil,
	"supervisor.rpcinterface": {"API_VERSION", "Automatic", "BadCommand", "Faults", "NOT_DONE_YET",
		"NoPermission", "NotExecutable", "NotFound", "ProcessStates", "RPCError", "RUNNING_STATES",
		"RemoteCommunicationEvent", "SIGNALLABLE_STATES", "STOPPED_STATES", "SupervisorNamespaceRPCInterface",
		"SupervisorStates", "VERSION", "_total_seconds", "as_bytes", "as_string", "capped_int", "datetime",
		"errno", "getProcessStateDescription", "getSupervisorStateDescription", "isNotRunning", "isRunning",
		"isSignallable", "make_allfunc", "make_main_rpcinterface", "make_namespec", "notify", "os", "readFile",
		"signal_number", "split_namespec", "tailFile", "time", "types", "unicode"},
	"supervisor.dispatchers": {"ANSI_ESCAPE_BEGIN", "ANSI_TERMINATORS", "EventListenerStates",
		"EventRejectedEvent", "PDispatcher", "PEventListenerDispatcher", "PInputDispatcher", "POutputDispatcher",
		"ProcessLogStderrEvent", "ProcessLogStdoutEvent", "RejectEvent", "as_string", "compact_traceback",
		"default_handler", "errno", "find_prefix_at_end", "getEventListenerStateDescription", "loggers", "notify",
		"stripEscapes"},
	"supervisor.supervisorctl": {"ClientOptions", "Controller", "ControllerPluginBase", "DEAD_PROGRAM_FAULTS",
		"DefaultControllerPlugin", "LSBInitExitStatuses", "LSBStatusExitStatuses", "as_string", "asyncore",
		"check_encoding", "cmd", "errno", "fgthread", "get_names", "getpass", "http_client", "main",
		"make_namespec", "not_all_langs", "raw_input", "socket", "split_namespec", "states", "sys", "threading",
		"unicode", "urlparse", "xmlrpc", "xmlrpclib"},
}

// extrasPrefix is the "[a, b]" part of a requirement as the pyparsing
// grammar of pkg_resources' vendored packaging reads it.
var extrasPrefix = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\[[ \t\n\r]*([A-Za-z0-9]+([-_.]*[A-Za-z0-9]+)*([ \t\n\r]*,[ \t\n\r]*[A-Za-z0-9]+([-_.]*[A-Za-z0-9]+)*)*)?[ \t\n\r]*\]`)
})

// checkExtras is Requirement.parse("x" + extras), which EntryPoint.parse
// calls for the optional "[extras]" of a spec, with its error text.
func checkExtras(req string) error {
	loc := 1
	if m := extrasPrefix().FindString(req[1:]); m != "" {
		loc += len(m)
		for loc < len(req) && strings.ContainsRune(" \t\n\r", rune(req[loc])) {
			loc++
		}
		if loc == len(req) {
			return nil
		}
	}
	r := []rune(req[loc:])
	if len(r) > 8 {
		r = r[:8]
	}
	return fmt.Errorf("Parse error at \"%s\": Expected string_end", repr(string(r)))
}

// importSpec checks a "module:attr" spec as Supervisor's import_spec
// would, and returns it normalized to module:attr. A spec into
// Supervisor's own package is resolved against what that package holds;
// any other well-formed spec names Python code we cannot import, and is
// accepted for the daemon to warn about (docs/compat.md).
func importSpec(spec, section string) (string, error) {
	src := "x=" + spec
	m := entryPoint().FindStringSubmatch(src)
	if m == nil {
		return "", fmt.Errorf("(\"EntryPoint must be in 'name=module:attrs [extras]' format\", %s)", repr(src))
	}
	module, attrs := m[2], m[4]
	if m[5] != "" {
		if err := checkExtras("x" + m[5]); err != nil {
			return "", err
		}
	}
	if !moduleName().MatchString(module) {
		return "", fmt.Errorf("('Invalid module name', %s)", repr(module))
	}
	unresolved := fmt.Errorf("%s cannot be resolved within [%s]", spec, section)
	if module == "supervisor" || strings.HasPrefix(module, "supervisor.") {
		names, known := supervisorModules[module]
		deeper := strings.HasPrefix(module, "supervisor.medusa.") || strings.HasPrefix(module, "supervisor.tests.")
		if !known && !deeper {
			return "", unresolved
		}
		if names != nil && attrs != "" {
			first := strings.TrimSpace(strings.SplitN(attrs, ".", 2)[0])
			if !slices.Contains(names, first) {
				return "", unresolved
			}
		}
	} else if c := []rune(module)[0]; c >= '0' && c <= '9' {
		return "", unresolved // no module name starts with a digit
	}
	if attrs == "" {
		return module, nil
	}
	return module + ":" + attrs, nil
}

// MainRPCInterfaceFactory is the factory of the supervisor.* namespace.
const MainRPCInterfaceFactory = "supervisor.rpcinterface:make_main_rpcinterface"

// DefaultResultHandler is the result handler of event listener pools.
const DefaultResultHandler = "supervisor.dispatchers:default_handler"

// plugins is Options.get_plugins.
func (l *loader) plugins(factoryKey, prefix string) ([]PluginConfig, error) {
	var out []PluginConfig
	for _, section := range l.p.sectionNames() {
		if !strings.HasPrefix(section, prefix) {
			continue
		}
		name := strings.SplitN(section, ":", 2)[1]
		spec, ok, err := l.saneget(section, factoryKey, nil, true, nil)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, plainError("section [%s] does not specify a %s", section, factoryKey)
		}
		factory, err := importSpec(spec, section)
		if err != nil {
			return nil, err
		}
		pc := PluginConfig{Name: name, Factory: factory, Params: map[string]string{}}
		for _, k := range l.p.options(section) {
			if k == factoryKey {
				continue
			}
			v, _, err := l.saneget(section, k, nil, true, nil)
			if err != nil {
				return nil, err
			}
			pc.Params[k] = v
		}
		out = append(out, pc)
	}
	return out, nil
}

// eventTypes is events.EventTypes.
var eventTypes = map[string]bool{
	"EVENT": true, "PROCESS_STATE": true,
	"PROCESS_STATE_STOPPED": true, "PROCESS_STATE_EXITED": true,
	"PROCESS_STATE_STARTING": true, "PROCESS_STATE_STOPPING": true,
	"PROCESS_STATE_BACKOFF": true, "PROCESS_STATE_FATAL": true,
	"PROCESS_STATE_RUNNING": true, "PROCESS_STATE_UNKNOWN": true,
	"PROCESS_COMMUNICATION": true, "PROCESS_COMMUNICATION_STDOUT": true,
	"PROCESS_COMMUNICATION_STDERR": true, "PROCESS_LOG": true,
	"PROCESS_LOG_STDOUT": true, "PROCESS_LOG_STDERR": true,
	"REMOTE_COMMUNICATION": true, "SUPERVISOR_STATE_CHANGE": true,
	"SUPERVISOR_STATE_CHANGE_RUNNING": true, "SUPERVISOR_STATE_CHANGE_STOPPING": true,
	"TICK": true, "TICK_5": true, "TICK_60": true, "TICK_3600": true,
	"PROCESS_GROUP": true, "PROCESS_GROUP_ADDED": true, "PROCESS_GROUP_REMOVED": true,
}

// EventTypeNames returns every event type name a listener may subscribe to
// (events.EventTypes), sorted.
func EventTypeNames() []string {
	names := make([]string, 0, len(eventTypes))
	for n := range eventTypes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// groupGet is process_groups_from_parser's get: expansions are here plus
// the environment (not program_name).
func (l *loader) groupGet(section, opt string, def *string, extra *mapping) (string, bool, error) {
	m := newMapping()
	if extra != nil {
		m.update(extra)
	}
	m.setStr("here", l.here)
	return l.saneget(section, opt, def, true, m)
}

func (l *loader) groupInt(section, opt string, def int64) (int64, error) {
	v, ok, err := l.groupGet(section, opt, nil, nil)
	if err != nil || !ok {
		return def, err
	}
	return integer(v)
}

// processGroups is process_groups_from_parser.
func (l *loader) processGroups() ([]*GroupConfig, error) {
	var groups []*GroupConfig
	all := l.p.sectionNames()
	has := map[string]bool{}
	for _, s := range all {
		has[s] = true
	}
	exclude := map[string]bool{}

	for _, section := range all {
		if !strings.HasPrefix(section, "group:") {
			continue
		}
		groupName, err := ProcessOrGroupName(strings.SplitN(section, ":", 2)[1])
		if err != nil {
			return nil, err
		}
		pv, ok, err := l.groupGet(section, "programs", nil, nil)
		if err != nil {
			return nil, err
		}
		var programs []string
		if ok {
			programs = listOfStrings(&pv)
		}
		prio, err := l.groupInt(section, "priority", 999)
		if err != nil {
			return nil, err
		}
		g := &GroupConfig{Name: groupName, Priority: int(prio), Kind: KindProcess, Processes: []*ProcessConfig{}}
		// Supervisor reuses its loop variable here: once a member is
		// processed, errors about the next ones name that member's section.
		cur := section
		for _, program := range programs {
			ps, fs := "program:"+program, "fcgi-program:"+program
			if !has[ps] && !has[fs] {
				return nil, plainError("[%s] names unknown program or fcgi-program %s", cur, program)
			}
			if has[ps] && has[fs] {
				return nil, plainError("[%s] name %s is ambiguous (exists as program and fcgi-program)", cur, program)
			}
			cur = fs
			if has[ps] {
				cur = ps
			}
			exclude[cur] = true
			procs, err := l.processesFromSection(cur, groupName)
			if err != nil {
				return nil, err
			}
			g.Processes = append(g.Processes, procs...)
		}
		groups = append(groups, g)
	}

	for _, section := range all {
		if !strings.HasPrefix(section, "program:") || exclude[section] {
			continue
		}
		name, err := ProcessOrGroupName(strings.SplitN(section, ":", 2)[1])
		if err != nil {
			return nil, err
		}
		prio, err := l.groupInt(section, "priority", 999)
		if err != nil {
			return nil, err
		}
		procs, err := l.processesFromSection(section, name)
		if err != nil {
			return nil, err
		}
		groups = append(groups, &GroupConfig{Name: name, Priority: int(prio), Kind: KindProcess, Processes: procs})
	}

	for _, section := range all {
		if !strings.HasPrefix(section, "eventlistener:") {
			continue
		}
		poolName := strings.SplitN(section, ":", 2)[1]
		prio, err := l.groupInt(section, "priority", -1)
		if err != nil {
			return nil, err
		}
		bufferSize, err := l.groupInt(section, "buffer_size", 10)
		if err != nil {
			return nil, err
		}
		if bufferSize < 1 {
			return nil, plainError("[%s] section sets invalid buffer_size (%d)", section, bufferSize)
		}
		rh, _, err := l.groupGet(section, "result_handler", sp(DefaultResultHandler), nil)
		if err != nil {
			return nil, err
		}
		if rh, err = importSpec(rh, section); err != nil {
			return nil, err
		}
		ev, _, err := l.groupGet(section, "events", sp(""), nil)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		var events []string
		for _, x := range listOfStrings(&ev) {
			x = pyUpper(x)
			if !seen[x] {
				seen[x] = true
				events = append(events, x)
			}
		}
		if len(events) == 0 {
			return nil, plainError(`[%s] section requires an "events" line`, section)
		}
		for _, e := range events {
			if !eventTypes[e] {
				return nil, plainError("Unknown event type %s in [%s] events", e, section)
			}
		}
		sort.Strings(events)
		rs, _, err := l.groupGet(section, "redirect_stderr", sp("false"), nil)
		if err != nil {
			return nil, err
		}
		redirect, err := Boolean(rs)
		if err != nil {
			return nil, err
		}
		if redirect {
			return nil, plainError("[%s] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol", section)
		}
		procs, err := l.processesFromSection(section, poolName)
		if err != nil {
			return nil, err
		}
		groups = append(groups, &GroupConfig{
			Name: poolName, Priority: int(prio), Kind: KindEventListener, Processes: procs,
			Events: events, BufferSize: int(bufferSize), ResultHandler: rh,
		})
	}

	for _, section := range all {
		if !strings.HasPrefix(section, "fcgi-program:") || exclude[section] {
			continue
		}
		name, err := ProcessOrGroupName(strings.SplitN(section, ":", 2)[1])
		if err != nil {
			return nil, err
		}
		prio, err := l.groupInt(section, "priority", 999)
		if err != nil {
			return nil, err
		}
		fcgiExp := newMapping()
		fcgiExp.setStr("program_name", name)
		var procUID *int
		if u, ok, err := l.groupGet(section, "user", nil, nil); err != nil {
			return nil, err
		} else if ok {
			uid, err := NameToUID(u)
			if err != nil {
				return nil, err
			}
			procUID = &uid
		}
		var backlog int
		if b, ok, err := l.groupGet(section, "socket_backlog", nil, nil); err != nil {
			return nil, err
		} else if ok {
			n, err := integer(b)
			if err != nil {
				return nil, err
			}
			if n < 1 || n > 65535 {
				return nil, plainError("Invalid socket_backlog value %d", n)
			}
			backlog = int(n)
		}
		var owner *UIDGID
		if o, ok, err := l.groupGet(section, "socket_owner", nil, nil); err != nil {
			return nil, err
		} else if ok {
			uid, gid, err := colonSeparatedUserGroup(o)
			if err != nil {
				return nil, plainError("Invalid socket_owner value %s", o)
			}
			owner = &UIDGID{uid, gid}
		}
		mode := -1
		if m, ok, err := l.groupGet(section, "socket_mode", nil, nil); err != nil {
			return nil, err
		} else if ok {
			if mode, err = Octal(m); err != nil {
				return nil, plainError("Invalid socket_mode value %s", m)
			}
		}
		sock, _, err := l.groupGet(section, "socket", nil, fcgiExp)
		if err != nil {
			return nil, err
		}
		if sock == "" {
			return nil, plainError(`[%s] section requires a "socket" line`, section)
		}
		sc, err := l.parseFCGISocket(sock, procUID, owner, mode, backlog)
		if err != nil {
			return nil, plainError("%s in [%s] socket", err.Error(), section)
		}
		procs, err := l.processesFromSection(section, name)
		if err != nil {
			return nil, err
		}
		groups = append(groups, &GroupConfig{Name: name, Priority: int(prio), Kind: KindFCGI, Processes: procs, Socket: sc})
	}

	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].Priority != groups[j].Priority {
			return groups[i].Priority < groups[j].Priority
		}
		return groups[i].Name < groups[j].Name
	})
	return groups, nil
}

var tcpSocket = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^tcp://([^:` + pySpaceClass + `]+):(\p{Nd}+)\n?$`) })

// pySpaceClass is Python's \s (str.isspace) inside a character class.
const pySpaceClass = `\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

// parseFCGISocket is ServerOptions.parse_fcgi_socket. Two of its errors
// are raised with two arguments, so Python prints them as a tuple.
func (l *loader) parseFCGISocket(sock string, procUID *int, owner *UIDGID, mode, backlog int) (*SocketConfig, error) {
	if strings.HasPrefix(sock, "unix://") {
		path := sock[7:]
		if !pyIsAbs(path) {
			return nil, fmt.Errorf("('Unix socket path %%s is not an absolute path', %s)", repr(path))
		}
		var err error
		if path, err = l.pe.normalizePath(path); err != nil {
			return nil, err
		}
		if owner == nil {
			uid := l.getuid()
			if procUID != nil && *procUID != uid {
				gid, err := gidForUID(*procUID)
				if err != nil {
					return nil, err
				}
				owner = &UIDGID{*procUID, gid}
			}
		}
		if mode == -1 {
			mode = 0o700
		}
		return &SocketConfig{URL: "unix://" + path, Unix: true, Path: path, Owner: owner, Mode: mode, Backlog: backlog}, nil
	}
	if owner != nil || mode != -1 {
		return nil, errors.New("socket_owner and socket_mode params should only be used with a Unix domain socket")
	}
	if m := tcpSocket().FindStringSubmatch(sock); m != nil {
		host := pyLower(m[1])
		port, err := portNumber(m[2])
		if err != nil {
			return nil, err
		}
		return &SocketConfig{URL: fmt.Sprintf("tcp://%s:%d", host, port), Host: host, Port: port, Backlog: backlog}, nil
	}
	return nil, fmt.Errorf("('Bad socket format %%s', %s)", repr(sock))
}

// processesFromSection is ServerOptions.processes_from_section: any error
// gets the section and file suffix.
func (l *loader) processesFromSection(section, groupName string) ([]*ProcessConfig, error) {
	procs, err := l.processesFromSectionInner(section, groupName)
	if err != nil {
		file, ok := l.p.sectionToFile[section]
		if !ok {
			file = l.configfile
		}
		return nil, fmt.Errorf("%s in section %s (file: %s)", err.Error(), repr(section), repr(file))
	}
	return procs, nil
}

func (l *loader) processesFromSectionInner(section, groupName string) ([]*ProcessConfig, error) {
	programName, err := ProcessOrGroupName(strings.SplitN(section, ":", 2)[1])
	if err != nil {
		return nil, err
	}
	// common is Supervisor's common_expansions dict; the per-process loop
	// adds to it in place, so later reads see process_num, numprocs and the
	// ENV_ names of the program's own environment.
	common := newMapping()
	common.setStr("here", l.here)
	common.setStr("program_name", programName)
	common.setStr("host_node_name", l.hostNode)
	common.setStr("group_name", groupName)
	get := func(opt string, def *string) (string, bool, error) {
		return l.saneget(section, opt, def, true, common)
	}
	getRaw := func(opt string, def string) (string, error) {
		v, _, err := l.saneget(section, opt, &def, false, nil)
		return v, err
	}
	getInt := func(opt string, def int64) (int64, error) {
		v, ok, err := get(opt, nil)
		if err != nil || !ok {
			return def, err
		}
		return integer(v)
	}
	getBool := func(opt, def string) (bool, error) {
		v, _, err := get(opt, &def)
		if err != nil {
			return false, err
		}
		return Boolean(v)
	}
	getBytes := func(opt, def string) (int64, error) {
		v, _, err := get(opt, &def)
		if err != nil {
			return 0, err
		}
		return ByteSize(v)
	}

	priority, err := getInt("priority", 999)
	if err != nil {
		return nil, err
	}
	autostart, err := getBool("autostart", "true")
	if err != nil {
		return nil, err
	}
	v, _, err := get("autorestart", sp("unexpected"))
	if err != nil {
		return nil, err
	}
	autorestart, err := AutoRestartValue(v)
	if err != nil {
		return nil, err
	}
	startsecs, err := getInt("startsecs", 1)
	if err != nil {
		return nil, err
	}
	startretries, err := getInt("startretries", 3)
	if err != nil {
		return nil, err
	}
	if v, _, err = get("stopsignal", sp("TERM")); err != nil {
		return nil, err
	}
	stopsignal, err := Signal(v)
	if err != nil {
		return nil, err
	}
	stopwaitsecs, err := getInt("stopwaitsecs", 10)
	if err != nil {
		return nil, err
	}
	stopasgroup, err := getBool("stopasgroup", "false")
	if err != nil {
		return nil, err
	}
	killasgroup := stopasgroup
	if v, ok, err := get("killasgroup", nil); err != nil {
		return nil, err
	} else if ok {
		if killasgroup, err = Boolean(v); err != nil {
			return nil, err
		}
	}
	if v, _, err = get("exitcodes", sp("0")); err != nil {
		return nil, err
	}
	exitcodes, err := ExitCodes(v)
	if err != nil {
		return nil, err
	}
	redirectStderr, err := getBool("redirect_stderr", "false")
	if err != nil {
		return nil, err
	}
	numprocs, err := getInt("numprocs", 1)
	if err != nil {
		return nil, err
	}
	numprocsStart, err := getInt("numprocs_start", 0)
	if err != nil {
		return nil, err
	}
	environmentStr, err := getRaw("environment", "")
	if err != nil {
		return nil, err
	}
	stdoutCMax, err := getBytes("stdout_capture_maxbytes", "0")
	if err != nil {
		return nil, err
	}
	stdoutEvents, err := getBool("stdout_events_enabled", "false")
	if err != nil {
		return nil, err
	}
	stderrCMax, err := getBytes("stderr_capture_maxbytes", "0")
	if err != nil {
		return nil, err
	}
	stderrEvents, err := getBool("stderr_events_enabled", "false")
	if err != nil {
		return nil, err
	}
	serverurl, serverurlSet, err := get("serverurl", nil)
	if err != nil {
		return nil, err
	}
	if serverurlSet && serverurl != "" && pyUpper(pyStrip(serverurl)) == "AUTO" {
		serverurl, serverurlSet = "", false
	}
	user, userSet, err := get("user", nil)
	if err != nil {
		return nil, err
	}
	var uid *int
	if userSet {
		u, err := NameToUID(user)
		if err != nil {
			return nil, err
		}
		uid = &u
	}
	var umask *int
	if v, ok, err := get("umask", nil); err != nil {
		return nil, err
	} else if ok {
		u, err := Octal(v)
		if err != nil {
			return nil, err
		}
		umask = &u
	}
	pn, err := getRaw("process_name", "%(program_name)s")
	if err != nil {
		return nil, err
	}
	processName, err := ProcessOrGroupName(pn)
	if err != nil {
		return nil, err
	}
	if numprocs > 1 && !strings.Contains(processName, "%(process_num)") {
		return nil, errors.New("%(process_num) must be present within process_name when numprocs > 1")
	}
	if stopasgroup && !killasgroup {
		return nil, errors.New("Cannot set stopasgroup=true and killasgroup=false")
	}
	if numprocs > MaxNumprocs && numprocs > 0 {
		return nil, fmt.Errorf("numprocs %d is more than gosupervisor supports (%d)", numprocs, MaxNumprocs)
	}
	if numprocs > 0 && numprocsStart > (1<<62) {
		return nil, errTooBig(big.NewInt(numprocsStart))
	}

	var programs []*ProcessConfig
	for processNum := numprocsStart; processNum < numprocsStart+numprocs; processNum++ {
		common.set("process_num", intVal(processNum))
		common.set("numprocs", intVal(numprocs))
		common.update(l.environ)

		envStr, err := expand(environmentStr, common, "environment")
		if err != nil {
			return nil, err
		}
		env, err := dictOfKeyValuePairs(envStr)
		if err != nil {
			return nil, err
		}
		for _, k := range env.keys {
			common.setStr("ENV_"+k, env.vals[k])
		}

		directory, directorySet, err := get("directory", nil)
		if err != nil {
			return nil, err
		}

		var logs [2]LogConfig
		for i, ch := range []string{"stdout", "stderr"} {
			lc := &logs[i]
			lfKey := ch + "_logfile"
			lf, lfSet, err := get(lfKey, nil)
			if err != nil {
				return nil, err
			}
			var lv logfileValue
			if !lfSet {
				lv.auto = true
			} else {
				if lf, err = expand(lf, common, lfKey); err != nil {
					return nil, err
				}
				if lv, err = l.pe.logfileName(lf); err != nil {
					return nil, err
				}
			}
			bu, err := getInt(ch+"_logfile_backups", 10)
			if err != nil {
				return nil, err
			}
			lc.Backups = int(bu)
			if lc.MaxBytes, err = getBytes(ch+"_logfile_maxbytes", "50MB"); err != nil {
				return nil, err
			}
			syKey := ch + "_syslog"
			if v, ok, err := get(syKey, nil); err != nil {
				return nil, err
			} else if ok {
				if lc.Syslog, err = Boolean(v); err != nil {
					return nil, err
				}
			}
			if lv.syslog {
				l.warnings = append(l.warnings, fmt.Sprintf("For [%s], %s=syslog but this is deprecated and will be removed.  Use %s=true to enable syslog instead.", section, lfKey, syKey))
				lv = logfileValue{none: true}
				lc.Syslog = true
			}
			if lv.auto && lc.MaxBytes == 0 {
				l.warnings = append(l.warnings, fmt.Sprintf("For [%s], AUTO logging used for %s without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally", section, lfKey))
			}
			switch {
			case lv.auto:
				lc.Logfile = Auto
			case lv.none:
			case lv.path == "":
				lc.LogfileEmpty = true
			default:
				lc.Logfile = lv.path
			}
		}
		logs[0].CaptureMaxBytes, logs[0].EventsEnabled = stdoutCMax, stdoutEvents
		logs[1].CaptureMaxBytes, logs[1].EventsEnabled = stderrCMax, stderrEvents

		if redirectStderr {
			if logs[1].Logfile != Auto && (logs[1].Logfile != "" || logs[1].LogfileEmpty) {
				l.warnings = append(l.warnings, fmt.Sprintf("For [%s], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored", section))
			}
			logs[1].Logfile, logs[1].LogfileEmpty = "", false
		}

		command, ok, err := get("command", nil)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("program section %s does not specify a command", section)
		}
		name, err := expand(processName, common, "process_name")
		if err != nil {
			return nil, err
		}
		environment := make(map[string]string, len(env.keys))
		for _, k := range env.keys {
			environment[k] = env.vals[k]
		}
		pc := &ProcessConfig{
			Name: name, ProgramName: programName, Group: groupName, Section: section,
			File:         l.fileOf(section),
			Command:      command,
			Directory:    directory,
			DirectorySet: directorySet,
			Umask:        umask,
			Priority:     int(priority),
			Autostart:    autostart,
			Autorestart:  autorestart,
			StartSecs:    int(startsecs),
			StartRetries: int(startretries),
			UID:          uid,
			Stdout:       logs[0],
			Stderr:       logs[1],
			StopSignal:   stopsignal,
			StopWaitSecs: int(stopwaitsecs),
			StopAsGroup:  stopasgroup,
			KillAsGroup:  killasgroup,
			ExitCodes:    exitcodes,

			RedirectStderr: redirectStderr,
			Environment:    environment,
			ServerURL:      serverurl,
			ServerURLEmpty: serverurlSet && serverurl == "",
		}
		if userSet {
			pc.User = user
		}
		programs = append(programs, pc)
	}
	sort.SliceStable(programs, func(i, j int) bool {
		if programs[i].Priority != programs[j].Priority {
			return programs[i].Priority < programs[j].Priority
		}
		return programs[i].Name < programs[j].Name
	})
	if programs == nil {
		programs = []*ProcessConfig{}
	}
	return programs, nil
}

// MaxNumprocs bounds numprocs. Supervisor has no bound (it would build the
// processes until memory runs out); docs/compat.md.
var MaxNumprocs int64 = 100000

func (l *loader) fileOf(section string) string {
	if f, ok := l.p.sectionToFile[section]; ok {
		return f
	}
	return l.pe.abspath(l.configfile)
}

// serverConfigs is server_configs_from_parser: the inet servers, then the
// unix ones. Any section whose name starts with the prefix counts.
func (l *loader) serverConfigs() ([]ServerConfig, error) {
	var out []ServerConfig
	names := l.p.sectionNames()
	split := func(section string) string {
		parts := strings.SplitN(section, ":", 2)
		if len(parts) > 1 {
			return parts[1]
		}
		return ""
	}
	for _, section := range names {
		if !strings.HasPrefix(section, "inet_http_server") {
			continue
		}
		sc := ServerConfig{Section: section, Name: split(section), ChownUID: -1, ChownGID: -1}
		if err := l.userPass(section, &sc); err != nil {
			return nil, err
		}
		port, ok, err := l.saneget(section, "port", nil, true, nil)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, plainError("section [%s] has no port value", section)
		}
		if sc.Host, sc.Port, err = InetAddress(port); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	for _, section := range names {
		if !strings.HasPrefix(section, "unix_http_server") {
			continue
		}
		sc := ServerConfig{Section: section, Name: split(section), Unix: true}
		file, ok, err := l.saneget(section, "file", nil, true, l.hereMap())
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, plainError("section [%s] has no file value", section)
		}
		if sc.File, err = l.pe.normalizePath(pyStrip(file)); err != nil {
			return nil, err
		}
		if err := l.userPass(section, &sc); err != nil {
			return nil, err
		}
		sc.ChownUID, sc.ChownGID = -1, -1
		if chown, ok, err := l.saneget(section, "chown", nil, true, nil); err != nil {
			return nil, err
		} else if ok {
			if sc.ChownUID, sc.ChownGID, err = colonSeparatedUserGroup(chown); err != nil {
				return nil, plainError("Invalid sockchown value %s", chown)
			}
		}
		sc.Chmod = 0o700
		if chmod, ok, err := l.saneget(section, "chmod", nil, true, nil); err != nil {
			return nil, err
		} else if ok {
			if sc.Chmod, err = Octal(chmod); err != nil {
				return nil, plainError("Invalid chmod value %s", chmod)
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

func (l *loader) userPass(section string, sc *ServerConfig) error {
	u, uok, err := l.saneget(section, "username", nil, true, nil)
	if err != nil {
		return err
	}
	p, pok, err := l.saneget(section, "password", nil, true, nil)
	if err != nil {
		return err
	}
	if (uok || pok) && !(uok && pok) {
		return plainError("Section [%s] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified", section)
	}
	sc.Username, sc.Password = u, p
	return nil
}
