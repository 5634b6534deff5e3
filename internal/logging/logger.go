package logging

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

// LevelName is the 4-letter name Supervisor prints (loggers.LevelsByName).
func LevelName(l config.LogLevel) string {
	switch l {
	case config.LevelCritical:
		return "CRIT"
	case config.LevelError:
		return "ERRO"
	case config.LevelWarn:
		return "WARN"
	case config.LevelInfo:
		return "INFO"
	case config.LevelDebug:
		return "DEBG"
	case config.LevelTrace:
		return "TRAC"
	case config.LevelBlather:
		return "BLAT"
	}
	return fmt.Sprintf("LEVEL%d", int(l))
}

// FormatLine renders one main-log line: "2006-01-02 15:04:05,000 INFO msg\n"
// in local time with milliseconds truncated.
func FormatLine(t time.Time, level config.LogLevel, msg string) []byte {
	b := make([]byte, 0, 30+len(msg))
	b = t.AppendFormat(b, "2006-01-02 15:04:05")
	b = fmt.Appendf(b, ",%03d %s ", t.Nanosecond()/int(time.Millisecond), LevelName(level))
	b = append(b, msg...)
	return append(b, '\n')
}

// sink is one destination of the main log.
type sink interface {
	write(t time.Time, level config.LogLevel, line []byte, msg string) error
	reopen() error
	close() error
}

type fileSink struct{ f *RotatingFile }

func (s fileSink) write(_ time.Time, _ config.LogLevel, line []byte, _ string) error {
	_, err := s.f.Write(line)
	return err
}
func (s fileSink) reopen() error { return s.f.Reopen() }
func (s fileSink) close() error  { return s.f.Close() }

type streamSink struct{ w io.Writer }

func (s streamSink) write(_ time.Time, _ config.LogLevel, line []byte, _ string) error {
	s.w.Write(line) // a closed terminal must not stop the daemon
	return nil
}
func (streamSink) reopen() error { return nil }
func (streamSink) close() error  { return nil }

// Logger is the main log. Log may be called from any goroutine and never
// waits for the disk: lines are formatted at once (so their timestamps are
// the event's) and queued for one writer goroutine.
type Logger struct {
	level config.LogLevel

	mu      sync.Mutex // guards queue, sinks, file, closed, werr
	queue   []entry
	sinks   []sink
	file    *RotatingFile
	closed  bool
	writing bool // a batch taken from the queue is being written
	werr    bool // a write error was reported; report again only after a success
	dropped int  // lines dropped because the queue was full
	wake    chan struct{}
	idle    *sync.Cond // signalled when the queue is empty
	done    chan struct{}
	onError func(error)
}

type entry struct {
	t     time.Time
	level config.LogLevel
	line  []byte
	msg   string
}

// maxQueued bounds the memory the queue may use while the disk is stuck.
const maxQueued = 100000

// NewLogger returns a logger at level with no destinations yet.
func NewLogger(level config.LogLevel) *Logger {
	l := &Logger{level: level, wake: make(chan struct{}, 1), done: make(chan struct{})}
	l.idle = sync.NewCond(&l.mu)
	go l.writer()
	return l
}

// Level is the configured level.
func (l *Logger) Level() config.LogLevel { return l.level }

// Enabled reports whether a message at level would be written.
func (l *Logger) Enabled(level config.LogLevel) bool { return level >= l.level }

// AddFile adds the main log file; "syslog" means syslog. The first file
// added is the one Path, Reopen and Remove act on.
func (l *Logger) AddFile(path string, maxBytes int64, backups int) error {
	if path == "syslog" {
		l.addSink(newSyslogSink("supervisord", true))
		return nil
	}
	f, err := OpenRotating(path, maxBytes, backups)
	if err != nil {
		return err
	}
	l.mu.Lock()
	if l.file == nil {
		l.file = f
	}
	l.mu.Unlock()
	l.addSink(fileSink{f})
	return nil
}

// AddStream echoes every line to w (stdout when running in the foreground).
func (l *Logger) AddStream(w io.Writer) { l.addSink(streamSink{w}) }

// OnWriteError sets a function told (once per failure episode) that the
// main log cannot be written.
func (l *Logger) OnWriteError(f func(error)) {
	l.mu.Lock()
	l.onError = f
	l.mu.Unlock()
}

func (l *Logger) addSink(s sink) {
	l.mu.Lock()
	l.sinks = append(l.sinks, s)
	l.mu.Unlock()
}

