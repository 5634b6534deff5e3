package ctl

import (
	"context"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "stop",
		summary: "Stop processes",
		run:     simple(doStop),
		help: helpLines(
			"stop <name>\t\tStop a process",
			"stop <gname>:*\t\tStop all processes in a group",
			"stop <name> <name>\tStop multiple processes or groups",
			"stop all\t\tStop all processes"),
		vocab:    true,
		complete: completeProcesses,
	})
}

var stopMessages = signalMessages("stopped")

var stopSpec = startStop{
	verb: "stop", done: "stopped",
	all: "stopAllProcesses", group: "stopProcessGroup", one: "stopProcess",
	msgs: &stopMessages, tolerated: faults.NotRunning,
	lineAll: 855, lineGroup: 865,
	noNameExit: exitGeneric, badGroup: exitGeneric,
}

func doStop(c *Controller, ctx context.Context, arg string) error {
	return startOrStop(c, ctx, arg, &stopSpec)
}
