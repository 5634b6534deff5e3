package ctl

import (
	"context"
	"errors"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "start",
		summary: "Start processes",
		run:     simple(doStart),
		help: helpLines(
			"start <name>\t\tStart a process",
			"start <gname>:*\t\tStart all processes in a group",
			"start <name> <name>\tStart multiple processes or groups",
			"start all\t\tStart all processes"),
		vocab:    true,
		complete: completeProcesses,
	})
}

// startStop is what tells do_start and do_stop apart: supervisorctl.py
// writes them as two copies of one function that differ in their RPC
// methods, messages, tolerated fault, exit statuses and source lines.
type startStop struct {
	verb, done           string // "start", "started"
	all, group, one      string // the RPC methods
	msgs                 *resultMessages
	tolerated            faults.Code // not an error: ALREADY_STARTED, NOT_RUNNING
	lineAll, lineGroup   int         // where the reference iterates the results
	noNameExit, badGroup int         // exit statuses: no argument, no such group
}

var startSpec = startStop{
	verb: "start", done: "started",
	all: "startAllProcesses", group: "startProcessGroup", one: "startProcess",
	msgs: &startMessages, tolerated: faults.AlreadyStarted,
	lineAll: 778, lineGroup: 787,
	noNameExit: exitInvalidArgs, badGroup: exitInvalidArgs,
}

func doStart(c *Controller, ctx context.Context, arg string) error {
	return startOrStop(c, ctx, arg, &startSpec)
}

func startOrStop(c *Controller, ctx context.Context, arg string, s *startStop) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	names := pySplit(arg)
	if _, err := c.supervisor(); err != nil {
		return err
	}
	if len(names) == 0 {
		c.output("Error: " + s.verb + " requires a process name")
		c.ExitStatus = s.noNameExit
		lookupCommand(s.verb).help(c)
		return nil
	}
	if contains(names, "all") {
		results, err := c.call(ctx, s.all)
		if err != nil {
			return err
		}
		return c.showResults(results, s.msgs, s.lineAll, s.tolerated)
	}
	for _, name := range names {
		group, process, hasProcess := config.SplitNamespec(name)
		if !hasProcess {
			results, err := c.call(ctx, s.group, group)
			if err == nil {
				err = c.showResults(results, s.msgs, s.lineGroup, s.tolerated)
			}
			var f *Fault
			if errors.As(err, &f) {
				if f.Code == int(faults.BadName) {
					c.output(group + ": ERROR (no such group)")
					c.ExitStatus = s.badGroup
					continue
				}
				c.ExitStatus = exitGeneric
			}
			if err != nil {
				return err
			}
			continue
		}
		if _, err := c.call(ctx, s.one, name); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				return err
			}
			line, err := s.msgs.format(faultResult(f, group, process))
			if err != nil {
				return err
			}
			c.output(line)
			c.setExitFromFault(int64(f.Code), int64(s.tolerated))
			continue
		}
		c.output(namespec(group, process) + ": " + s.done)
	}
	return nil
}
