package config

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
	"unicode"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// Python's str methods differ from Go's strings package at the edges
// (which characters are whitespace, multi-character case mappings, what
// int() accepts). Supervisor's behaviour, and its error texts, follow
// Python's, so the helpers here do too.

func pyIsSpace(r rune) bool { return pySpaces[r] }

// pyStrip is str.strip() without arguments.
func pyStrip(s string) string { return strings.TrimFunc(s, pyIsSpace) }

// pyLower is str.lower().
func pyLower(s string) string {
	var b strings.Builder
	for _, r := range s {
		if m, ok := pyLowerSpecial[r]; ok {
			b.WriteString(m)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// pyUpper is str.upper().
func pyUpper(s string) string {
	var b strings.Builder
	for _, r := range s {
		if m, ok := pyUpperSpecial[r]; ok {
			b.WriteString(m)
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// pyDecimal returns the decimal value of r as Python's unicodedata knows it,
// or -1.
func pyDecimal(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	if r < 0x80 {
		return -1
	}
	i := sort.Search(len(pyDecimalZeros), func(i int) bool { return pyDecimalZeros[i] > r }) - 1
	if i >= 0 && r-pyDecimalZeros[i] < 10 {
		return int(r - pyDecimalZeros[i])
	}
	return -1
}

// repr is Python's repr() of a str.
func repr(s string) string { return pyfmt.Repr(s) }

// reprTrunc is repr(s) cut to n characters, as C's "%.200R" does.
func reprTrunc(s string, n int) string {
	r := []rune(repr(s))
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// pyIntError is the ValueError text of a failed int() call.
type pyIntError struct{ msg string }

func (e *pyIntError) Error() string { return e.msg }

// maxStrDigits is sys.get_int_max_str_digits() of Python 3.11.
const maxStrDigits = 4300

// pyInt is Python's int(s, base) for base 10 or 8 (base 8 also accepts the
// 0o prefix). It returns the value when it fits in an int64; big is the
// exact value whenever the syntax is valid (it is set even when the value
// does not fit). The error text is Python's.
func pyInt(s string, base int) (int64, *big.Int, error) {
	bad := func() error {
		return &pyIntError{fmt.Sprintf("invalid literal for int() with base %d: %s", base, reprTrunc(s, 200))}
	}
	// _PyUnicode_TransformDecimalAndSpaceToASCII: non-ASCII spaces become
	// ' ', non-ASCII decimal digits their ASCII digit, anything else ends
	// the string with '?'.
	var t []byte
	for _, r := range s {
		switch {
		case r < 127:
			t = append(t, byte(r))
			continue
		case pyIsSpace(r):
			t = append(t, ' ')
			continue
		}
		d := pyDecimal(r)
		if d < 0 {
			t = append(t, '?')
			break
		}
		t = append(t, byte('0'+d))
	}
	isSpace := func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	i, n := 0, len(t)
	for i < n && isSpace(t[i]) {
		i++
	}
	neg := false
	if i < n && (t[i] == '+' || t[i] == '-') {
		neg = t[i] == '-'
		i++
	}
	if base == 8 && i+1 < n && t[i] == '0' && (t[i+1] == 'o' || t[i+1] == 'O') {
		i += 2
		if i < n && t[i] == '_' {
			i++
		}
	}
	digit := func(c byte) bool {
		if base == 8 {
			return c >= '0' && c <= '7'
		}
		return c >= '0' && c <= '9'
	}
	var digits []byte
	prevUnderscore := false
	for i < n {
		c := t[i]
		if c == '_' {
			if prevUnderscore || len(digits) == 0 {
				return 0, nil, bad()
			}
			prevUnderscore = true
			i++
			continue
		}
		if !digit(c) {
			break
		}
		digits = append(digits, c)
		prevUnderscore = false
		i++
	}
	if base == 10 && len(digits) > maxStrDigits {
		return 0, nil, &pyIntError{fmt.Sprintf("Exceeds the limit (%d digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", maxStrDigits, len(digits))}
	}
	if len(digits) == 0 || prevUnderscore {
		return 0, nil, bad()
	}
	for i < n && isSpace(t[i]) {
		i++
	}
	if i != n {
		return 0, nil, bad()
	}
	b, ok := new(big.Int).SetString(string(digits), base)
	if !ok {
		return 0, nil, bad()
	}
	if neg {
		b.Neg(b)
	}
	if !b.IsInt64() {
		return 0, b, nil
	}
	return b.Int64(), b, nil
}

// errTooBig is our error for an integer Python would accept but that does
// not fit in 64 bits (see docs/compat.md).
func errTooBig(v *big.Int) error {
	return fmt.Errorf("integer value out of range: %s", v.String())
}

// integer is datatypes.integer (Python's int()), limited to 64 bits.
func integer(s string) (int64, error) {
	v, b, err := pyInt(s, 10)
	if err != nil {
		return 0, err
	}
	if !b.IsInt64() {
		return 0, errTooBig(b)
	}
	return v, nil
}

// integerInt is integer for the fields kept as a Go int.
func integerInt(s string) (int, error) {
	v, err := integer(s)
	return int(v), err
}
