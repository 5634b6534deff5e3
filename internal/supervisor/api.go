package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/events"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/process"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/spawn"
	"github.com/gosupervisor/gosupervisor/internal/version"
)

// The Supervisor is the RPC layer's Backend.
var _ rpc.Backend = (*Supervisor)(nil)

// waiter is a pending RPC wait on one process, checked at each of its
// state changes (instead of Supervisor's 50 ms polling of callbacks).
type waiter struct {
	check func(p *proc) (done bool, err error)
	done  func(err error)
}

func (s *Supervisor) checkWaiters(p *proc) {
	ws := p.waiters
	p.waiters = nil
	for _, w := range ws {
		if ok, err := w.check(p); ok {
			w.done(err)
		} else {
			p.waiters = append(p.waiters, w)
		}
	}
}

// lookup is _getGroupAndProcess, on the loop.
func (s *Supervisor) lookup(name string) (*group, *proc, error) { return lookupIn(s.groups, name) }

func lookupIn(groups map[string]*group, name string) (*group, *proc, error) {
	gname, pname, hasProcess := config.SplitNamespec(name)
	g := groups[gname]
	if g == nil {
		return nil, nil, faults.New(faults.BadName, name)
	}
	if !hasProcess {
		return g, nil, nil
	}
	p := g.byName[pname]
	if p == nil {
		return nil, nil, faults.New(faults.BadName, name)
	}
	return g, p, nil
}

// withProcess runs f on the loop for the process name designates; a group
// spec or an unknown name is BAD_NAME, as _getGroupAndProcess makes it.
func (s *Supervisor) withProcess(name string, f func(p *proc) error) error {
	var ferr error
	err := s.call(context.Background(), func() {
		_, p, err := s.lookup(name)
		if err == nil && p == nil {
			err = faults.New(faults.BadName, name)
		}
		if err != nil {
			ferr = err
			return
		}
		ferr = f(p)
	})
	if err != nil {
		return err
	}
	return ferr
}

// Identification is getIdentification.
func (s *Supervisor) Identification() string {
	var id string
	s.call(context.Background(), func() { id = s.cfg.Supervisord.Identifier })
	return id
}

// PID is getPID.
func (s *Supervisor) PID() int { return os.Getpid() }

// MainLogfile is the main log's path.
func (s *Supervisor) MainLogfile() string { return s.log.Path() }

// ClearMainLog is clearLog.
func (s *Supervisor) ClearMainLog() error {
	path := s.log.Path()
	if path == "" {
		return faults.Bare(faults.NoFile)
	}
	if _, err := os.Stat(path); err != nil {
		return faults.Bare(faults.NoFile)
	}
	if err := s.log.Clear("reopening log file"); err != nil {
		return faults.Bare(faults.Failed)
	}
	return nil
}

// Shutdown is shutdown().
func (s *Supervisor) Shutdown() error {
	return s.call(context.Background(), func() { s.beginShutdown(MoodShutdown) })
}

// Restart is restart().
func (s *Supervisor) Restart() error {
	return s.call(context.Background(), func() { s.requestRestart() })
}

// ReloadConfig is reloadConfig: re-read the files and report the
// differences from the running groups, without applying them.
func (s *Supervisor) ReloadConfig() (added, changed, removed []string, err error) {
	if s.reload == nil {
		return nil, nil, nil, faults.New(faults.CantReread, "no configuration file to re-read")
	}
	cfg, rerr := s.reload()
	if rerr != nil {
		return nil, nil, nil, faults.New(faults.CantReread, rerr.Error())
	}
	err = s.call(context.Background(), func() {
		s.cfg = cfg
		var active []*config.GroupConfig
		for _, g := range s.order {
			active = append(active, g.cfg)
		}
		a, c, r := config.Diff(active, cfg)
		added, changed, removed = groupNames(a), groupNames(c), groupNames(r)
	})
	return added, changed, removed, err
}

func groupNames(gs []*config.GroupConfig) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.Name)
	}
	return out
}

