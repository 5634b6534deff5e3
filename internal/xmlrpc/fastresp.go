package xmlrpc

import (
	"strconv"
	"strings"
)

// The fast path of DecodeResponse. Supervisor's answers (and ours) are
// written by Python's Marshaller, always in the same shape: one value per
// line, <int>/<boolean>/<string>/<double>/<array>/<struct>/<nil/>, only
// &, < and > escaped. fastResponse reads exactly that shape with no
// intermediate tree, slicing strings out of the body, and reports !ok at
// the first thing it does not expect (a comment, a namespace, another
// type, an entity other than the predefined ones, odd whitespace...), so
// that DecodeResponse falls back to the general parser. For every answer
// it accepts it returns what the general parser returns (fastresp_test.go
// checks this on random values and on mutations of them).

type fastDecoder struct {
	src string
	pos int
	// sizes is the member count of the last struct seen at each depth:
	// the items of an array are usually alike, so the next struct's
	// members are allocated at once.
	sizes []int
}

func (d *fastDecoder) lit(s string) bool {
	if strings.HasPrefix(d.src[d.pos:], s) {
		d.pos += len(s)
		return true
	}
	return false
}

// text reads character data up to the next '<', expanding the five
// predefined entities.
func (d *fastDecoder) text() (string, bool) {
	rest := d.src[d.pos:]
	end := strings.IndexByte(rest, '<')
	if end < 0 {
		return "", false
	}
	raw := rest[:end]
	d.pos += end
	amp := strings.IndexByte(raw, '&')
	if amp < 0 {
		return raw, true
	}
	var b strings.Builder
	b.Grow(len(raw))
	for amp >= 0 {
		b.WriteString(raw[:amp])
		raw = raw[amp:]
		semi := strings.IndexByte(raw, ';')
		if semi < 0 {
			return "", false
		}
		switch raw[1:semi] {
		case "amp":
			b.WriteByte('&')
		case "lt":
			b.WriteByte('<')
		case "gt":
			b.WriteByte('>')
		case "quot":
			b.WriteByte('"')
		case "apos":
			b.WriteByte('\'')
		default:
			return "", false
		}
		raw = raw[semi+1:]
		amp = strings.IndexByte(raw, '&')
	}
	b.WriteString(raw)
	return b.String(), true
}

// smallInt parses what strconv can without changing Python's answer: an
// optional '-' and 1 to 18 digits.
func smallInt(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func (d *fastDecoder) value(depth int) (Value, bool) {
	if depth > maxDepth || !d.lit("<value>") {
		return Value{}, false
	}
	var v Value
	switch {
	case d.lit("<string>"):
		s, ok := d.text()
		if !ok || !d.lit("</string>") {
			return Value{}, false
		}
		v = NewString(s)
	case d.lit("<int>"):
		s, ok := d.text()
		if !ok || !d.lit("</int>") {
			return Value{}, false
		}
		if n, ok := smallInt(s); ok {
			v = NewInt(n)
		} else {
			n, err := ParsePyInt(s)
			if err != nil {
				return Value{}, false
			}
			v = NewBigInt(n)
		}
	case d.lit("<boolean>"):
		switch {
		case d.lit("0</boolean>"):
			v = NewBool(false)
		case d.lit("1</boolean>"):
			v = NewBool(true)
		default:
			return Value{}, false
		}
	case d.lit("<double>"):
		s, ok := d.text()
		if !ok || !d.lit("</double>") {
			return Value{}, false
		}
		f, err := ParsePyFloat(s)
		if err != nil {
			return Value{}, false
		}
		v = NewDouble(f)
	case d.lit("<nil/>"):
	case d.lit("<array><data>\n"):
		items := []Value{}
		for !d.lit("</data></array>") {
			item, ok := d.value(depth + 1)
			if !ok {
				return Value{}, false
			}
			items = append(items, item)
		}
		v = NewArray(items...)
	case d.lit("<struct>\n"):
		for len(d.sizes) <= depth {
			d.sizes = append(d.sizes, 4)
		}
		ms := make([]Member, 0, d.sizes[depth])
		for !d.lit("</struct>") {
			if !d.lit("<member>\n<name>") {
				return Value{}, false
			}
			name, ok := d.text()
			if !ok || !d.lit("</name>\n") {
				return Value{}, false
			}
			item, ok := d.value(depth + 1)
			if !ok || !d.lit("</member>\n") {
				return Value{}, false
			}
			// A repeated name keeps its first place and its last value,
			// as the general decoder (and Python's dict) does.
			dup := false
			for i := range ms {
				if ms[i].Key.s == name {
					ms[i].Value, dup = item, true
					break
				}
			}
			if !dup {
				ms = append(ms, M(name, item))
			}
			if len(ms) > 256 {
				return Value{}, false // the linear duplicate check would get slow
			}
		}
		d.sizes[depth] = len(ms)
		v = NewStruct(ms...)
	default:
		return Value{}, false
	}
	if !d.lit("</value>\n") {
		return Value{}, false
	}
	return v, true
}

// fastResponse decodes src (valid UTF-8, line ends normalized) when it has
// exactly the Marshaller's shape; fault is true for a <fault> answer.
func fastResponse(src string) (v Value, fault, ok bool) {
	d := &fastDecoder{src: src}
	if !d.lit(xmlHeader) || !d.lit("<methodResponse>\n") {
		return Value{}, false, false
	}
	switch {
	case d.lit("<params>\n<param>\n"):
		v, ok = d.value(0)
		if !ok || !d.lit("</param>\n</params>\n") {
			return Value{}, false, false
		}
	case d.lit("<fault>\n"):
		fault = true
		v, ok = d.value(0)
		if !ok || !d.lit("</fault>\n") {
			return Value{}, false, false
		}
	default:
		return Value{}, false, false
	}
	if !d.lit("</methodResponse>") || strings.TrimLeft(d.src[d.pos:], " \t\n") != "" {
		return Value{}, false, false
	}
	return v, fault, true
}
