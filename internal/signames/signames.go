// Package signames converts between signal numbers and the names Supervisor
// uses for them. It reproduces Python's signal module on Linux as Supervisor
// 4.2.5 sees it: the set of names a config or an RPC call may use
// (datatypes.signal_number) and the name printed in log lines and exit
// descriptions (options.signame). It owns no state.
package signames

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// byName is every attribute of Python's signal module whose name starts with
// "SIG", including aliases and the SIG_* constants, because signal_number
// looks names up with getattr.
var byName = map[string]int{
	"SIGABRT": 6, "SIGALRM": 14, "SIGBUS": 7, "SIGCHLD": 17, "SIGCLD": 17,
	"SIGCONT": 18, "SIGFPE": 8, "SIGHUP": 1, "SIGILL": 4, "SIGINT": 2,
	"SIGIO": 29, "SIGIOT": 6, "SIGKILL": 9, "SIGPIPE": 13, "SIGPOLL": 29,
	"SIGPROF": 27, "SIGPWR": 30, "SIGQUIT": 3, "SIGRTMAX": 64, "SIGRTMIN": 34,
	"SIGSEGV": 11, "SIGSTKFLT": 16, "SIGSTOP": 19, "SIGSYS": 31, "SIGTERM": 15,
	"SIGTRAP": 5, "SIGTSTP": 20, "SIGTTIN": 21, "SIGTTOU": 22, "SIGURG": 23,
	"SIGUSR1": 10, "SIGUSR2": 12, "SIGVTALRM": 26, "SIGWINCH": 28,
	"SIGXCPU": 24, "SIGXFSZ": 25,
	"SIG_BLOCK": 0, "SIG_DFL": 0, "SIG_IGN": 1, "SIG_SETMASK": 2, "SIG_UNBLOCK": 1,
}

// valid is datatypes.SIGNUMS: the values of those attributes.
var valid = func() map[int]bool {
	m := map[int]bool{}
	for _, n := range byName {
		m[n] = true
	}
	return m
}()

// names is options.signame's table; where Python's dict order makes an alias
// win (SIGPOLL over SIGIO), the alias is kept.
var names = map[int]string{
	1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP",
	6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1",
	11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
	16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP",
	21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ",
	26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGPOLL", 30: "SIGPWR",
	31: "SIGSYS", 34: "SIGRTMIN", 64: "SIGRTMAX",
}

// Name returns Supervisor's name for sig ("SIGTERM"), or "signal N".
func Name(sig syscall.Signal) string {
	if n, ok := names[int(sig)]; ok {
		return n
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// Parse converts a config or RPC value to a signal number the way
// datatypes.signal_number does: a decimal number, or a name with or without
// the SIG prefix in any case. The error text is Supervisor's.
func Parse(value string) (syscall.Signal, error) {
	num, err := pyInt(value)
	if err != nil {
		name := strings.ToUpper(strings.TrimSpace(value))
		if !strings.HasPrefix(name, "SIG") {
			name = "SIG" + name
		}
		n, ok := byName[name]
		if !ok {
			return 0, fmt.Errorf("value %s is not a valid signal name", pyfmt.Repr(value))
		}
		num = n
	}
	if !valid[num] {
		return 0, fmt.Errorf("value %s is not a valid signal number", pyfmt.Repr(value))
	}
	return syscall.Signal(num), nil
}

// pyInt parses like Python's int(str): surrounding whitespace, an optional
// sign and underscores between digits are allowed.
func pyInt(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.HasPrefix(t, "_") || strings.HasSuffix(t, "_") || strings.Contains(t, "__") {
		return 0, strconv.ErrSyntax
	}
	if strings.HasPrefix(t, "+_") || strings.HasPrefix(t, "-_") {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(strings.ReplaceAll(t, "_", ""))
}
