package xmlrpc

import (
	"errors"
	"fmt"
	"strings"
)

// Fault is an XML-RPC fault answer. Supervisor's faultString is "NAME" or
// "NAME: detail".
type Fault struct {
	Code   int
	String string
}

// Error is Python's str() of an xmlrpc.client.Fault, which supervisorctl
// prints in some of its error lines.
func (f *Fault) Error() string {
	return fmt.Sprintf("<Fault %d: %s>", f.Code, ReprString(f.String))
}

// ResponseError is a response body that is not a valid methodResponse.
type ResponseError struct{ Msg string }

func (e *ResponseError) Error() string { return "xmlrpc: bad response: " + e.Msg }

// DecodeResponse decodes a methodResponse as Python's xmlrpc.client does:
// the single value of <params>, or a *Fault for <fault>. Tags may carry a
// namespace prefix ("ex:i8"). Unlike Python it accepts the raw control
// characters Supervisor copies from log files into its strings (see
// docs/xmlrpc.md).
func DecodeResponse(body []byte) (Value, error) {
	root, err := parseXML(string(body), false)
	if err != nil {
		return Value{}, &ResponseError{Msg: err.Error()}
	}
	d := respDecoder{}
	if err := d.walk(root, 0); err != nil {
		return Value{}, err
	}
	switch d.typ {
	case "params":
		if len(d.stack) != 1 {
			return Value{}, &ResponseError{Msg: fmt.Sprintf("expected one value, got %d", len(d.stack))}
		}
		return d.stack[0], nil
	case "fault":
		if len(d.stack) == 0 || d.stack[0].kind != Struct {
			return Value{}, &ResponseError{Msg: "fault without a struct"}
		}
		f := &Fault{}
		code, okc := d.stack[0].Get("faultCode")
		text, oks := d.stack[0].Get("faultString")
		if !okc || !oks {
			return Value{}, &ResponseError{Msg: "fault without faultCode and faultString"}
		}
		if n, ok := code.Int(); ok {
			f.Code = int(n)
		}
		f.String = Str(text)
		return Value{}, f
	}
	return Value{}, &ResponseError{Msg: "no params or fault"}
}

type respDecoder struct {
	typ   string
	stack []Value
}

func localName(tag string) string {
	if i := strings.LastIndexByte(tag, '}'); i >= 0 {
		tag = tag[i+1:]
	}
	if i := strings.LastIndexByte(tag, ':'); i >= 0 {
		tag = tag[i+1:]
	}
	return tag
}

func (d *respDecoder) walk(el *element, depth int) error {
	if depth > maxDepth {
		return &ResponseError{Msg: "nesting too deep"}
	}
	switch localName(el.tag) {
	case "value":
		v, err := decodeRespValue(el, depth)
		if err != nil {
			return err
		}
		d.stack = append(d.stack, v)
		return nil
	case "params":
		for _, c := range el.children {
			if err := d.walk(c, depth+1); err != nil {
				return err
			}
		}
		d.typ = "params"
		return nil
	case "fault":
		for _, c := range el.children {
			if err := d.walk(c, depth+1); err != nil {
				return err
			}
		}
		d.typ = "fault"
		return nil
	}
	for _, c := range el.children {
		if err := d.walk(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func decodeRespValue(el *element, depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, &ResponseError{Msg: "nesting too deep"}
	}
	if len(el.children) == 0 {
		return NewString(el.text), nil
	}
	c := el.children[0]
	text := c.text
	switch tag := localName(c.tag); tag {
	case "nil":
		return Value{}, nil
	case "boolean":
		switch text {
		case "0":
			return NewBool(false), nil
		case "1":
			return NewBool(true), nil
		}
		return Value{}, &ResponseError{Msg: "bad boolean value"}
	case "i1", "i2", "i4", "i8", "int", "biginteger":
		n, err := ParsePyInt(text)
		if err != nil {
			return Value{}, &ResponseError{Msg: err.Error()}
		}
		return NewBigInt(n), nil
	case "double", "float", "bigdecimal":
		f, err := ParsePyFloat(text)
		if err != nil {
			return Value{}, &ResponseError{Msg: err.Error()}
		}
		return NewDouble(f), nil
	case "string", "name":
		return NewString(text), nil
	case "base64":
		b, err := a2bBase64([]byte(text))
		if err != nil {
			return Value{}, &ResponseError{Msg: err.Error()}
		}
		return NewBase64(b), nil
	case "dateTime.iso8601":
		v, err := parseStrptime(text)
		if err != nil {
			// Python's DateTime keeps any text.
			return Value{kind: DateTime, s: text}, nil
		}
		v.s = text
		return v, nil
	case "array":
		var items []Value
		for _, data := range c.children {
			if localName(data.tag) != "data" {
				continue
			}
			for _, item := range data.children {
				if localName(item.tag) != "value" {
					continue
				}
				v, err := decodeRespValue(item, depth+1)
				if err != nil {
					return Value{}, err
				}
				items = append(items, v)
			}
		}
		return NewArray(items...), nil
	case "struct":
		var ms []Member
		index := map[string]int{}
		for _, m := range c.children {
			if localName(m.tag) != "member" {
				continue
			}
			var name *string
			var val *Value
			for _, part := range m.children {
				switch localName(part.tag) {
				case "name":
					s := part.text
					name = &s
				case "value":
					v, err := decodeRespValue(part, depth+1)
					if err != nil {
						return Value{}, err
					}
					val = &v
				}
			}
			if name == nil || val == nil {
				return Value{}, &ResponseError{Msg: "struct member without name or value"}
			}
			if i, dup := index[*name]; dup {
				ms[i].Value = *val
				continue
			}
			index[*name] = len(ms)
			ms = append(ms, M(*name, *val))
		}
		return NewStruct(ms...), nil
	default:
		return Value{}, &ResponseError{Msg: fmt.Sprintf("unknown tag %s", ReprString(tag))}
	}
}

// IsFault reports whether err is a fault and returns it.
func IsFault(err error) (*Fault, bool) {
	var f *Fault
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}
