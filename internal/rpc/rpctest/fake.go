// Package rpctest provides a fake rpc.Backend for tests of the RPC and
// HTTP layers (and of anything else that needs a daemon to talk to). It
// keeps a few processes in memory and follows Supervisor's rules for
// names, groups, states and faults closely enough for golden and
// differential tests; it spawns nothing.
package rpctest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/signames"
)

// Process states (states.ProcessStates).
const (
	Stopped  = 0
	Starting = 10
	Running  = 20
	Backoff  = 30
	Stopping = 40
	Exited   = 100
	Fatal    = 200
	Unknown  = 1000
)

var stateNames = map[int]string{
	Stopped: "STOPPED", Starting: "STARTING", Running: "RUNNING", Backoff: "BACKOFF",
	Stopping: "STOPPING", Exited: "EXITED", Fatal: "FATAL", Unknown: "UNKNOWN",
}

// Proc is one fake process.
type Proc struct {
	Config     *config.ProcessConfig
	State      int
	PID        int
	Start      int64
	Stop       int64
	SpawnErr   string
	ExitStatus int
	Signals    []string // signals received, by name
	Stdin      []byte
}

// Fake is an in-memory rpc.Backend. Set its exported fields before use;
// the methods are safe for concurrent use.
type Fake struct {
	mu sync.Mutex

	// MoodErr is returned by Mood (faults.Bare(faults.ShutdownState) to
	// simulate a stopping daemon).
	MoodErr   error
	Ident     string
	Pid       int
	MainLog   string
	Now       int64
	Groups    []*config.GroupConfig // the running groups
	NewGroups []*config.GroupConfig // the reread config; nil: same as Groups
	ReloadErr error
	procs     map[string]*Proc // by namespec

	// AutoLogDir is where AUTO logs of running groups are said to be, as
	// Supervisor names them when a group is added; "" keeps AUTO unresolved
	// (stdout_logfile '' in process info, 'auto' in config info).
	AutoLogDir string

	// Calls records the actions taken ("shutdown", "restart",
	// "commevent type data", "clearlog", ...).
	Calls    []string
	nextPID  int
	shutdown bool
}

// New returns a fake serving the given groups, every process STOPPED.
func New(groups ...*config.GroupConfig) *Fake {
	f := &Fake{Ident: "supervisor", Pid: 4242, Now: 1700000000, Groups: groups, procs: map[string]*Proc{}, nextPID: 1000}
	for _, g := range groups {
		for _, p := range g.Processes {
			f.procs[namespec(g.Name, p.Name)] = &Proc{Config: p}
		}
	}
	return f
}

// Program builds a one-process group as [program:name] would, with
// Supervisor's defaults.
func Program(name, command string) *config.GroupConfig {
	p := &config.ProcessConfig{
		Name: name, ProgramName: name, Group: name, Section: "program:" + name,
		Command: command, Priority: 999, Autostart: true, Autorestart: config.RestartUnexpected,
		StartSecs: 1, StartRetries: 3,
		Stdout:     config.LogConfig{Logfile: config.Auto, MaxBytes: 50 * 1024 * 1024, Backups: 10},
		Stderr:     config.LogConfig{Logfile: config.Auto, MaxBytes: 50 * 1024 * 1024, Backups: 10},
		StopSignal: syscall.SIGTERM, StopWaitSecs: 10, ExitCodes: []int{0},
	}
	return &config.GroupConfig{Name: name, Priority: 999, Processes: []*config.ProcessConfig{p}}
}

func namespec(group, name string) string {
	if group == name {
		return name
	}
	return group + ":" + name
}

// Proc returns a process by namespec, for tests to set its state.
func (f *Fake) Proc(name string) *Proc {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.procs[name]
}

// SetState sets a process's state (and a pid for running states).
func (f *Fake) SetState(name string, state int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.procs[name]
	p.State = state
	if state == Running || state == Starting || state == Stopping {
		if p.PID == 0 {
			f.nextPID++
			p.PID = f.nextPID
		}
		p.Start = f.Now - 65
	} else {
		p.PID = 0
	}
}

