package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "avail",
		summary: "Display all configured processes",
		run:     simple(doAvail),
		help:    helpLines("avail\t\t\tDisplay all configured processes"),
		vocab:   true,
	})
}

func doAvail(c *Controller, ctx context.Context, arg string) error {
	arg, asJSON := c.jsonFlag(arg)
	if asJSON && arg == "" {
		return c.withJSON(func(emit func(any)) error {
			info, err := c.call(ctx, "getAllConfigInfo")
			if err != nil {
				return availFault(c, err)
			}
			emit(info)
			return nil
		})
	}
	if arg != "" {
		c.output("Error: avail accepts no arguments")
		c.ExitStatus = exitGeneric
		lookupCommand("avail").help(c)
		return nil
	}
	info, err := c.call(ctx, "getAllConfigInfo")
	if err != nil {
		return availFault(c, err)
	}
	items, err := pyIter(info, 1098)
	if err != nil {
		return err
	}
	for _, p := range items {
		line, err := formatConfigInfo(p)
		if err != nil {
			return err
		}
		c.output(line)
	}
	return nil
}

func availFault(c *Controller, err error) error {
	var f *Fault
	if errors.As(err, &f) {
		c.ExitStatus = exitGeneric
		if f.Code == int(faults.ShutdownState) {
			c.output("ERROR: supervisor shutting down")
			return nil
		}
	}
	return err
}

// formatConfigInfo is _formatConfigInfo:
// '%(name)-32s %(inuse)-9s %(autostart)-9s %(priority)s'.
func formatConfigInfo(p any) (string, error) {
	name, err := namespecOf(p, 1065)
	if err != nil {
		return "", err
	}
	inuse, err := getKey(p, "inuse", 1067)
	if err != nil {
		return "", err
	}
	autostart, err := getKey(p, "autostart", 1071)
	if err != nil {
		return "", err
	}
	gp, err := getKey(p, "group_prio", 1075)
	if err != nil {
		return "", err
	}
	pp, err := getKey(p, "process_prio", 1076)
	if err != nil {
		return "", err
	}
	use, start := "avail", "manual"
	if pyTruth(inuse) {
		use = "in use"
	}
	if pyTruth(autostart) {
		start = "auto"
	}
	return padRight(name, 32) + " " + padRight(use, 9) + " " + padRight(start, 9) + " " + pyStr(gp) + ":" + pyStr(pp), nil
}
