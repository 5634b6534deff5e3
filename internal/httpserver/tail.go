package httpserver

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

// Log tails (/logtail/NAME[/CHANNEL], /mainlogtail) follow a file as
// Supervisor's tail_f_producer does: start 1024 bytes before the end, send
// what is appended, reopen the path when its inode changes (rotation), and
// say "==> File truncated <==" when it shrinks. Supervisor polls every
// 0.1 s; we sleep until inotify reports a change in the file's directory,
// with a slow safety poll for filesystems that do not report (NFS, some
// bind mounts) and a faster one where inotify is unavailable.

const (
	tailHead          = 1024
	tailChunk         = 64 << 10
	safetyPoll        = 2 * time.Second
	noInotifyPoll     = 250 * time.Millisecond
	truncatedNotice   = "==> File truncated <==\n"
	logtailType       = "text/plain;charset=utf-8"
	inotifyMask       = syscall.IN_MODIFY | syscall.IN_ATTRIB | syscall.IN_CLOSE_WRITE | syscall.IN_CREATE | syscall.IN_DELETE | syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO | syscall.IN_DELETE_SELF | syscall.IN_MOVE_SELF
	inotifyEventSize  = syscall.SizeofInotifyEvent // not unsafe.Sizeof: Go pads the trailing [0]uint8
	inotifyReadBuffer = 64 << 10
)

// serveLogtail is logtail_handler.handle_request.
func (h *handler) serveLogtail(w http.ResponseWriter, r *http.Request, uri string) {
	if r.Method != http.MethodGet {
		WriteError(w, 400)
		return
	}
	path := splitURIPath(uri)
	if strings.Contains(path, "%") {
		path = PyUnquote(path)
	}
	path = strings.TrimLeft(path, "/")
	_, rest, ok := strings.Cut(path, "/")
	if !ok {
		h.serverError(w, "ValueError", "not enough values to unpack (expected 2, got 1)")
		return
	}
	name, channel, ok := strings.Cut(rest, "/")
	if !ok {
		channel = "stdout"
	}
	if _, _, ok := config.SplitNamespec(name); !ok || (channel != "stdout" && channel != "stderr") {
		WriteError(w, 404)
		return
	}
	logfile, err := h.opts.Backend.ProcessLogfile(name, channel)
	if err != nil || logfile == "" {
		WriteError(w, 404)
		return
	}
	h.streamFile(w, r, logfile, true)
}

// serveMainlogtail is mainlogtail_handler.handle_request.
func (h *handler) serveMainlogtail(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		WriteError(w, 400)
		return
	}
	logfile := h.opts.Backend.MainLogfile()
	if logfile == "" {
		WriteError(w, 404)
		return
	}
	h.streamFile(w, r, logfile, false)
}

