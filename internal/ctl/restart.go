package ctl

import "context"

func init() {
	register(&command{
		name:    "restart",
		summary: "Restart processes",
		run:     simple(doRestart),
		help: helpLines(
			"restart <name>\t\tRestart a process",
			"restart <gname>:*\tRestart all processes in a group",
			"restart <name> <name>\tRestart multiple processes or groups",
			"restart all\t\tRestart all processes",
			"Note: restart does not reread config files. For that, see reread and update."),
		vocab:    true,
		complete: completeProcesses,
	})
}

// doRestart is do_stop then do_start, each with its own upcheck, so
// errors about bad names print twice, as in the reference.
func doRestart(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	if len(pySplit(arg)) == 0 {
		c.output("Error: restart requires a process name")
		c.ExitStatus = exitGeneric
		lookupCommand("restart").help(c)
		return nil
	}
	if err := doStop(c, ctx, arg); err != nil {
		return err
	}
	return doStart(c, ctx, arg)
}
