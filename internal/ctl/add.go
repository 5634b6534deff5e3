package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:     "add",
		summary:  "Activate any updates in config for process/group",
		run:      simple(doAdd),
		help:     helpLines("add <name> [...]\tActivates any updates in config for process/group"),
		vocab:    true,
		complete: completeGroups,
	})
}

func doAdd(c *Controller, ctx context.Context, arg string) error {
	if _, err := c.supervisor(); err != nil {
		return err
	}
	for _, name := range pySplit(arg) {
		if _, err := c.call(ctx, "addProcessGroup", name); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				return err
			}
			switch f.Code {
			case int(faults.ShutdownState):
				c.output("ERROR: shutting down")
				c.ExitStatus = exitGeneric
			case int(faults.AlreadyAdded):
				c.output("ERROR: process group already active")
			case int(faults.BadName):
				c.output("ERROR: no such process/group: " + name)
				c.ExitStatus = exitGeneric
			default:
				c.ExitStatus = exitGeneric
				return err
			}
			continue
		}
		c.output(name + ": added process group")
	}
	return nil
}
