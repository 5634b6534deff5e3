package ctl

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// Values from the server are plain Go values, shaped like what Python's
// xmlrpc.client hands supervisorctl: nil (None), bool, int64 or *big.Int
// (int), float64, string, Binary, DateTime, []any (list) and Dict. The
// commands treat them with Python's rules (truth, equality, str(), the
// TypeError/KeyError a bad shape raises), so a server that answers
// something odd gets the reference's error line, never a panic.

// Dict is an XML-RPC struct: its members in the order the server sent them.
type Dict []KV

// KV is one member of a Dict.
type KV struct {
	Key   string
	Value any
}

// Get returns the last member named key, as a Python dict built from the
// members would.
func (d Dict) Get(key string) (any, bool) {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i].Key == key {
			return d[i].Value, true
		}
	}
	return nil, false
}

// Binary is an XML-RPC base64 value (xmlrpc.client.Binary).
type Binary []byte

// DateTime is an XML-RPC dateTime.iso8601 value, as its text
// (xmlrpc.client.DateTime, whose str() is that text).
type DateTime string

// pyTypeName is type(v).__name__.
func pyTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int64, int, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case Binary:
		return "Binary"
	case DateTime:
		return "DateTime"
	case []any:
		return "list"
	case Dict:
		return "dict"
	}
	return "object"
}

// pyStr is Python's str().
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case *big.Int:
		return x.String()
	case float64:
		return pyFloatRepr(x)
	case string:
		return x
	case DateTime:
		return string(x)
	}
	return pyRepr(v)
}

// pyRepr is Python's repr().
func pyRepr(v any) string {
	switch x := v.(type) {
	case string:
		return pyfmt.Repr(x)
	case DateTime:
		return "<DateTime " + pyfmt.Repr(string(x)) + " at 0x7f0000000000>"
	case Binary:
		return "<xmlrpc.client.Binary object at 0x7f0000000000>"
	case []any:
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(pyRepr(e))
		}
		b.WriteByte(']')
		return b.String()
	case Dict:
		// A dict keeps the first position of a repeated key and its
		// last value.
		var b strings.Builder
		b.WriteByte('{')
		seen := map[string]bool{}
		n := 0
		for _, kv := range x {
			if seen[kv.Key] {
				continue
			}
			seen[kv.Key] = true
			if n > 0 {
				b.WriteString(", ")
			}
			n++
			val, _ := x.Get(kv.Key)
			b.WriteString(pyfmt.Repr(kv.Key))
			b.WriteString(": ")
			b.WriteString(pyRepr(val))
		}
		b.WriteByte('}')
		return b.String()
	}
	return pyStr(v)
}

// pyFloatRepr is repr() of a float: the shortest text that reads back,
// in Python's layout (1.0, 1e+16, 1.5e-05, inf, nan).
func pyFloatRepr(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, exps, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(exps)
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			return sign + "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			return sign + digits[:decpt] + "." + digits[decpt:]
		}
	}
	m := digits[:1]
	if len(digits) > 1 {
		m += "." + digits[1:]
	}
	es := "+"
	if exp < 0 {
		es, exp = "-", -exp
	}
	e := strconv.Itoa(exp)
	if len(e) < 2 {
		e = "0" + e
	}
	return sign + m + "e" + es + e
}

// pyTruth is Python's truth value.
func pyTruth(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case int:
		return x != 0
	case *big.Int:
		return x.Sign() != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case Binary:
		return len(x) != 0
	case []any:
		return len(x) != 0
	case Dict:
		return len(x) != 0
	}
	return true
}

// pyNumber returns v as a number if Python would compare it as one
// (bool, int, float).
func pyNumber(v any) (float64, *big.Int, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, big.NewInt(1), true
		}
		return 0, big.NewInt(0), true
	case int64:
		return float64(x), big.NewInt(x), true
	case int:
		return float64(x), big.NewInt(int64(x)), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, x, true
	case float64:
		return x, nil, true
	}
	return 0, nil, false
}

// pyEqInt is v == n in Python.
func pyEqInt(v any, n int64) bool {
	f, bi, ok := pyNumber(v)
	if !ok {
		return false
	}
	if bi != nil {
		return bi.IsInt64() && bi.Int64() == n
	}
	return f == float64(n)
}

// pyEq is Python's == for the values a server can send.
func pyEq(a, b any) bool {
	if fa, ba, ok := pyNumber(a); ok {
		fb, bb, ok := pyNumber(b)
		if !ok {
			return false
		}
		if ba != nil && bb != nil {
			return ba.Cmp(bb) == 0
		}
		return fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case DateTime:
		y, ok := b.(DateTime)
		return ok && x == y
	case Binary:
		y, ok := b.(Binary)
		return ok && string(x) == string(y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !pyEq(x[i], y[i]) {
				return false
			}
		}
		return true
	case Dict:
		y, ok := b.(Dict)
		if !ok {
			return false
		}
		kx, ky := dictKeys(x), dictKeys(y)
		if len(kx) != len(ky) {
			return false
		}
		for _, k := range kx {
			va, _ := x.Get(k)
			vb, ok := y.Get(k)
			if !ok || !pyEq(va, vb) {
				return false
			}
		}
		return true
	}
	return false
}

func dictKeys(d Dict) []string {
	seen := map[string]bool{}
	var keys []string
	for _, kv := range d {
		if !seen[kv.Key] {
			seen[kv.Key] = true
			keys = append(keys, kv.Key)
		}
	}
	return keys
}

// pyIsSpace is str.isspace() for one character.
func pyIsSpace(r rune) bool {
	if r >= 0x1c && r <= 0x1f {
		return true
	}
	return unicode.IsSpace(r)
}

// pySplit is str.split() with no separator.
func pySplit(s string) []string { return strings.FieldsFunc(s, pyIsSpace) }

// pyStrip is str.strip() with no argument.
func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// pyLen is len() of a str: code points.
func pyLen(s string) int { return utf8.RuneCountInString(s) }

// padRight is '%-Ns' % s.
func padRight(s string, width int) string {
	if n := pyLen(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