// Path is the main log file's path, "" for none (syslog or no file).
func (l *Logger) Path() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return ""
	}
	return l.file.Path()
}

// Log writes msg at level if the level is enabled.
func (l *Logger) Log(level config.LogLevel, msg string) {
	if level < l.level {
		return
	}
	now := time.Now()
	line := FormatLine(now, level, msg)
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	if len(l.queue) >= maxQueued {
		l.dropped++
		l.mu.Unlock()
		return
	}
	l.queue = append(l.queue, entry{now, level, line, msg})
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Logf formats and logs.
func (l *Logger) Logf(level config.LogLevel, format string, args ...any) {
	if level < l.level {
		return
	}
	l.Log(level, fmt.Sprintf(format, args...))
}

// Convenience methods named after Supervisor's.
func (l *Logger) Critical(msg string) { l.Log(config.LevelCritical, msg) }
func (l *Logger) Error(msg string)    { l.Log(config.LevelError, msg) }
func (l *Logger) Warn(msg string)     { l.Log(config.LevelWarn, msg) }
func (l *Logger) Info(msg string)     { l.Log(config.LevelInfo, msg) }
func (l *Logger) Debug(msg string)    { l.Log(config.LevelDebug, msg) }
func (l *Logger) Trace(msg string)    { l.Log(config.LevelTrace, msg) }
func (l *Logger) Blather(msg string)  { l.Log(config.LevelBlather, msg) }

func (l *Logger) writer() {
	defer close(l.done)
	for {
		l.mu.Lock()
		for len(l.queue) == 0 && !l.closed {
			l.idle.Broadcast()
			l.mu.Unlock()
			<-l.wake
			l.mu.Lock()
		}
		if len(l.queue) == 0 && l.closed {
			l.idle.Broadcast()
			l.mu.Unlock()
			return
		}
		batch := l.queue
		l.queue = nil
		dropped := l.dropped
		l.dropped = 0
		sinks := append([]sink(nil), l.sinks...)
		l.writing = true
		l.mu.Unlock()

		if dropped > 0 {
			msg := fmt.Sprintf("main log writer fell behind; %d lines were dropped", dropped)
			now := time.Now()
			batch = append([]entry{{now, config.LevelError, FormatLine(now, config.LevelError, msg), msg}}, batch...)
		}
		var failed error
		for _, e := range batch {
			for _, s := range sinks {
				if err := s.write(e.t, e.level, e.line, e.msg); err != nil && failed == nil {
					failed = err
				}
			}
		}
		l.mu.Lock()
		l.writing = false
		report := failed != nil && !l.werr
		l.werr = failed != nil
		onError := l.onError
		l.mu.Unlock()
		if report {
			if onError != nil {
				onError(failed)
			} else {
				fmt.Fprintf(os.Stderr, "supervisord: cannot write the main log: %v\n", failed)
			}
		}
	}
}

// Flush waits until every line logged so far has been written.
func (l *Logger) Flush() {
	l.mu.Lock()
	for (len(l.queue) > 0 || l.writing) && !l.closed {
		l.idle.Wait()
	}
	l.mu.Unlock()
}

// Reopen reopens every file (SIGUSR2). Lines already queued go to the
// reopened file.
func (l *Logger) Reopen() error {
	l.mu.Lock()
	sinks := append([]sink(nil), l.sinks...)
	l.mu.Unlock()
	var first error
	for _, s := range sinks {
		if err := s.reopen(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Clear deletes the main log file and reopens it (clearLog). Supervisor
// deletes the file, then for each of its handlers logs note and reopens
// that handler: the notes go to stdout (in the foreground) and to the
// deleted file, and the new file starts empty. Clear does the same.
func (l *Logger) Clear(note string) error {
	l.Flush()
	l.mu.Lock()
	f := l.file
	sinks := append([]sink(nil), l.sinks...)
	l.mu.Unlock()
	if f == nil {
		return os.ErrNotExist
	}
	if err := os.Remove(f.Path()); err != nil {
		return err
	}
	var first error
	for _, s := range sinks {
		l.Info(note)
		l.Flush()
		if err := s.reopen(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Close writes what is queued and closes every destination.
func (l *Logger) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
	<-l.done
	l.mu.Lock()
	sinks := l.sinks
	l.sinks = nil
	l.mu.Unlock()
	for _, s := range sinks {
		s.close()
	}
}

// splitLines is how Supervisor's syslog handler splits a message.
func splitLines(msg string) []string {
	return strings.Split(strings.TrimRight(msg, "\n"), "\n")
}
