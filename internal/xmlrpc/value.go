// Package xmlrpc is gosupervisor's XML-RPC codec and client, shared by the
// daemon's RPC server and supervisorctl.
//
// It owns the value model (Value: Python's xmlrpc types, with struct members
// kept in order because Supervisor's answers are Python dicts marshalled in
// insertion order), the encoder that writes responses byte for byte as
// Python's xmlrpc.client.dumps does, the request decoder that reproduces
// Supervisor's own unmarshaller (supervisor_xmlrpc_handler.loads, quirks
// included), the response decoder that reads what Python's xmlrpc.client
// would read, and the HTTP client (Client) for http:// and unix:// server
// URLs with Supervisor's transport rules.
//
// It does not know any method: dispatch, argument checking and fault texts
// live in internal/rpc; listeners and authentication in internal/httpserver.
// See docs/xmlrpc.md for why this is not github.com/kolo/xmlrpc.
package xmlrpc

import (
	"fmt"
	"math"
	"math/big"
	"time"
)

// Kind is the type of a Value. The kinds are Python's types as they come
// out of an XML-RPC decoder, so a request value keeps the type the client
// sent and the RPC layer can reproduce Python's behaviour with it.
type Kind uint8

// The kinds of values.
const (
	Nil      Kind = iota // None: <nil/>, or an empty element of unknown type
	Int                  // <int>, <i4> (and on the client <i8>, ...)
	Bool                 // <boolean>
	String               // <string>, or a <value> with no type element
	Double               // <double>
	DateTime             // <dateTime.iso8601>
	Base64               // <base64> (client side; Supervisor decodes it to a string)
	Array                // <array>
	Struct               // <struct>
)

