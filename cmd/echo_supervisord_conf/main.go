// Command echo_supervisord_conf prints gosupervisor's sample configuration
// (ours, not Supervisor's sample.conf; docs/compat.md), as Supervisor's
// echo_supervisord_conf prints its own.
package main

import (
	"io"
	"os"

	"github.com/gosupervisor/gosupervisor/internal/sample"
)

func main() { os.Exit(run(os.Stdout)) }

func run(w io.Writer) int {
	if _, err := io.WriteString(w, sample.Config); err != nil {
		return 1
	}
	return 0
}
