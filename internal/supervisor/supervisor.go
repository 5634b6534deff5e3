// Package supervisor is the daemon's single event loop. It owns every piece
// of mutable process and group state (the groups, their processes' state
// machines, the pid table, listener pools, shutdown ordering) and is the
// only goroutine that touches it. Everything else talks to it by message:
// the reaper sends exits, pipe pumps send captured output, signal handling
// sends shutdown/reload/reopen, and RPC handlers send closures through
// Backend methods and wait for the reply. Time is a heap of deadlines; an
// idle daemon blocks in one select and uses no CPU.
//
// It does not parse configs, serve HTTP, or decide wire formats.
package supervisor

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/events"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/spawn"
)

// Mood is supervisord's own state (states.SupervisorStates).
type Mood int32

// Supervisor's states.
const (
	MoodFatal      Mood = 2
	MoodRunning    Mood = 1
	MoodRestarting Mood = 0
	MoodShutdown   Mood = -1
)

func (m Mood) String() string {
	switch m {
	case MoodFatal:
		return "FATAL"
	case MoodRunning:
		return "RUNNING"
	case MoodRestarting:
		return "RESTARTING"
	case MoodShutdown:
		return "SHUTDOWN"
	}
	return "UNKNOWN"
}

// Options are what the loop needs besides the config.
type Options struct {
	Config *config.Config
	Log    *logging.Logger
	// Reload re-reads the config files (reloadConfig, SIGHUP). It returns
	// the parse error's text on failure.
	Reload func() (*config.Config, error)
	// Exits receives reaped children; the daemon owns the reaper so that
	// it survives restarts. Nil makes New start its own.
	Exits chan spawn.Exit
	// Now is the clock (tests may fake it for pure logic only).
	Now func() time.Time
	// EventSerial numbers events across restarts; nil starts at 0.
	EventSerial *EventSerial
}

// Supervisor is the loop and everything it owns.
type Supervisor struct {
	cfg       *config.Config // the most recently read config
	log       *logging.Logger
	reload    func() (*config.Config, error)
	now       func() time.Time
	serverURL string // SUPERVISOR_SERVER_URL when a program sets none

	groups  map[string]*group
	order   []*group // groups in the order they were added (dict order)
	pids    map[int]*proc
	mood    atomic.Int32
	pending *config.Config // config to restart with (reload)

	groupsAdded bool

	stopping           bool
	stopGroups         []*group
	lastShutdownReport time.Time
	shutdownTimer      *timer

	ev *eventHub

	draining    int // exits waiting for their pipes to drain
	sigchldLogs int // "received SIGCHLD" lines waiting for those exits

	sigMu    sync.Mutex // guards sigQueue
	sigQueue []syscall.Signal

	inbox    chan func()
	local    []func() // work posted by the loop to itself
	exits    chan spawn.Exit
	reaper   *spawn.Reaper
	timers   timerHeap
	timerSeq uint64
	finished chan struct{}
	exiting  bool // the loop ends after this iteration
	result   Mood // MoodShutdown or MoodRestarting once exiting
}

