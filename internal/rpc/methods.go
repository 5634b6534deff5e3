package rpc

import (
	"context"
	"errors"
	"math/big"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/logfile"
	"github.com/gosupervisor/gosupervisor/internal/version"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// ownMood lists the methods that check the mood themselves, in
// Supervisor's own order: sendRemoteCommEvent never does, and the two
// group/all signal methods check it after signalling.
var ownMood = map[string]bool{"sendRemoteCommEvent": true, "signalProcessGroup": true, "signalAllProcesses": true}

type impl struct {
	min, max int
	call     func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error)
}

// supervisorMethods is rpcinterface.SupervisorNamespaceRPCInterface. The
// handler checks the mood (SHUTDOWN_STATE while supervisord stops or
// restarts) before calling each one, except those in ownMood.
var supervisorMethods = map[string]impl{
	"getAPIVersion":        {0, 0, constant(version.APIVersion)},
	"getVersion":           {0, 0, constant(version.APIVersion)},
	"getSupervisorVersion": {0, 0, constant(version.Supervisor)},
	"getIdentification": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		return xmlrpc.NewString(h.b.Identification()), nil
	}},
	"getState": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		code, name := h.b.State()
		return xmlrpc.NewStruct(xmlrpc.M("statecode", xmlrpc.NewInt(int64(code))), xmlrpc.M("statename", xmlrpc.NewString(name))), nil
	}},
	"getPID": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		return xmlrpc.NewInt(int64(h.b.PID())), nil
	}},
	"readLog":     {2, 2, readLog},
	"readMainLog": {2, 2, readLog},
	"clearLog": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		if err := h.b.ClearMainLog(); err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewBool(true), nil
	}},
	"shutdown": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		if err := h.b.Shutdown(); err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewBool(true), nil
	}},
	"restart": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		if err := h.b.Restart(); err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewBool(true), nil
	}},
	"reloadConfig": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		added, changed, removed, err := h.b.ReloadConfig()
		if err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewArray(xmlrpc.NewArray(xmlrpc.Strings(added), xmlrpc.Strings(changed), xmlrpc.Strings(removed))), nil
	}},
	"addProcessGroup": {1, 1, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		// Compared with == to each config's name: no type ever fails.
		if args[0].Kind() != xmlrpc.String {
			return xmlrpc.Value{}, faultWithValue(faults.BadName, args[0])
		}
		if err := h.b.AddProcessGroup(args[0].Str()); err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewBool(true), nil
	}},
	"removeProcessGroup": {1, 1, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := groupKeyArg(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		if err := h.b.RemoveProcessGroup(name); err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewBool(true), nil
	}},
	"startProcess": {1, 2, func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := namespecArg(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		results, isGroup, err := h.b.StartProcess(ctx, name, waitArg(args))
		return processOrGroup(results, isGroup, err)
	}},
	"startProcessGroup": {1, 2, func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := groupKeyArg(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		return resultsOrError(h.b.StartProcessGroup(ctx, name, waitArg(args)))
	}},
	"startAllProcesses": {0, 1, func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		return resultsOrError(h.b.StartAllProcesses(ctx, len(args) == 0 || xmlrpc.Truth(args[0])))
	}},
	"stopProcess": {1, 2, func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := namespecArg(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		results, isGroup, err := h.b.StopProcess(ctx, name, waitArg(args))
		return processOrGroup(results, isGroup, err)
	}},
	"stopProcessGroup": {1, 2, func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := groupKeyArg(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		return resultsOrError(h.b.StopProcessGroup(ctx, name, waitArg(args)))
	}},
	"stopAllProcesses": {0, 1, func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		return resultsOrError(h.b.StopAllProcesses(ctx, len(args) == 0 || xmlrpc.Truth(args[0])))
	}},
	"signalProcess": {2, 2, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := namespecArg(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		sig := newSignalArg(args[1])
		results, isGroup, err := h.b.SignalProcess(name, sig.text)
		if err != nil {
			return xmlrpc.Value{}, sig.fixError(err)
		}
		if isGroup {
			return sig.fixResults(results)
		}
		return xmlrpc.NewBool(true), nil
	}},
	"signalProcessGroup": {2, 2, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		// The group is looked up before the mood is checked, and the mood
		// checked again after signalling.
		if !xmlrpc.Hashable(args[0]) {
			return xmlrpc.Value{}, errTypeError()
		}
		if err := h.b.Mood(); err != nil {
			return xmlrpc.Value{}, err
		}
		name, err := groupKeyArg(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		sig := newSignalArg(args[1])
		results, err := h.b.SignalProcessGroup(name, sig.text)
		if err != nil {
			return xmlrpc.Value{}, sig.fixError(err)
		}
		v, err := sig.fixResults(results)
		if err != nil {
			return xmlrpc.Value{}, err
		}
		if err := h.b.Mood(); err != nil {
			return xmlrpc.Value{}, err
		}
		return v, nil
	}},
	"signalAllProcesses": {1, 1, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		// Signals first, checks the mood after.
		sig := newSignalArg(args[0])
		results, err := h.b.SignalAllProcesses(sig.text)
		if err != nil {
			return xmlrpc.Value{}, sig.fixError(err)
		}
		v, err := sig.fixResults(results)
		if err != nil {
			return xmlrpc.Value{}, err
		}
		if err := h.b.Mood(); err != nil {
			return xmlrpc.Value{}, err
		}
		return v, nil
	}},
	"getAllConfigInfo": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		entries := h.b.AllConfigInfo()
		a := xmlrpc.NewArrayWriter(64 + len(entries)*configInfoSize)
		for _, e := range entries {
			w := a.Struct()
			writeConfigInfo(&w, e)
			a.Add(w)
		}
		return a.Value(), nil
	}},
	"getProcessInfo": {1, 1, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := processName(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		info, err := h.b.ProcessInfo(name)
		if err != nil {
			return xmlrpc.Value{}, err
		}
		return ProcessInfoValue(info), nil
	}},
	"getAllProcessInfo": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		infos := h.b.AllProcessInfo()
		a := xmlrpc.NewArrayWriter(64 + len(infos)*processInfoSize)
		for _, info := range infos {
			w := a.Struct()
			writeProcessInfo(&w, info)
			a.Add(w)
		}
		return a.Value(), nil
	}},
	"readProcessStdoutLog": {3, 3, readProcessLog("stdout")},
	"readProcessLog":       {3, 3, readProcessLog("stdout")},
	"readProcessStderrLog": {3, 3, readProcessLog("stderr")},
	"tailProcessStdoutLog": {3, 3, tailProcessLog("stdout")},
	"tailProcessLog":       {3, 3, tailProcessLog("stdout")},
	"tailProcessStderrLog": {3, 3, tailProcessLog("stderr")},
	"clearProcessLogs":     {1, 1, clearProcessLogs},
	"clearProcessLog":      {1, 1, clearProcessLogs},
	"clearAllProcessLogs": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		return resultsValue(h.b.ClearAllProcessLogs()), nil
	}},
	"sendProcessStdin": {2, 2, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		if args[1].Kind() != xmlrpc.String {
			return xmlrpc.Value{}, faultWithValue(faults.IncorrectParameters, args[1])
		}
		name, err := processName(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		if err := h.b.SendProcessStdin(name, []byte(args[1].Str())); err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewBool(true), nil
	}},
	"sendRemoteCommEvent": {2, 2, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		// No mood check. The event's payload formats the arguments with
		// %s: the Backend gets them as text (str() of a non-string).
		if err := h.b.SendRemoteCommEvent(commEventText(args[0]), commEventText(args[1])); err != nil {
			return xmlrpc.Value{}, err
		}
		return xmlrpc.NewBool(true), nil
	}},
}

