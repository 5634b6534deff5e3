package supervisor

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/logging"
)

// lines collects main-log lines so tests can wait for one instead of
// sleeping.
type lines struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	all   []string
	added chan struct{}
}

func newLines() *lines { return &lines{added: make(chan struct{}, 1)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.buf.Write(p)
	for {
		i := bytes.IndexByte(l.buf.Bytes(), '\n')
		if i < 0 {
			break
		}
		line := string(l.buf.Next(i + 1))
		// strip the timestamp: "2006-01-02 15:04:05,000 "
		if len(line) > 24 {
			line = line[24:]
		}
		l.all = append(l.all, strings.TrimSuffix(line, "\n"))
	}
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (l *lines) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

// wait returns once a line containing want has been logged, failing the
// test after a generous bound (never a sleep that must be "long enough").
func (l *lines) wait(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		if strings.Contains(strings.Join(l.snapshot(), "\n"), want) {
			return
		}
		select {
		case <-l.added:
		case <-deadline:
			t.Fatalf("timed out waiting for %q; log:\n%s", want, strings.Join(l.snapshot(), "\n"))
		}
	}
}

func prog(name, command string) *config.ProcessConfig {
	return &config.ProcessConfig{
		Name: name, ProgramName: name, Group: name, Section: "program:" + name,
		Command: command, Priority: 999, Autostart: true,
		Autorestart: config.RestartUnexpected, StartSecs: 1, StartRetries: 3,
		StopSignal: syscall.SIGTERM, StopWaitSecs: 10, ExitCodes: []int{0},
		Stdout:      config.LogConfig{Logfile: "", MaxBytes: 50 << 20, Backups: 10},
		Stderr:      config.LogConfig{Logfile: "", MaxBytes: 50 << 20, Backups: 10},
		Environment: map[string]string{},
	}
}

func testConfig(t *testing.T, procs ...*config.ProcessConfig) *config.Config {
	dir := t.TempDir()
	cfg := &config.Config{Path: dir + "/supervisord.conf", Here: dir}
	cfg.Supervisord = config.Supervisord{
		LogLevel: config.LevelDebug, Identifier: "supervisor", Childlogdir: dir,
		Umask: 0o22, Minfds: 1024, Minprocs: 200,
	}
	for _, p := range procs {
		cfg.Groups = append(cfg.Groups, &config.GroupConfig{Name: p.Name, Priority: p.Priority, Processes: []*config.ProcessConfig{p}})
	}
	return cfg
}

func newTestLogger(l *lines) *logging.Logger {
	log := logging.NewLogger(config.LevelDebug)
	log.AddStream(l)
	return log
}

// run starts a supervisor on cfg and stops it when the test ends.
func run(t *testing.T, cfg *config.Config) (*Supervisor, *lines) {
	t.Helper()
	l := newLines()
	log := logging.NewLogger(cfg.Supervisord.LogLevel)
	log.AddStream(l)
	s := New(Options{Config: cfg, Log: log})
	done := make(chan Mood)
	ready := make(chan struct{})
	go func() { done <- s.Run(func() { close(ready) }) }()
	<-ready
	t.Cleanup(func() {
		s.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Errorf("supervisor did not stop")
		}
		log.Close()
	})
	return s, l
}

var bg = context.Background()
