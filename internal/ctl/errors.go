package ctl

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// The reference prints any exception a command does not handle as
//
//	error: <class 'X'>, <str(exc)>: file: <file> line: <n>
//
// where file and line are where Python raised it (Controller.onecmd with
// asyncore.compact_traceback). We print the same line, naming the file and
// line where Debian's Supervisor 4.2.5 on Python 3.11 raises the same
// exception, so a script cannot tell the two apart (docs/compat.md).
const (
	pySocketFile     = "/usr/lib/python3.11/socket.py"
	pyHTTPClientFile = "/usr/lib/python3.11/http/client.py"
	pyXMLRPCFile     = "/usr/lib/python3.11/xmlrpc/client.py"
	pyParseFile      = "/usr/lib/python3.11/urllib/parse.py"
	supXMLRPCFile    = "/usr/lib/python3/dist-packages/supervisor/xmlrpc.py"
	supCtlFile       = "/usr/lib/python3/dist-packages/supervisor/supervisorctl.py"
)

// pyException is an error the reference would raise as a Python exception.
type pyException interface {
	error
	// pyInfo returns the exception's class (as <class '...'> shows it),
	// str(exc), and where it was raised.
	pyInfo() (class, msg, file string, line int)
}

// PyError is an exception with no further structure.
type PyError struct {
	Class string
	Msg   string
	File  string
	Line  int
}

func (e *PyError) Error() string { return formatPyError(e) }

func (e *PyError) pyInfo() (string, string, string, int) { return e.Class, e.Msg, e.File, e.Line }

// Fault is an XML-RPC fault answer (xmlrpc.client.Fault).
type Fault struct {
	Code   int
	String string
}

func (f *Fault) Error() string { return formatPyError(f) }

func (f *Fault) pyInfo() (string, string, string, int) {
	return "xmlrpc.client.Fault", fmt.Sprintf("<Fault %d: %s>", f.Code, pyfmt.Repr(f.String)), pyXMLRPCFile, 668
}

// ProtocolError is an HTTP answer other than 200 to an XML-RPC call
// (xmlrpc.client.ProtocolError). The reference's proxy is always made for
// http://127.0.0.1, so URL is "127.0.0.1/RPC2" whatever the server URL.
type ProtocolError struct {
	URL    string
	Status int
	Reason string
}

func (e *ProtocolError) Error() string { return formatPyError(e) }

func (e *ProtocolError) pyInfo() (string, string, string, int) {
	return "xmlrpc.client.ProtocolError", fmt.Sprintf("<ProtocolError for %s: %d %s>", e.URL, e.Status, e.Reason), supXMLRPCFile, 539
}

// OSError is a system call failure talking to the server, with the errno
// upcheck and shutdown look at.
type OSError struct {
	Errno syscall.Errno
	// Unix is true for a unix:// server (the reference then raises from
	// its own UnixStreamHTTPConnection.connect).
	Unix bool
	// Connect is true when the error happened while connecting.
	Connect bool
}

func (e *OSError) Error() string { return formatPyError(e) }

func (e *OSError) pyInfo() (string, string, string, int) {
	file, line := pySocketFile, 706
	if e.Connect {
		file, line = pySocketFile, 836
		if e.Unix {
			file, line = supXMLRPCFile, 557
		}
	}
	return oserrorClass(e.Errno), fmt.Sprintf("[Errno %d] %s", int(e.Errno), strerror(e.Errno)), file, line
}

// oserrorClass is the OSError subclass Python raises for an errno.
func oserrorClass(errno syscall.Errno) string {
	switch errno {
	case syscall.ECONNREFUSED:
		return "ConnectionRefusedError"
	case syscall.ECONNRESET:
		return "ConnectionResetError"
	case syscall.ECONNABORTED:
		return "ConnectionAbortedError"
	case syscall.EPIPE, syscall.ESHUTDOWN:
		return "BrokenPipeError"
	case syscall.ENOENT:
		return "FileNotFoundError"
	case syscall.EACCES, syscall.EPERM:
		return "PermissionError"
	case syscall.ETIMEDOUT:
		return "TimeoutError"
	case syscall.EINTR:
		return "InterruptedError"
	case syscall.EEXIST:
		return "FileExistsError"
	case syscall.EISDIR:
		return "IsADirectoryError"
	case syscall.ENOTDIR:
		return "NotADirectoryError"
	case syscall.EAGAIN, syscall.EALREADY, syscall.EINPROGRESS:
		return "BlockingIOError"
	}
	return "OSError"
}

