package config

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// Supervisor expands every config value with Python's `value % dict`
// (options.expand). This file is a port of CPython 3.11's PyUnicode_Format
// for the only argument Supervisor ever passes (a dict whose values are
// str or int), so that every value expands, and every mistake fails, with
// the same text as under the reference.

// pyValue is a value of the expansion dict: a str or an int.
type pyValue struct {
	s     string
	i     int64
	isInt bool
}

func strVal(s string) pyValue { return pyValue{s: s} }
func intVal(i int64) pyValue  { return pyValue{i: i, isInt: true} }

func (v pyValue) str() string {
	if v.isInt {
		return strconv.FormatInt(v.i, 10)
	}
	return v.s
}

func (v pyValue) repr(ascii bool) string {
	if v.isInt {
		return strconv.FormatInt(v.i, 10)
	}
	if ascii {
		return pyfmt.ASCII(v.s)
	}
	return pyfmt.Repr(v.s)
}

// mapping is a Python dict of expansions: insertion-ordered, because
// `'%s' % d` prints the whole dict, in order.
type mapping struct {
	keys    []string
	vals    map[string]pyValue
	version int // counts changes, so a mapping combined from it can be reused
}

func newMapping() *mapping { return &mapping{vals: map[string]pyValue{}} }

// set is d[k] = v: a new key goes last, an existing one keeps its place.
func (m *mapping) set(k string, v pyValue) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
	m.version++
}

func (m *mapping) setStr(k, v string) { m.set(k, strVal(v)) }

// update is d.update(other).
func (m *mapping) update(o *mapping) {
	for _, k := range o.keys {
		m.set(k, o.vals[k])
	}
}

func (m *mapping) clone() *mapping {
	c := &mapping{keys: append([]string(nil), m.keys...), vals: make(map[string]pyValue, len(m.vals))}
	for k, v := range m.vals {
		c.vals[k] = v
	}
	return c
}

// combine is dict(list(a.items()) + list(b.items())).
func combine(a, b *mapping) *mapping {
	c := a.clone()
	c.update(b)
	return c
}

func (m *mapping) repr(ascii bool) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		if ascii {
			b.WriteString(pyfmt.ASCII(k))
		} else {
			b.WriteString(pyfmt.Repr(k))
		}
		b.WriteString(": ")
		b.WriteString(m.vals[k].repr(ascii))
	}
	b.WriteByte('}')
	return b.String()
}

// sortedKeys is sorted(d.keys()).
func (m *mapping) sortedKeys() []string {
	k := append([]string(nil), m.keys...)
	sort.Strings(k)
	return k
}

// keyError is Python's KeyError from a %(name)s whose name is missing.
type keyError struct{ key string }

func (e *keyError) Error() string { return pyfmt.Repr(e.key) }

// formatError is any other exception of the % operator (ValueError,
// TypeError, OverflowError); its text is str(exc).
type formatError struct{ msg string }

func (e *formatError) Error() string { return e.msg }

// maxFormatted bounds what one conversion may produce. Python would build
// a string of any size ("%(here)999999999s"); we refuse past 16 MiB rather
// than exhaust memory (docs/compat.md).
const maxFormatted = 16 << 20

const (
	fLJust = 1 << iota
	fSign
	fBlank
	fAlt
	fZero
)

// pyArg is what unicode_format_getnextarg hands out: the dict itself (for
// a conversion without a key) or one of its values.
type pyArg struct {
	dict *mapping
	val  pyValue
}

func (a pyArg) typeName() string {
	switch {
	case a.dict != nil:
		return "dict"
	case a.val.isInt:
		return "int"
	}
	return "str"
}

