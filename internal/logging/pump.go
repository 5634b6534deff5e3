package logging

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// readSize is how much Supervisor reads from a child pipe at once (128 KiB).
const readSize = 128 << 10

// PumpConfig describes one child output channel.
type PumpConfig struct {
	Name    string // process name, for main-log lines
	Channel string // "stdout" or "stderr"
	Pipe    *Pipe

	File      *RotatingFile // nil: no log file
	Syslog    *ChildSyslog  // nil: no syslog
	StripAnsi bool
	MainLog   *Logger // child output is echoed here at DEBG when enabled

	// CaptureMaxBytes > 0 enables capture mode (PROCESS_COMMUNICATION).
	CaptureMaxBytes int64
	// Listener marks an event listener's stdout: the bytes are the
	// protocol, handed whole to OnData, and logged raw.
	Listener bool

	// OnLog is called with each logged chunk when *_events_enabled
	// (PROCESS_LOG_*); OnComm with each completed capture; OnData with
	// each raw chunk of a listener's stdout. They run on the pump's
	// goroutine and may block it (that only holds up this child).
	OnLog  func(data []byte)
	OnComm func(data []byte)
	OnData func(data []byte)
	// OnEOF is called when the pipe reports end of file (the dispatcher
	// closes), with the pipe's descriptor number.
	OnEOF func(fd int)

	// Prompt makes the pump wait for data on Go's own poller with a
	// goroutine of its own, and hand each chunk on as soon as it is read.
	// It costs that goroutine (and its buffer) while the pipe is quiet,
	// and saves a thread hand-off per chunk: for an event listener's
	// stdout, where every event is a READY/RESULT round trip, that halves
	// the daemon's cost per event.
	Prompt bool

	// Coalesce, when set, lets output gather in the pipe for this long
	// after a small read before reading again: a child printing a line at a
	// time then costs one wake-up per interval instead of one per line.
	// Only plain logging channels use it (events and the listener
	// protocol want every chunk at once).
	Coalesce time.Duration
}

// smallRead is the size under which a read counts as a trickle: a
// firehose fills the 64 KiB pipe and is read back-to-back.
const smallRead = 1 << 10

// Pump reads one pipe of one child until EOF or until it is drained after
// the child's exit, and writes what it reads to the channel's log. It is
// the only reader of its pipe and the only writer of its log file.
//
// While the log cannot be written (a full disk), the pump keeps the unwritten
// bytes, reports the failure once on the main log, stops reading (so the
// child, not the daemon, waits once the pipe buffer is full) and retries
// with a growing delay; no byte is dropped while the daemon runs.
type Pump struct {
	cfg PumpConfig
	rec *Recorder

	mu       sync.Mutex // guards state, draining, pause, waiters
	state    pumpState
	draining bool
	pause    *time.Timer
	waiters  []func()

	stop      chan struct{} // closed by Abort: give up retrying writes
	stopOnce  sync.Once
	failing   bool // a write error was reported and not yet cleared (pump goroutine only)
	debugEcho bool
	fd        int
}

// pumpState says who, if anyone, is reading the pipe. At most one
// goroutine reads a pipe at a time, and a pump that is waiting for data or
// letting a trickle gather has no goroutine at all: a thousand quiet
// children cost no stacks.
type pumpState int

const (
	pumpRunning  pumpState = iota // a goroutine is reading
	pumpWaiting                   // armed in the poller; it will start a goroutine
	pumpPaused                    // a timer will resume reading
	pumpFinished                  // the pipe is closed
)

// StartPump starts the goroutine reading cfg.Pipe.
func StartPump(cfg PumpConfig) *Pump {
	p := &Pump{cfg: cfg, rec: NewRecorder(cfg.CaptureMaxBytes), stop: make(chan struct{})}
	p.debugEcho = cfg.MainLog != nil && cfg.MainLog.Enabled(config.LevelDebug)
	p.fd = cfg.Pipe.Fd()
	p.rec.Log = p.logNormal
	p.rec.Capture = p.logCaptured
	p.rec.Comm = func(data []byte) {
		if p.cfg.OnComm != nil {
			p.cfg.OnComm(data)
		}
		if p.cfg.MainLog != nil {
			p.cfg.MainLog.Debug(fmt.Sprintf("%s %s emitted a comm event", pyfmt.Repr(p.cfg.Name), p.cfg.Channel))
		}
	}
	if cfg.Prompt && cfg.Pipe.useRuntimePoller() == nil {
		go p.servicePrompt()
		return p
	}
	cfg.Pipe.onReady = p.ready
	go p.service()
	return p
}

