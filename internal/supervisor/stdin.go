package supervisor

import (
	"errors"
	"os"
	"sync"
	"syscall"
)

// stdinWriter feeds a child's stdin without ever blocking the loop: a first
// write is attempted at once (so a closed pipe is reported to the caller as
// Supervisor reports it), and whatever the pipe cannot take yet is queued
// for a goroutine that waits for the child to read.
type stdinWriter struct {
	f *os.File

	mu      sync.Mutex // guards queue, closed, running
	queue   []byte
	closed  bool // EPIPE seen or closed by the loop
	running bool // a flusher goroutine is active
}

func newStdinWriter(f *os.File) *stdinWriter { return &stdinWriter{f: f} }

// write queues data; it returns EPIPE when the child's stdin is closed.
func (w *stdinWriter) write(data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return syscall.EPIPE
	}
	if len(w.queue) == 0 && !w.running {
		n, err := w.tryWrite(data)
		if errors.Is(err, syscall.EPIPE) {
			w.closed = true
			return err
		}
		data = data[n:]
		if len(data) == 0 {
			return nil
		}
	}
	w.queue = append(w.queue, data...)
	if !w.running {
		w.running = true
		go w.flush()
	}
	return nil
}

// tryWrite makes one non-blocking write.
func (w *stdinWriter) tryWrite(data []byte) (int, error) {
	rc, err := w.f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var werr error
	err = rc.Write(func(fd uintptr) bool {
		n, werr = syscall.Write(int(fd), data)
		if n < 0 {
			n = 0
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	if errors.Is(werr, syscall.EAGAIN) {
		werr = nil
	}
	return n, werr
}

func (w *stdinWriter) flush() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 || w.closed {
			w.running = false
			w.mu.Unlock()
			return
		}
		data := w.queue
		w.queue = nil
		w.mu.Unlock()
		if _, err := w.f.Write(data); err != nil {
			w.mu.Lock()
			w.closed = true
			w.queue = nil
			w.running = false
			w.mu.Unlock()
			return
		}
	}
}

// close closes the pipe; queued data is dropped (the child is gone).
func (w *stdinWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.queue = nil
	w.mu.Unlock()
	w.f.Close()
}
