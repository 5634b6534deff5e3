package ctl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

// Exit statuses (supervisorctl.py:LSBInitExitStatuses and
// LSBStatusExitStatuses).
const (
	exitSuccess          = 0
	exitGeneric          = 1
	exitInvalidArgs      = 2
	exitUnimplemented    = 3
	exitInsufficient     = 4
	exitNotInstalled     = 5
	exitNotRunning       = 7
	exitStatusNotRunning = 3
	exitStatusUnknown    = 4
)

// errInterrupted is Ctrl-C while a command runs (Python's
// KeyboardInterrupt): it ends the interactive shell, and tail -f and fg
// catch it.
var errInterrupted = errors.New("interrupted")

// Input reads what supervisorctl asks the user for: confirmations, the
// credentials after a 401, the lines fg sends to a process, and the shell's
// own commands. ReadLine returns io.EOF at the end of input and
// errInterrupted on Ctrl-C.
type Input interface {
	ReadLine(ctx context.Context, prompt string) (string, error)
	ReadPassword(ctx context.Context, prompt string) (string, error)
}

// Controller runs supervisorctl commands (supervisorctl.py:Controller plus
// its DefaultControllerPlugin). It is not safe for concurrent use.
type Controller struct {
	Opts *Options
	// Stdout and Stderr receive all output; Stdout is buffered and flushed
	// after each command and before reading input.
	Stdout *bufio.Writer
	Stderr io.Writer
	// rawStdout is what Stdout buffers, for the streams of tail -f and fg.
	rawStdout io.Writer
	// StdoutTTY: stdout is a terminal (Python then flushes each line).
	StdoutTTY bool
	Input     Input
	Dial      Dialer
	// ExitStatus is the status a one-shot command exits with.
	ExitStatus int
	// JSON makes "--json" an option of status and avail (our
	// machine-readable output, docs/compat.md) rather than a name.
	JSON bool

	client       Client
	clientKey    string
	completeInfo []any
	haveComplete bool
}

// NewController returns a controller for opts writing to stdout and
// stderr.
func NewController(opts *Options, stdout, stderr io.Writer, in Input, dial Dialer) *Controller {
	if dial == nil {
		dial = WireDialer
	}
	return &Controller{Opts: opts, Stdout: bufio.NewWriterSize(stdout, 32<<10), rawStdout: stdout, Stderr: stderr, Input: in, Dial: dial, JSON: true}
}

// output is Controller.output: the message and a newline.
func (c *Controller) output(msg string) {
	c.Stdout.WriteString(msg)
	c.Stdout.WriteByte('\n')
}

// outputValue is output() of a value from the server, which must be a str.
func (c *Controller) outputValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return concatStr(v)
	}
	c.output(s)
	return nil
}

func (c *Controller) flush() { c.Stdout.Flush() }

// supervisor is get_supervisor(): a client for the current server URL and
// credentials (which open and a 401 prompt change).
func (c *Controller) supervisor() (Client, error) {
	key := c.Opts.ServerURL + "\x00" + strp(c.Opts.Username) + "\x00" + strp(c.Opts.Password)
	if c.client != nil && c.clientKey == key {
		return c.client, nil
	}
	if c.client != nil {
		c.client.Close()
		c.client = nil
	}
	cl, err := c.Dial(c.Opts.ServerURL, c.Opts.Username, c.Opts.Password)
	if err != nil {
		return nil, err
	}
	c.client, c.clientKey = cl, key
	return cl, nil
}

func strp(p *string) string {
	if p == nil {
		return "\x01"
	}
	return "=" + *p
}

// call is supervisor.<method>(args...) on the current server.
func (c *Controller) call(ctx context.Context, method string, args ...any) (any, error) {
	cl, err := c.supervisor()
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		if n, ok := a.(int64); ok && (n > math.MaxInt32 || n < math.MinInt32) {
			// xmlrpc.client refuses to marshal it.
			return nil, &PyError{Class: "OverflowError", Msg: "int exceeds XML-RPC limits", File: pyXMLRPCFile, Line: 552}
		}
	}
	return cl.Call(ctx, "supervisor."+method, args...)
}

// Close releases the connection.
func (c *Controller) Close() {
	if c.client != nil {
		c.client.Close()
		c.client = nil
	}
}

// setExitFromFault is set_exitstatus_from_xmlrpc_fault.
func (c *Controller) setExitFromFault(code any, ignored int64) {
	switch {
	case (ignored != 0 && pyEqInt(code, ignored)) || pyEqInt(code, int64(faults.Success)):
	case pyEqInt(code, int64(faults.SpawnError)) || pyEqInt(code, int64(faults.AbnormalTermination)) || pyEqInt(code, int64(faults.NotRunning)):
		c.ExitStatus = exitNotRunning
	default:
		c.ExitStatus = exitGeneric
	}
}