// servicePrompt is service for Prompt pumps: one goroutine blocked on the
// pipe until end of file, or until a drain asks it to read what is left.
func (p *Pump) servicePrompt() {
	buf := make([]byte, readSize)
	for {
		n, err := p.cfg.Pipe.readWait(buf)
		switch {
		case n > 0:
			p.handle(buf[:n])
			continue
		case err == nil:
			p.eof()
			p.finish()
			return
		case errors.Is(err, os.ErrDeadlineExceeded):
			// Drain: what the pipe already holds, then stop. (Reads
			// fail at once while the deadline stands.)
			p.cfg.Pipe.file.SetReadDeadline(time.Time{})
			for {
				n, err := p.cfg.Pipe.readNow(buf)
				if n > 0 {
					p.handle(buf[:n])
					continue
				}
				if err == nil {
					p.eof()
				}
				break
			}
			p.finish()
			return
		default:
			p.finish()
			return
		}
	}
}

// bufPool holds read buffers. A pump takes one only while it reads, so a
// thousand idle children cost no buffer memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, readSize); return &b }}

// bigBufPool holds buffers the size of a grown pipe.
var bigBufPool = sync.Pool{New: func() any { b := make([]byte, firehosePipeSize); return &b }}

// readOnce makes one non-blocking read and hands the data to handle. It
// returns the byte count, syscall.EAGAIN when the pipe is empty, and
// io.EOF at end of file.
func (p *Pump) readOnce() (int, error) {
	pool := &bufPool
	// A firehose whose pipe was grown is read a pipe-full at a time, when
	// nothing downstream depends on Supervisor's 128 KiB chunks (events
	// are sent per chunk read).
	if p.cfg.Pipe.grown && p.cfg.OnLog == nil && p.cfg.OnComm == nil && p.cfg.OnData == nil {
		pool = &bigBufPool
	}
	buf := pool.Get().(*[]byte)
	defer pool.Put(buf)
	n, err := p.cfg.Pipe.read(*buf)
	switch {
	case err != nil:
		return 0, err
	case n == 0:
		return 0, io.EOF
	}
	p.handle((*buf)[:n])
	return n, nil
}

// ready is the poller's notification that the pipe has data (or EOF).
func (p *Pump) ready() {
	p.mu.Lock()
	if p.state != pumpWaiting {
		p.mu.Unlock()
		return
	}
	p.state = pumpRunning
	p.mu.Unlock()
	go p.service()
}

// resume ends a pause (it runs on the timer's own goroutine).
func (p *Pump) resume() {
	p.mu.Lock()
	if p.state != pumpPaused {
		p.mu.Unlock()
		return
	}
	p.state = pumpRunning
	p.mu.Unlock()
	p.service()
}

// service reads until the pipe is empty, then arms the poller and returns;
// or, for a trickle, pauses on a timer and returns. When a drain was asked
// for, an empty pipe ends the pump.
func (p *Pump) service() {
	for {
		n, err := p.readOnce()
		switch {
		case err == syscall.EAGAIN:
			p.mu.Lock()
			if p.draining {
				p.mu.Unlock()
				p.finish() // Subprocess.drain: what was there has been read
				return
			}
			p.state = pumpWaiting
			p.mu.Unlock()
			if p.cfg.Pipe.arm() != nil {
				p.finish()
			}
			return
		case errors.Is(err, io.EOF):
			p.eof()
			p.finish()
			return
		case err != nil:
			p.finish()
			return
		}
		if p.cfg.Coalesce > 0 && n < smallRead {
			p.mu.Lock()
			if !p.draining {
				// Let a trickle gather. Pauses end on a shared grid, so
				// all trickling pumps wake together: one wake-up of the
				// daemon per interval, not one per pump or per line.
				now := time.Now()
				d := now.Truncate(p.cfg.Coalesce).Add(p.cfg.Coalesce).Sub(now)
				p.state = pumpPaused
				if p.pause == nil {
					p.pause = time.AfterFunc(d, p.resume)
				} else {
					p.pause.Reset(d)
				}
				p.mu.Unlock()
				return
			}
			p.mu.Unlock()
		}
	}
}

func (p *Pump) eof() {
	if p.cfg.OnEOF != nil {
		p.cfg.OnEOF(p.fd)
	}
}

func (p *Pump) finish() {
	p.cfg.Pipe.Close()
	p.mu.Lock()
	p.state = pumpFinished
	if p.pause != nil {
		p.pause.Stop()
	}
	waiters := p.waiters
	p.waiters = nil
	p.mu.Unlock()
	for _, w := range waiters {
		w()
	}
}

