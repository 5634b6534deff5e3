package xmlrpc

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Python's rules for the values a request can carry: str(), repr(), type
// names, truth, and the int()/float() parsers. Supervisor's fault texts
// embed str() of arguments ("BAD_NAME: [1, 'x']"), and its unmarshaller
// converts <int> and <double> text with int() and float().

// TypeName is Python's type(v).__name__ as error messages print it.
func TypeName(v Value) string {
	switch v.kind {
	case Nil:
		return "NoneType"
	case Int:
		return "int"
	case Bool:
		return "bool"
	case String:
		return "str"
	case Double:
		return "float"
	case DateTime:
		return "datetime.datetime"
	case Base64:
		return "bytes"
	case Array:
		return "list"
	case Struct:
		return "dict"
	}
	return "object"
}

// Truth is Python's bool(v).
func Truth(v Value) bool {
	switch v.kind {
	case Nil:
		return false
	case Int:
		return v.big != nil || v.i != 0
	case Bool:
		return v.i != 0
	case String:
		return v.s != ""
	case Double:
		return v.f != 0
	case DateTime:
		return true
	case Base64:
		return len(v.b) > 0
	case Array:
		return len(v.arr) > 0
	case Struct:
		return len(v.mem) > 0
	}
	return false
}

// Hashable reports whether v can be a dict key or looked up in one.
func Hashable(v Value) bool { return v.kind != Array && v.kind != Struct }

// Str is Python's str(v).
func Str(v Value) string {
	switch v.kind {
	case String:
		return v.s
	case DateTime:
		if t, ok := v.Time(); ok {
			return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second())
		}
		return v.s
	}
	return Repr(v)
}

// Repr is Python's repr(v).
func Repr(v Value) string {
	var b strings.Builder
	writeRepr(&b, v, 0)
	return b.String()
}

func writeRepr(b *strings.Builder, v Value, depth int) {
	if depth > maxDepth {
		b.WriteString("...")
		return
	}
	switch v.kind {
	case Nil:
		b.WriteString("None")
	case Int:
		if v.big != nil {
			b.WriteString(v.big.String())
		} else {
			b.WriteString(strconv.FormatInt(v.i, 10))
		}
	case Bool:
		if v.i != 0 {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case String:
		b.WriteString(ReprString(v.s))
	case Double:
		b.WriteString(FloatRepr(v.f))
	case DateTime:
		if t, ok := v.Time(); ok {
			fields := []int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()}
			if fields[5] == 0 {
				fields = fields[:5]
			}
			parts := make([]string, len(fields))
			for i, f := range fields {
				parts[i] = strconv.Itoa(f)
			}
			b.WriteString("datetime.datetime(" + strings.Join(parts, ", ") + ")")
		} else {
			b.WriteString("<DateTime " + ReprString(v.s) + ">")
		}
	case Base64:
		b.WriteString(ReprBytes(v.b))
	case Array:
		b.WriteByte('[')
		for i, item := range v.arr {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, item, depth+1)
		}
		b.WriteByte(']')
	case Struct:
		b.WriteByte('{')
		for i, m := range v.mem {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRepr(b, m.Key, depth+1)
			b.WriteString(": ")
			writeRepr(b, m.Value, depth+1)
		}
		b.WriteByte('}')
	}
}

