package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "pid",
		summary: "Get the PID of supervisord or of processes",
		run:     simple(doPid),
		help: helpLines(
			"pid\t\t\tGet the PID of supervisord.",
			"pid <name>\t\tGet the PID of a single child process by name.",
			"pid all\t\t\tGet the PID of every child process, one per line."),
		vocab:    true,
		complete: completeProcesses,
	})
}

func doPid(c *Controller, ctx context.Context, arg string) error {
	if _, err := c.supervisor(); err != nil {
		return err
	}
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	names := pySplit(arg)
	switch {
	case len(names) == 0:
		pid, err := c.call(ctx, "getPID")
		if err != nil {
			return err
		}
		c.output(pyStr(pid))
	case contains(names, "all"):
		all, err := c.call(ctx, "getAllProcessInfo")
		if err != nil {
			return err
		}
		infos, err := pyIter(all, 717)
		if err != nil {
			return err
		}
		for _, info := range infos {
			pid, err := getKey(info, "pid", 718)
			if err != nil {
				return err
			}
			c.output(pyStr(pid))
		}
	default:
		for _, name := range names {
			info, err := c.call(ctx, "getProcessInfo", name)
			if err != nil {
				var f *Fault
				if !errors.As(err, &f) {
					return err
				}
				c.ExitStatus = exitGeneric
				if f.Code != int(faults.BadName) {
					return err
				}
				c.output("No such process " + name)
				continue
			}
			pid, err := getKey(info, "pid", 730)
			if err != nil {
				return err
			}
			c.output(pyStr(pid))
			if pyEqInt(pid, 0) {
				c.ExitStatus = exitNotRunning
			}
		}
	}
	return nil
}
