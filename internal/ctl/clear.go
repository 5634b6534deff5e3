package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

func init() {
	register(&command{
		name:    "clear",
		summary: "Clear processes' log files",
		run:     simple(doClear),
		help: helpLines(
			"clear <name>\t\tClear a process' log files.",
			"clear <name> <name>\tClear multiple process' log files",
			"clear all\t\tClear all process' log files"),
		vocab:    true,
		complete: completeProcesses,
	})
}

func doClear(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	names := pySplit(arg)
	if len(names) == 0 {
		c.output("Error: clear requires a process name")
		c.ExitStatus = exitGeneric
		lookupCommand("clear").help(c)
		return nil
	}
	if contains(names, "all") {
		results, err := c.call(ctx, "clearAllProcessLogs")
		if err != nil {
			return err
		}
		return c.showResults(results, &clearMessages, 1278, 0)
	}
	for _, name := range names {
		group, process, _ := config.SplitNamespec(name)
		if _, err := c.call(ctx, "clearProcessLogs", name); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				return err
			}
			// split_namespec gives None for "g:*"; the reference then
			// prints "g:None".
			p := process
			if p == "" {
				p = "None"
			}
			line, err := clearMessages.format(faultResult(f, group, p))
			if err != nil {
				return err
			}
			c.output(line)
			c.setExitFromFault(int64(f.Code), 0)
			continue
		}
		p := process
		if p == "" {
			p = "None"
		}
		c.output(namespec(group, p) + ": cleared")
	}
	return nil
}