// pyPercent computes `format % m`.
func pyPercent(format string, m *mapping) (string, error) {
	f := []rune(format)
	n := len(f)
	at := func(i int) rune {
		if i < n {
			return f[i]
		}
		return 0 // the NUL terminator C reads past the end
	}
	var out strings.Builder
	args := pyArg{dict: m}
	argidx := -2 // arglen is always -1: the argument is never a tuple

	nextarg := func() (pyArg, error) {
		if argidx < -1 {
			argidx++
			return args, nil
		}
		return pyArg{}, &formatError{"not enough arguments for format string"}
	}

	pos := 0
	cnt := n
	for {
		cnt--
		if cnt < 0 {
			break
		}
		if f[pos] != '%' {
			start := pos
			pos++
			for cnt >= 0 && at(pos) != '%' {
				pos++
				cnt--
			}
			if cnt < 0 {
				pos--
			}
			out.WriteString(string(f[start:pos]))
			continue
		}
		pos++
		// unicode_format_arg
		ch := at(pos)
		if ch == '%' {
			pos++
			cnt--
			out.WriteByte('%')
			continue
		}
		flags, width, prec := 0, int64(-1), int64(-1)
		// digits reads the decimal number whose first digit is ch, as
		// CPython's width and precision loops do: ch is left on the
		// character after it, cnt counts what was consumed.
		digits := func(limit int64, tooBig string) (int64, error) {
			v := int64(ch - '0')
			for {
				cnt--
				if cnt < 0 {
					return v, nil
				}
				ch = f[pos]
				pos++
				if ch < '0' || ch > '9' {
					return v, nil
				}
				if v > (limit-int64(ch-'0'))/10 {
					return 0, &formatError{tooBig}
				}
				v = v*10 + int64(ch-'0')
			}
		}
		if at(pos) == '(' {
			pcount := 1
			pos++
			cnt--
			keystart := pos
			for pcount > 0 {
				cnt--
				if cnt < 0 {
					break
				}
				ch = f[pos]
				if ch == ')' {
					pcount--
				} else if ch == '(' {
					pcount++
				}
				pos++
			}
			keylen := pos - keystart - 1
			if cnt < 0 || pcount > 0 {
				return "", &formatError{"incomplete format key"}
			}
			key := string(f[keystart : keystart+keylen])
			v, ok := m.vals[key]
			if !ok {
				return "", &keyError{key}
			}
			args = pyArg{val: v}
			argidx = -2
		}
	flagLoop:
		for {
			cnt--
			if cnt < 0 {
				break
			}
			ch = f[pos]
			pos++
			switch ch {
			case '-':
				flags |= fLJust
			case '+':
				flags |= fSign
			case ' ':
				flags |= fBlank
			case '#':
				flags |= fAlt
			case '0':
				flags |= fZero
			default:
				break flagLoop
			}
		}
		if ch == '*' {
			v, err := nextarg()
			if err != nil {
				return "", err
			}
			if v.dict != nil || !v.val.isInt {
				return "", &formatError{"* wants int"}
			}
			width = v.val.i
			if width < 0 {
				flags |= fLJust
				width = -width
			}
			cnt--
			if cnt >= 0 {
				ch = f[pos]
				pos++
			}
		} else if ch >= '0' && ch <= '9' {
			w, err := digits(math.MaxInt64, "width too big")
			if err != nil {
				return "", err
			}
			width = w
		}
		if ch == '.' {
			prec = 0
			cnt--
			if cnt >= 0 {
				ch = f[pos]
				pos++
			}
			if ch == '*' {
				v, err := nextarg()
				if err != nil {
					return "", err
				}
				if v.dict != nil || !v.val.isInt {
					return "", &formatError{"* wants int"}
				}
				if v.val.i > math.MaxInt32 || v.val.i < math.MinInt32 {
					return "", &formatError{"Python int too large to convert to C int"}
				}
				prec = v.val.i
				if prec < 0 {
					prec = 0
				}
				cnt--
				if cnt >= 0 {
					ch = f[pos]
					pos++
				}
			} else if ch >= '0' && ch <= '9' {
				p, err := digits(math.MaxInt32, "precision too big")
				if err != nil {
					return "", err
				}
				prec = p
			}
		}
		if cnt >= 0 && (ch == 'h' || ch == 'l' || ch == 'L') {
			cnt--
			if cnt >= 0 {
				ch = f[pos]
				pos++
			}
		}
		if cnt < 0 {
			return "", &formatError{"incomplete format"}
		}
		v, err := nextarg()
		if err != nil {
			return "", err
		}
		a := fmtArg{ch: ch, flags: flags, width: int(min(width, maxFormatted+1)), prec: int(min(prec, maxFormatted+1))}
		if err := a.format(&out, v, pos-1); err != nil {
			return "", err
		}
		if out.Len() > maxFormatted {
			return "", &formatError{"formatted value too long"}
		}
	}
	return out.String(), nil
}