func (f *Fake) group(name string) *config.GroupConfig {
	for _, g := range f.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// resolve is _getGroupAndProcess.
func (f *Fake) resolve(name string) (*config.GroupConfig, *Proc, error) {
	gname, pname, found := strings.Cut(name, ":")
	if !found {
		pname = name
	}
	g := f.group(gname)
	if g == nil {
		return nil, nil, faults.New(faults.BadName, name)
	}
	if found && (pname == "" || pname == "*") {
		return g, nil, nil
	}
	p := f.procs[namespec(gname, pname)]
	if p == nil {
		return nil, nil, faults.New(faults.BadName, name)
	}
	return g, p, nil
}

func (f *Fake) Mood() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.shutdown {
		return faults.Bare(faults.ShutdownState)
	}
	return f.MoodErr
}

func (f *Fake) State() (int, string) { return 1, "RUNNING" }
func (f *Fake) Identification() string {
	return f.Ident
}
func (f *Fake) PID() int { return f.Pid }

func (f *Fake) MainLogfile() string { return f.MainLog }

func (f *Fake) ClearMainLog() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.MainLog == "" {
		return faults.Bare(faults.NoFile)
	}
	if _, err := os.Stat(f.MainLog); err != nil {
		return faults.Bare(faults.NoFile)
	}
	if err := os.Truncate(f.MainLog, 0); err != nil {
		return faults.Bare(faults.Failed)
	}
	f.Calls = append(f.Calls, "clearlog")
	return nil
}

func (f *Fake) Shutdown() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, "shutdown")
	return nil
}

func (f *Fake) Restart() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, "restart")
	return nil
}

func (f *Fake) ReloadConfig() (added, changed, removed []string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ReloadErr != nil {
		return nil, nil, nil, f.ReloadErr
	}
	newGroups := f.NewGroups
	if newGroups == nil {
		newGroups = f.Groups
	}
	old := map[string]bool{}
	for _, g := range f.Groups {
		old[g.Name] = true
	}
	now := map[string]bool{}
	added, changed, removed = []string{}, []string{}, []string{}
	for _, g := range newGroups {
		now[g.Name] = true
		if !old[g.Name] {
			added = append(added, g.Name)
		}
	}
	for _, g := range f.Groups {
		if !now[g.Name] {
			removed = append(removed, g.Name)
		}
	}
	return added, changed, removed, nil
}

func (f *Fake) AddProcessGroup(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	newGroups := f.NewGroups
	if newGroups == nil {
		newGroups = f.Groups
	}
	for _, g := range newGroups {
		if g.Name == name {
			if f.group(name) != nil {
				return faults.New(faults.AlreadyAdded, name)
			}
			f.Groups = append(f.Groups, g)
			for _, p := range g.Processes {
				f.procs[namespec(g.Name, p.Name)] = &Proc{Config: p}
			}
			return nil
		}
	}
	return faults.New(faults.BadName, name)
}

func (f *Fake) RemoveProcessGroup(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.group(name)
	if g == nil {
		return faults.New(faults.BadName, name)
	}
	for _, p := range g.Processes {
		switch f.procs[namespec(g.Name, p.Name)].State {
		case Stopped, Exited, Fatal, Backoff:
		default:
			return faults.New(faults.StillRunning, name)
		}
	}
	for i, x := range f.Groups {
		if x == g {
			f.Groups = append(f.Groups[:i:i], f.Groups[i+1:]...)
			break
		}
	}
	return nil
}

func running(s int) bool { return s == Running || s == Starting || s == Backoff }

func (f *Fake) result(g *config.GroupConfig, p *Proc, err error) rpc.Result {
	r := rpc.Result{Name: p.Config.Name, Group: g.Name, Status: faults.Success, Description: "OK"}
	if err != nil {
		r.Status = faults.CodeOf(err)
		r.Description = err.Error()
	}
	return r
}

func (f *Fake) startLocked(name string, p *Proc) error {
	if running(p.State) {
		return faults.New(faults.AlreadyStarted, name)
	}
	if p.State == Unknown {
		return faults.New(faults.Failed, name+" is in an unknown process state")
	}
	if strings.HasPrefix(p.Config.Command, "/nonexistent") {
		return faults.New(faults.NoFile, "can't find command '"+p.Config.Command+"'")
	}
	f.nextPID++
	p.PID, p.State, p.Start = f.nextPID, Running, f.Now
	return nil
}

func (f *Fake) stopLocked(name string, p *Proc) error {
	if !running(p.State) {
		return faults.New(faults.NotRunning, name)
	}
	p.PID, p.State, p.Stop = 0, Stopped, f.Now
	return nil
}

