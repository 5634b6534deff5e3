package ctl

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
)

// Interrupts hands out one context per shell step (a prompt and the
// command typed at it); Interrupt (Ctrl-C, SIGINT) cancels the current one.
type Interrupts struct {
	mu     sync.Mutex
	cancel context.CancelFunc
	parent context.Context
}

// NewInterrupts returns contexts derived from parent.
func NewInterrupts(parent context.Context) *Interrupts { return &Interrupts{parent: parent} }

// Next returns a fresh context, ending the previous one.
func (in *Interrupts) Next() context.Context {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cancel != nil {
		in.cancel()
	}
	ctx, cancel := context.WithCancel(in.parent)
	in.cancel = cancel
	return ctx
}

// Interrupt cancels the current context.
func (in *Interrupts) Interrupt() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cancel != nil {
		in.cancel()
	}
}

// Shell is the interactive loop (Controller.exec_cmdloop and cmd.Cmd's
// cmdloop): status first, then one command per line read at the prompt,
// until quit, exit, EOF, end of input or Ctrl-C. The exit status of the
// shell is always 0.
func (c *Controller) Shell(in *Interrupts) {
	prompt := c.Opts.Prompt + "> "
	echoes := false
	if e, ok := c.Input.(interface{ echoesEnd() bool }); ok {
		echoes = e.echoesEnd()
	}
	line := "status"
	for first := true; ; first = false {
		ctx := in.Next()
		if !first {
			var err error
			line, err = c.Input.ReadLine(ctx, prompt)
			switch {
			case errors.Is(err, errInterrupted):
				if !echoes {
					c.output("")
				}
				c.flush()
				return
			case err != nil:
				if echoes {
					return
				}
				line = "EOF"
			}
		}
		stop, err := c.OneCmd(ctx, line)
		if errors.Is(err, errInterrupted) {
			// Ctrl-C at a question the command asked: readline printed
			// the newline the reference prints here.
			if e, ok := c.Input.(interface{ echoedInterrupt() bool }); !ok || !e.echoedInterrupt() {
				c.output("")
			}
			c.flush()
			return
		}
		if stop {
			return
		}
	}
}

// saveHistory is what the reference registers with atexit when a
// history_file is configured: the whole history written back.
func saveHistory(path string, lines []string) {
	if path == "" {
		return
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	_ = os.WriteFile(path, []byte(b.String()), 0o600)
}
