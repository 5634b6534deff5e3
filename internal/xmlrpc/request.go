package xmlrpc

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// Request is a decoded methodCall.
type Request struct {
	// Method is the text of the last <methodName> element; HasMethod is
	// false when there was none or it was empty (Supervisor: "no method
	// name").
	Method    string
	HasMethod bool
	// Params are the values of the last <params> element (none if absent).
	Params []Value
}

// ErrUnmarshallable is the class of every error DecodeRequest returns for
// a body Supervisor's unmarshaller would have raised on.
var ErrUnmarshallable = errors.New("unmarshallable")

// DecodeRequest decodes a request body the way Supervisor's
// supervisor_xmlrpc_handler.loads does, which is not the way
// xmlrpc.client.loads does:
//
//   - the document is parsed by ElementTree (expat); any well-formedness
//     error, an undefined entity, an unbound prefix or a body that is not
//     UTF-8 is an error;
//   - element names are matched exactly, so a tag in a namespace
//     ("{uri}int") or an unknown tag (<i8>, <nil/>, <foo>) is not a type:
//     a <value> takes the text of its first child element, so <i8>5</i8>
//     is the string "5" and <nil/> is None;
//   - int, i4: Python int() of the text (whitespace, sign, underscores,
//     any size); boolean: true only for exactly "1"; string: the text;
//     double: Python float(); dateTime.iso8601: time.strptime with
//     "%Y%m%dT%H:%M:%S"; base64: lenient decoding, then UTF-8 text;
//   - a <value> without child elements is its text (whitespace kept);
//   - array takes its first child's value (normally <data>), a struct
//     needs exactly two children (name, value) per member and keeps the
//     first position and the last value of a repeated key;
//   - <methodName> and <params> may appear anywhere; the last ones win.
//
// Every error wraps ErrUnmarshallable.
func DecodeRequest(body []byte) (*Request, error) {
	if !validUTF8(body) {
		return nil, fmt.Errorf("%w: body is not UTF-8", ErrUnmarshallable)
	}
	root, err := parseXML(string(body), true)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnmarshallable, err)
	}
	d := &reqDecoder{}
	if _, err := d.eval(root); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnmarshallable, err)
	}
	req := &Request{Method: d.method, HasMethod: d.method != ""}
	if d.params != nil {
		req.Params = *d.params
	}
	return req, nil
}

type reqDecoder struct {
	method string
	params *[]Value
}

// node is an element after its end event: its text (transformed for the
// tags the unmarshaller knows) and whether its children were cleared.
type node struct {
	el       *element
	text     Value
	children []*node
}

func rawText(el *element) Value {
	if el.text == "" {
		return Value{} // ElementTree's None
	}
	return NewString(el.text)
}

// eval processes an element's subtree in end-event (post) order and
// returns its node.
func (d *reqDecoder) eval(el *element) (*node, error) {
	n := &node{el: el}
	n.children = make([]*node, 0, len(el.children))
	for _, c := range el.children {
		cn, err := d.eval(c)
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, cn)
	}
	var err error
	transformed := true
	switch el.tag {
	case "int", "i4":
		n.text, err = pyIntOfText(el)
	case "boolean":
		n.text = NewBool(el.text == "1")
	case "string":
		n.text = NewString(el.text)
	case "double":
		if el.text == "" {
			return nil, errors.New("float() argument must be a string or a real number, not 'NoneType'")
		}
		var f float64
		f, err = ParsePyFloat(el.text)
		n.text = NewDouble(f)
	case "dateTime.iso8601":
		n.text, err = parseStrptime(el.text)
	case "array":
		if len(n.children) == 0 {
			return nil, errors.New("array: index out of range")
		}
		n.text = n.children[0].text
	case "data":
		items := make([]Value, len(n.children))
		for i, c := range n.children {
			items[i] = c.text
		}
		n.text = NewArray(items...)
	case "struct":
		n.text, err = buildDict(n.children)
	case "base64":
		n.text, err = decodeBase64Text(el.text)
	case "param":
		if len(n.children) == 0 {
			return nil, errors.New("param: index out of range")
		}
		n.text = n.children[0].text
	case "value":
		if len(n.children) > 0 {
			n.text = n.children[0].text
		} else {
			n.text = NewString(el.text)
		}
	default:
		transformed = false
		n.text = rawText(el)
		switch el.tag {
		case "methodName":
			d.method = el.text
		case "params":
			ps := make([]Value, len(n.children))
			for i, c := range n.children {
				ps[i] = c.text
			}
			d.params = &ps
		}
	}
	if err != nil {
		return nil, err
	}
	if transformed {
		n.children = nil // elem.clear()
	}
	return n, nil
}

func pyIntOfText(el *element) (Value, error) {
	if el.text == "" {
		return Value{}, errors.New("int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")
	}
	n, err := ParsePyInt(el.text)
	if err != nil {
		return Value{}, err
	}
	return NewBigInt(n), nil
}

