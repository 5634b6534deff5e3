package logging

import (
	"net"
	"sync"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

// syslogSink sends each line of a message to the local syslog socket as
// Python's syslog.syslog does without openlog: facility USER, priority
// INFO, the program name as ident, no pid. Go's log/syslog always adds the
// pid, so this small writer is used instead.
type syslogSink struct {
	ident string
	main  bool // main-log format (timestamp and level) rather than raw

	mu   sync.Mutex
	conn net.Conn
}

// syslogPaths are the sockets tried, in order (tests point it elsewhere).
var syslogPaths = []string{"/dev/log", "/var/run/syslog", "/var/run/log"}

func newSyslogSink(ident string, main bool) *syslogSink {
	return &syslogSink{ident: ident, main: main}
}

func (s *syslogSink) dial() error {
	if s.conn != nil {
		return nil
	}
	var err error
	for _, path := range syslogPaths {
		for _, network := range []string{"unixgram", "unix"} {
			var c net.Conn
			c, err = net.Dial(network, path)
			if err == nil {
				s.conn = c
				return nil
			}
		}
	}
	return err
}

func (s *syslogSink) send(line string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.dial(); err != nil {
		return err
	}
	msg := "<14>" + time.Now().Format(time.Stamp) + " " + s.ident + ": " + line
	if _, err := s.conn.Write([]byte(msg)); err != nil {
		s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}

func (s *syslogSink) write(t time.Time, level config.LogLevel, _ []byte, msg string) error {
	var first error
	for _, line := range splitLines(msg) {
		text := line
		if s.main {
			text = string(FormatLine(t, level, line))
		}
		if err := s.send(text); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (s *syslogSink) reopen() error { return nil }

func (s *syslogSink) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	return nil
}

// ChildSyslog writes a child's output to syslog as "<name> <line>" per line.
type ChildSyslog struct{ s *syslogSink }

// NewChildSyslog returns a syslog writer for the process name.
func NewChildSyslog(name string) *ChildSyslog {
	return &ChildSyslog{s: newSyslogSink("supervisord", false)}
}

// WriteData sends data, line by line, prefixed with the process name.
func (c *ChildSyslog) WriteData(name string, data []byte) error {
	var first error
	for _, line := range splitLines(string(data)) {
		if err := c.s.send(name + " " + line); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Close closes the connection.
func (c *ChildSyslog) Close() { c.s.close() }