// Drain asks the pump to read what the pipe already holds and stop; done
// is called once that output has been handled (at once if the pump has
// already stopped). It is how the loop makes a child's last output land
// before the child's exit is processed.
func (p *Pump) Drain(done func()) {
	p.mu.Lock()
	if p.state == pumpFinished {
		p.mu.Unlock()
		go done() // never call back into the caller's goroutine
		return
	}
	p.waiters = append(p.waiters, done)
	p.draining = true
	if p.cfg.Pipe.file != nil {
		// A Prompt pump is reading: wake it up to read what is left.
		p.mu.Unlock()
		p.cfg.Pipe.file.SetReadDeadline(time.Now())
		return
	}
	start := false
	switch p.state {
	case pumpWaiting:
		start = true
	case pumpPaused:
		// If the timer already fired, resume is about to run instead.
		start = p.pause.Stop()
	}
	if start {
		p.state = pumpRunning
	}
	p.mu.Unlock()
	if start {
		go p.service() // read what the pipe holds, then stop
	}
}

// Abort stops any retrying of failed log writes (daemon exit).
func (p *Pump) Abort() { p.stopOnce.Do(func() { close(p.stop) }) }

func (p *Pump) handle(data []byte) {
	if p.cfg.Listener {
		if p.debugEcho {
			p.cfg.MainLog.Debug(fmt.Sprintf("%s %s output:\n%s", pyfmt.Repr(p.cfg.Name), p.cfg.Channel, pyfmt.BytesRepr(data)))
		}
		if p.cfg.File != nil {
			out := data
			if p.cfg.StripAnsi {
				out = StripEscapes(out)
			}
			p.writeFile(out)
		}
		if p.cfg.OnData != nil {
			p.cfg.OnData(append([]byte(nil), data...))
		}
		return
	}
	p.rec.Feed(data)
}

// logNormal is POutputDispatcher._log with the normal log as childlog.
func (p *Pump) logNormal(data []byte) {
	if p.cfg.StripAnsi {
		data = StripEscapes(data)
	}
	if len(data) == 0 {
		return
	}
	if p.cfg.File != nil {
		p.writeFile(data)
	}
	if p.cfg.Syslog != nil {
		p.cfg.Syslog.WriteData(p.cfg.Name, data)
	}
	p.echo(data)
}

// logCaptured is _log while the capture log is the childlog.
func (p *Pump) logCaptured(data []byte) {
	if p.cfg.StripAnsi {
		data = StripEscapes(data)
	}
	p.echo(data)
}

func (p *Pump) echo(data []byte) {
	if p.debugEcho {
		text := string(data)
		if !utf8.Valid(data) {
			text = "Undecodable: " + pyfmt.BytesRepr(data)
		}
		p.cfg.MainLog.Debug(fmt.Sprintf("%s %s output:\n%s", pyfmt.Repr(p.cfg.Name), p.cfg.Channel, text))
	}
	if p.cfg.OnLog != nil {
		p.cfg.OnLog(append([]byte(nil), data...))
	}
}

// writeFile writes all of data, waiting out a failing disk.
func (p *Pump) writeFile(data []byte) {
	delay := 100 * time.Millisecond
	for len(data) > 0 {
		n, err := p.cfg.File.Write(data)
		data = data[n:]
		if err == nil || len(data) == 0 {
			p.writeOK()
			continue
		}
		if !p.writeFailed(err, &delay) {
			return
		}
	}
}

// writeOK notes a successful write (ending a failure episode).
func (p *Pump) writeOK() {
	if p.failing {
		p.failing = false
		p.logMain(config.LevelInfo, fmt.Sprintf("%s %s log %s is writable again", p.cfg.Name, p.cfg.Channel, p.cfg.File.Path()))
	}
}

// writeFailed reports a write error once per episode and waits before the
// retry, the delay growing to 5 s. It returns false when the pump is
// aborted (the daemon is exiting) instead.
func (p *Pump) writeFailed(err error, delay *time.Duration) bool {
	if !p.failing {
		p.failing = true
		p.logMain(config.LevelError, fmt.Sprintf("cannot write %s %s log %s: %v; holding its output until the log can be written", p.cfg.Name, p.cfg.Channel, p.cfg.File.Path(), err))
	}
	t := time.NewTimer(*delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-p.stop:
		return false
	}
	if *delay < 5*time.Second {
		*delay *= 2
	}
	return true
}

func (p *Pump) logMain(level config.LogLevel, msg string) {
	if p.cfg.MainLog != nil {
		p.cfg.MainLog.Log(level, msg)
	}
}