// New builds the supervisor for cfg. Groups are added by Run.
func New(o Options) *Supervisor {
	s := &Supervisor{
		cfg:      o.Config,
		log:      o.Log,
		reload:   o.Reload,
		now:      o.Now,
		groups:   map[string]*group{},
		pids:     map[int]*proc{},
		inbox:    make(chan func(), 256),
		exits:    o.Exits,
		finished: make(chan struct{}),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.exits == nil {
		s.exits = make(chan spawn.Exit, 64)
		s.reaper = spawn.StartReaper(s.exits)
	}
	s.mood.Store(int32(MoodRunning))
	s.serverURL = o.Config.ServerURL
	s.ev = newEventHub(s, o.EventSerial)
	s.shutdownTimer = newTimer(func(time.Time) { s.shutdownStep() })
	return s
}

// Run adds the configured groups, starts what autostarts, and runs the
// loop until shutdown or restart is complete. It returns MoodShutdown or
// MoodRestarting (then Pending holds the config to restart with). ready,
// if not nil, is called once the groups are added and the loop runs.
func (s *Supervisor) Run(ready func()) Mood {
	defer close(s.finished)
	spawn.MarkInheritedCloexec()
	s.AddGroups()
	s.ev.notify(events.SupervisorStateChangeRunning, "")
	if ready != nil {
		ready()
	}
	s.transitionAll()
	wake := time.NewTimer(time.Hour)
	wake.Stop()
	for !s.done() {
		s.settle()
		if s.done() {
			break
		}
		var timerC <-chan time.Time
		if d, ok := s.nextWake(s.now()); ok {
			wake.Reset(d)
			timerC = wake.C
		}
		select {
		case f := <-s.inbox:
			f()
		case e := <-s.exits:
			s.handleExit(e)
		case <-timerC:
			s.fireDue(s.now())
		}
		if timerC != nil && !wake.Stop() {
			select {
			case <-wake.C:
			default:
			}
		}
	}
	s.closeAll()
	if s.reaper != nil {
		s.reaper.Stop()
	}
	return s.result
}

// settle runs the work the loop posted to itself, then dispatches events
// to listener pools, until neither is left. Dispatching last is what
// Supervisor's loop does: a pass first reads output, transitions every
// process and handles stops, and only then does a pool send its oldest
// event to a ready listener; so, for example, a listener stopped at
// shutdown is not sent the event of the group stopped just before it.
func (s *Supervisor) settle() {
	for len(s.local) > 0 || len(s.ev.pending) > 0 {
		for len(s.local) > 0 {
			f := s.local[0]
			s.local = s.local[1:]
			f()
		}
		s.ev.dispatchPending()
	}
}

// AddGroups adds the configured groups (creating AUTO logs and sending
// PROCESS_GROUP_ADDED) if that has not been done yet. supervisord calls it
// before opening its servers, as Supervisor does; Run calls it otherwise.
// It must not be called once Run is running.
func (s *Supervisor) AddGroups() {
	if s.groupsAdded {
		return
	}
	s.groupsAdded = true
	for _, gc := range s.cfg.Groups {
		s.addGroup(gc)
	}
}

// Pending is the config a restart should use (set when Run returns
// MoodRestarting).
func (s *Supervisor) Pending() *config.Config { return s.pending }

func (s *Supervisor) done() bool { return s.exiting }

// post queues f to run on the loop. It blocks while the inbox is full:
// callers outside the loop get back-pressure instead of unbounded memory.
func (s *Supervisor) post(f func()) bool {
	select {
	case s.inbox <- f:
		return true
	case <-s.finished:
		return false
	}
}

// call runs f on the loop and waits for it. It returns SHUTDOWN_STATE if
// the loop has already finished.
func (s *Supervisor) call(ctx context.Context, f func()) error {
	return s.await(ctx, func(finish func()) { f(); finish() })
}

// Signal delivers a signal received by the daemon. As Supervisor's
// SignalReceiver does, a signal already waiting to be handled is not queued
// again, and one signal is handled per pass of the loop.
func (s *Supervisor) Signal(sig os.Signal) {
	ss, ok := sig.(syscall.Signal)
	if !ok {
		return
	}
	s.sigMu.Lock()
	for _, q := range s.sigQueue {
		if q == ss {
			s.sigMu.Unlock()
			return
		}
	}
	s.sigQueue = append(s.sigQueue, ss)
	first := len(s.sigQueue) == 1
	s.sigMu.Unlock()
	if first {
		s.post(s.handleQueuedSignal)
	}
}

func (s *Supervisor) handleQueuedSignal() {
	s.sigMu.Lock()
	if len(s.sigQueue) == 0 {
		s.sigMu.Unlock()
		return
	}
	sig := s.sigQueue[0]
	s.sigQueue = s.sigQueue[1:]
	more := len(s.sigQueue) > 0
	s.sigMu.Unlock()
	s.handleSignal(sig)
	if more {
		s.local = append(s.local, s.handleQueuedSignal)
	}
}

// Mood returns SHUTDOWN_STATE unless supervisord is running normally.
func (s *Supervisor) Mood() error {
	if Mood(s.mood.Load()) < MoodRunning {
		return faults.Bare(faults.ShutdownState)
	}
	return nil
}

// State is getState.
func (s *Supervisor) State() (int, string) {
	m := Mood(s.mood.Load())
	return int(m), m.String()
}

func (s *Supervisor) handleSignal(sig syscall.Signal) {
	switch sig {
	case syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT:
		s.log.Warn("received " + signame(sig) + " indicating exit request")
		s.beginShutdown(MoodShutdown)
	case syscall.SIGHUP:
		if Mood(s.mood.Load()) == MoodShutdown {
			s.log.Warn("ignored " + signame(sig) + " indicating restart request (shutdown in progress)")
			return
		}
		s.log.Warn("received " + signame(sig) + " indicating restart request")
		s.requestRestart()
	case syscall.SIGCHLD:
		s.log.Debug("received SIGCHLD indicating a child quit")
	case syscall.SIGUSR2:
		s.log.Info("received " + signame(sig) + " indicating log reopen request")
		s.log.Info("supervisord logreopen")
		s.log.Reopen()
		for _, g := range s.order {
			for _, p := range g.procs {
				p.reopenLogs()
			}
		}
	default:
		s.log.Blather("received " + signame(sig) + " indicating nothing")
	}
}

// requestRestart validates the config before anything is stopped: an
// invalid config is reported and the daemon keeps running on the old one
// (Supervisor would stop everything and then exit 2).
func (s *Supervisor) requestRestart() {
	if Mood(s.mood.Load()) < MoodRunning {
		return
	}
	if s.reload != nil {
		cfg, err := s.reload()
		if err != nil {
			s.log.Error("restart refused, the configuration is invalid; still running with the previous one: " + err.Error())
			return
		}
		s.pending = cfg
	}
	s.beginShutdown(MoodRestarting)
}
