package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "stop",
		summary: "Stop processes",
		run:     simple(doStop),
		help: helpLines(
			"stop <name>\t\tStop a process",
			"stop <gname>:*\t\tStop all processes in a group",
			"stop <name> <name>\tStop multiple processes or groups",
			"stop all\t\tStop all processes"),
		vocab:    true,
		complete: completeProcesses,
	})
}

var stopMessages = signalMessages("stopped")

func doStop(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	names := pySplit(arg)
	if _, err := c.supervisor(); err != nil {
		return err
	}
	if len(names) == 0 {
		c.output("Error: stop requires a process name")
		c.ExitStatus = exitGeneric
		lookupCommand("stop").help(c)
		return nil
	}
	if contains(names, "all") {
		results, err := c.call(ctx, "stopAllProcesses")
		if err != nil {
			return err
		}
		return c.showResults(results, &stopMessages, 855, faults.NotRunning)
	}
	for _, name := range names {
		group, process, hasProcess := config.SplitNamespec(name)
		if !hasProcess {
			results, err := c.call(ctx, "stopProcessGroup", group)
			if err == nil {
				err = c.showResults(results, &stopMessages, 865, faults.NotRunning)
			}
			var f *Fault
			if errors.As(err, &f) {
				c.ExitStatus = exitGeneric
				if f.Code == int(faults.BadName) {
					c.output(group + ": ERROR (no such group)")
					continue
				}
			}
			if err != nil {
				return err
			}
			continue
		}
		if _, err := c.call(ctx, "stopProcess", name); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				return err
			}
			line, err := stopMessages.format(faultResult(f, group, process))
			if err != nil {
				return err
			}
			c.output(line)
			c.setExitFromFault(int64(f.Code), int64(faults.NotRunning))
			continue
		}
		c.output(namespec(group, process) + ": stopped")
	}
	return nil
}
