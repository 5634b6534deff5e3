package rpc

import (
	"fmt"
	"math"
	"math/big"

	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// Supervisor's methods are Python functions applied to whatever the
// client sent: a wrong argument type is not checked but fails where
// Python first uses the value. A TypeError anywhere becomes
// INCORRECT_PARAMETERS (xmlrpc.traverse); any other exception is an HTTP
// 500, or inside system.multicall a FAILED fault that names the Python
// exception. This file reproduces those failures for the operations the
// methods apply to their arguments.

// PyError is a Python exception other than TypeError and RPCError raised
// inside a method. At the top level it is an HTTP 500 (and a CRIT log
// line); inside system.multicall it is the fault
// "FAILED: <class 'Class'>:Msg".
type PyError struct {
	Class string // "AttributeError"
	Msg   string
}

func (e *PyError) Error() string { return e.Class + ": " + e.Msg }

// multicallText is the faultString system.multicall reports for it.
func (e *PyError) multicallText() string {
	return fmt.Sprintf("FAILED: <class '%s'>:%s", e.Class, e.Msg)
}

// errTypeError is a TypeError: INCORRECT_PARAMETERS without detail.
func errTypeError() error { return faults.Bare(faults.IncorrectParameters) }

func noAttribute(v xmlrpc.Value, attr string) *PyError {
	return &PyError{Class: "AttributeError", Msg: fmt.Sprintf("'%s' object has no attribute '%s'", xmlrpc.TypeName(v), attr)}
}

// faultWithValue is RPCError(code, value): "NAME: str(value)", or a bare
// "NAME" when value is None.
func faultWithValue(code faults.Code, v xmlrpc.Value) error {
	if v.IsNil() {
		return faults.Bare(code)
	}
	return faults.New(code, xmlrpc.Str(v))
}

// namespecArg is the first thing _getGroupAndProcess does with a name:
// namespec.split(':', 1), which needs a str.
func namespecArg(v xmlrpc.Value) (string, error) {
	if v.Kind() != xmlrpc.String {
		return "", noAttribute(v, "split")
	}
	return v.Str(), nil
}

// groupKeyArg is a lookup of name in supervisord.process_groups (a dict
// with str keys): an unhashable name is a TypeError, any other non-str
// simply is not found (BAD_NAME with str(name)).
func groupKeyArg(v xmlrpc.Value) (string, error) {
	if !xmlrpc.Hashable(v) {
		return "", errTypeError()
	}
	if v.Kind() != xmlrpc.String {
		return "", faultWithValue(faults.BadName, v)
	}
	return v.Str(), nil
}

// pyInt is Python's int(v). Errors: a ValueError is a *PyError of class
// ValueError, a TypeError is INCORRECT_PARAMETERS, an infinite float an
// OverflowError.
func pyInt(v xmlrpc.Value) (*big.Int, error) {
	switch v.Kind() {
	case xmlrpc.Int, xmlrpc.Bool:
		return v.BigInt(), nil
	case xmlrpc.Double:
		f := v.Double()
		switch {
		case math.IsNaN(f):
			return nil, &PyError{Class: "ValueError", Msg: "cannot convert float NaN to integer"}
		case math.IsInf(f, 0):
			return nil, &PyError{Class: "OverflowError", Msg: "cannot convert float infinity to integer"}
		}
		n, _ := big.NewFloat(math.Trunc(f)).Int(nil)
		return n, nil
	case xmlrpc.String:
		n, err := xmlrpc.ParsePyInt(v.Str())
		if err != nil {
			return nil, &PyError{Class: "ValueError", Msg: err.Error()}
		}
		return n, nil
	}
	return nil, errTypeError()
}

// faultsAttr is getattr(Faults, why) for a ValueError message that is not a
// fault name, which is what readLog does with int()'s errors.
func faultsAttr(msg string) *PyError {
	return &PyError{Class: "AttributeError", Msg: fmt.Sprintf("type object 'Faults' has no attribute '%s'", msg)}
}

var (
	maxInt64 = big.NewInt(math.MaxInt64)
	minInt64 = big.NewInt(math.MinInt64)
)

// clamp64 clamps an int to the int64 range.
func clamp64(n *big.Int) int64 {
	switch {
	case n.Cmp(maxInt64) > 0:
		return math.MaxInt64
	case n.Cmp(minInt64) < 0:
		return math.MinInt64
	}
	return n.Int64()
}

func fitsInt64(n *big.Int) bool { return n.IsInt64() }

// cappedInt is xmlrpc.capped_int: clamped to the 32-bit range.
func cappedInt(n int64) int64 {
	switch {
	case n > math.MaxInt32:
		return math.MaxInt32
	case n < math.MinInt32:
		return math.MinInt32
	}
	return n
}

// callArgs is func(*params) in system.multicall: the positional
// arguments that unpacking the given params produces.
func callArgs(params xmlrpc.Value) ([]xmlrpc.Value, error) {
	switch params.Kind() {
	case xmlrpc.Array:
		return params.Array(), nil
	case xmlrpc.String:
		var out []xmlrpc.Value
		for _, r := range params.Str() {
			out = append(out, xmlrpc.NewString(string(r)))
		}
		return out, nil
	case xmlrpc.Struct:
		var out []xmlrpc.Value
		for _, m := range params.Members() {
			out = append(out, m.Key)
		}
		return out, nil
	}
	return nil, errTypeError() // argument after * must be an iterable
}
