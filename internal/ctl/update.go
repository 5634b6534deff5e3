package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "update",
		summary: "Reload config and add/remove as necessary",
		run:     simple(doUpdate),
		help: helpLines(
			"update\t\t\tReload config and add/remove as necessary, and will restart affected programs",
			"update all\t\tReload config and add/remove as necessary, and will restart affected programs",
			"update <gname> [...]\tUpdate specific groups"),
		vocab:    true,
		complete: completeGroups,
	})
}

func doUpdate(c *Controller, ctx context.Context, arg string) error {
	result, err := c.call(ctx, "reloadConfig")
	if err != nil {
		var f *Fault
		if errors.As(err, &f) {
			c.ExitStatus = exitGeneric
			if f.Code == int(faults.ShutdownState) {
				c.output("ERROR: already shutting down")
				return nil
			}
		}
		return err
	}
	first, err := getIndex(result, 0, 1192)
	if err != nil {
		return err
	}
	addedV, changedV, removedV, err := unpack3(first, 1192)
	if err != nil {
		return err
	}
	// valid_gnames is a set in the reference; we keep the order given.
	var valid []string
	seen := map[string]bool{}
	for _, g := range pySplit(arg) {
		if !seen[g] {
			seen[g] = true
			valid = append(valid, g)
		}
	}
	if seen["all"] {
		valid, seen = nil, map[string]bool{}
	}
	added, err := pyIter(addedV, 1239)
	if err != nil {
		return err
	}
	if len(valid) > 0 {
		groups := map[string]bool{}
		all, err := c.call(ctx, "getAllProcessInfo")
		if err != nil {
			return err
		}
		infos, err := pyIter(all, 1203)
		if err != nil {
			return err
		}
		for _, info := range infos {
			g, err := getKey(info, "group", 1204)
			if err != nil {
				return err
			}
			groups[pyStr(g)] = true
		}
		for _, g := range added {
			groups[pyStr(g)] = true
		}
		for _, g := range valid {
			if !groups[g] {
				c.output("ERROR: no such group: " + g)
				c.ExitStatus = exitGeneric
			}
		}
	}
	skip := func(g any) bool { return len(valid) > 0 && !seen[pyStr(g)] }

	removed, err := pyIter(removedV, 1214)
	if err != nil {
		return err
	}
	for _, g := range removed {
		if skip(g) {
			continue
		}
		results, err := c.call(ctx, "stopProcessGroup", g)
		if err != nil {
			return err
		}
		c.output(pyStr(g) + ": stopped")
		items, err := pyIter(results, 1220)
		if err != nil {
			return err
		}
		failed := false
		for _, r := range items {
			st, err := getKey(r, "status", 1220)
			if err != nil {
				return err
			}
			if pyEqInt(st, int64(faults.Failed)) {
				failed = true
			}
		}
		if failed {
			c.output(pyStr(g) + ": has problems; not removing")
			c.ExitStatus = exitGeneric
			continue
		}
		if _, err := c.call(ctx, "removeProcessGroup", g); err != nil {
			return err
		}
		c.output(pyStr(g) + ": removed process group")
	}

	changed, err := pyIter(changedV, 1229)
	if err != nil {
		return err
	}
	for _, g := range changed {
		if skip(g) {
			continue
		}
		if _, err := c.call(ctx, "stopProcessGroup", g); err != nil {
			return err
		}
		c.output(pyStr(g) + ": stopped")
		if _, err := c.call(ctx, "removeProcessGroup", g); err != nil {
			return err
		}
		if _, err := c.call(ctx, "addProcessGroup", g); err != nil {
			return err
		}
		c.output(pyStr(g) + ": updated process group")
	}

	for _, g := range added {
		if skip(g) {
			continue
		}
		if _, err := c.call(ctx, "addProcessGroup", g); err != nil {
			return err
		}
		c.output(pyStr(g) + ": added process group")
	}
	return nil
}
