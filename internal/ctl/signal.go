package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "signal",
		summary: "Send a signal to processes",
		run:     simple(doSignal),
		help: helpLines(
			"signal <signal name> <name>\t\tSignal a process",
			"signal <signal name> <gname>:*\t\tSignal all processes in a group",
			"signal <signal name> <name> <name>\tSignal multiple processes or groups",
			"signal <signal name> all\t\tSignal all processes"),
		vocab:    true,
		complete: completeProcesses,
	})
}

var signalledMessages = signalMessages("signalled")

func doSignal(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	args := pySplit(arg)
	if len(args) < 2 {
		c.output("Error: signal requires a signal name and a process name")
		lookupCommand("signal").help(c)
		c.ExitStatus = exitGeneric
		return nil
	}
	sig, names := args[0], args[1:]
	if _, err := c.supervisor(); err != nil {
		return err
	}
	if contains(names, "all") {
		results, err := c.call(ctx, "signalAllProcesses", sig)
		if err != nil {
			return err
		}
		return c.showResults(results, &signalledMessages, 914, 0)
	}
	for _, name := range names {
		group, process, hasProcess := config.SplitNamespec(name)
		if !hasProcess {
			results, err := c.call(ctx, "signalProcessGroup", group, sig)
			if err == nil {
				err = c.showResults(results, &signalledMessages, 925, 0)
			}
			var f *Fault
			if errors.As(err, &f) && f.Code == int(faults.BadName) {
				c.output(group + ": ERROR (no such group)")
				c.ExitStatus = exitGeneric
				continue
			}
			if err != nil {
				return err
			}
			continue
		}
		if _, err := c.call(ctx, "signalProcess", name, sig); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				return err
			}
			line, err := signalledMessages.format(faultResult(f, group, process))
			if err != nil {
				return err
			}
			c.output(line)
			c.setExitFromFault(int64(f.Code), 0)
			continue
		}
		c.output(namespec(group, process) + ": signalled")
	}
	return nil
}