func inode(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

func (h *handler) streamFile(w http.ResponseWriter, r *http.Request, path string, accel bool) {
	fi, err := os.Stat(path)
	if err != nil {
		// No log yet is a temporary condition: 404, as Supervisor says.
		WriteError(w, 404)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		h.serverError(w, "PermissionError", err.Error())
		return
	}
	defer func() { f.Close() }()
	ofi, err := f.Stat()
	if err != nil {
		h.serverError(w, "OSError", err.Error())
		return
	}
	ino := inode(ofi)
	var sz int64
	if ofi.Size() >= tailHead {
		sz = ofi.Size() - tailHead
	}

	hd := w.Header()
	hd.Set("Last-Modified", fi.ModTime().UTC().Format(http.TimeFormat))
	hd.Set("Content-Type", logtailType)
	if accel {
		// Tell a reverse proxy (nginx) not to buffer the stream.
		hd.Set("X-Accel-Buffering", "no")
	}
	w.WriteHeader(200)
	rc := http.NewResponseController(w)
	_ = rc.Flush()

	sub := h.tails.subscribe(path)
	defer h.tails.unsubscribe(sub)
	poll := safetyPoll
	if sub == nil {
		poll = noInotifyPoll
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	ctx := r.Context()
	buf := make([]byte, tailChunk)
	write := func(p []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(h.opts.Limits.WriteTimeout))
		if _, err := w.Write(p); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	for {
		if ctx.Err() != nil {
			return
		}
		// A new inode at the path: the log was rotated; read the new file
		// from its start.
		if pfi, err := os.Stat(path); err == nil && inode(pfi) != ino {
			if nf, err := os.Open(path); err == nil {
				if nfi, err := nf.Stat(); err == nil {
					f.Close()
					f, ino, sz = nf, inode(nfi), 0
				} else {
					nf.Close()
				}
			}
		}
		cur, err := f.Stat()
		if err != nil {
			return
		}
		size := cur.Size()
		switch {
		case size < sz:
			sz = 0
			if !write([]byte(truncatedNotice)) {
				return
			}
		case size > sz:
			for sz < size {
				n, err := f.ReadAt(buf[:min(int64(len(buf)), size-sz)], sz)
				if n > 0 {
					if !write(buf[:n]) {
						return
					}
					sz += int64(n)
				}
				if err != nil {
					if err == io.EOF {
						break // shrank meanwhile; the next round sees it
					}
					return
				}
			}
		default:
			var changed <-chan struct{}
			if sub != nil {
				changed = sub.ch
			}
			select {
			case <-ctx.Done():
				return
			case <-changed:
			case <-ticker.C:
			}
		}
	}
}

// watcher is one inotify instance shared by every tail of the process:
// inotify instances are a scarce per-user resource (128 by default), so
// each tail subscribes to its file's directory here.
type watcher struct {
	mu sync.Mutex
	// fd is the inotify descriptor for adding and removing watches; file
	// wraps it for reading through the runtime poller (file.Fd() would
	// switch it to blocking mode and stall that reader).
	fd   int
	file *os.File
	dirs map[string]*dirWatch
	byWD map[int32]*dirWatch
}

type dirWatch struct {
	wd   int32
	subs map[*tailSub]struct{}
}

// tailSub is one file followed by one tail; ch gets a token when the file
// (or its directory) may have changed.
type tailSub struct {
	names []string // base names, in each dirs[i]
	dirs  []string
	ch    chan struct{}
}

var (
	watcherOnce sync.Once
	theWatcher  *watcher
)

// sharedWatcher returns the process's watcher; nil when inotify is not
// available (tails then poll).
func sharedWatcher() *watcher {
	watcherOnce.Do(func() {
		fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
		if err != nil {
			return
		}
		w := &watcher{fd: fd, file: os.NewFile(uintptr(fd), "inotify"), dirs: map[string]*dirWatch{}, byWD: map[int32]*dirWatch{}}
		go w.run()
		theWatcher = w
	})
	return theWatcher
}

// subscribe follows path's directory (and its target's directory when it
// is a symlink); nil when that is not possible.
func (w *watcher) subscribe(path string) *tailSub {
	if w == nil {
		return nil
	}
	s := &tailSub{ch: make(chan struct{}, 1)}
	paths := []string{path}
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		paths = append(paths, real)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		dir, name := filepath.Dir(abs), filepath.Base(abs)
		dw := w.dirs[dir]
		if dw == nil {
			wd, err := syscall.InotifyAddWatch(w.fd, dir, inotifyMask)
			if err != nil {
				continue
			}
			dw = &dirWatch{wd: int32(wd), subs: map[*tailSub]struct{}{}}
			if old := w.byWD[int32(wd)]; old != nil {
				dw = old // the same directory under another name
			}
			w.dirs[dir], w.byWD[int32(wd)] = dw, dw
		}
		dw.subs[s] = struct{}{}
		s.dirs = append(s.dirs, dir)
		s.names = append(s.names, name)
	}
	if len(s.dirs) == 0 {
		return nil
	}
	return s
}

func (w *watcher) unsubscribe(s *tailSub) {
	if w == nil || s == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, dir := range s.dirs {
		dw := w.dirs[dir]
		if dw == nil {
			continue
		}
		delete(dw.subs, s)
		if len(dw.subs) == 0 {
			_, _ = syscall.InotifyRmWatch(w.fd, uint32(dw.wd))
			delete(w.byWD, dw.wd)
			for d, x := range w.dirs {
				if x == dw {
					delete(w.dirs, d)
				}
			}
		}
	}
}

func (s *tailSub) wants(name string) bool {
	if name == "" {
		return true
	}
	for _, n := range s.names {
		if n == name {
			return true
		}
	}
	return false
}

func (s *tailSub) notify() {
	select {
	case s.ch <- struct{}{}:
	default:
	}
}

// run reads inotify events for the life of the process; it sleeps in the
// runtime's poller between events.
func (w *watcher) run() {
	buf := make([]byte, inotifyReadBuffer)
	for {
		n, err := w.file.Read(buf)
		if err != nil {
			if n == 0 && err != io.EOF {
				// The descriptor is broken; wake every tail so they fall
				// back on their safety poll.
				w.mu.Lock()
				for _, dw := range w.byWD {
					for s := range dw.subs {
						s.notify()
					}
				}
				w.mu.Unlock()
			}
			return
		}
		w.dispatch(buf[:n])
	}
}

func (w *watcher) dispatch(b []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for len(b) >= inotifyEventSize {
		ev := (*syscall.InotifyEvent)(unsafe.Pointer(&b[0]))
		end := inotifyEventSize + int(ev.Len)
		if end > len(b) {
			return
		}
		name := string(bytes.TrimRight(b[inotifyEventSize:end], "\x00"))
		b = b[end:]
		if ev.Mask&syscall.IN_Q_OVERFLOW != 0 {
			for _, dw := range w.byWD {
				for s := range dw.subs {
					s.notify()
				}
			}
			continue
		}
		dw := w.byWD[ev.Wd]
		if dw == nil {
			continue
		}
		for s := range dw.subs {
			if s.wants(name) || ev.Mask&(syscall.IN_DELETE_SELF|syscall.IN_MOVE_SELF|syscall.IN_IGNORED) != 0 {
				s.notify()
			}
		}
		if ev.Mask&syscall.IN_IGNORED != 0 {
			// The directory is gone; its tails keep their safety poll.
			delete(w.byWD, ev.Wd)
			for d, x := range w.dirs {
				if x == dw {
					delete(w.dirs, d)
				}
			}
		}
	}
}