func constant(s string) func(context.Context, *Handler, []xmlrpc.Value) (xmlrpc.Value, error) {
	return func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		return xmlrpc.NewString(s), nil
	}
}

// waitArg is the optional wait argument after a name: true by default,
// else Python's truth of whatever was sent.
func waitArg(args []xmlrpc.Value) bool {
	return len(args) < 2 || xmlrpc.Truth(args[1])
}

// processName is _getGroupAndProcess for the methods that need a single
// process: a str, and a group spec ("g:*", "g:") is BAD_NAME whether the
// group exists or not.
func processName(v xmlrpc.Value) (string, error) {
	name, err := namespecArg(v)
	if err != nil {
		return "", err
	}
	if _, _, ok := config.SplitNamespec(name); !ok {
		return "", faults.New(faults.BadName, name)
	}
	return name, nil
}

func processOrGroup(results []Result, isGroup bool, err error) (xmlrpc.Value, error) {
	if err != nil {
		return xmlrpc.Value{}, err
	}
	if isGroup {
		return resultsValue(results), nil
	}
	return xmlrpc.NewBool(true), nil
}

func resultsOrError(results []Result, err error) (xmlrpc.Value, error) {
	if err != nil {
		return xmlrpc.Value{}, err
	}
	return resultsValue(results), nil
}