func (f *Fake) groupAction(g *config.GroupConfig, pred func(*Proc) bool, act func(string, *Proc) error) []rpc.Result {
	results := []rpc.Result{}
	for _, pc := range g.Processes {
		p := f.procs[namespec(g.Name, pc.Name)]
		if !pred(p) {
			continue
		}
		results = append(results, f.result(g, p, act(namespec(g.Name, pc.Name), p)))
	}
	return results
}

func (f *Fake) StartProcess(ctx context.Context, name string, wait bool) ([]rpc.Result, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, p, err := f.resolve(name)
	if err != nil {
		return nil, false, err
	}
	if p == nil {
		return f.groupAction(g, func(p *Proc) bool { return !running(p.State) }, f.startLocked), true, nil
	}
	return nil, false, f.startLocked(name, p)
}

func (f *Fake) StartProcessGroup(ctx context.Context, name string, wait bool) ([]rpc.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.group(name)
	if g == nil {
		return nil, faults.New(faults.BadName, name)
	}
	return f.groupAction(g, func(p *Proc) bool { return !running(p.State) }, f.startLocked), nil
}

func (f *Fake) StartAllProcesses(ctx context.Context, wait bool) ([]rpc.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	results := []rpc.Result{}
	for _, g := range f.Groups {
		results = append(results, f.groupAction(g, func(p *Proc) bool { return !running(p.State) }, f.startLocked)...)
	}
	return results, nil
}

func (f *Fake) StopProcess(ctx context.Context, name string, wait bool) ([]rpc.Result, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, p, err := f.resolve(name)
	if err != nil {
		return nil, false, err
	}
	if p == nil {
		return f.groupAction(g, func(p *Proc) bool { return running(p.State) }, f.stopLocked), true, nil
	}
	return nil, false, f.stopLocked(name, p)
}

func (f *Fake) StopProcessGroup(ctx context.Context, name string, wait bool) ([]rpc.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.group(name)
	if g == nil {
		return nil, faults.New(faults.BadName, name)
	}
	return f.groupAction(g, func(p *Proc) bool { return running(p.State) }, f.stopLocked), nil
}

func (f *Fake) StopAllProcesses(ctx context.Context, wait bool) ([]rpc.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	results := []rpc.Result{}
	for _, g := range f.Groups {
		results = append(results, f.groupAction(g, func(p *Proc) bool { return running(p.State) }, f.stopLocked)...)
	}
	return results, nil
}

func signallable(p *Proc) bool {
	return p.State == Running || p.State == Starting || p.State == Stopping
}

func (f *Fake) signalLocked(sig string) func(string, *Proc) error {
	return func(name string, p *Proc) error {
		s, err := signames.Parse(sig)
		if err != nil {
			return faults.New(faults.BadSignal, sig)
		}
		if !signallable(p) {
			return faults.New(faults.NotRunning, name)
		}
		p.Signals = append(p.Signals, signames.Name(s))
		return nil
	}
}

func (f *Fake) SignalProcess(name, sig string) ([]rpc.Result, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, p, err := f.resolve(name)
	if err != nil {
		return nil, false, err
	}
	if p == nil {
		return f.groupAction(g, signallable, f.signalLocked(sig)), true, nil
	}
	return nil, false, f.signalLocked(sig)(name, p)
}

func (f *Fake) SignalProcessGroup(name, sig string) ([]rpc.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.group(name)
	if g == nil {
		return nil, faults.New(faults.BadName, name)
	}
	return f.groupAction(g, signallable, f.signalLocked(sig)), nil
}

func (f *Fake) SignalAllProcesses(sig string) ([]rpc.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	results := []rpc.Result{}
	for _, g := range f.Groups {
		results = append(results, f.groupAction(g, signallable, f.signalLocked(sig))...)
	}
	return results, nil
}

// logPath is a process's log as the running daemon knows it: AUTO
// resolved when AutoLogDir is set, else "" for AUTO.
func (f *Fake) logPath(p *config.ProcessConfig, channel string) string {
	s := p.Stdout.Logfile
	if channel == "stderr" {
		s = p.Stderr.Logfile
	}
	if s != config.Auto {
		return s
	}
	if f.AutoLogDir == "" {
		return ""
	}
	return filepath.Join(f.AutoLogDir, fmt.Sprintf("%s-%s---%s-fake0000.log", p.Name, channel, f.Ident))
}

