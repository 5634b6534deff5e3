package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "reload",
		summary: "Restart the remote supervisord",
		run:     simple(doReload),
		help:    helpLines("reload \t\tRestart the remote supervisord."),
		vocab:   true,
	})
}

func doReload(c *Controller, ctx context.Context, arg string) error {
	if arg != "" {
		c.output("Error: reload accepts no arguments")
		c.ExitStatus = exitGeneric
		lookupCommand("reload").help(c)
		return nil
	}
	really, err := c.confirm(ctx, "Really restart the remote supervisord process y/N? ", 1027)
	if !really {
		return err
	}
	if _, err := c.call(ctx, "restart"); err != nil {
		var f *Fault
		if errors.As(err, &f) {
			c.ExitStatus = exitGeneric
			if f.Code == int(faults.ShutdownState) {
				c.output("ERROR: already shutting down")
				return nil
			}
		}
		return err
	}
	c.output("Restarted supervisord")
	return nil
}
