package ctl

import (
	"context"
	"errors"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "maintail",
		summary: "Show the end of supervisord's main log",
		run:     simple(doMaintail),
		help: helpLines("maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n" +
			"maintail -100\tlast 100 *bytes* of supervisord main log file\n" +
			"maintail\tlast 1600 *bytes* of supervisor main log file\n"),
		vocab: true,
	})
}

func doMaintail(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	args := pySplit(arg)
	var nbytes int64 = 1600
	switch {
	case len(args) > 1:
		c.output("Error: too many arguments")
		c.ExitStatus = exitGeneric
		lookupCommand("maintail").help(c)
		return nil
	case len(args) == 1:
		if !strings.HasPrefix(args[0], "-") {
			c.output("Error: bad argument " + args[0])
			c.ExitStatus = exitGeneric
			return nil
		}
		what := args[0][1:]
		if what == "f" {
			return c.tailf(ctx, "/mainlogtail")
		}
		n, ok := pyInt(what)
		if !ok {
			c.output("Error: bad argument " + args[0])
			c.ExitStatus = exitGeneric
			return nil
		}
		nbytes = n
	}
	out, err := c.call(ctx, "readLog", -nbytes, 0)
	if err != nil {
		var f *Fault
		if !errors.As(err, &f) {
			return err
		}
		c.ExitStatus = exitGeneric
		switch f.Code {
		case int(faults.NoFile):
			c.output("supervisord: ERROR (no log file)")
		case int(faults.Failed):
			c.output("supervisord: ERROR (unknown error reading log)")
		default:
			return err
		}
		return nil
	}
	return c.outputValue(out)
}
