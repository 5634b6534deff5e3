package ctl

import (
	"context"
	"errors"
	"strings"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "shutdown",
		summary: "Shut the remote supervisord down",
		run:     simple(doShutdown),
		help:    helpLines("shutdown \tShut the remote supervisord down."),
		vocab:   true,
	})
}

// confirm asks a y/N question in interactive mode (raw_input at line
// `line` of supervisorctl.py); anything starting with y or Y is yes.
func (c *Controller) confirm(ctx context.Context, question string, line int) (bool, error) {
	if !c.Opts.Interactive {
		return true, nil
	}
	c.flush()
	answer, err := c.Input.ReadLine(ctx, question)
	if err != nil {
		return false, c.inputError(err, line)
	}
	return strings.HasPrefix(strings.ToLower(answer), "y"), nil
}

func doShutdown(c *Controller, ctx context.Context, arg string) error {
	if arg != "" {
		c.output("Error: shutdown accepts no arguments")
		c.ExitStatus = exitGeneric
		lookupCommand("shutdown").help(c)
		return nil
	}
	really, err := c.confirm(ctx, "Really shut the remote supervisord process down y/N? ", 987)
	if !really {
		return err
	}
	_, err = c.call(ctx, "shutdown")
	if err == nil {
		c.output("Shut down")
		return nil
	}
	var f *Fault
	var oe *OSError
	switch {
	case errors.As(err, &f):
		if f.Code == int(faults.ShutdownState) {
			c.output("ERROR: already shutting down")
			return nil
		}
		c.ExitStatus = exitGeneric
	case errors.As(err, &oe):
		c.ExitStatus = exitGeneric
		switch oe.Errno {
		case syscall.ECONNREFUSED:
			c.output("ERROR: " + c.Opts.ServerURL + " refused connection (already shut down?)")
			return nil
		case syscall.ENOENT:
			c.output("ERROR: " + c.Opts.ServerURL + " no such file (already shut down?)")
			return nil
		}
	}
	return err
}