// resultsValue is the array of {name, group, status, description}
// structs of make_allfunc.
func resultsValue(results []Result) xmlrpc.Value {
	out := make([]xmlrpc.Value, len(results))
	for i, r := range results {
		out[i] = xmlrpc.NewStruct(
			xmlrpc.M("name", xmlrpc.NewString(r.Name)),
			xmlrpc.M("group", xmlrpc.NewString(r.Group)),
			xmlrpc.M("status", xmlrpc.NewInt(int64(r.Status))),
			xmlrpc.M("description", xmlrpc.NewString(r.Description)),
		)
	}
	return xmlrpc.NewArray(out...)
}

// ProcessInfoValue is getProcessInfo's struct, keys in Supervisor's order;
// the times are capped to 32 bits as capped_int does. It is written
// straight to its encoding: getAllProcessInfo makes hundreds of them.
func ProcessInfoValue(p ProcessInfo) xmlrpc.Value {
	w := xmlrpc.NewStructWriter(processInfoSize)
	writeProcessInfo(w, p)
	return w.Value()
}

// processInfoSize is about the size of one encoded getProcessInfo struct.
const processInfoSize = 1300

func writeProcessInfo(w *xmlrpc.StructWriter, p ProcessInfo) {
	w.String("name", p.Name)
	w.String("group", p.Group)
	w.Int("start", cappedInt(p.Start))
	w.Int("stop", cappedInt(p.Stop))
	w.Int("now", cappedInt(p.Now))
	w.Int("state", int64(p.State))
	w.String("statename", p.StateName)
	w.String("spawnerr", p.SpawnErr)
	w.Int("exitstatus", int64(p.ExitStatus))
	w.String("logfile", p.StdoutLogfile)
	w.String("stdout_logfile", p.StdoutLogfile)
	w.String("stderr_logfile", p.StderrLogfile)
	w.Int("pid", int64(p.PID))
	w.String("description", p.Description)
}

// ConfigInfo is one getAllConfigInfo struct: 29 keys in Supervisor's
// order, Automatic shown as 'auto' and None as 'none'.
func ConfigInfo(e ConfigEntry) xmlrpc.Value {
	w := xmlrpc.NewStructWriter(configInfoSize)
	writeConfigInfo(w, e)
	return w.Value()
}

// configInfoSize is about the size of one encoded getAllConfigInfo struct.
const configInfoSize = 2800