// upcheck checks that the server speaks API 3.0; false (with nil error)
// means it printed why and set the exit status.
func (c *Controller) upcheck(ctx context.Context) (bool, error) {
	v, err := c.call(ctx, "getVersion")
	if err != nil {
		var f *Fault
		var oe *OSError
		switch {
		case errors.As(err, &f):
			if f.Code == int(faults.UnknownMethod) {
				c.output("Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).")
				c.ExitStatus = exitUnimplemented
				return false, nil
			}
			c.ExitStatus = exitGeneric
		case errors.As(err, &oe):
			switch oe.Errno {
			case syscall.ECONNREFUSED:
				c.output(c.Opts.ServerURL + " refused connection")
				c.ExitStatus = exitInsufficient
				return false, nil
			case syscall.ENOENT:
				c.output(c.Opts.ServerURL + " no such file")
				c.ExitStatus = exitNotRunning
				return false, nil
			}
			c.ExitStatus = exitGeneric
		}
		return false, err
	}
	if !pyEq(v, "3.0") {
		c.output("Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is " + pyStr(v) + ".")
		c.ExitStatus = exitNotInstalled
		return false, nil
	}
	return true, nil
}

// identchars are cmd.Cmd's: the characters of a command name.
func isIdentChar(b byte) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}

// parseLine is cmd.Cmd.parseline: the command name, its argument and the
// line as run. ok is false for a line that names no command.
func parseLine(line string) (cmd, arg, full string, ok bool) {
	line = pyStrip(line)
	if line == "" {
		return "", "", "", false
	}
	switch line[0] {
	case '?':
		line = "help " + line[1:]
	case '!':
		return "", "", line, false
	}
	i := 0
	for i < len(line) && isIdentChar(line[i]) {
		i++
	}
	return line[:i], pyStrip(line[i:]), line, true
}

// OneCmd runs one command line as Controller.onecmd does. stop is true
// for the commands that end the shell (quit, exit, EOF). The only error
// it returns is errInterrupted; everything else is printed and reflected
// in ExitStatus.
func (c *Controller) OneCmd(ctx context.Context, line string) (stop bool, err error) {
	defer c.flush()
	name, arg, full, ok := parseLine(line)
	if !ok && full == "" {
		return false, nil
	}
	c.haveComplete, c.completeInfo = false, nil
	cmd := lookupCommand(name)
	if !ok || name == "" || cmd == nil {
		c.output("*** Unknown syntax: " + full)
		c.ExitStatus = exitGeneric
		return false, nil
	}
	stop, err = c.runGuarded(cmd, ctx, arg)
	if err == nil || errors.Is(err, errInterrupted) {
		return stop, err
	}
	var pe *ProtocolError
	if errors.As(err, &pe) && pe.Status == 401 {
		c.output("Server requires authentication")
		if c.Opts.Interactive {
			c.flush()
			user, err := c.Input.ReadLine(ctx, "Username:")
			if err == nil {
				var pass string
				pass, err = c.Input.ReadPassword(ctx, "Password:")
				if err == nil {
					c.output("")
					c.Opts.Username, c.Opts.Password = &user, &pass
					return c.OneCmd(ctx, full)
				}
			}
			return false, c.inputError(err, 212)
		}
		c.ExitStatus = exitGeneric
		// The reference runs the command a second time here (its
		// exception handler falls through), and shows that attempt's
		// result too.
		stop, err = c.runGuarded(cmd, ctx, arg)
		if err == nil || errors.Is(err, errInterrupted) {
			return stop, err
		}
	}
	c.output(asPyException(err).Error())
	c.ExitStatus = exitGeneric
	return false, nil
}

// runGuarded runs a command; a panic (a bug of ours, whatever the server
// answered) is reported like any uncaught exception instead of killing
// the shell.
func (c *Controller) runGuarded(cmd *command, ctx context.Context, arg string) (stop bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			stop, err = false, &PyError{Class: "RuntimeError", Msg: fmt.Sprintf("supervisorctl internal error: %v", r), File: supCtlFile, Line: 0}
		}
	}()
	return cmd.run(c, ctx, arg)
}

// inputError turns the end of input while supervisorctl asked something
// into what the reference does: EOFError is printed as an exception,
// Ctrl-C ends the shell.
func (c *Controller) inputError(err error, line int) error {
	if errors.Is(err, errInterrupted) {
		return errInterrupted
	}
	msg := ""
	if errors.Is(err, errEOFGetpass) {
		c.output((&PyError{Class: "EOFError", File: "/usr/lib/python3.11/getpass.py", Line: 148}).Error())
		c.ExitStatus = exitGeneric
		return nil
	}
	if errors.Is(err, errEOFReadingLine) {
		msg = "EOF when reading a line"
	} else if !errors.Is(err, io.EOF) {
		msg = err.Error()
	}
	c.output((&PyError{Class: "EOFError", Msg: msg, File: supCtlFile, Line: line}).Error())
	c.ExitStatus = exitGeneric
	return nil
}

// namespec is options.make_namespec.
func namespec(group, name string) string {
	if group == name {
		return name
	}
	return group + ":" + name
}

// namespecOf is make_namespec(info['group'], info['name']) with Python's
// %s of whatever the server sent.
func namespecOf(info any, line int) (string, error) {
	g, err := getKey(info, "group", line)
	if err != nil {
		return "", err
	}
	n, err := getKey(info, "name", line)
	if err != nil {
		return "", err
	}
	if pyEq(g, n) {
		return pyStr(n), nil
	}
	return pyStr(g) + ":" + pyStr(n), nil
}
