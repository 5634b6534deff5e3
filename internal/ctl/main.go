package ctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// Streams are the process's standard files.
type Streams struct {
	Stdin          *os.File
	Stdout, Stderr io.Writer
}

// Main is supervisorctl: argv is the whole command line (argv[0] the
// program name), the result the exit status. cmd/supervisorctl calls it.
func Main(argv []string, s Streams) int {
	status := 0
	root := newRootCommand(argv[0], s, &status)
	root.SetArgs(argv[1:])
	root.SetIn(s.Stdin)
	root.SetOut(s.Stdout)
	root.SetErr(s.Stderr)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(s.Stderr, "Error:", err)
		return 1
	}
	return status
}

// newRootCommand is supervisorctl as a cobra command. Cobra does not parse
// the command line: Supervisor's is getopt's (options end at the first
// word that is not one, long options may be abbreviated, the positional
// words are one command line), which pflag cannot reproduce
// (docs/supervisorctl.md). Cobra gives us the shell completion protocol
// and scripts, and the flag list they complete.
func newRootCommand(argv0 string, s Streams, status *int) *cobra.Command {
	root := &cobra.Command{
		Use:                "supervisorctl [options] [action [arguments]]",
		Short:              "control applications run by supervisord from the cmd line",
		DisableFlagParsing: true,
		SilenceErrors:      true,
		SilenceUsage:       true,
		Args:               cobra.ArbitraryArgs,
		CompletionOptions:  cobra.CompletionOptions{DisableDefaultCmd: true},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 && args[0] == "completion" {
				if err := writeCompletionScript(cmd, args[1], s.Stdout); err == nil {
					return nil
				}
			}
			*status = run(argv0, args, s)
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return completeCommandLine(argv0, args, toComplete)
		},
	}
	f := root.Flags()
	f.StringP("configuration", "c", "", "configuration file path (searches if not given)")
	f.BoolP("interactive", "i", false, "start an interactive shell after executing commands")
	f.StringP("serverurl", "s", "", "URL on which supervisord server is listening")
	f.StringP("username", "u", "", "username to use for authentication with server")
	f.StringP("password", "p", "", "password to use for authentication with server")
	f.StringP("history_file", "r", "", "keep a readline history (if readline is available)")
	f.BoolP("help", "h", false, "print usage message and exit")
	return root
}

// writeCompletionScript writes our shell completion script for shell
// (bash, zsh or fish).
func writeCompletionScript(cmd *cobra.Command, shell string, w io.Writer) error {
	switch shell {
	case "bash":
		return cmd.GenBashCompletionV2(w, true)
	case "zsh":
		return cmd.GenZshCompletion(w)
	case "fish":
		return cmd.GenFishCompletion(w, true)
	}
	return errors.New("unknown shell")
}

// run is supervisorctl.py:main.
func run(argv0 string, args []string, s Streams) int {
	opts, err := ParseArgs(argv0, args, Environ(), "")
	var ue *UsageError
	var pe *ConfigParseError
	switch {
	case errors.Is(err, errHelp):
		io.WriteString(s.Stdout, strings.ReplaceAll(usageDoc+"\n", "%s", opts.Progname))
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(s.Stderr, "Error: %s\nFor help, use %s -h\n", ue.Msg, opts.Progname)
		return 2
	case errors.As(err, &pe):
		pe.writeTraceback(s.Stderr, opts.Progname)
		return 1
	case err != nil:
		fmt.Fprintf(s.Stderr, "Error: %s\nFor help, use %s -h\n", err, opts.Progname)
		return 2
	}

	sigs := make(chan os.Signal, 1)
	// Python leaves an ignored SIGINT ignored (a background job's): so do
	// we, rather than let Notify take it over.
	if !signal.Ignored(os.Interrupt) {
		signal.Notify(sigs, os.Interrupt)
		defer signal.Stop(sigs)
	}
	interrupts := NewInterrupts(context.Background())
	go func() {
		for range sigs {
			interrupts.Interrupt()
		}
	}()

	c := NewController(opts, s.Stdout, s.Stderr, nil, nil)
	c.StdoutTTY = isTerminalWriter(s.Stdout)
	defer c.Close()
	if len(opts.Args) > 0 {
		c.Input = NewPlainInput(s.Stdin, c.Stdout, s.Stderr)
		_, err := c.OneCmd(interrupts.Next(), strings.Join(opts.Args, " "))
		if errors.Is(err, errInterrupted) {
			// Python dies of the KeyboardInterrupt: killed by SIGINT.
			c.flush()
			signal.Reset(os.Interrupt)
			syscall.Kill(os.Getpid(), syscall.SIGINT)
			// The signal is delivered asynchronously; wait for it.
			time.Sleep(time.Second)
			return 130
		}
		return c.ExitStatus
	}

	var history func() []string
	if isTerminal(s.Stdin) && isTerminalWriter(s.Stdout) {
		ri, err := newReadlineInput(s.Stdin, s.Stdout, c.Stdout, &readlineCompleter{c: c, ctx: func() context.Context { return context.Background() }})
		if err == nil {
			defer ri.Close()
			if opts.HistoryFile != "" {
				ri.loadHistory(opts.HistoryFile)
			}
			history = func() []string { return ri.history }
			c.Input = ri
		}
	}
	if c.Input == nil {
		c.Input = NewPlainInput(s.Stdin, c.Stdout, s.Stderr)
		var loaded []string
		if opts.HistoryFile != "" {
			loaded = readHistoryFile(opts.HistoryFile)
		}
		history = func() []string { return loaded }
	}
	c.Shell(interrupts)
	c.flush()
	if opts.HistoryFile != "" {
		saveHistory(opts.HistoryFile, history())
	}
	return 0
}

func isTerminalWriter(w io.Writer) bool {
	if f, ok := w.(*os.File); ok {
		return isTerminal(f)
	}
	return false
}

// readHistoryFile is GNU readline's read_history: one entry per line
// ended by a newline (a "\r" before it is dropped), empty lines skipped,
// and an unterminated last line ignored.
func readHistoryFile(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var lines []string
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return lines
		}
		line := data[:i]
		data = data[i+1:]
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > 0 {
			lines = append(lines, string(line))
		}
	}
}
