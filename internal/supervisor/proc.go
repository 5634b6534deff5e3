package supervisor

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/events"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/process"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/signames"
	"github.com/gosupervisor/gosupervisor/internal/spawn"
)

// group is a running process group (ProcessGroup / EventListenerPool /
// FastCGIProcessGroup).
type group struct {
	cfg    *config.GroupConfig
	procs  []*proc // in config order, as Python's dict keeps them
	byName map[string]*proc
	// logs are the resolved log paths of each process config (AUTO
	// names are made for every config, as Supervisor makes them).
	logs map[*config.ProcessConfig][2]string
	pool *pool       // event listener pools only
	sock *fcgiSocket // fastcgi groups only
}

// proc is one supervised process: its state machine plus the OS resources
// of its current run.
type proc struct {
	s   *Supervisor
	g   *group
	cfg *config.ProcessConfig
	m   *process.Machine

	stdoutLog string // resolved log paths ("" for none)
	stderrLog string

	timer       *timer // the machine's next deadline
	reportTimer *timer // "waiting for x to stop"
	stopWaits   int    // pending stopProcess(wait) calls

	// Resources of the current run.
	stdin      *stdinWriter
	pumps      []*logging.Pump
	files      []*logging.RotatingFile
	syslogs    []*logging.ChildSyslog
	holdsSock  bool
	draining   int
	exitStatus syscall.WaitStatus

	waiters []*waiter
	lst     *listener // event listeners only

	pub atomic.Pointer[rpc.ProcessInfo] // the state readers see (view.go)
}

// namespec is make_namespec(group, process).
func (p *proc) namespec() string {
	if p.g.cfg.Name == p.cfg.Name {
		return p.cfg.Name
	}
	return p.g.cfg.Name + ":" + p.cfg.Name
}

func (s *Supervisor) addGroup(gc *config.GroupConfig) bool {
	if _, ok := s.groups[gc.Name]; ok {
		return false
	}
	g := &group{cfg: gc, byName: map[string]*proc{}, logs: map[*config.ProcessConfig][2]string{}}
	for _, pc := range gc.Processes {
		p := &proc{s: s, g: g, cfg: pc, m: process.New(pc)}
		p.stdoutLog = s.childLogPath(pc, "stdout", pc.Stdout.Logfile)
		p.stderrLog = s.childLogPath(pc, "stderr", pc.Stderr.Logfile)
		g.logs[pc] = [2]string{p.stdoutLog, p.stderrLog}
		p.timer = newTimer(func(time.Time) { s.transition(p) })
		p.reportTimer = newTimer(func(now time.Time) { s.stopReport(p, now) })
		// Two processes of a group with the same name (a process_name
		// without %(process_num)s that escapes its %) are one entry of
		// Supervisor's processes dict: the last one, in the first one's
		// place.
		if old, dup := g.byName[pc.Name]; dup {
			for i, x := range g.procs {
				if x == old {
					g.procs[i] = p
				}
			}
		} else {
			g.procs = append(g.procs, p)
		}
		g.byName[pc.Name] = p
	}
	if gc.Kind == config.KindEventListener {
		g.pool = newPool(s, g)
	}
	if gc.Kind == config.KindFCGI && gc.Socket != nil {
		g.sock = newFCGISocket(s, gc.Socket)
		// Supervisor creates the socket at once to fail early, and the
		// reference is dropped right away.
		if err := g.sock.acquire(); err != nil {
			s.log.Error(fmt.Sprintf("Could not create FastCGI socket %s: %v", gc.Socket.URL, err))
		} else {
			g.sock.release()
		}
	}
	s.groups[gc.Name] = g
	s.order = append(s.order, g)
	for _, p := range g.procs {
		p.publish()
	}
	if !s.addingAll {
		s.publishGroups()
	}
	s.ev.notify(events.ProcessGroupAdded, events.GroupPayload(gc.Name))
	return true
}

