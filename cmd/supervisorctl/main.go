// Command supervisorctl is gosupervisor's supervisorctl: a drop-in for
// Supervisor 4.2.5's, one-shot or interactive. Everything but the process
// plumbing lives in internal/ctl.
package main

import (
	"os"

	"github.com/gosupervisor/gosupervisor/internal/ctl"
)

func main() {
	os.Exit(ctl.Main(os.Args, ctl.Streams{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