func writeConfigInfo(w *xmlrpc.StructWriter, e ConfigEntry) {
	g, p := e.Group, e.Process
	if g == nil {
		g = &config.GroupConfig{}
	}
	if p == nil {
		p = &config.ProcessConfig{}
	}
	orNone := func(s string) string {
		if s == "" {
			return "none"
		}
		return s
	}
	logf := func(s string) string {
		if s == config.Auto {
			return "auto"
		}
		return orNone(s)
	}
	w.Bool("autostart", p.Autostart)
	w.String("directory", orNone(p.Directory))
	if p.UID != nil {
		w.Int("uid", int64(*p.UID))
	} else {
		w.String("uid", "none")
	}
	w.String("command", p.Command)
	_ = w.Field("exitcodes", exitCodes(p.ExitCodes)) // ints always encode
	w.String("group", g.Name)
	w.Int("group_prio", int64(g.Priority))
	w.Bool("inuse", e.InUse)
	w.Bool("killasgroup", p.KillAsGroup)
	w.String("name", p.Name)
	w.Int("process_prio", int64(p.Priority))
	w.Bool("redirect_stderr", p.RedirectStderr)
	w.Int("startretries", int64(p.StartRetries))
	w.Int("startsecs", int64(p.StartSecs))
	w.Int("stdout_capture_maxbytes", p.Stdout.CaptureMaxBytes)
	w.Bool("stdout_events_enabled", p.Stdout.EventsEnabled)
	w.String("stdout_logfile", logf(p.Stdout.Logfile))
	w.Int("stdout_logfile_backups", int64(p.Stdout.Backups))
	w.Int("stdout_logfile_maxbytes", p.Stdout.MaxBytes)
	w.Bool("stdout_syslog", p.Stdout.Syslog)
	w.Int("stopsignal", int64(p.StopSignal))
	w.Int("stopwaitsecs", int64(p.StopWaitSecs))
	w.Int("stderr_capture_maxbytes", p.Stderr.CaptureMaxBytes)
	w.Bool("stderr_events_enabled", p.Stderr.EventsEnabled)
	w.String("stderr_logfile", logf(p.Stderr.Logfile))
	w.Int("stderr_logfile_backups", int64(p.Stderr.Backups))
	w.Int("stderr_logfile_maxbytes", p.Stderr.MaxBytes)
	w.Bool("stderr_syslog", p.Stderr.Syslog)
	w.String("serverurl", orNone(p.ServerURL))
}

func exitCodes(codes []int) xmlrpc.Value {
	vs := make([]xmlrpc.Value, len(codes))
	for i, c := range codes {
		vs[i] = xmlrpc.NewInt(int64(c))
	}
	return xmlrpc.NewArray(vs...)
}

// mainLogNone is what readLog reports when the main log is not a file: the
// only such main log Supervisor has is "syslog", which os.path.exists does
// not find.
const mainLogNone = "syslog"

func readLog(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
	path := h.b.MainLogfile()
	if err := logfile.NoFile(path, mainLogNone); err != nil {
		return xmlrpc.Value{}, err
	}
	return readFileArgs(path, args[0], args[1])
}

func readProcessLog(channel string) func(context.Context, *Handler, []xmlrpc.Value) (xmlrpc.Value, error) {
	return func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := processName(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		path, err := h.b.ProcessLogfile(name, channel)
		if err != nil {
			return xmlrpc.Value{}, err
		}
		if err := logfile.NoFile(path, ""); err != nil {
			return xmlrpc.Value{}, err
		}
		return readFileArgs(path, args[1], args[2])
	}
}

// readFileArgs is "as_string(readFile(logfile, int(offset), int(length)))"
// inside readLog's "except ValueError": int()'s ValueErrors end up as an
// AttributeError (getattr(Faults, message)), readFile's as faults.
func readFileArgs(path string, offV, lenV xmlrpc.Value) (xmlrpc.Value, error) {
	off, err := pyInt(offV)
	if err != nil {
		return xmlrpc.Value{}, valueErrorToFaultsAttr(err)
	}
	length, err := pyInt(lenV)
	if err != nil {
		return xmlrpc.Value{}, valueErrorToFaultsAttr(err)
	}
	if !fitsInt64(off) || !fitsInt64(length) {
		return xmlrpc.Value{}, readFileBig(off, length)
	}
	data, err := logfile.Read(path, off.Int64(), length.Int64())
	if err != nil {
		return xmlrpc.Value{}, err
	}
	return xmlrpc.NewString(logfile.Text(data)), nil
}

func valueErrorToFaultsAttr(err error) error {
	var pe *PyError
	if errors.As(err, &pe) && pe.Class == "ValueError" {
		return faultsAttr(pe.Msg)
	}
	return err
}

// readFileBig is what readFile does with ints that do not fit a C
// off_t/ssize_t once the arguments have been checked.
func readFileBig(off, length *big.Int) error {
	overflow := &PyError{Class: "OverflowError", Msg: "cannot fit 'int' into an index-sized integer"}
	if off.Sign() < 0 {
		if length.Sign() != 0 {
			return faults.Bare(faults.BadArguments)
		}
		return overflow // f.read(abs(offset))
	}
	if length.Sign() < 0 {
		return faults.Bare(faults.BadArguments)
	}
	if !fitsInt64(off) {
		return faultsAttr("cannot fit 'int' into an offset-sized integer") // f.seek(offset)
	}
	return overflow // f.read(length)
}

