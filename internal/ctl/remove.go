package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:     "remove",
		summary:  "Remove process/group from active config",
		run:      simple(doRemove),
		help:     helpLines("remove <name> [...]\tRemoves process/group from active config"),
		vocab:    true,
		complete: completeGroups,
	})
}

func doRemove(c *Controller, ctx context.Context, arg string) error {
	if _, err := c.supervisor(); err != nil {
		return err
	}
	for _, name := range pySplit(arg) {
		if _, err := c.call(ctx, "removeProcessGroup", name); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				return err
			}
			c.ExitStatus = exitGeneric
			switch f.Code {
			case int(faults.StillRunning):
				c.output("ERROR: process/group still running: " + name)
			case int(faults.BadName):
				c.output("ERROR: no such process/group: " + name)
			default:
				return err
			}
			continue
		}
		c.output(name + ": removed process group")
	}
	return nil
}
