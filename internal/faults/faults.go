// Package faults is the one table of Supervisor's XML-RPC fault codes
// (xmlrpc.py:Faults). The daemon returns *Error values from its operations;
// the RPC layer turns them into <fault> structs and supervisorctl maps the
// codes back to messages and exit statuses. It owns no state.
package faults

import "errors"

// Code is an XML-RPC faultCode.
type Code int

// Supervisor's fault codes.
const (
	UnknownMethod        Code = 1
	IncorrectParameters  Code = 2
	BadArguments         Code = 3
	SignatureUnsupported Code = 4
	ShutdownState        Code = 6
	BadName              Code = 10
	BadSignal            Code = 11
	NoFile               Code = 20
	NotExecutable        Code = 21
	Failed               Code = 30
	AbnormalTermination  Code = 40
	SpawnError           Code = 50
	AlreadyStarted       Code = 60
	NotRunning           Code = 70
	Success              Code = 80
	AlreadyAdded         Code = 90
	StillRunning         Code = 91
	CantReread           Code = 92
)

var names = map[Code]string{
	UnknownMethod:        "UNKNOWN_METHOD",
	IncorrectParameters:  "INCORRECT_PARAMETERS",
	BadArguments:         "BAD_ARGUMENTS",
	SignatureUnsupported: "SIGNATURE_UNSUPPORTED",
	ShutdownState:        "SHUTDOWN_STATE",
	BadName:              "BAD_NAME",
	BadSignal:            "BAD_SIGNAL",
	NoFile:               "NO_FILE",
	NotExecutable:        "NOT_EXECUTABLE",
	Failed:               "FAILED",
	AbnormalTermination:  "ABNORMAL_TERMINATION",
	SpawnError:           "SPAWN_ERROR",
	AlreadyStarted:       "ALREADY_STARTED",
	NotRunning:           "NOT_RUNNING",
	Success:              "SUCCESS",
	AlreadyAdded:         "ALREADY_ADDED",
	StillRunning:         "STILL_RUNNING",
	CantReread:           "CANT_REREAD",
}

// String is the fault's name ("BAD_NAME"), or "UNKNOWN" as
// xmlrpc.getFaultDescription says for a code it does not know.
func (c Code) String() string {
	if n, ok := names[c]; ok {
		return n
	}
	return "UNKNOWN"
}

// Error is a fault: a code and an optional detail. Its text is Supervisor's
// faultString, "NAME" or "NAME: detail".
type Error struct {
	Code   Code
	Detail string
	// HasDetail distinguishes "NAME: " (an empty detail, as Supervisor
	// prints for e.g. BAD_NAME with an empty name) from a bare "NAME".
	HasDetail bool
}

// New returns a fault with a detail ("BAD_NAME: foo").
func New(code Code, detail string) *Error {
	return &Error{Code: code, Detail: detail, HasDetail: true}
}

// Bare returns a fault without a detail ("INCORRECT_PARAMETERS").
func Bare(code Code) *Error { return &Error{Code: code} }

func (e *Error) Error() string {
	if !e.HasDetail {
		return e.Code.String()
	}
	return e.Code.String() + ": " + e.Detail
}

// Is makes errors.Is(err, faults.Bare(faults.BadName)) match any BAD_NAME.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code
	}
	return false
}

// CodeOf returns the fault code carried by err, or Failed for any other
// error, as Supervisor reports unexpected failures.
func CodeOf(err error) Code {
	var f *Error
	if errors.As(err, &f) {
		return f.Code
	}
	return Failed
}