var kindNames = [...]string{"nil", "int", "boolean", "string", "double", "dateTime.iso8601", "base64", "array", "struct"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Value is one XML-RPC value. The zero Value is Nil. Values are immutable
// once built; slices returned by accessors must not be modified.
type Value struct {
	kind Kind
	i    int64
	big  *big.Int // non-nil only for an Int outside int64
	s    string   // String; DateTime's text
	f    float64
	t    time.Time // DateTime, when the text parsed
	b    []byte
	arr  []Value
	mem  []Member
}

// Member is one struct member. Key is a String for every struct this
// package builds or a client receives; a decoded request may carry other
// hashable kinds, as Python's dict() builds them from the <name> element.
type Member struct {
	Key   Value
	Value Value
}

// NilValue returns None.
func NilValue() Value { return Value{} }

// NewInt returns an int.
func NewInt(i int64) Value { return Value{kind: Int, i: i} }

// NewBigInt returns an int of any size.
func NewBigInt(x *big.Int) Value {
	if x.IsInt64() {
		return Value{kind: Int, i: x.Int64()}
	}
	return Value{kind: Int, big: new(big.Int).Set(x)}
}

// NewBool returns a boolean.
func NewBool(b bool) Value { return Value{kind: Bool, i: b2i(b)} }

// NewString returns a string.
func NewString(s string) Value { return Value{kind: String, s: s} }

// NewDouble returns a double.
func NewDouble(f float64) Value { return Value{kind: Double, f: f} }

// NewDateTime returns a dateTime.iso8601 (seconds precision, as XML-RPC).
func NewDateTime(t time.Time) Value {
	return Value{kind: DateTime, t: t, s: t.Format("20060102T15:04:05")}
}

// NewBase64 returns a base64 (binary) value.
func NewBase64(b []byte) Value { return Value{kind: Base64, b: append([]byte(nil), b...)} }

// NewArray returns an array of the given values.
func NewArray(vs ...Value) Value {
	if vs == nil {
		vs = []Value{}
	}
	return Value{kind: Array, arr: vs}
}

// NewStruct returns a struct with the members in the given order.
func NewStruct(ms ...Member) Value {
	if ms == nil {
		ms = []Member{}
	}
	return Value{kind: Struct, mem: ms}
}

// M is a struct member with a string key.
func M(name string, v Value) Member { return Member{Key: NewString(name), Value: v} }

// Strings returns an array of strings.
func Strings(ss []string) Value {
	vs := make([]Value, len(ss))
	for i, s := range ss {
		vs[i] = NewString(s)
	}
	return NewArray(vs...)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Kind returns the value's kind.
func (v Value) Kind() Kind { return v.kind }

// IsNil reports whether v is None.
func (v Value) IsNil() bool { return v.kind == Nil }

// Int returns an Int's value and whether it fits in an int64. For a Bool it
// returns 0 or 1, as Python's int(True).
func (v Value) Int() (int64, bool) {
	switch v.kind {
	case Int:
		if v.big != nil {
			return 0, false
		}
		return v.i, true
	case Bool:
		return v.i, true
	}
	return 0, false
}

// BigInt returns an Int's value of any size (nil for other kinds).
func (v Value) BigInt() *big.Int {
	switch v.kind {
	case Int:
		if v.big != nil {
			return new(big.Int).Set(v.big)
		}
		return big.NewInt(v.i)
	case Bool:
		return big.NewInt(v.i)
	}
	return nil
}

// Bool returns a Bool's value.
func (v Value) Bool() bool { return v.kind == Bool && v.i != 0 }

// Str returns a String's value ("" for other kinds).
func (v Value) Str() string {
	if v.kind == String {
		return v.s
	}
	return ""
}

// Double returns a Double's value.
func (v Value) Double() float64 { return v.f }

// DateTimeText returns a DateTime's text as sent ("20200102T03:04:05").
func (v Value) DateTimeText() string {
	if v.kind == DateTime {
		return v.s
	}
	return ""
}

// Time returns a DateTime's time, and false when its text is not in the
// usual form.
func (v Value) Time() (time.Time, bool) {
	if v.kind != DateTime || v.t.IsZero() {
		return time.Time{}, false
	}
	return v.t, true
}

// Bytes returns a Base64's bytes.
func (v Value) Bytes() []byte { return v.b }

// Array returns an Array's items.
func (v Value) Array() []Value { return v.arr }

// Members returns a Struct's members in order.
func (v Value) Members() []Member { return v.mem }

// Get returns the value of a struct member with a string key.
func (v Value) Get(name string) (Value, bool) {
	for _, m := range v.mem {
		if m.Key.kind == String && m.Key.s == name {
			return m.Value, true
		}
	}
	return Value{}, false
}

// Len is the number of items of an Array or members of a Struct.
func (v Value) Len() int {
	switch v.kind {
	case Array:
		return len(v.arr)
	case Struct:
		return len(v.mem)
	}
	return 0
}

// Equal reports whether two values are the same XML-RPC value (NaN equals
// NaN here, unlike Python, so that decoded results can be compared).
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case Nil:
		return true
	case Int:
		return v.BigInt().Cmp(w.BigInt()) == 0
	case Bool:
		return v.i == w.i
	case String:
		return v.s == w.s
	case Double:
		return v.f == w.f || (math.IsNaN(v.f) && math.IsNaN(w.f))
	case DateTime:
		return v.s == w.s
	case Base64:
		return string(v.b) == string(w.b)
	case Array:
		if len(v.arr) != len(w.arr) {
			return false
		}
		for i := range v.arr {
			if !v.arr[i].Equal(w.arr[i]) {
				return false
			}
		}
		return true
	case Struct:
		if len(v.mem) != len(w.mem) {
			return false
		}
		for i := range v.mem {
			if !v.mem[i].Key.Equal(w.mem[i].Key) || !v.mem[i].Value.Equal(w.mem[i].Value) {
				return false
			}
		}
		return true
	}
	return false
}

// GoString renders a value in Python's repr style, for test failures and
// debugging.
func (v Value) GoString() string { return Repr(v) }

// String renders a value as Python's str() does.
func (v Value) String() string { return Str(v) }
