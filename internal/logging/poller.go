package logging

import (
	"os"
	"sync"
	"syscall"
)

// Pipe is the read end of a child's output pipe, non-blocking and outside
// Go's network poller. Go's poller keeps every descriptor armed
// (edge-triggered), so each line a child writes would wake the daemon even
// while its pump is deliberately letting output gather; this poller arms a
// pipe (one-shot) only while its pump waits on it.
type Pipe struct {
	fd      int
	onReady func()     // called by the poller when the armed pipe is readable
	added   bool       // registered with epoll
	mu      sync.Mutex // guards closed
	closed  bool

	// file and rc are set when the pipe waits on Go's own poller instead
	// (see Pump's Prompt mode); the file then owns the descriptor.
	file *os.File
	rc   syscall.RawConn

	fullReads int  // consecutive reads that emptied a full pipe
	grown     bool // the pipe buffer was enlarged
}

// firehosePipeSize is the buffer a pipe gets once its child is seen
// writing faster than one pipe-full per read. Only such pipes are grown:
// the kernel limits the pipe pages a user may hold, and a thousand idle
// children must not use that budget up.
const firehosePipeSize = 1 << 20

// NewPipe makes a pipe whose write end (blocking, for the child) is a
// normal *os.File and whose read end is a Pipe.
func NewPipe() (*Pipe, *os.File, error) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	if err := syscall.SetNonblock(fds[0], true); err != nil {
		syscall.Close(fds[0])
		syscall.Close(fds[1])
		return nil, nil, err
	}
	return &Pipe{fd: fds[0]}, os.NewFile(uintptr(fds[1]), "|1"), nil
}

// Fd is the descriptor number (for debug lines).
func (p *Pipe) Fd() int { return p.fd }

// Close stops watching the pipe and closes it. It is safe to call twice.
func (p *Pipe) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if p.added {
		thePoller.remove(p)
	}
	if p.file != nil {
		return p.file.Close()
	}
	return syscall.Close(p.fd)
}

// useRuntimePoller hands the descriptor to Go's network poller, for a
// reader that stays blocked on it (readWait).
func (p *Pipe) useRuntimePoller() error {
	f := os.NewFile(uintptr(p.fd), "|0")
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	p.file, p.rc = f, rc
	return nil
}

// readWait reads, parking the goroutine on Go's poller until there is
// data, end of file, or the read deadline (os.ErrDeadlineExceeded).
func (p *Pipe) readWait(buf []byte) (int, error) {
	var n int
	var rerr error
	err := p.rc.Read(func(fd uintptr) bool {
		for {
			n, rerr = syscall.Read(int(fd), buf)
			if rerr != syscall.EINTR {
				break
			}
		}
		return rerr != syscall.EAGAIN
	})
	if err != nil {
		return 0, err
	}
	if n < 0 {
		n = 0
	}
	return n, rerr
}

// readNow makes one non-blocking read of a pipe on Go's poller.
func (p *Pipe) readNow(buf []byte) (int, error) {
	var n int
	var rerr error
	err := p.rc.Read(func(fd uintptr) bool {
		for {
			n, rerr = syscall.Read(int(fd), buf)
			if rerr != syscall.EINTR {
				break
			}
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	if n < 0 {
		n = 0
	}
	return n, rerr
}

// read makes one non-blocking read.
func (p *Pipe) read(buf []byte) (int, error) {
	for {
		n, err := syscall.Read(p.fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if !p.grown && n >= 64<<10 {
			if p.fullReads++; p.fullReads >= 4 {
				p.grown = true
				syscall.Syscall(syscall.SYS_FCNTL, uintptr(p.fd), 1031 /* F_SETPIPE_SZ */, firehosePipeSize)
			}
		} else if n < 64<<10 {
			p.fullReads = 0
		}
		return n, err
	}
}

// arm asks for one readiness notification.
func (p *Pipe) arm() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return syscall.EBADF
	}
	err := thePoller.arm(p)
	if err == nil {
		p.added = true
	}
	return err
}

// poller is one epoll instance and the goroutine that waits on it.
type poller struct {
	once  sync.Once
	epfd  int
	err   error
	mu    sync.Mutex // guards pipes
	pipes map[int32]*Pipe
}

var thePoller = &poller{pipes: map[int32]*Pipe{}}

func (pl *poller) init() error {
	pl.once.Do(func() {
		pl.epfd, pl.err = syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
		if pl.err == nil {
			go pl.loop()
		}
	})
	return pl.err
}

func (pl *poller) arm(p *Pipe) error {
	if err := pl.init(); err != nil {
		return err
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT, Fd: int32(p.fd)}
	if p.added {
		return syscall.EpollCtl(pl.epfd, syscall.EPOLL_CTL_MOD, p.fd, &ev)
	}
	pl.mu.Lock()
	pl.pipes[int32(p.fd)] = p
	pl.mu.Unlock()
	return syscall.EpollCtl(pl.epfd, syscall.EPOLL_CTL_ADD, p.fd, &ev)
}

func (pl *poller) remove(p *Pipe) {
	syscall.EpollCtl(pl.epfd, syscall.EPOLL_CTL_DEL, p.fd, nil)
	pl.mu.Lock()
	if pl.pipes[int32(p.fd)] == p {
		delete(pl.pipes, int32(p.fd))
	}
	pl.mu.Unlock()
}

// loop waits in epoll_wait (one thread, blocked in the kernel while no
// armed pipe has data) and passes each notification to its pump, which
// starts a goroutine to read. A notification for a descriptor that was
// closed and reused only makes a pump try a read that finds nothing.
func (pl *poller) loop() {
	events := make([]syscall.EpollEvent, 64)
	for {
		n, err := syscall.EpollWait(pl.epfd, events, -1)
		if err != nil {
			continue // EINTR
		}
		var ready []func()
		pl.mu.Lock()
		for _, ev := range events[:n] {
			if p := pl.pipes[ev.Fd]; p != nil && p.onReady != nil {
				ready = append(ready, p.onReady)
			}
		}
		pl.mu.Unlock()
		for _, f := range ready {
			f()
		}
	}
}
