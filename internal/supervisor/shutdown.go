package supervisor

import (
	"fmt"
	"strings"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/events"
	"github.com/gosupervisor/gosupervisor/internal/process"
)

// beginShutdown starts stopping everything for a shutdown or a restart
// (Supervisor's mood < RUNNING branch of runforever).
func (s *Supervisor) beginShutdown(m Mood) {
	if s.stopping {
		if m == MoodShutdown {
			s.mood.Store(int32(MoodShutdown)) // a shutdown wins over a restart
		}
		return
	}
	s.mood.Store(int32(m))
	s.stopping = true
	s.stopGroups = s.sortedGroups()
	s.ev.notify(events.SupervisorStateChangeStopping, "")
	s.local = append(s.local, s.shutdownStep)
}

// shutdownStep stops groups one at a time from the highest priority
// number, waiting for each to be fully stopped before the next, and ends
// the loop once nothing is left running. It runs at the start of shutdown
// and after every state change while stopping.
func (s *Supervisor) shutdownStep() {
	if !s.stopping || s.exiting {
		return
	}
	for len(s.stopGroups) > 0 {
		g := s.stopGroups[len(s.stopGroups)-1]
		s.stopAll(g)
		if len(g.unstopped()) > 0 {
			break
		}
		s.stopGroups = s.stopGroups[:len(s.stopGroups)-1]
	}
	var unstopped []*proc
	for _, g := range s.order {
		unstopped = append(unstopped, g.unstopped()...)
	}
	if len(unstopped) == 0 {
		s.schedule(s.shutdownTimer, time.Time{})
		s.exiting = true
		s.result = Mood(s.mood.Load())
		return
	}
	now := s.now()
	if s.lastShutdownReport.IsZero() || now.Sub(s.lastShutdownReport) > 3*time.Second {
		names := make([]string, len(unstopped))
		for i, p := range unstopped {
			names[i] = p.cfg.Name
		}
		s.log.Info(fmt.Sprintf("waiting for %s to die", strings.Join(names, ", ")))
		s.lastShutdownReport = now
		for _, p := range unstopped {
			s.log.Blather(fmt.Sprintf("%s state: %s", p.cfg.Name, p.m.State))
		}
	}
	s.schedule(s.shutdownTimer, s.lastShutdownReport.Add(3*time.Second+time.Millisecond))
}

// stopAll is ProcessGroup.stop_all: descending priority (a reversed
// stable sort), RUNNING/STARTING are stopped, BACKOFF gives up.
func (s *Supervisor) stopAll(g *group) {
	ps := g.sortedProcs()
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		switch p.m.State {
		case process.Running, process.Starting:
			s.step(p, process.Stop{})
		case process.Backoff:
			s.step(p, process.GiveUp{})
		}
	}
}

func (g *group) unstopped() []*proc {
	var out []*proc
	for _, p := range g.procs {
		if !p.m.State.IsStopped() {
			out = append(out, p)
		}
	}
	return out
}

// closeAll releases what the groups hold once the loop is done.
func (s *Supervisor) closeAll() {
	for _, g := range s.order {
		for _, p := range g.procs {
			p.releaseRun()
		}
		if g.sock != nil {
			g.sock.closeNow()
		}
	}
}
