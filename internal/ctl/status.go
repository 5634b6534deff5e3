package ctl

import (
	"context"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

func init() {
	register(&command{
		name:    "status",
		summary: "Get process status info",
		run:     simple(doStatus),
		help: helpLines(
			"status <name>\t\tGet status for a single process",
			"status <gname>:*\tGet status for all processes in a group",
			"status <name> <name>\tGet status for multiple named processes",
			"status\t\t\tGet all process status info"),
		vocab:    true,
		complete: completeProcesses,
	})
}

// stoppedStates are states.STOPPED_STATES: STOPPED, EXITED, FATAL, UNKNOWN.
var stoppedStates = []int64{0, 100, 200, 1000}

func inStoppedStates(state any) bool {
	for _, s := range stoppedStates {
		if pyEqInt(state, s) {
			return true
		}
	}
	return false
}

func doStatus(c *Controller, ctx context.Context, arg string) error {
	arg, asJSON := c.jsonFlag(arg)
	if asJSON {
		return c.withJSON(func(emit func(any)) error { return statusJSON(c, ctx, arg, emit) })
	}
	infos, err := statusMatches(c, ctx, arg)
	if err != nil || infos == nil {
		return err
	}
	if err := c.showStatuses(infos); err != nil {
		return err
	}
	return statusExit(c, infos)
}

// statusMatches runs do_status up to the table: the upcheck, the bad
// names' error lines, and the matching infos. nil infos with a nil error
// means the upcheck failed.
func statusMatches(c *Controller, ctx context.Context, arg string) ([]any, error) {
	ok, err := c.upcheck(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		c.ExitStatus = exitStatusUnknown
		return nil, nil
	}
	all, err := c.call(ctx, "getAllProcessInfo")
	if err != nil {
		return nil, err
	}
	names := pySplit(arg)
	if len(names) == 0 || contains(names, "all") {
		return pyIter(all, 645)
	}
	matching := []any{}
	for _, name := range names {
		bad := true
		group, process, hasProcess := config.SplitNamespec(name)
		infos, err := pyIter(all, 678)
		if err != nil {
			return nil, err
		}
		for _, info := range infos {
			g, err := getKey(info, "group", 679)
			if err != nil {
				return nil, err
			}
			matched := pyEq(g, group)
			if hasProcess && matched {
				n, err := getKey(info, "name", 681)
				if err != nil {
					return nil, err
				}
				matched = pyEq(n, process)
			}
			if matched {
				bad = false
				matching = append(matching, info)
			}
		}
		if bad {
			if !hasProcess {
				c.output(group + ": ERROR (no such group)")
			} else {
				c.output(name + ": ERROR (no such process)")
			}
			c.ExitStatus = exitStatusUnknown
		}
	}
	return matching, nil
}

// statusExit sets 3 if any listed process is not running.
func statusExit(c *Controller, infos []any) error {
	for _, info := range infos {
		state, err := getKey(info, "state", 697)
		if err != nil {
			return err
		}
		if inStoppedStates(state) {
			c.ExitStatus = exitStatusNotRunning
		}
	}
	return nil
}

// showStatuses is _show_statuses: '%-{W}s%-10s%s' with W the longest
// namespec (at least 30) plus 3.
func (c *Controller) showStatuses(infos []any) error {
	specs := make([]string, len(infos))
	maxlen := 30
	for i, info := range infos {
		s, err := namespecOf(info, 646)
		if err != nil {
			return err
		}
		specs[i] = s
		if n := pyLen(s); n > maxlen {
			maxlen = n
		}
	}
	for i, info := range infos {
		state, err := getKey(info, "statename", 653)
		if err != nil {
			return err
		}
		desc, err := getKey(info, "description", 654)
		if err != nil {
			return err
		}
		c.output(padRight(specs[i], maxlen+3) + padRight(pyStr(state), 10) + pyStr(desc))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// statusJSON is our "status --json": the matching getAllProcessInfo
// entries as a JSON array, each with its namespec added.
func statusJSON(c *Controller, ctx context.Context, arg string, emit func(any)) error {
	infos, err := statusMatches(c, ctx, arg)
	if err != nil || infos == nil {
		return err
	}
	out := make([]any, 0, len(infos))
	for _, info := range infos {
		spec, err := namespecOf(info, 646)
		if err != nil {
			return err
		}
		d, ok := info.(Dict)
		if !ok {
			return typeError("'"+pyTypeName(info)+"' object is not subscriptable", 646)
		}
		out = append(out, append(Dict{{Key: "namespec", Value: spec}}, d...))
	}
	emit(out)
	return statusExit(c, infos)
}
