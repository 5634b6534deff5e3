package ctl

import "context"

func init() {
	register(&command{
		name:     "help",
		summary:  "Print a list of available actions, or help for one",
		run:      simple(doHelp),
		help:     helpLines("help\t\tPrint a list of available actions", "help <action>\tPrint help for <action>"),
		vocab:    true,
		complete: completeActions,
	})
}

// helpTopics is what ControllerPluginBase.do_help prints without an
// argument: cmd.Cmd's columnized list of the documented actions.
const helpTopics = "\n" +
	"default commands (type help <topic>):\n" +
	"=====================================\n" +
	"add    exit      open  reload  restart   start   tail   \n" +
	"avail  fg        pid   remove  shutdown  status  update \n" +
	"clear  maintail  quit  reread  signal    stop    version\n" +
	"\n"

func doHelp(c *Controller, ctx context.Context, arg string) error {
	if pyStrip(arg) == "help" {
		lookupCommand("help").help(c)
		return nil
	}
	if arg == "" {
		c.Stdout.WriteString(helpTopics)
		return nil
	}
	// The plugin's help_<arg>; help and EOF have none there.
	if cmd := lookupCommand(arg); cmd != nil && cmd.vocab && cmd.name != "help" && cmd.help != nil {
		cmd.help(c)
		return nil
	}
	c.output("*** No help on " + arg)
	return nil
}
