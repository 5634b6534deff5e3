package ctl

import "context"

func init() {
	register(&command{
		name:    "version",
		summary: "Show the version of the remote supervisord process",
		run:     simple(doVersion),
		help:    helpLines("version\t\t\tShow the version of the remote supervisord process"),
		vocab:   true,
	})
}

func doVersion(c *Controller, ctx context.Context, arg string) error {
	if arg != "" {
		c.output("Error: version accepts no arguments")
		c.ExitStatus = exitGeneric
		lookupCommand("version").help(c)
		return nil
	}
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	v, err := c.call(ctx, "getSupervisorVersion")
	if err != nil {
		return err
	}
	return c.outputValue(v)
}
