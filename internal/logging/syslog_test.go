package logging

import (
	"net"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

func listenSyslog(t *testing.T) *net.UnixConn {
	path := filepath.Join(t.TempDir(), "log")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	old := syslogPaths
	syslogPaths = []string{path}
	t.Cleanup(func() { syslogPaths = old; c.Close() })
	return c
}

func receive(t *testing.T, c *net.UnixConn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

// Python's syslog.syslog without openlog: <14> (USER|INFO), BSD timestamp,
// ident "supervisord", no pid; the main log's lines keep their format.
func TestMainLogToSyslog(t *testing.T) {
	c := listenSyslog(t)
	log := NewLogger(config.LevelInfo)
	if err := log.AddFile("syslog", 0, 0); err != nil {
		t.Fatal(err)
	}
	log.Warn("two\nlines")
	want := regexp.MustCompile(`^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d supervisord: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARN two\n$`)
	if got := receive(t, c); !want.MatchString(got) {
		t.Fatalf("first datagram %q", got)
	}
	if got := receive(t, c); !regexp.MustCompile(` WARN lines\n$`).MatchString(got) {
		t.Fatalf("second datagram %q", got)
	}
	log.Close()
}

func TestChildOutputToSyslog(t *testing.T) {
	c := listenSyslog(t)
	s := NewChildSyslog("web")
	defer s.Close()
	s.WriteData("web", []byte("hello\nworld\n"))
	for _, want := range []string{"hello", "world"} {
		got := receive(t, c)
		if !regexp.MustCompile(`^<14>.* supervisord: web ` + want + `$`).MatchString(got) {
			t.Fatalf("datagram %q", got)
		}
	}
}