// childLogPath resolves a configured child log name; AUTO becomes a new
// file in childlogdir, created now as Supervisor creates it.
func (s *Supervisor) childLogPath(pc *config.ProcessConfig, channel, configured string) string {
	if configured != config.Auto {
		return configured
	}
	path, err := config.CreateAutoChildLog(s.cfg.Supervisord.Childlogdir, pc.Name, s.cfg.Supervisord.Identifier, channel)
	if err != nil {
		s.log.Error(fmt.Sprintf("cannot create AUTO log for %s %s in %s: %v", pc.Name, channel, s.cfg.Supervisord.Childlogdir, err))
		return ""
	}
	return path
}

func (s *Supervisor) removeGroup(name string) bool {
	g := s.groups[name]
	for _, p := range g.procs {
		if !p.m.State.IsStopped() {
			return false
		}
	}
	if g.pool != nil {
		g.pool.close()
	}
	for _, p := range g.procs {
		s.schedule(p.timer, time.Time{})
		s.schedule(p.reportTimer, time.Time{})
	}
	delete(s.groups, name)
	s.publishGroups()
	for i, x := range s.order {
		if x == g {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
	s.ev.notify(events.ProcessGroupRemoved, events.GroupPayload(name))
	return true
}

// sortedGroups is Python's pgroups.sort(): by priority only, stable over
// the order the groups were added.
func (s *Supervisor) sortedGroups() []*group {
	gs := append([]*group(nil), s.order...)
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].cfg.Priority < gs[j].cfg.Priority })
	return gs
}

// sortedProcs is processes.sort() on Subprocess: by priority only, stable.
func (g *group) sortedProcs() []*proc {
	ps := append([]*proc(nil), g.procs...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].cfg.Priority < ps[j].cfg.Priority })
	return ps
}

// transitionAll runs transition() on every process in priority order, as
// one pass of Supervisor's main loop does.
//
// The processes the pass spawns are given the time the pass ended as their
// start time. Supervisor's loop looks at them again only on its next pass,
// so the processes it spawned together become RUNNING together, in spawn
// order, each listener pool dispatching right after its own processes.
// With one start time their startsecs deadlines coincide and fire in one
// batch in the order they were set, and listener pools see the same events
// in the same order as Supervisor's (what an overflowing buffer keeps at
// startup depends on it). Taking the end of the pass, not its start, keeps
// every process STARTING for at least startsecs, however long spawning
// took.
func (s *Supervisor) transitionAll() {
	var spawned []*proc
	for _, g := range s.sortedGroups() {
		for _, p := range g.procs {
			before := p.m.LastStart
			s.transition(p)
			if p.m.State == process.Starting && !p.m.LastStart.Equal(before) {
				spawned = append(spawned, p)
			}
		}
		if g.pool != nil {
			s.ev.wantDispatch(g.pool)
		}
	}
	end := s.now()
	for _, p := range spawned {
		p.m.LastStart = end
		s.schedule(p.timer, p.m.Deadline())
	}
}

// transition is one transition() of p. When the state changed, another
// pass is queued to run before the loop next blocks: Supervisor's loop
// would make that pass on its next iteration (within a second); the order
// of log lines stays the same and nothing waits for that second.
func (s *Supervisor) transition(p *proc) {
	before := p.m.State
	s.step(p, process.Tick{AutoStart: Mood(s.mood.Load()) > MoodRestarting})
	if p.m.State != before {
		s.local = append(s.local, func() { s.transition(p) })
	}
}

// step feeds one event to p's machine and carries out the effects.
func (s *Supervisor) step(p *proc, ev process.Event) error {
	now := s.now()
	effects, err := p.m.Step(now, ev)
	// Publish before any effect can be seen: a log line, an event, or an
	// RPC wait that completes on the state change all let a client ask
	// about the process next, and it must find the new state.
	p.publish()
	var assertion *process.AssertionError
	if errors.As(err, &assertion) {
		s.log.Critical(err.Error())
	}
	for _, e := range effects {
		s.apply(p, e)
	}
	s.schedule(p.timer, p.m.Deadline())
	p.publish()
	return err
}

func (s *Supervisor) apply(p *proc, e process.Effect) {
	switch e := e.(type) {
	case process.Log:
		s.log.Log(e.Level, e.Msg)
	case process.DoSpawn:
		s.spawn(p)
	case process.Kill:
		if err := spawn.Kill(e.PID, e.Sig); err != nil {
			s.step(p, process.SignalFailed{Err: err, Kill: e.Stop})
		}
	case process.Changed:
		s.stateChanged(p, e)
	case process.Cleanup:
		p.releaseRun()
	}
}

