// Package ctlbench holds what the supervisorctl benchmarks share with
// `make bench`: a supervisord config with many programs and a timer for
// one run of a supervisorctl command line. It starts nothing by itself
// and owns no state.
package ctlbench

import (
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Config returns a supervisord config running n programs (sleep 600,
// RUNNING at once) under dir, with a unix socket at dir/s.sock that the
// [supervisorctl] section points to.
func Config(dir string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `[unix_http_server]
file=%[1]s/s.sock

[supervisord]
logfile=%[1]s/supervisord.log
pidfile=%[1]s/supervisord.pid
childlogdir=%[1]s

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%[1]s/s.sock
`, dir)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\n[program:p%03d]\ncommand=sleep 600\nstartsecs=0\n", i)
	}
	return b.String()
}

// Time runs bin with args once (argv[0] shown as argv0) and returns the
// wall time from start to exit, and the exit status.
func Time(bin, argv0 string, args ...string) (time.Duration, int, error) {
	cmd := &exec.Cmd{Path: bin, Args: append([]string{argv0}, args...)}
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok {
		return d, ee.ExitCode(), nil
	}
	return d, 0, err
}
