package ctl

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

func init() {
	register(&command{
		name:    "tail",
		summary: "Show the end of a process's log",
		run:     simple(doTail),
		help: helpLines("tail [-f] <name> [stdout|stderr] (default stdout)\n" +
			"Ex:\n" +
			"tail -f <name>\t\tContinuous tail of named process stdout\n" +
			"\t\t\tCtrl-C to exit.\n" +
			"tail -100 <name>\tlast 100 *bytes* of process stdout\n" +
			"tail <name> stderr\tlast 1600 *bytes* of process stderr"),
		vocab:    true,
		complete: completeProcesses,
	})
}

// pyInt is int(s) for a command argument: optional surrounding
// whitespace, a sign, digits with single underscores between them.
func pyInt(s string) (int64, bool) {
	s = pyStrip(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	digits := strings.ReplaceAll(s, "_", "")
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

func doTail(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	args := pySplit(arg)
	help := lookupCommand("tail").help
	switch {
	case len(args) < 1:
		c.output("Error: too few arguments")
		c.ExitStatus = exitGeneric
		help(c)
		return nil
	case len(args) > 3:
		c.output("Error: too many arguments")
		c.ExitStatus = exitGeneric
		help(c)
		return nil
	}
	modifier := ""
	if strings.HasPrefix(args[0], "-") {
		modifier, args = args[0], args[1:]
	}
	var name, channel string
	switch {
	case len(args) == 1:
		name, channel = args[0], "stdout"
	case len(args) > 0:
		name, channel = args[0], strings.ToLower(args[len(args)-1])
		if channel != "stderr" && channel != "stdout" {
			c.output("Error: bad channel " + pyfmt.Repr(channel))
			c.ExitStatus = exitGeneric
			return nil
		}
	default:
		c.output("Error: tail requires process name")
		c.ExitStatus = exitGeneric
		return nil
	}
	var nbytes int64 = 1600
	follow := false
	if modifier != "" {
		what := modifier[1:]
		if what == "f" {
			follow = true
		} else if n, ok := pyInt(what); ok {
			nbytes = n
		} else {
			c.output("Error: bad argument " + modifier)
			c.ExitStatus = exitGeneric
			return nil
		}
	}
	if _, err := c.supervisor(); err != nil {
		return err
	}
	if follow {
		return c.tailf(ctx, "/logtail/"+name+"/"+channel)
	}
	method := "readProcessStdoutLog"
	if channel != "stdout" {
		method = "readProcessStderrLog"
	}
	out, err := c.call(ctx, method, name, -nbytes, 0)
	if err != nil {
		var f *Fault
		if !errors.As(err, &f) {
			return err
		}
		c.ExitStatus = exitGeneric
		switch f.Code {
		case int(faults.NoFile):
			c.output(name + ": ERROR (no log file)")
		case int(faults.Failed):
			c.output(name + ": ERROR (unknown error reading log)")
		case int(faults.BadName):
			c.output(name + ": ERROR (no such process name)")
		default:
			return err
		}
		return nil
	}
	return c.outputValue(out)
}