func tailProcessLog(channel string) func(context.Context, *Handler, []xmlrpc.Value) (xmlrpc.Value, error) {
	return func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		name, err := processName(args[0])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		path, err := h.b.ProcessLogfile(name, channel)
		if err != nil {
			return xmlrpc.Value{}, err
		}
		if !logfile.Exists(path) {
			return tailValue("", 0, false), nil
		}
		// tailFile(logfile, int(offset), int(length)): nothing catches
		// int()'s errors here.
		off, err := pyInt(args[1])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		length, err := pyInt(args[2])
		if err != nil {
			return xmlrpc.Value{}, err
		}
		data, newOff, overflow := logfile.Tail(path, clamp64(off), clamp64(length))
		return tailValue(logfile.Text(data), newOff, overflow), nil
	}
}

func tailValue(data string, off int64, overflow bool) xmlrpc.Value {
	return xmlrpc.NewArray(xmlrpc.NewString(data), xmlrpc.NewInt(off), xmlrpc.NewBool(overflow))
}

func clearProcessLogs(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
	name, err := processName(args[0])
	if err != nil {
		return xmlrpc.Value{}, err
	}
	if err := h.b.ClearProcessLogs(name); err != nil {
		return xmlrpc.Value{}, err
	}
	return xmlrpc.NewBool(true), nil
}

// signalArg is signalProcess's signal argument: the text the Backend
// parses (datatypes.signal_number), or the Python exception
// signal_number raises for it, which surfaces only once a process to
// signal is reached (an unknown name is BAD_NAME first, a group with no
// signallable process returns []).
type signalArg struct {
	orig  xmlrpc.Value
	text  string
	pyErr *PyError
}

// badSignalSentinel is a signal no parser accepts; the Backend answers it
// with BAD_SIGNAL exactly where Python would raise.
const badSignalSentinel = "\x00"

func newSignalArg(v xmlrpc.Value) signalArg {
	s := signalArg{orig: v}
	switch v.Kind() {
	case xmlrpc.Int, xmlrpc.Bool:
		s.text = v.BigInt().String()
	case xmlrpc.Double:
		n, err := pyInt(v)
		var pe *PyError
		switch {
		case errors.As(err, &pe) && pe.Class == "ValueError": // NaN: int() fails, then value.strip()
			s.pyErr = noAttribute(v, "strip")
		case errors.As(err, &pe):
			s.pyErr = pe
		default:
			s.text = n.String()
		}
	case xmlrpc.String:
		if n, err := xmlrpc.ParsePyInt(v.Str()); err == nil {
			s.text = n.String()
		} else {
			s.text = v.Str()
		}
	default:
		s.pyErr = noAttribute(v, "strip")
	}
	if s.pyErr != nil {
		s.text = badSignalSentinel
	}
	return s
}

// fixError rewrites a BAD_SIGNAL from the Backend: the detail is str() of
// what the client sent, or the Python exception.
func (s signalArg) fixError(err error) error {
	var f *faults.Error
	if !errors.As(err, &f) || f.Code != faults.BadSignal {
		return err
	}
	if s.pyErr != nil {
		return s.pyErr
	}
	return faultWithValue(faults.BadSignal, s.orig)
}

func (s signalArg) fixResults(results []Result) (xmlrpc.Value, error) {
	for i := range results {
		if results[i].Status != faults.BadSignal {
			continue
		}
		if s.pyErr != nil {
			return xmlrpc.Value{}, s.pyErr
		}
		results[i].Description = faultWithValue(faults.BadSignal, s.orig).Error()
	}
	return resultsValue(results), nil
}

// commEventText is '%s' % value, as RemoteCommunicationEvent.payload
// formats it. (Supervisor means to encode str arguments to UTF-8 bytes
// first, but on Python 3 its isinstance check against compat.unicode never
// matches, so a str stays a str.)
func commEventText(v xmlrpc.Value) string { return xmlrpc.Str(v) }
