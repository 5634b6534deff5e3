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
	Pipe    *os.File

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
}

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

	mu        sync.Mutex // guards drainReq, finished, waiters
	drainReq  bool
	finished  bool
	waiters   []func()
	stop      chan struct{} // closed by Abort: give up retrying writes
	stopOnce  sync.Once
	failing   bool // a write error was reported and not yet cleared
	debugEcho bool
	fd        int
}

// StartPump starts the goroutine reading cfg.Pipe.
func StartPump(cfg PumpConfig) *Pump {
	p := &Pump{cfg: cfg, rec: NewRecorder(cfg.CaptureMaxBytes), stop: make(chan struct{})}
	p.debugEcho = cfg.MainLog != nil && cfg.MainLog.Enabled(config.LevelDebug)
	if rc, err := cfg.Pipe.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { p.fd = int(fd) })
	}
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
	go p.run()
	return p
}

// bufPool holds read buffers. A pump takes one only once its pipe is
// readable, so a thousand idle children cost no buffer memory.
var bufPool = sync.Pool{New: func() any { b := make([]byte, readSize); return &b }}

// readOnce waits until the pipe is readable (or the drain deadline passes)
// and hands what one read returns to handle. It returns io.EOF at end of
// file.
func (p *Pump) readOnce(rc syscall.RawConn, nowait bool) error {
	var rerr error
	err := rc.Read(func(fd uintptr) bool {
		buf := bufPool.Get().(*[]byte)
		defer bufPool.Put(buf)
		for {
			n, err := syscall.Read(int(fd), *buf)
			switch {
			case err == syscall.EINTR:
				continue
			case err == syscall.EAGAIN:
				if nowait {
					rerr = errNothingMore
					return true
				}
				return false // wait for readiness, holding no buffer
			case err != nil:
				rerr = err
			case n == 0:
				rerr = io.EOF
			default:
				p.handle((*buf)[:n])
			}
			return true
		}
	})
	if err != nil {
		return err
	}
	return rerr
}

var errNothingMore = errors.New("nothing more to read now")

func (p *Pump) run() {
	defer p.finish()
	rc, err := p.cfg.Pipe.SyscallConn()
	if err != nil {
		return
	}
	for {
		err := p.readOnce(rc, false)
		if err == nil {
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			// Drain: what the pipe already holds, without waiting.
			p.cfg.Pipe.SetReadDeadline(time.Time{})
			for err = nil; err == nil; err = p.readOnce(rc, true) {
			}
		}
		if errors.Is(err, io.EOF) {
			p.eof()
		}
		return
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
	p.finished = true
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
	if p.finished {
		p.mu.Unlock()
		go done() // never call back into the caller's goroutine
		return
	}
	p.waiters = append(p.waiters, done)
	first := !p.drainReq
	p.drainReq = true
	p.mu.Unlock()
	if first {
		// Interrupt a blocked Read; run() then drains without waiting.
		p.cfg.Pipe.SetReadDeadline(time.Now())
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
			if p.failing {
				p.failing = false
				p.logMain(config.LevelInfo, fmt.Sprintf("%s %s log %s is writable again", p.cfg.Name, p.cfg.Channel, p.cfg.File.Path()))
			}
			continue
		}
		if !p.failing {
			p.failing = true
			p.logMain(config.LevelError, fmt.Sprintf("cannot write %s %s log %s: %v; holding its output until the log can be written", p.cfg.Name, p.cfg.Channel, p.cfg.File.Path(), err))
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-p.stop:
			t.Stop()
			return
		}
		if delay < 5*time.Second {
			delay *= 2
		}
	}
}

func (p *Pump) logMain(level config.LogLevel, msg string) {
	if p.cfg.MainLog != nil {
		p.cfg.MainLog.Log(level, msg)
	}
}
