package ctl

import (
	"context"
	"errors"
	"sort"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "reread",
		summary: "Reload the daemon's configuration files without add/remove",
		run:     simple(doReread),
		help:    helpLines("reread \t\t\tReload the daemon's configuration files without add/remove"),
		vocab:   true,
	})
}

func doReread(c *Controller, ctx context.Context, arg string) error {
	if arg != "" {
		c.output("Error: reread accepts no arguments")
		c.ExitStatus = exitGeneric
		lookupCommand("reread").help(c)
		return nil
	}
	result, err := c.call(ctx, "reloadConfig")
	if err != nil {
		var f *Fault
		if errors.As(err, &f) {
			c.ExitStatus = exitGeneric
			switch f.Code {
			case int(faults.ShutdownState):
				c.output("ERROR: supervisor shutting down")
				return nil
			case int(faults.CantReread):
				c.output("ERROR: " + f.String)
				return nil
			}
		}
		return err
	}
	first, err := getIndex(result, 0, 1123)
	if err != nil {
		return err
	}
	return c.formatChanges(first)
}

// formatChanges is _formatChanges: "name: available|changed|disappeared"
// sorted by name (a name in several lists takes the last), or "No config
// updates to processes".
func (c *Controller) formatChanges(v any) error {
	added, changed, dropped, err := unpack3(v, 1049)
	if err != nil {
		return err
	}
	kinds := map[string]string{}
	for i, list := range []any{added, changed, dropped} {
		names, err := pyIter(list, 1054)
		if err != nil {
			return err
		}
		for _, n := range names {
			kinds[pyStr(n)] = [...]string{"available", "changed", "disappeared"}[i]
		}
	}
	if len(kinds) == 0 {
		c.output("No config updates to processes")
		return nil
	}
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.output(n + ": " + kinds[n])
	}
	return nil
}
