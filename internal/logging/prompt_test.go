package logging

import (
	"sync"
	"testing"
	"time"
)

// collector gathers what a pump hands on.
type collector struct {
	mu   sync.Mutex
	data []byte
	eof  chan struct{}
}

func (c *collector) add(d []byte) {
	c.mu.Lock()
	c.data = append(c.data, d...)
	c.mu.Unlock()
}

func (c *collector) get() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.data)
}

func startPromptPump(t *testing.T) (*Pump, *collector, func([]byte), func()) {
	t.Helper()
	r, w, err := NewPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{eof: make(chan struct{})}
	p := StartPump(PumpConfig{Name: "lst", Channel: "stdout", Pipe: r, Listener: true, Prompt: true,
		OnData: c.add, OnEOF: func(int) { close(c.eof) }})
	write := func(b []byte) {
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	return p, c, write, func() { w.Close() }
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

// A Prompt pump hands on each chunk as it comes and reports end of file.
func TestPromptPumpReadsUntilEOF(t *testing.T) {
	p, c, write, closeW := startPromptPump(t)
	write([]byte("READY\n"))
	waitUntil(t, func() bool { return c.get() == "READY\n" })
	write([]byte("RESULT 2\nOK"))
	closeW()
	<-c.eof
	if c.get() != "READY\nRESULT 2\nOK" {
		t.Fatalf("got %q", c.get())
	}
	done := make(chan struct{})
	p.Drain(func() { close(done) })
	<-done
}

// Draining a Prompt pump whose pipe is still open elsewhere (a grandchild
// holding it) reads what is there and stops without waiting for EOF.
func TestPromptPumpDrainWithoutEOF(t *testing.T) {
	p, c, write, closeW := startPromptPump(t)
	defer closeW()
	write([]byte("READY\n"))
	waitUntil(t, func() bool { return c.get() == "READY\n" })
	done := make(chan struct{})
	write([]byte("last words"))
	p.Drain(func() { close(done) })
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("drain did not finish")
	}
	if c.get() != "READY\nlast words" {
		t.Fatalf("got %q", c.get())
	}
	select {
	case <-c.eof:
		t.Fatal("EOF reported while the pipe is open")
	default:
	}
}