type fmtArg struct {
	ch          rune
	flags       int
	width, prec int
	sign        bool
}

// format is unicode_format_arg_format followed by
// unicode_format_arg_output.
func (a *fmtArg) format(out *strings.Builder, v pyArg, index int) error {
	if !strings.ContainsRune("srad iuoxXeEfFgGc", a.ch) || a.ch == ' ' {
		shown := '?'
		if a.ch >= 31 && a.ch <= 126 {
			shown = a.ch
		}
		return &formatError{fmt.Sprintf("unsupported format character '%c' (0x%x) at index %d", shown, a.ch, index)}
	}
	if a.width > maxFormatted || a.prec > maxFormatted {
		return &formatError{"formatted value too long"}
	}
	var s string
	switch a.ch {
	case 's', 'r', 'a':
		if v.dict == nil && v.val.isInt && a.width == -1 && a.prec == -1 {
			out.WriteString(strconv.FormatInt(v.val.i, 10))
			return nil
		}
		switch {
		case v.dict != nil && a.ch == 's':
			s = v.dict.repr(false)
		case v.dict != nil:
			s = v.dict.repr(a.ch == 'a')
		case a.ch == 's':
			s = v.val.str()
		default:
			s = v.val.repr(a.ch == 'a')
		}
	case 'i', 'd', 'u', 'o', 'x', 'X':
		if v.dict != nil || !v.val.isInt {
			if a.ch == 'o' || a.ch == 'x' || a.ch == 'X' {
				return &formatError{fmt.Sprintf("%%%c format: an integer is required, not %s", a.ch, v.typeName())}
			}
			return &formatError{fmt.Sprintf("%%%c format: a real number is required, not %s", a.ch, v.typeName())}
		}
		s = formatLong(v.val.i, a.flags&fAlt != 0, a.prec, a.ch)
		if a.width == -1 && a.prec == -1 && a.flags&(fSign|fBlank) == 0 && a.ch != 'X' {
			out.WriteString(s)
			return nil
		}
		a.sign = true
	case 'e', 'E', 'f', 'F', 'g', 'G':
		if v.dict != nil || !v.val.isInt {
			return &formatError{fmt.Sprintf("must be real number, not %s", v.typeName())}
		}
		prec := a.prec
		if prec < 0 {
			prec = 6
		}
		s = formatFloat(float64(v.val.i), a.ch, prec, a.flags&fAlt != 0)
		if a.width == -1 && a.prec == -1 && a.flags&(fSign|fBlank) == 0 {
			out.WriteString(s)
			return nil
		}
		a.sign = true
	case 'c':
		var c rune
		switch {
		case v.dict != nil:
			return &formatError{"%c requires int or char"}
		case v.val.isInt:
			if v.val.i < 0 || v.val.i > 0x10ffff {
				return &formatError{"%c arg not in range(0x110000)"}
			}
			c = rune(v.val.i)
		default:
			r := []rune(v.val.s)
			if len(r) != 1 {
				return &formatError{"%c requires int or char"}
			}
			c = r[0]
		}
		if a.width == -1 && a.prec == -1 {
			out.WriteRune(c)
			return nil
		}
		s = string(c)
	default:
		shown := '?'
		if a.ch >= 31 && a.ch <= 126 {
			shown = a.ch
		}
		return &formatError{fmt.Sprintf("unsupported format character '%c' (0x%x) at index %d", shown, a.ch, index)}
	}
	a.output(out, []rune(s))
	return nil
}

