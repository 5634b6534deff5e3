package ctl

import (
	"context"
	"sort"
	"strings"
)

// completion says what the shell completes after a command's name
// (Controller.complete).
type completion int

const (
	completeNothing   completion = iota
	completeActions              // help
	completeGroups               // add, remove, update
	completeProcesses            // clear, fg, pid, restart, signal, start, status, stop, tail
)

// command is one supervisorctl action: a do_<name> method of the
// reference's Controller or DefaultControllerPlugin.
type command struct {
	name string
	// summary is a one-line description for our shell completion
	// scripts; the reference's help texts are in help.
	summary string
	run     func(c *Controller, ctx context.Context, arg string) (stop bool, err error)
	// help is the help_<name> method; nil when there is none (EOF).
	help func(c *Controller)
	// vocab: the action is offered by the shell's completion (the
	// reference's vocab holds the plugin's do_ methods, not EOF).
	vocab    bool
	complete completion
}

// commands is filled by each command's file.
var commands = map[string]*command{}

func register(cmd *command) { commands[cmd.name] = cmd }

func lookupCommand(name string) *command { return commands[name] }

// vocab is Controller.vocab, sorted and without its second "help" (GNU
// readline sorts and de-duplicates what it shows).
func vocab() []string {
	names := []string{}
	for _, cmd := range commands {
		if cmd.vocab {
			names = append(names, cmd.name)
		}
	}
	sort.Strings(names)
	return names
}

// simple adapts a command that never stops the shell.
func simple(f func(c *Controller, ctx context.Context, arg string) error) func(*Controller, context.Context, string) (bool, error) {
	return func(c *Controller, ctx context.Context, arg string) (bool, error) {
		return false, f(c, ctx, arg)
	}
}

// helpLines returns a help function printing fixed lines.
func helpLines(lines ...string) func(c *Controller) {
	return func(c *Controller) {
		for _, l := range lines {
			c.output(l)
		}
	}
}

// jsonFlag removes our "--json" word from a command's arguments.
func (c *Controller) jsonFlag(arg string) (string, bool) {
	if !c.JSON {
		return arg, false
	}
	words := pySplit(arg)
	kept := words[:0]
	found := false
	for _, w := range words {
		if w == "--json" {
			found = true
			continue
		}
		kept = append(kept, w)
	}
	if !found {
		return arg, false
	}
	return strings.Join(kept, " "), true
}
