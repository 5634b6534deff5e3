package ctl

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
)

// completeCommandLine answers our shell completion scripts (cobra's
// __complete protocol): the options, then the action, then what the
// interactive shell would complete for that action, asking the server
// named by the options for process and group names.
func completeCommandLine(argv0 string, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	_, rest, err := getopt(args)
	if err != nil {
		// A trailing option waits for its value (a file for -c).
		return nil, cobra.ShellCompDirectiveDefault
	}
	if len(rest) == 0 && strings.HasPrefix(toComplete, "-") {
		return nil, cobra.ShellCompDirectiveNoFileComp // cobra completes the option names
	}
	opts, err := ParseArgs(argv0, args, Environ(), "")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	c := NewController(opts, discard{}, discard{}, nil, nil)
	defer c.Close()
	line := strings.Join(rest, " ")
	if len(rest) > 0 {
		line += " "
	}
	line += toComplete
	matches := c.Complete(context.Background(), line, toComplete)
	out := make([]cobra.Completion, 0, len(matches))
	for _, m := range matches {
		m = strings.TrimSuffix(m, " ")
		if len(rest) == 0 {
			if cmd := lookupCommand(m); cmd != nil && cmd.summary != "" {
				m += "\t" + cmd.summary
			}
		}
		out = append(out, m)
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
