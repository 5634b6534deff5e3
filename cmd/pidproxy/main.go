// Command pidproxy runs a command and passes the signals it receives to the
// process named in a pid file, as Supervisor's pidproxy does, for programs
// that fork a daemon whose pid only the pid file knows. It exits when its
// child exits (at once, where Supervisor's checks every 5 s), or after
// passing on SIGTERM, SIGINT or SIGQUIT.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

const doc = `pidproxy -- run command and proxy signals to it via its pidfile.

This executable runs a command and then monitors a pidfile.  When this
executable receives a signal, it sends the same signal to the pid
in the pidfile.

Usage: %s <pidfile name> <command> [<cmdarg1> ...]
`

func main() {
	os.Exit(run(os.Args, os.Stdout))
}

func run(args []string, stdout io.Writer) int {
	if len(args) < 3 {
		fmt.Fprintf(stdout, doc+"\n", args[0])
		return 1
	}
	pidfile := args[1]
	abscmd, err := filepath.Abs(args[2])
	if err != nil {
		abscmd = args[2]
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGQUIT)
	child, err := os.StartProcess(abscmd, args[2:], &os.ProcAttr{Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}})
	if err != nil {
		// Supervisor's spawned child would exit 127 and pidproxy 0.
		return 0
	}
	exited := make(chan struct{})
	go func() {
		child.Wait()
		close(exited)
	}()
	for {
		select {
		case <-exited:
			return 0
		case s := <-sigs:
			sig := s.(syscall.Signal)
			data, err := os.ReadFile(pidfile)
			pid, perr := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil || perr != nil {
				fmt.Fprintf(stdout, "Can't read child pidfile %s!\n", pidfile)
				continue
			}
			syscall.Kill(pid, sig)
			if sig == syscall.SIGTERM || sig == syscall.SIGINT || sig == syscall.SIGQUIT {
				return 0
			}
		}
	}
}