// ReprString is Python 3's repr() of a str.
func ReprString(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f:
			b.WriteRune(r)
		case pyPrintable(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyPrintable is str.isprintable() for one non-ASCII character: not in
// the categories Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs.
func pyPrintable(r rune) bool {
	if unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
		return false
	}
	return unicode.IsPrint(r)
}

// ReprBytes is Python 3's repr() of bytes.
func ReprBytes(p []byte) string {
	q := byte('\'')
	if strings.IndexByte(string(p), '\'') >= 0 && strings.IndexByte(string(p), '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(q)
	for _, c := range p {
		switch {
		case c == q || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// FloatRepr is Python's repr() of a float: the shortest text that reads
// back to the same value, in exponent form when the exponent is below -4
// or above 15, with ".0" added to integral values.
func FloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // "-d.ddde+XX"
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	digits := strings.Replace(mant, ".", "", 1)
	decpt := exp + 1 // position of the decimal point relative to digits
	var out string
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			out = "0." + strings.Repeat("0", -decpt) + digits
		case decpt >= len(digits):
			out = digits + strings.Repeat("0", decpt-len(digits)) + ".0"
		default:
			out = digits[:decpt] + "." + digits[decpt:]
		}
	} else {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		out = fmt.Sprintf("%se%s%02d", m, sign, exp)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// pySpace is str.isspace() for one character.
func pySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// decimalValue is the value of a Unicode decimal digit (category Nd), as
// Python's int() and float() accept them.
func decimalValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	// Nd characters come in runs of ten starting at a zero; every range of
	// the table starts at such a zero.
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

// ErrPyValue is a Python ValueError from int() or float(); its text is
// Python's message.
type ErrPyValue struct{ Msg string }

func (e *ErrPyValue) Error() string { return e.Msg }

// maxStrDigits is sys.int_info.default_max_str_digits.
const maxStrDigits = 4300

// ParsePyInt is Python's int(s) for a str: surrounding whitespace, a sign,
// decimal digits (any Unicode decimal digit) with single underscores
// between them.
func ParsePyInt(s string) (*big.Int, error) {
	bad := &ErrPyValue{Msg: "invalid literal for int() with base 10: " + ReprString(s)}
	t := strings.TrimFunc(s, pySpace)
	neg := false
	if t != "" && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" {
		return nil, bad
	}
	var digits strings.Builder
	prevUnderscore := true // forbids a leading underscore
	for _, r := range t {
		if r == '_' {
			if prevUnderscore {
				return nil, bad
			}
			prevUnderscore = true
			continue
		}
		d, ok := decimalValue(r)
		if !ok {
			return nil, bad
		}
		digits.WriteByte(byte('0' + d))
		prevUnderscore = false
	}
	if prevUnderscore {
		return nil, bad
	}
	// Python 3.11 refuses to convert more than 4300 digits (CVE-2020-10735),
	// which also keeps the quadratic conversion cheap.
	if digits.Len() > maxStrDigits {
		return nil, &ErrPyValue{Msg: fmt.Sprintf("Exceeds the limit (%d digits) for integer string conversion: value has %d digits; use sys.set_int_max_str_digits() to increase the limit", maxStrDigits, digits.Len())}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		return nil, bad
	}
	if neg {
		n.Neg(n)
	}
	return n, nil
}

// ParsePyFloat is Python's float(s) for a str.
func ParsePyFloat(s string) (float64, error) {
	bad := &ErrPyValue{Msg: "could not convert string to float: " + ReprString(s)}
	t := strings.TrimFunc(s, pySpace)
	sign := ""
	if t != "" && (t[0] == '+' || t[0] == '-') {
		sign = t[:1]
		t = t[1:]
	}
	switch strings.ToLower(t) {
	case "inf", "infinity":
		if sign == "-" {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	case "nan":
		return math.NaN(), nil
	}
	// number ::= [digitpart] "." digitpart | digitpart ["."] ; exponent ::= (e|E) [sign] digitpart
	var b strings.Builder
	b.WriteString(sign)
	i := 0
	rs := []rune(t)
	digitpart := func() bool {
		start := i
		for i < len(rs) {
			if d, ok := decimalValue(rs[i]); ok {
				b.WriteByte(byte('0' + d))
				i++
				continue
			}
			if rs[i] == '_' && i > start && i+1 < len(rs) {
				if _, ok := decimalValue(rs[i+1]); ok {
					i++
					continue
				}
			}
			break
		}
		return i > start
	}
	intPart := digitpart()
	fracPart := false
	if i < len(rs) && rs[i] == '.' {
		b.WriteByte('.')
		i++
		fracPart = digitpart()
	}
	if !intPart && !fracPart {
		return 0, bad
	}
	if i < len(rs) && (rs[i] == 'e' || rs[i] == 'E') {
		b.WriteByte('e')
		i++
		if i < len(rs) && (rs[i] == '+' || rs[i] == '-') {
			b.WriteRune(rs[i])
			i++
		}
		if !digitpart() {
			return 0, bad
		}
	}
	if i != len(rs) {
		return 0, bad
	}
	f, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return f, nil // overflow is inf and underflow 0, as in Python
		}
		return 0, bad
	}
	return f, nil
}

// validUTF8 reports whether p is valid UTF-8 (Python's strict decoder).
func validUTF8(p []byte) bool { return utf8.Valid(p) }
