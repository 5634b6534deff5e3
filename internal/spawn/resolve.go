// Package spawn is the OS seam of the process engine: it turns a command
// line into an executable path exactly as Supervisor checks it, starts
// children (own process group, pipes, user, directory, umask, environment,
// parent-death signal), signals them, and runs the one reaper that collects
// every child exit in the daemon. It knows nothing about process states.
//
// Children are started through a trampoline: the daemon re-executes its own
// binary (/proc/self/exe) in a tiny mode that drops privileges, changes
// directory, sets the umask and execs the program. Go cannot run code
// between fork and exec, and Supervisor's behaviour depends on doing so:
// the child has a pid, and a failure to chdir, setuid or exec is written to
// the child's stderr as "supervisor: couldn't ..." before it exits 127.
package spawn

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// ErrNotFound and ErrNotExecutable classify a CommandError the way
// startProcess turns them into NO_FILE and NOT_EXECUTABLE faults.
var (
	ErrNotFound      = errors.New("command not found")
	ErrNotExecutable = errors.New("command not executable")
)

// CommandError is a pre-spawn failure with Supervisor's message.
type CommandError struct {
	Msg  string
	Kind error // ErrNotFound or ErrNotExecutable
}

func (e *CommandError) Error() string { return e.Msg }
func (e *CommandError) Unwrap() error { return e.Kind }

// DefaultPath is used when neither the program's environment nor
// supervisord's has a PATH.
var DefaultPath = []string{"/bin", "/usr/bin", "/usr/local/bin"}

// Resolve is Subprocess.get_execv_args: split the command with POSIX shlex,
// find the program in PATH when it has no slash, and check that it is an
// executable file. path is the PATH the search uses (the program's own
// environment first, then supervisord's).
func Resolve(command string, path []string) (filename string, argv []string, err error) {
	argv, err = Split(command)
	if err != nil {
		return "", nil, &CommandError{Kind: ErrNotExecutable, Msg: fmt.Sprintf("can't parse command %s: %s", pyfmt.Repr(command), err)}
	}
	if len(argv) == 0 {
		return "", nil, &CommandError{Kind: ErrNotExecutable, Msg: "command is empty"}
	}
	program := argv[0]
	var st os.FileInfo
	if strings.Contains(program, "/") {
		filename = program
		st, _ = os.Stat(filename)
	} else {
		filename = program
		for _, dir := range path {
			found := filepath.Join(dir, program)
			if dir == "" {
				found = program // os.path.join('', p) is p
			}
			if s, err := os.Stat(found); err == nil {
				st, filename = s, found
				break
			}
		}
	}
	switch {
	case st == nil:
		return "", nil, &CommandError{Kind: ErrNotFound, Msg: fmt.Sprintf("can't find command %s", pyfmt.Repr(filename))}
	case st.IsDir():
		return "", nil, &CommandError{Kind: ErrNotExecutable, Msg: fmt.Sprintf("command at %s is a directory", pyfmt.Repr(filename))}
	case st.Mode().Perm()&0o111 == 0:
		return "", nil, &CommandError{Kind: ErrNotExecutable, Msg: fmt.Sprintf("command at %s is not executable", pyfmt.Repr(filename))}
	case syscall.Access(filename, 1 /* X_OK */) != nil:
		return "", nil, &CommandError{Kind: ErrNotExecutable, Msg: fmt.Sprintf("no permission to run command %s", pyfmt.Repr(filename))}
	}
	return filename, argv, nil
}

// SearchPath returns the PATH Resolve should search: the program's own
// PATH when its environment sets one, else supervisord's, else DefaultPath
// (ProcessConfig.get_path / ServerOptions.get_path).
func SearchPath(programEnv map[string]string) []string {
	if p, ok := programEnv["PATH"]; ok {
		return strings.Split(p, ":")
	}
	if p := os.Getenv("PATH"); p != "" {
		return strings.Split(p, ":")
	}
	return DefaultPath
}

// Split is Python's shlex.split(s): POSIX rules, whitespace-separated,
// quotes and backslash escapes, no comments. Its errors carry Python's
// texts ("No closing quotation", "No escaped character").
func Split(s string) ([]string, error) {
	const (
		stWhite = iota
		stWord
		stSingle
		stDouble
		stEscape
	)
	var (
		out     []string
		tok     strings.Builder
		state   = stWhite
		inToken bool // a token has begun, even if empty ('')
		escFrom int  // the state an escape returns to
	)
	flush := func() {
		if inToken {
			out = append(out, tok.String())
		}
		tok.Reset()
		inToken = false
	}
	for _, r := range s {
		switch state {
		case stWhite, stWord:
			switch {
			case r == ' ' || r == '\t' || r == '\r' || r == '\n':
				if state == stWord {
					flush()
				}
				state = stWhite
			case r == '\\':
				inToken = true
				escFrom, state = stWord, stEscape
			case r == '\'':
				inToken = true
				state = stSingle
			case r == '"':
				inToken = true
				state = stDouble
			default:
				inToken = true
				tok.WriteRune(r)
				state = stWord
			}
		case stSingle:
			if r == '\'' {
				state = stWord
			} else {
				tok.WriteRune(r)
			}
		case stDouble:
			switch r {
			case '"':
				state = stWord
			case '\\':
				escFrom, state = stDouble, stEscape
			default:
				tok.WriteRune(r)
			}
		case stEscape:
			// Inside double quotes only the quote and the backslash
			// itself can be escaped; otherwise the backslash stays.
			if escFrom == stDouble && r != '"' && r != '\\' {
				tok.WriteRune('\\')
			}
			tok.WriteRune(r)
			state = escFrom
		}
	}
	switch state {
	case stSingle, stDouble:
		return nil, errors.New("No closing quotation")
	case stEscape:
		return nil, errors.New("No escaped character")
	}
	flush()
	return out, nil
}
