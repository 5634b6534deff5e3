package spawn

import (
	"os"
	"os/signal"
	"syscall"
)

// Exit is one reaped child. An Exit with PID 0 marks the end of the
// batch collected for one SIGCHLD.
type Exit struct {
	PID    int
	Status syscall.WaitStatus
}

// Reaper is the daemon's only waiter for children: on every SIGCHLD it
// collects all exited children with wait4(-1, WNOHANG) and hands them to
// the supervisor loop, including children it never started (supervisord
// as PID 1 in a container inherits orphans). Nothing else in the process
// may wait for a child, or exits would be stolen.
type Reaper struct {
	sigs chan os.Signal
	out  chan<- Exit
	done chan struct{}
}

// StartReaper starts the reaper goroutine. It must run before the first
// child is started so that no SIGCHLD is missed; it also reaps once at
// start in case children exited before it existed.
func StartReaper(out chan<- Exit) *Reaper {
	r := &Reaper{sigs: make(chan os.Signal, 1), out: out, done: make(chan struct{})}
	signal.Notify(r.sigs, syscall.SIGCHLD)
	go r.run()
	return r
}

func (r *Reaper) run() {
	defer close(r.done)
	r.reapAll()
	for range r.sigs {
		if r.reapAll() > 0 {
			r.out <- Exit{} // the SIGCHLD itself, for the log
		}
	}
}

func (r *Reaper) reapAll() (n int) {
	for {
		var ws syscall.WaitStatus
		forkMu.Lock()
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		forkMu.Unlock()
		if err == syscall.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			return n
		}
		n++
		r.out <- Exit{PID: pid, Status: ws}
	}
}

// Stop ends the reaper. Children that exit afterwards stay zombies until
// the process exits.
func (r *Reaper) Stop() {
	signal.Stop(r.sigs)
	close(r.sigs)
	<-r.done
}

// Kill sends sig to pid (a negative pid is a process group).
func Kill(pid int, sig syscall.Signal) error {
	return syscall.Kill(pid, sig)
}