// output is unicode_format_arg_output: width, precision, sign and fill.
func (a *fmtArg) output(out *strings.Builder, str []rune) {
	fill := ' '
	if a.sign && a.flags&fZero != 0 {
		fill = '0'
	}
	n := len(str)
	if (a.width == -1 || a.width <= n) && (a.prec == -1 || a.prec >= n) && a.flags&(fSign|fBlank) == 0 {
		out.WriteString(string(str))
		return
	}
	if a.ch == 's' || a.ch == 'r' || a.ch == 'a' {
		if a.prec >= 0 && n > a.prec {
			n = a.prec
		}
	}
	pindex := 0
	var signchar rune
	if a.sign {
		c := rune(0)
		if len(str) > 0 {
			c = str[0]
		}
		switch {
		case c == '-' || c == '+':
			signchar = c
			n--
			pindex++
		case a.flags&fSign != 0:
			signchar = '+'
		case a.flags&fBlank != 0:
			signchar = ' '
		default:
			a.sign = false
		}
	}
	width := a.width
	if width < n {
		width = n
	}
	if signchar != 0 {
		if fill != ' ' {
			out.WriteRune(signchar)
		}
		if width > n {
			width--
		}
	}
	alt := a.flags&fAlt != 0 && (a.ch == 'x' || a.ch == 'X' || a.ch == 'o')
	if alt {
		if fill != ' ' {
			out.WriteRune('0')
			out.WriteRune(a.ch)
			pindex += 2
		}
		width -= 2
		if width < 0 {
			width = 0
		}
		n -= 2
	}
	if width > n && a.flags&fLJust == 0 {
		out.WriteString(strings.Repeat(string(fill), width-n))
		width = n
	}
	if fill == ' ' {
		if signchar != 0 {
			out.WriteRune(signchar)
		}
		if alt {
			out.WriteRune('0')
			out.WriteRune(a.ch)
			pindex += 2
		}
	}
	if n > 0 {
		out.WriteString(string(str[pindex : pindex+n]))
	}
	if width > n {
		out.WriteString(strings.Repeat(" ", width-n))
	}
}

// formatLong is _PyUnicode_FormatLong for an int.
func formatLong(v int64, alt bool, prec int, typ rune) string {
	neg := v < 0
	var digits, prefix string
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	switch typ {
	case 'o':
		digits = strconv.FormatUint(u, 8)
		prefix = "0o"
	case 'x', 'X':
		digits = strconv.FormatUint(u, 16)
		prefix = "0x"
	default:
		digits = strconv.FormatUint(u, 10)
	}
	if !alt {
		prefix = ""
	}
	if prec > len(digits) {
		digits = strings.Repeat("0", prec-len(digits)) + digits
	}
	s := prefix + digits
	if neg {
		s = "-" + s
	}
	if typ == 'X' {
		s = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'x' {
				return r - 'a' + 'A'
			}
			return r
		}, s)
	}
	return s
}

// formatFloat is PyOS_double_to_string for a finite value.
func formatFloat(x float64, typ rune, prec int, alt bool) string {
	upper := typ == 'E' || typ == 'F' || typ == 'G'
	var s string
	switch typ {
	case 'f', 'F':
		s = strconv.FormatFloat(x, 'f', prec, 64)
		if alt && !strings.Contains(s, ".") {
			s += "."
		}
	case 'e', 'E':
		s = strconv.FormatFloat(x, 'e', prec, 64)
		if alt && prec == 0 {
			i := strings.IndexByte(s, 'e')
			s = s[:i] + "." + s[i:]
		}
	default: // g, G
		if prec == 0 {
			prec = 1
		}
		e := strconv.FormatFloat(x, 'e', prec-1, 64)
		i := strings.IndexByte(e, 'e')
		exp, _ := strconv.Atoi(e[i+1:])
		if exp < -4 || exp >= prec {
			mant := e[:i]
			if !alt {
				if strings.Contains(mant, ".") {
					mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
				}
			} else if !strings.Contains(mant, ".") {
				mant += "."
			}
			s = mant + e[i:]
		} else {
			s = strconv.FormatFloat(x, 'f', prec-1-exp, 64)
			if !alt {
				if strings.Contains(s, ".") {
					s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
				}
			} else if !strings.Contains(s, ".") {
				s += "."
			}
		}
	}
	if upper {
		s = strings.ToUpper(s)
	}
	return s
}

// expand is options.expand: `s % expansions`, with Supervisor's texts.
func expand(s string, m *mapping, name string) (string, error) {
	out, err := pyPercent(s, m)
	if err == nil {
		return out, nil
	}
	if ke, ok := err.(*keyError); ok {
		return "", fmt.Errorf("Format string %s for %s contains names (%s) which cannot be expanded. Available names: %s",
			pyfmt.Repr(s), pyfmt.Repr(name), ke.Error(), strings.Join(m.sortedKeys(), ", "))
	}
	return "", fmt.Errorf("Format string %s for %s is badly formatted: %s", pyfmt.Repr(s), pyfmt.Repr(name), err.Error())
}