// buildDict is dict([(k.text or "", v.text) for k, v in x]).
func buildDict(members []*node) (Value, error) {
	var ms []Member
	index := map[string]int{} // canonical key -> position in ms
	for _, m := range members {
		if len(m.children) != 2 {
			return Value{}, fmt.Errorf("a struct member needs 2 elements, not %d", len(m.children))
		}
		key := m.children[0].text
		if !Truth(key) {
			key = NewString("")
		}
		if !Hashable(key) {
			return Value{}, fmt.Errorf("unhashable type: '%s'", TypeName(key))
		}
		val := m.children[1].text
		ck, ok := canonicalKey(key)
		if ok {
			if i, dup := index[ck]; dup {
				ms[i].Value = val // Python keeps the first key and the last value
				continue
			}
			index[ck] = len(ms)
		}
		ms = append(ms, Member{Key: key, Value: val})
	}
	return NewStruct(ms...), nil
}

// canonicalKey gives equal dict keys (Python's ==, where 1 == 1.0 ==
// True) the same text; NaN equals nothing and has none.
func canonicalKey(v Value) (string, bool) {
	switch v.kind {
	case String:
		return "s" + v.s, true
	case Int, Bool:
		return "n" + v.BigInt().String(), true
	case Double:
		f := v.f
		switch {
		case f != f:
			return "", false
		case f == math.Trunc(f) && !math.IsInf(f, 0):
			n, _ := big.NewFloat(f).Int(nil)
			return "n" + n.String(), true
		}
		return "f" + FloatRepr(f), true
	case DateTime:
		return "d" + v.t.Format(time.RFC3339), true
	case Nil:
		return "0", true
	}
	return "", false
}

// decodeBase64Text is as_string(decodebytes(as_bytes(text))): binascii's
// lenient a2b_base64 (characters outside the alphabet are skipped, data
// ends at complete padding), then strict UTF-8.
func decodeBase64Text(text string) (Value, error) {
	out, err := a2bBase64([]byte(text))
	if err != nil {
		return Value{}, err
	}
	if !validUTF8(out) {
		return Value{}, errors.New("'utf-8' codec can't decode base64 data")
	}
	return NewString(string(out)), nil
}

// DecodeBytes is Python's base64.decodebytes (binascii.a2b_base64 in its
// lenient mode): characters outside the alphabet are skipped and the data
// ends at complete padding; a wrong length is an error.
func DecodeBytes(in []byte) ([]byte, error) { return a2bBase64(in) }

func a2bBase64(in []byte) ([]byte, error) {
	var out []byte
	quad := 0
	pads := 0
	var acc uint32
	for _, c := range in {
		if c == '=' {
			if quad >= 2 {
				pads++
				if quad+pads >= 4 {
					return out, nil
				}
			}
			continue
		}
		v := b64index(c)
		if v < 0 {
			continue
		}
		pads = 0
		acc = acc<<6 | uint32(v)
		quad++
		switch quad {
		case 2:
			out = append(out, byte(acc>>4))
			acc &= 0x0f
		case 3:
			out = append(out, byte(acc>>2))
			acc &= 0x03
		case 4:
			out = append(out, byte(acc))
			acc = 0
			quad = 0
		}
	}
	switch quad {
	case 0:
		return out, nil
	case 1:
		return nil, errors.New("Invalid base64-encoded string: number of data characters cannot be 1 more than a multiple of 4")
	}
	return nil, errors.New("Incorrect padding")
}

func b64index(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	}
	return -1
}

// strptimeRE is _strptime's regex for "%Y%m%dT%H:%M:%S" (compiled with
// IGNORECASE; \d matches any Unicode decimal digit).
var strptimeRE = regexp.MustCompile(`(?i)^(\p{Nd}\p{Nd}\p{Nd}\p{Nd})(1[0-2]|0[1-9]|[1-9])(3[01]|[12]\p{Nd}|0[1-9]|[1-9]| [1-9])T(2[0-3]|[0-1]\p{Nd}|\p{Nd}):([0-5]\p{Nd}|\p{Nd}):(6[0-1]|[0-5]\p{Nd}|\p{Nd})`)

// parseStrptime is make_datetime: datetime(*time.strptime(text,
// "%Y%m%dT%H:%M:%S")[:6]).
func parseStrptime(text string) (Value, error) {
	if text == "" {
		return Value{}, errors.New("strptime() argument 1 must be str, not None")
	}
	m := strptimeRE.FindStringSubmatchIndex(text)
	if m == nil {
		return Value{}, fmt.Errorf("time data %s does not match format '%%Y%%m%%dT%%H:%%M:%%S'", ReprString(text))
	}
	if m[1] != len(text) {
		return Value{}, fmt.Errorf("unconverted data remains: %s", text[m[1]:])
	}
	field := func(i int) int {
		s := strings.TrimSpace(text[m[2*i]:m[2*i+1]])
		n := 0
		for _, r := range s {
			d, _ := decimalValue(r)
			n = n*10 + d
		}
		return n
	}
	y, mo, d, h, mi, s := field(1), field(2), field(3), field(4), field(5), field(6)
	if y < 1 {
		return Value{}, fmt.Errorf("year %d is out of range", y)
	}
	if s > 59 {
		return Value{}, errors.New("second must be in 0..59")
	}
	if d > daysIn(time.Month(mo), y) {
		return Value{}, errors.New("day is out of range for month")
	}
	if h > 23 || mi > 59 {
		return Value{}, errors.New("time out of range")
	}
	return NewDateTime(time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)), nil
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