func (f *Fake) info(g *config.GroupConfig, p *Proc) rpc.ProcessInfo {
	info := rpc.ProcessInfo{
		Name: p.Config.Name, Group: g.Name, Start: p.Start, Stop: p.Stop, Now: f.Now,
		State: p.State, StateName: stateNames[p.State], SpawnErr: p.SpawnErr, ExitStatus: p.ExitStatus,
		StdoutLogfile: f.logPath(p.Config, "stdout"), StderrLogfile: f.logPath(p.Config, "stderr"), PID: p.PID,
	}
	switch p.State {
	case Running:
		up := f.Now - p.Start
		info.Description = fmt.Sprintf("pid %d, uptime %d:%02d:%02d", p.PID, up/3600, up/60%60, up%60)
	case Fatal, Backoff:
		info.Description = p.SpawnErr
		if info.Description == "" {
			info.Description = fmt.Sprintf("unknown error (try \"tail %s\")", p.Config.Name)
		}
	case Stopped, Exited:
		info.Description = "Not started"
		if p.Start != 0 {
			info.Description = "Nov 14 10:13 PM"
		}
	}
	return info
}

func (f *Fake) ProcessInfo(name string) (rpc.ProcessInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g, p, err := f.resolve(name)
	if err != nil {
		return rpc.ProcessInfo{}, err
	}
	if p == nil {
		return rpc.ProcessInfo{}, faults.New(faults.BadName, name)
	}
	return f.info(g, p), nil
}

func (f *Fake) sortedGroups() []*config.GroupConfig {
	gs := append([]*config.GroupConfig(nil), f.Groups...)
	sort.Slice(gs, func(i, j int) bool { return gs[i].Name < gs[j].Name })
	return gs
}

func (f *Fake) AllProcessInfo() []rpc.ProcessInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []rpc.ProcessInfo
	for _, g := range f.sortedGroups() {
		ps := append([]*config.ProcessConfig(nil), g.Processes...)
		sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
		for _, pc := range ps {
			out = append(out, f.info(g, f.procs[namespec(g.Name, pc.Name)]))
		}
	}
	return out
}

func (f *Fake) AllConfigInfo() []rpc.ConfigEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	groups := f.NewGroups
	if groups == nil {
		groups = f.Groups
	}
	var out []rpc.ConfigEntry
	for _, g := range groups {
		inUse := f.group(g.Name) != nil
		for _, p := range g.Processes {
			if inUse && f.AutoLogDir != "" {
				c := *p
				c.Stdout.Logfile = f.logPath(p, "stdout")
				c.Stderr.Logfile = f.logPath(p, "stderr")
				p = &c
			}
			out = append(out, rpc.ConfigEntry{Group: g, Process: p, InUse: inUse})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Process.Name < out[j].Process.Name })
	return out
}

func (f *Fake) ProcessLogfile(name, channel string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, p, err := f.resolve(name)
	if err != nil {
		return "", err
	}
	if p == nil {
		return "", faults.New(faults.BadName, name)
	}
	if channel != "stdout" && channel != "stderr" {
		return "", faults.New(faults.BadArguments, channel)
	}
	return f.logPath(p.Config, channel), nil
}

func (f *Fake) ClearProcessLogs(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, p, err := f.resolve(name)
	if err != nil {
		return err
	}
	if p == nil {
		return faults.New(faults.BadName, name)
	}
	f.Calls = append(f.Calls, "clearlogs "+name)
	return nil
}

func (f *Fake) ClearAllProcessLogs() []rpc.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	results := []rpc.Result{}
	for _, g := range f.Groups {
		for _, pc := range g.Processes {
			results = append(results, f.result(g, f.procs[namespec(g.Name, pc.Name)], nil))
		}
	}
	return results
}

func (f *Fake) SendProcessStdin(name string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, p, err := f.resolve(name)
	if err != nil {
		return err
	}
	if p == nil {
		return faults.New(faults.BadName, name)
	}
	if p.PID == 0 {
		return faults.New(faults.NotRunning, name)
	}
	p.Stdin = append(p.Stdin, data...)
	return nil
}

func (f *Fake) SendRemoteCommEvent(typ, data string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, "commevent "+typ+" "+data)
	return nil
}

var _ rpc.Backend = (*Fake)(nil)