// strerror is the C library's message for an errno: Go's table holds the
// same texts with a lower-case first letter.
func strerror(errno syscall.Errno) string {
	s := errno.Error()
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// formatPyError is the line Controller.onecmd prints for an exception.
func formatPyError(e pyException) string {
	class, msg, file, line := e.pyInfo()
	return fmt.Sprintf("error: <class '%s'>, %s: file: %s line: %d", class, msg, file, line)
}

// asPyException returns err as the exception the reference would print.
// An error that is not one of ours becomes a generic Exception, so the
// user still sees what went wrong.
func asPyException(err error) pyException {
	var pe pyException
	if errors.As(err, &pe) {
		return pe
	}
	return &PyError{Class: "Exception", Msg: err.Error(), File: supCtlFile, Line: 0}
}

// Exceptions raised by supervisorctl.py itself when a server answers
// something of the wrong shape.

func keyError(key string, line int) error {
	return &PyError{Class: "KeyError", Msg: pyfmt.Repr(key), File: supCtlFile, Line: line}
}

func typeError(msg string, line int) error {
	return &PyError{Class: "TypeError", Msg: msg, File: supCtlFile, Line: line}
}

func valueError(msg string, line int) error {
	return &PyError{Class: "ValueError", Msg: msg, File: supCtlFile, Line: line}
}

// getKey is v[key] at supervisorctl.py line `line`.
func getKey(v any, key string, line int) (any, error) {
	switch x := v.(type) {
	case Dict:
		if val, ok := x.Get(key); ok {
			return val, nil
		}
		return nil, keyError(key, line)
	case []any:
		return nil, typeError("list indices must be integers or slices, not str", line)
	case string:
		return nil, typeError("string indices must be integers, not 'str'", line)
	}
	return nil, typeError(fmt.Sprintf("'%s' object is not subscriptable", pyTypeName(v)), line)
}

// getIndex is v[i] at supervisorctl.py line `line`.
func getIndex(v any, i int, line int) (any, error) {
	switch x := v.(type) {
	case []any:
		if i < len(x) {
			return x[i], nil
		}
		return nil, &PyError{Class: "IndexError", Msg: "list index out of range", File: supCtlFile, Line: line}
	case string:
		r := []rune(x)
		if i < len(r) {
			return string(r[i]), nil
		}
		return nil, &PyError{Class: "IndexError", Msg: "string index out of range", File: supCtlFile, Line: line}
	case Dict:
		return nil, &PyError{Class: "KeyError", Msg: fmt.Sprint(i), File: supCtlFile, Line: line}
	}
	return nil, typeError(fmt.Sprintf("'%s' object is not subscriptable", pyTypeName(v)), line)
}

// pyIter is iter(v) at supervisorctl.py line `line`: a list's items, a
// str's characters, a dict's keys.
func pyIter(v any, line int) ([]any, error) {
	switch x := v.(type) {
	case []any:
		return x, nil
	case string:
		out := make([]any, 0, len(x))
		for _, r := range x {
			out = append(out, string(r))
		}
		return out, nil
	case Dict:
		keys := dictKeys(x)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = k
		}
		return out, nil
	case Binary:
		out := make([]any, len(x))
		for i, b := range x {
			out[i] = int64(b)
		}
		return out, nil
	}
	return nil, typeError(fmt.Sprintf("'%s' object is not iterable", pyTypeName(v)), line)
}

// unpack3 is "a, b, c = v".
func unpack3(v any, line int) (a, b, c any, err error) {
	items, err := pyIter(v, line)
	if err != nil {
		if _, ok := v.(Dict); !ok {
			err = typeError(fmt.Sprintf("cannot unpack non-iterable %s object", pyTypeName(v)), line)
		}
		return nil, nil, nil, err
	}
	switch {
	case len(items) > 3:
		return nil, nil, nil, valueError("too many values to unpack (expected 3)", line)
	case len(items) < 3:
		return nil, nil, nil, valueError(fmt.Sprintf("not enough values to unpack (expected 3, got %d)", len(items)), line)
	}
	return items[0], items[1], items[2], nil
}

// concatStr is the TypeError of "value + '\n'" (Controller.output) when
// the value is not a str.
func concatStr(v any) error {
	return typeError(fmt.Sprintf("unsupported operand type(s) for +: '%s' and 'str'", pyTypeName(v)), 244)
}
