package ctl

import "context"

func init() {
	register(&command{
		name:    "quit",
		summary: "Exit the supervisor shell",
		run:     doEOF,
		help:    helpLines("quit\tExit the supervisor shell."),
		vocab:   true,
	})
	register(&command{
		name:    "exit",
		summary: "Exit the supervisor shell",
		run:     doEOF,
		help:    helpLines("exit\tExit the supervisor shell."),
		vocab:   true,
	})
	register(&command{
		name: "EOF",
		run:  doEOF,
		help: helpLines("To quit, type ^D or use the quit command"),
	})
}

// doEOF prints an empty line and ends the shell.
func doEOF(c *Controller, ctx context.Context, arg string) (bool, error) {
	c.output("")
	return true, nil
}