func (s *Supervisor) stateChanged(p *proc, c process.Changed) {
	if t, ok := stateEventType[c.To]; ok {
		s.ev.notify(t, events.StatePayload(t, p.cfg.Name, p.g.cfg.Name, c.From.String(), c.Expected, c.PID, c.Tries))
	}
	if p.lst != nil {
		p.lst.processStateChanged(c.To)
	}
	if len(p.waiters) > 0 {
		s.checkWaiters(p)
	}
	if s.stopping {
		s.local = append(s.local, s.shutdownStep)
	}
}

var stateEventType = map[process.State]events.Type{
	process.Stopped:  events.ProcessStateStopped,
	process.Exited:   events.ProcessStateExited,
	process.Starting: events.ProcessStateStarting,
	process.Stopping: events.ProcessStateStopping,
	process.Backoff:  events.ProcessStateBackoff,
	process.Fatal:    events.ProcessStateFatal,
	process.Running:  events.ProcessStateRunning,
	process.Unknown:  events.ProcessStateUnknown,
}

// spawn performs the OS half of Subprocess.spawn and feeds the outcome back.
func (s *Supervisor) spawn(p *proc) {
	name := p.cfg.Name
	filename, argv, err := spawn.Resolve(p.cfg.Command, spawn.SearchPath(p.cfg.Environment))
	if err != nil {
		s.step(p, process.SpawnFailed{Msg: err.Error()})
		return
	}
	files, err := p.openRun()
	if err != nil {
		var msg string
		if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
			msg = fmt.Sprintf("too many open files to spawn '%s'", name)
		} else {
			msg = fmt.Sprintf("unknown error making dispatchers for '%s': %s", name, errnoText(err))
		}
		p.releaseRun()
		s.step(p, process.SpawnFailed{Msg: msg})
		return
	}
	umask := -1
	if p.cfg.Umask != nil {
		umask = *p.cfg.Umask
	}
	pid, err := spawn.Start(&spawn.Spec{
		Filename: filename,
		Argv:     argv,
		Env:      s.childEnv(p),
		Dir:      p.cfg.Directory,
		DirSet:   p.cfg.DirectorySet,
		Umask:    umask,
		UID:      p.cfg.UID,
		Files:    files.child,
	})
	files.closeChildEnds()
	if err != nil {
		var msg string
		if errors.Is(err, syscall.EAGAIN) {
			msg = fmt.Sprintf("Too many processes in process table to spawn '%s'", name)
		} else {
			msg = fmt.Sprintf("unknown error during fork for '%s': %s", name, errnoText(err))
		}
		p.releaseRun()
		s.step(p, process.SpawnFailed{Msg: msg})
		return
	}
	s.pids[pid] = p
	p.startPumps(files, pid)
	s.step(p, process.Spawned{PID: pid})
}

func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return spawn.ErrnoName(errno)
	}
	return err.Error()
}

// childEnv is supervisord's environment plus Supervisor's variables plus
// the program's own (which may override them).
func (s *Supervisor) childEnv(p *proc) []string {
	env := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := env[k]; !ok {
			order = append(order, k)
		}
		env[k] = v
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if k == "NOTIFY_SOCKET" {
			continue // systemd's socket is supervisord's, not the children's
		}
		set(k, v)
	}
	set("SUPERVISOR_ENABLED", "1")
	url := p.cfg.ServerURL
	if url == "" && !p.cfg.ServerURLEmpty {
		url = s.serverURL // serverurl= given empty means none at all
	}
	if url != "" {
		set("SUPERVISOR_SERVER_URL", url)
	}
	set("SUPERVISOR_PROCESS_NAME", p.cfg.Name)
	set("SUPERVISOR_GROUP_NAME", p.g.cfg.Name)
	keys := make([]string, 0, len(p.cfg.Environment))
	for k := range p.cfg.Environment {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set(k, p.cfg.Environment[k])
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+env[k])
	}
	return out
}

