package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "start",
		summary: "Start processes",
		run:     simple(doStart),
		help: helpLines(
			"start <name>\t\tStart a process",
			"start <gname>:*\t\tStart all processes in a group",
			"start <name> <name>\tStart multiple processes or groups",
			"start all\t\tStart all processes"),
		vocab:    true,
		complete: completeProcesses,
	})
}

func doStart(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	names := pySplit(arg)
	if _, err := c.supervisor(); err != nil {
		return err
	}
	if len(names) == 0 {
		c.output("Error: start requires a process name")
		c.ExitStatus = exitInvalidArgs
		lookupCommand("start").help(c)
		return nil
	}
	if contains(names, "all") {
		results, err := c.call(ctx, "startAllProcesses")
		if err != nil {
			return err
		}
		return c.showResults(results, &startMessages, 778, faults.AlreadyStarted)
	}
	for _, name := range names {
		group, process, hasProcess := config.SplitNamespec(name)
		if !hasProcess {
			results, err := c.call(ctx, "startProcessGroup", group)
			if err == nil {
				err = c.showResults(results, &startMessages, 787, faults.AlreadyStarted)
			}
			var f *Fault
			if errors.As(err, &f) {
				if f.Code == int(faults.BadName) {
					c.output(group + ": ERROR (no such group)")
					c.ExitStatus = exitInvalidArgs
					continue
				}
				c.ExitStatus = exitGeneric
			}
			if err != nil {
				return err
			}
			continue
		}
		if _, err := c.call(ctx, "startProcess", name); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				return err
			}
			line, err := startMessages.format(faultResult(f, group, process))
			if err != nil {
				return err
			}
			c.output(line)
			c.setExitFromFault(int64(f.Code), int64(faults.AlreadyStarted))
			continue
		}
		c.output(namespec(group, process) + ": started")
	}
	return nil
}
