// Command supervisord is gosupervisor's supervisord.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

func main() {
	os.Exit(run(os.Args[0], os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

// run is supervisord up to a loaded config; it returns the exit status.
func run(argv0 string, args, env []string, stdout, stderr io.Writer) int {
	opts, err := config.ParseServerArgs(argv0, args, env)
	if err != nil {
		return usage(err, config.ResolveProgname(argv0, env), stderr)
	}
	switch {
	case opts.Help:
		io.WriteString(stdout, opts.HelpText())
		return 0
	case opts.Version:
		io.WriteString(stdout, config.VersionText())
		return 0
	}
	opts.Stderr = stderr
	cfg, err := config.LoadServer(opts)
	if err != nil {
		return usage(err, opts.Progname, stderr)
	}
	if opts.CheckConfig {
		if err := config.WriteCheck(stdout, cfg); err != nil {
			return 1
		}
		return 0
	}
	fmt.Fprintln(stderr, "gosupervisor: configuration loaded; the process engine is not wired yet")
	return 0
}

func usage(err error, progname string, stderr io.Writer) int {
	ue, ok := err.(*config.UsageError)
	if !ok {
		ue = &config.UsageError{Msg: err.Error()}
	}
	ue.Report(stderr, progname)
	return 2
}
