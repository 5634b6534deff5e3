package supervisor

import (
	"sort"

	"github.com/gosupervisor/gosupervisor/internal/rpc"
)

// The loop owns every process; read-only questions (getProcessInfo,
// getAllProcessInfo, log paths) are answered from what it publishes
// instead of by a round trip through it. Each change the loop makes is
// published before any of its effects can be seen (a log line, an event,
// the reply to whoever asked for it), so a client that started a process,
// or read that it gave up, and then asks about it sees the change. Going
// through the loop cost two handoffs to and from its locked OS thread for
// every call, and made concurrent readers wait for each other.

// view is the published set of groups; it is replaced, never changed.
type view struct {
	groups  map[string]*group // each group's byName and procs never change once added
	lexical []*proc           // by group name, then process name
}

// publishGroups publishes the groups after one was added or removed.
func (s *Supervisor) publishGroups() {
	v := &view{groups: make(map[string]*group, len(s.groups))}
	names := make([]string, 0, len(s.groups))
	for n, g := range s.groups {
		v.groups[n] = g
		names = append(names, n)
	}
	sort.Strings(names)
	for _, gn := range names {
		ps := append([]*proc(nil), s.groups[gn].procs...)
		sort.Slice(ps, func(i, j int) bool { return ps[i].cfg.Name < ps[j].cfg.Name })
		v.lexical = append(v.lexical, ps...)
	}
	s.view.Store(v)
}

// publish publishes p's state after the loop changed it (Now and
// Description are filled in by readers).
func (p *proc) publish() {
	m := p.m
	info := rpc.ProcessInfo{
		Name:          p.cfg.Name,
		Group:         p.g.cfg.Name,
		Start:         capped(m.LastStart),
		Stop:          capped(m.LastStop),
		State:         int(m.State),
		StateName:     m.State.String(),
		SpawnErr:      m.SpawnErr,
		ExitStatus:    m.ExitStatus,
		StdoutLogfile: p.stdoutLog,
		StderrLogfile: p.stderrLog,
		PID:           m.PID,
	}
	if old := p.pub.Load(); old != nil && *old == info {
		return
	}
	p.pub.Store(&info)
}

// lookupView is _getGroupAndProcess on the published groups.
func (s *Supervisor) lookupView(name string) (*group, *proc, error) {
	return lookupIn(s.view.Load().groups, name)
}

// infoOf is p's published state as of now.
func (s *Supervisor) infoOf(p *proc, now int64) rpc.ProcessInfo {
	info := *p.pub.Load()
	info.Now = now
	info.Description = Describe(info)
	return info
}