// runFiles are the pipes of one run.
type runFiles struct {
	child                  [3]*os.File   // the child's 0, 1, 2
	stdin                  *os.File      // parent's write end (nil for fcgi)
	stdout, stderr         *logging.Pipe // parent's read ends (stderr nil when redirected)
	closeAfter             []*os.File    // child ends to close in the parent
	stdoutFile, stderrFile *logging.RotatingFile
}

func (f *runFiles) closeChildEnds() {
	for _, c := range f.closeAfter {
		c.Close()
	}
	f.closeAfter = nil
}

// openRun makes the pipes and opens the log files of a new run
// (make_dispatchers).
func (p *proc) openRun() (*runFiles, error) {
	f := &runFiles{}
	fail := func(err error) (*runFiles, error) {
		if f.stdin != nil {
			f.stdin.Close()
		}
		for _, c := range []*logging.Pipe{f.stdout, f.stderr} {
			if c != nil {
				c.Close()
			}
		}
		f.closeChildEnds()
		for _, r := range []*logging.RotatingFile{f.stdoutFile, f.stderrFile} {
			if r != nil {
				r.Close()
			}
		}
		return nil, err
	}
	if p.g.sock != nil {
		sock, err := p.g.sock.acquireFile()
		if err != nil {
			return fail(err)
		}
		p.holdsSock = true
		f.child[0] = sock // the group keeps it open for the next run
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			return fail(err)
		}
		f.child[0], f.stdin = r, w
		f.closeAfter = append(f.closeAfter, r)
	}
	r, w, err := logging.NewPipe()
	if err != nil {
		return fail(err)
	}
	f.stdout, f.child[1], f.child[2] = r, w, w
	f.closeAfter = append(f.closeAfter, w)
	if !p.cfg.RedirectStderr || p.lst != nil {
		r, w, err := logging.NewPipe()
		if err != nil {
			return fail(err)
		}
		f.stderr, f.child[2] = r, w
		f.closeAfter = append(f.closeAfter, w)
	}
	if p.stdoutLog != "" {
		if f.stdoutFile, err = logging.CreateRotating(p.stdoutLog, p.cfg.Stdout.MaxBytes, p.cfg.Stdout.Backups); err != nil {
			return fail(err)
		}
	}
	if p.stderrLog != "" && f.stderr != nil {
		if f.stderrFile, err = logging.CreateRotating(p.stderrLog, p.cfg.Stderr.MaxBytes, p.cfg.Stderr.Backups); err != nil {
			return fail(err)
		}
	}
	return f, nil
}

// coalesceOutput is how long plain child output may gather in its pipe
// before it is written to the log (see logging.PumpConfig.Coalesce).
const coalesceOutput = 20 * time.Millisecond

// startPumps starts the readers of a run that has a pid.
func (p *proc) startPumps(f *runFiles, pid int) {
	s := p.s
	if f.stdin != nil {
		p.stdin = newStdinWriter(f.stdin)
	}
	mk := func(channel string, pipe *logging.Pipe, file *logging.RotatingFile, lc config.LogConfig) {
		pc := logging.PumpConfig{
			Name: p.cfg.Name, Channel: channel, Pipe: pipe, File: file,
			StripAnsi: s.cfg.Supervisord.StripAnsi, MainLog: s.log,
		}
		if file != nil {
			p.files = append(p.files, file)
		}
		if lc.Syslog {
			sl := logging.NewChildSyslog(p.cfg.Name)
			p.syslogs = append(p.syslogs, sl)
			pc.Syslog = sl
		}
		if p.lst != nil && channel == "stdout" {
			pc.Listener = true
			pc.Prompt = true
			pc.OnData = func(data []byte) { s.post(func() { p.lst.received(data) }) }
		} else {
			pc.CaptureMaxBytes = lc.CaptureMaxBytes
			logType, commType := events.ProcessLogStdout, events.ProcessCommunicationStdout
			if channel == "stderr" {
				logType, commType = events.ProcessLogStderr, events.ProcessCommunicationStderr
			}
			if lc.EventsEnabled {
				pc.OnLog = func(data []byte) {
					payload := events.LogPayload(p.cfg.Name, p.g.cfg.Name, pid, channel, data)
					s.post(func() { s.ev.notify(logType, payload) })
				}
			}
			if lc.CaptureMaxBytes > 0 {
				pc.OnComm = func(data []byte) {
					payload := events.CommPayload(p.cfg.Name, p.g.cfg.Name, pid, data)
					s.post(func() { s.ev.notify(commType, payload) })
				}
			}
			if !lc.EventsEnabled && lc.CaptureMaxBytes == 0 && !s.log.Enabled(config.LevelDebug) {
				pc.Coalesce = coalesceOutput
			}
		}
		kind := "POutputDispatcher"
		if pc.Listener {
			kind = "PEventListenerDispatcher"
		}
		pc.OnEOF = func(fd int) {
			s.post(func() {
				s.log.Debug(fmt.Sprintf("fd %d closed, stopped monitoring <%s at %d for <Subprocess at %d with name %s in state %s> (%s)>",
					fd, kind, objectID(pipe), objectID(p), p.cfg.Name, p.m.State, channel))
			})
		}
		p.pumps = append(p.pumps, logging.StartPump(pc))
	}
	mk("stdout", f.stdout, f.stdoutFile, p.cfg.Stdout)
	if f.stderr != nil {
		mk("stderr", f.stderr, f.stderrFile, p.cfg.Stderr)
	}
}