// AddProcessGroup is addProcessGroup.
func (s *Supervisor) AddProcessGroup(name string) error {
	var err error
	cerr := s.call(context.Background(), func() {
		for _, gc := range s.cfg.Groups {
			if gc.Name == name {
				if !s.addGroup(gc) {
					err = faults.New(faults.AlreadyAdded, name)
					return
				}
				for _, p := range s.groups[name].procs {
					s.transition(p)
				}
				return
			}
		}
		err = faults.New(faults.BadName, name)
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// RemoveProcessGroup is removeProcessGroup.
func (s *Supervisor) RemoveProcessGroup(name string) error {
	var err error
	cerr := s.call(context.Background(), func() {
		if _, ok := s.groups[name]; !ok {
			err = faults.New(faults.BadName, name)
			return
		}
		if !s.removeGroup(name) {
			err = faults.New(faults.StillRunning, name)
		}
	})
	if cerr != nil {
		return cerr
	}
	return err
}

// opFunc is one per-process operation of a group call; it calls done
// exactly once, at once or later, on the loop.
type opFunc func(p *proc, name string, done func(error))

// resultWindow is how long a group call's completions wait for others
// before they are reported. Supervisor's make_allfunc checks its pending
// processes every 50 ms, in process order, so processes that finish
// together (a group stopped at once) are reported in process order; the
// window gives ours the same order instead of the order in which the
// kernel happened to reap the children.
const resultWindow = 50 * time.Millisecond

// allFunc is rpcinterface.make_allfunc: run op on every process matching
// pred; the results of ops that finish at once come first, in process
// order, then the others in completion order, those completing within
// resultWindow of each other in process order.
func (s *Supervisor) allFunc(procs []*proc, pred func(*proc) bool, op opFunc, finish func([]rpc.Result)) {
	type slot struct {
		r    rpc.Result
		done bool
	}
	results := []rpc.Result{}
	var pending []*slot // ops still running, in process order
	starting := true
	finished := false
	var flush func(time.Time)
	window := newTimer(func(now time.Time) { flush(now) })
	flush = func(time.Time) {
		s.schedule(window, time.Time{})
		left := pending[:0]
		for _, sl := range pending {
			if sl.done {
				results = append(results, sl.r)
			} else {
				left = append(left, sl)
			}
		}
		pending = left
		if len(pending) == 0 && !finished {
			finished = true
			finish(results)
		}
	}
	for _, p := range procs {
		if !pred(p) {
			continue
		}
		p := p
		sl := &slot{}
		sync := true
		op(p, p.namespec(), func(err error) {
			sl.r = rpc.Result{Name: p.cfg.Name, Group: p.g.cfg.Name, Status: faults.Success, Description: "OK"}
			if err != nil {
				sl.r.Status = faults.CodeOf(err)
				sl.r.Description = err.Error()
			}
			sl.done = true
			if sync {
				results = append(results, sl.r)
				return
			}
			if starting {
				return // reported once every op has begun
			}
			allDone := true
			for _, o := range pending {
				allDone = allDone && o.done
			}
			switch {
			case allDone:
				flush(s.now())
			case window.index < 0:
				s.schedule(window, s.now().Add(resultWindow))
			}
		})
		sync = false
		if !sl.done {
			pending = append(pending, sl)
		}
	}
	starting = false
	flush(s.now())
}

// await runs start on the loop and waits until it calls finish, which it
// may do at once or from a later turn of the loop.
func (s *Supervisor) await(ctx context.Context, start func(finish func())) error {
	done := make(chan struct{})
	if !s.post(func() { start(func() { close(done) }) }) {
		return faults.Bare(faults.ShutdownState)
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.finished:
		// The loop may have finished the work just before it stopped.
		select {
		case <-done:
			return nil
		default:
			return faults.Bare(faults.ShutdownState)
		}
	}
}

// StartProcess is startProcess.
func (s *Supervisor) StartProcess(ctx context.Context, name string, wait bool) ([]rpc.Result, bool, error) {
	return s.oneOrGroup(ctx, name, func(p *proc, n string, done func(error)) { s.startOne(p, n, wait, done) },
		func(ctx context.Context, g string) ([]rpc.Result, error) { return s.StartProcessGroup(ctx, g, wait) })
}

// StopProcess is stopProcess.
func (s *Supervisor) StopProcess(ctx context.Context, name string, wait bool) ([]rpc.Result, bool, error) {
	return s.oneOrGroup(ctx, name, func(p *proc, n string, done func(error)) { s.stopOne(p, n, wait, false, done) },
		func(ctx context.Context, g string) ([]rpc.Result, error) { return s.StopProcessGroup(ctx, g, wait) })
}

// SignalProcess is signalProcess.
func (s *Supervisor) SignalProcess(name, signal string) ([]rpc.Result, bool, error) {
	ctx := context.Background()
	return s.oneOrGroup(ctx, name, func(p *proc, n string, done func(error)) { s.signalOne(p, n, signal, done) },
		func(ctx context.Context, g string) ([]rpc.Result, error) { return s.SignalProcessGroup(g, signal) })
}

func (s *Supervisor) oneOrGroup(ctx context.Context, name string, one opFunc, grp func(context.Context, string) ([]rpc.Result, error)) ([]rpc.Result, bool, error) {
	var opErr error
	var groupName string
	err := s.await(ctx, func(finish func()) {
		g, p, err := s.lookup(name)
		if err != nil {
			opErr = err
			finish()
			return
		}
		if p == nil {
			groupName = g.cfg.Name
			finish()
			return
		}
		one(p, name, func(err error) { opErr = err; finish() })
	})
	if err != nil {
		return nil, false, err
	}
	if opErr == nil && groupName != "" {
		res, err := grp(ctx, groupName)
		return res, true, err
	}
	return nil, false, opErr
}

// startOne is startProcess for one process, on the loop.
func (s *Supervisor) startOne(p *proc, name string, wait bool, done func(error)) {
	if _, _, err := spawn.Resolve(p.cfg.Command, spawn.SearchPath(p.cfg.Environment)); err != nil {
		if errors.Is(err, spawn.ErrNotFound) {
			done(faults.New(faults.NoFile, err.Error()))
		} else {
			done(faults.New(faults.NotExecutable, err.Error()))
		}
		return
	}
	if p.m.State.IsRunning() {
		done(faults.New(faults.AlreadyStarted, name))
		return
	}
	if p.m.State == process.Unknown {
		done(faults.New(faults.Failed, name+" is in an unknown process state"))
		return
	}
	s.step(p, process.Start{})
	if p.m.SpawnErr != "" {
		done(faults.New(faults.SpawnError, name))
		return
	}
	s.step(p, process.Tick{AutoStart: Mood(s.mood.Load()) > MoodRestarting})
	if !wait || p.m.State == process.Running {
		done(nil)
		return
	}
	// startProcess's onwait. Its first check comes at once: a start
	// asked of a STOPPING process (which spawn() only warns about) fails
	// now, not at the process's next state change.
	check := func(p *proc) (bool, error) {
		if p.m.SpawnErr != "" {
			return true, faults.New(faults.SpawnError, name)
		}
		switch p.m.State {
		case process.Running:
			return true, nil
		case process.Starting:
			return false, nil
		}
		return true, faults.New(faults.AbnormalTermination, name)
	}
	if ok, err := check(p); ok {
		done(err)
		return
	}
	p.waiters = append(p.waiters, &waiter{check: check, done: done})
}

// firstStopReport is how long a single stopProcess(wait) waits before its
// first "waiting for x to stop" line. Supervisor checks a single stop's
// progress (and logs that line) on its next loop pass, by when a process
// that dies at once on its stop signal has usually been reaped; a group's
// stops are checked, and reported, at once.
const firstStopReport = 50 * time.Millisecond

// stopOne is stopProcess for one process, on the loop. reportNow is true
// for the stops of a group call.
func (s *Supervisor) stopOne(p *proc, name string, wait, reportNow bool, done func(error)) {
	if !p.m.State.IsRunning() {
		done(faults.New(faults.NotRunning, name))
		return
	}
	if err := s.step(p, process.Stop{}); err != nil {
		done(faults.New(faults.Failed, strings.TrimPrefix(err.Error(), process.ErrNotRunning.Error()+": ")))
		return
	}
	if !wait || p.m.State.IsStopped() {
		done(nil)
		return
	}
	p.stopWaits++
	if reportNow {
		s.stopReport(p, s.now())
	} else if p.reportTimer.index < 0 {
		s.schedule(p.reportTimer, s.now().Add(firstStopReport))
	}
	p.waiters = append(p.waiters, &waiter{
		check: func(p *proc) (bool, error) {
			if !p.m.State.IsStopped() {
				return false, nil
			}
			p.stopWaits--
			if p.stopWaits == 0 {
				s.schedule(p.reportTimer, time.Time{})
			}
			return true, nil
		},
		done: done,
	})
}

// signalOne is signalProcess for one process, on the loop.
func (s *Supervisor) signalOne(p *proc, name, signal string, done func(error)) {
	sig, err := config.Signal(signal)
	if err != nil {
		done(faults.New(faults.BadSignal, signal))
		return
	}
	if !p.m.State.IsSignallable() {
		done(faults.New(faults.NotRunning, name))
		return
	}
	if err := s.step(p, process.Signal{Sig: sig}); err != nil {
		done(faults.New(faults.Failed, strings.TrimPrefix(err.Error(), process.ErrNotRunning.Error()+": ")))
		return
	}
	done(nil)
}

func (s *Supervisor) groupCall(ctx context.Context, name string, pred func(*proc) bool, op opFunc) ([]rpc.Result, error) {
	var res []rpc.Result
	var lerr error
	err := s.await(ctx, func(finish func()) {
		g := s.groups[name]
		if g == nil {
			lerr = faults.New(faults.BadName, name)
			finish()
			return
		}
		s.allFunc(g.sortedProcs(), pred, op, func(r []rpc.Result) { res = r; finish() })
	})
	if err != nil {
		return nil, err
	}
	return res, lerr
}

func (s *Supervisor) allCall(ctx context.Context, pred func(*proc) bool, op opFunc) ([]rpc.Result, error) {
	var res []rpc.Result
	err := s.await(ctx, func(finish func()) {
		s.allFunc(s.allByPriority(), pred, op, func(r []rpc.Result) { res = r; finish() })
	})
	return res, err
}

// allByPriority is _getAllProcesses(lexical=False).
func (s *Supervisor) allByPriority() []*proc {
	var out []*proc
	for _, g := range s.sortedGroups() {
		out = append(out, g.sortedProcs()...)
	}
	return out
}

func isRunning(p *proc) bool    { return p.m.State.IsRunning() }
func isNotRunning(p *proc) bool { return !p.m.State.IsRunning() }
func isSignallable(p *proc) bool {
	return p.m.State.IsSignallable()
}

// StartProcessGroup is startProcessGroup.
func (s *Supervisor) StartProcessGroup(ctx context.Context, name string, wait bool) ([]rpc.Result, error) {
	return s.groupCall(ctx, name, isNotRunning, func(p *proc, n string, done func(error)) { s.startOne(p, n, wait, done) })
}

// StartAllProcesses is startAllProcesses.
func (s *Supervisor) StartAllProcesses(ctx context.Context, wait bool) ([]rpc.Result, error) {
	return s.allCall(ctx, isNotRunning, func(p *proc, n string, done func(error)) { s.startOne(p, n, wait, done) })
}

// StopProcessGroup is stopProcessGroup.
func (s *Supervisor) StopProcessGroup(ctx context.Context, name string, wait bool) ([]rpc.Result, error) {
	return s.groupCall(ctx, name, isRunning, func(p *proc, n string, done func(error)) { s.stopOne(p, n, wait, true, done) })
}

// StopAllProcesses is stopAllProcesses.
func (s *Supervisor) StopAllProcesses(ctx context.Context, wait bool) ([]rpc.Result, error) {
	return s.allCall(ctx, isRunning, func(p *proc, n string, done func(error)) { s.stopOne(p, n, wait, true, done) })
}

// SignalProcessGroup is signalProcessGroup.
func (s *Supervisor) SignalProcessGroup(name, signal string) ([]rpc.Result, error) {
	return s.groupCall(context.Background(), name, isSignallable, func(p *proc, n string, done func(error)) { s.signalOne(p, n, signal, done) })
}

// SignalAllProcesses is signalAllProcesses.
func (s *Supervisor) SignalAllProcesses(signal string) ([]rpc.Result, error) {
	return s.allCall(context.Background(), isSignallable, func(p *proc, n string, done func(error)) { s.signalOne(p, n, signal, done) })
}

// ProcessInfo is getProcessInfo, answered from the published state.
func (s *Supervisor) ProcessInfo(name string) (rpc.ProcessInfo, error) {
	_, p, err := s.lookupView(name)
	if err != nil {
		return rpc.ProcessInfo{}, err
	}
	if p == nil {
		return rpc.ProcessInfo{}, faults.New(faults.BadName, name)
	}
	return s.infoOf(p, capped(s.now())), nil
}

// AllProcessInfo is getAllProcessInfo: by group name, then process name,
// from the published state.
func (s *Supervisor) AllProcessInfo() []rpc.ProcessInfo {
	ps := s.view.Load().lexical
	now := capped(s.now())
	out := make([]rpc.ProcessInfo, len(ps))
	for i, p := range ps {
		out[i] = s.infoOf(p, now)
	}
	return out
}

const maxInt32 = 1<<31 - 1

func capped(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	u := t.Unix()
	if u > maxInt32 {
		return maxInt32
	}
	return u
}

// Describe is _interpretProcessInfo: the status text supervisorctl shows.
func Describe(info rpc.ProcessInfo) string {
	switch process.State(info.State) {
	case process.Running:
		up := info.Now - info.Start
		if up < 0 {
			up = 0
		}
		b := make([]byte, 0, 40)
		b = append(b, "pid "...)
		b = strconv.AppendInt(b, int64(info.PID), 10)
		b = append(b, ", uptime "...)
		return string(appendTimedelta(b, up))
	case process.Fatal, process.Backoff:
		if info.SpawnErr != "" {
			return info.SpawnErr
		}
		return fmt.Sprintf("unknown error (try \"tail %s\")", info.Name)
	case process.Stopped, process.Exited:
		if info.Start != 0 {
			return time.Unix(info.Stop, 0).Format("Jan 02 03:04 PM")
		}
		return "Not started"
	}
	return ""
}

// Timedelta is str(datetime.timedelta(seconds=n)) for n >= 0.
func Timedelta(n int64) string { return string(appendTimedelta(nil, n)) }

func appendTimedelta(b []byte, n int64) []byte {
	days := n / 86400
	rest := n % 86400
	if days > 0 {
		b = strconv.AppendInt(b, days, 10)
		if days == 1 {
			b = append(b, " day, "...)
		} else {
			b = append(b, " days, "...)
		}
	}
	b = strconv.AppendInt(b, rest/3600, 10)
	two := func(b []byte, v int64) []byte { return append(b, ':', byte('0'+v/10), byte('0'+v%10)) }
	b = two(b, rest%3600/60)
	return two(b, rest%60)
}

// AllConfigInfo is getAllConfigInfo's data, sorted by process name.
func (s *Supervisor) AllConfigInfo() []rpc.ConfigEntry {
	var out []rpc.ConfigEntry
	s.call(context.Background(), func() {
		for _, gc := range s.cfg.Groups {
			g := s.groups[gc.Name]
			for _, pc := range gc.Processes {
				pcopy := pc
				if g != nil && g.cfg == gc {
					if logs, ok := g.logs[pc]; ok {
						c := *pc
						c.Stdout.Logfile, c.Stderr.Logfile = logs[0], logs[1]
						pcopy = &c
					}
				}
				out = append(out, rpc.ConfigEntry{Group: gc, Process: pcopy, InUse: g != nil})
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Process.Name < out[j].Process.Name })
	})
	return out
}

// ProcessLogfile returns the path of a process's stdout or stderr log.
func (s *Supervisor) ProcessLogfile(name, channel string) (string, error) {
	_, p, err := s.lookupView(name)
	if err == nil && p == nil {
		err = faults.New(faults.BadName, name)
	}
	if err != nil {
		return "", err
	}
	if channel == "stderr" {
		return p.stderrLog, nil
	}
	return p.stdoutLog, nil
}

// ClearProcessLogs is clearProcessLogs: remove and reopen the current
// run's log files; a process that is not running has none, and that is not
// an error.
func (s *Supervisor) ClearProcessLogs(name string) error {
	return s.withProcess(name, func(p *proc) error { return s.clearLogs(p, name) })
}

func (s *Supervisor) clearLogs(p *proc, name string) error {
	for _, f := range p.files {
		if err := f.Remove(); err != nil {
			return faults.New(faults.Failed, name)
		}
	}
	return nil
}

// ClearAllProcessLogs is clearAllProcessLogs.
func (s *Supervisor) ClearAllProcessLogs() []rpc.Result {
	var out []rpc.Result
	s.call(context.Background(), func() {
		s.allFunc(s.allByPriority(), func(*proc) bool { return true },
			func(p *proc, n string, done func(error)) { done(s.clearLogs(p, n)) },
			func(r []rpc.Result) { out = r })
	})
	if out == nil {
		out = []rpc.Result{}
	}
	return out
}

// SendProcessStdin is sendProcessStdin.
func (s *Supervisor) SendProcessStdin(name string, data []byte) error {
	return s.withProcess(name, func(p *proc) error {
		if p.m.PID == 0 || p.m.Killing {
			return faults.New(faults.NotRunning, name)
		}
		if err := p.write(data); err != nil {
			if errors.Is(err, syscall.EPIPE) {
				return faults.New(faults.NoFile, name)
			}
			return faults.New(faults.Failed, err.Error())
		}
		return nil
	})
}

// write is Subprocess.write.
func (p *proc) write(data []byte) error {
	if p.m.PID == 0 || p.m.Killing || p.stdin == nil {
		return syscall.EPIPE
	}
	return p.stdin.write(data)
}

// SendRemoteCommEvent is sendRemoteCommEvent.
func (s *Supervisor) SendRemoteCommEvent(typ, data string) error {
	return s.call(context.Background(), func() {
		s.ev.notify(events.RemoteCommunication, events.RemotePayload(typ, data))
	})
}

// SupervisorVersion is getSupervisorVersion.
func (s *Supervisor) SupervisorVersion() string { return version.Supervisor }