// releaseRun closes what the finished run held (close_parent_pipes).
func (p *proc) releaseRun() {
	if p.stdin != nil {
		p.stdin.close()
		p.stdin = nil
	}
	for _, pu := range p.pumps {
		pu.Abort()
	}
	p.pumps = nil
	for _, f := range p.files {
		f.Close()
	}
	p.files = nil
	for _, sl := range p.syslogs {
		sl.Close()
	}
	p.syslogs = nil
	if p.holdsSock {
		p.holdsSock = false
		p.g.sock.release()
	}
}

func (p *proc) reopenLogs() {
	for _, f := range p.files {
		f.Reopen()
	}
}

// handleExit is Supervisor.reap for one child: unknown pids are logged;
// for ours, the pipes are drained first so the last output is logged (and
// its events sent) before the exit is processed, as finish() drains.
func (s *Supervisor) handleExit(e spawn.Exit) {
	if e.PID == 0 {
		// Supervisor handles the signal after reaping: log it once the
		// exits reaped for it have been processed.
		s.sigchldLogs++
		s.flushSigchld()
		return
	}
	p := s.pids[e.PID]
	if p == nil {
		_, msg := process.DecodeWaitStatus(e.Status)
		s.log.Info(fmt.Sprintf("reaped unknown pid %d (%s)", e.PID, msg))
		return
	}
	delete(s.pids, e.PID)
	if len(p.pumps) == 0 {
		s.finishExit(p, e.Status)
		return
	}
	p.draining = len(p.pumps)
	s.draining++
	p.exitStatus = e.Status
	for _, pu := range p.pumps {
		pu.Drain(func() {
			s.post(func() {
				p.draining--
				if p.draining == 0 {
					s.draining--
					s.finishExit(p, p.exitStatus)
					s.flushSigchld()
				}
			})
		})
	}
}

func (s *Supervisor) flushSigchld() {
	for s.draining == 0 && s.sigchldLogs > 0 {
		s.sigchldLogs--
		s.log.Debug("received SIGCHLD indicating a child quit")
	}
}

func (s *Supervisor) finishExit(p *proc, status syscall.WaitStatus) {
	s.step(p, process.Reaped{Status: status})
	if p.lst != nil {
		p.lst.exited()
	}
	s.transition(p)
	if p.g.pool != nil {
		s.ev.wantDispatch(p.g.pool)
	}
}

// stopReport logs "waiting for x to stop" every 2 s while a stopProcess
// call waits (Subprocess.stop_report).
func (s *Supervisor) stopReport(p *proc, now time.Time) {
	if p.stopWaits == 0 {
		return
	}
	line, next := p.m.StopReport(now)
	if line != "" {
		s.log.Info(line)
	}
	s.schedule(p.reportTimer, next)
}

// objectID stands in for Python's id() in debug lines that print object
// reprs; only its shape matters to readers of the log.
func objectID(v any) uintptr {
	return uintptr(reflect.ValueOf(v).Pointer())
}

func signame(sig syscall.Signal) string { return signames.Name(sig) }

func itoa(n int) string { return strconv.Itoa(n) }
