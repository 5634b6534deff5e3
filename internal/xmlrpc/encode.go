package xmlrpc

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// The encoder writes exactly what Python's xmlrpc.client.dumps writes
// (Marshaller, Python 3.11), which is what Supervisor puts on the wire:
// the XML declaration without an encoding, a newline after every closing
// tag of a value, only &, < and > escaped, every other character (control
// characters and non-ASCII included) written raw in UTF-8.
//
// One deliberate difference: Python refuses ints outside the 32-bit range
// (Supervisor then answers HTTP 500, e.g. for the offset of a log over
// 2 GiB); we write them as <int>, which Python's own client reads back.
// See docs/compat.md.

// ErrNil is returned when asked to encode None, which Supervisor's
// marshaller (allow_none=False) refuses.
var ErrNil = errors.New("cannot marshal None unless allow_none is enabled")

// ErrKey is returned for a struct whose key is not a string.
var ErrKey = errors.New("dictionary key must be string")

const xmlHeader = "<?xml version='1.0'?>\n"

// EncodeResponse returns the methodResponse document for a value.
func EncodeResponse(v Value) ([]byte, error) {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString("<methodResponse>\n<params>\n<param>\n")
	if err := encodeValue(&b, v, 0); err != nil {
		return nil, err
	}
	b.WriteString("</param>\n</params>\n</methodResponse>\n")
	return []byte(b.String()), nil
}

// EncodeFault returns the methodResponse document for a fault.
func EncodeFault(code int, text string) []byte {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString("<methodResponse>\n<fault>\n")
	_ = encodeValue(&b, NewStruct(M("faultCode", NewInt(int64(code))), M("faultString", NewString(text))), 0)
	b.WriteString("</fault>\n</methodResponse>\n")
	return []byte(b.String())
}

// EncodeRequest returns the methodCall document for a call.
func EncodeRequest(method string, params []Value) ([]byte, error) {
	var b strings.Builder
	b.WriteString(xmlHeader)
	b.WriteString("<methodCall>\n<methodName>")
	b.WriteString(escape(method))
	b.WriteString("</methodName>\n<params>\n")
	for _, p := range params {
		b.WriteString("<param>\n")
		if err := encodeValue(&b, p, 0); err != nil {
			return nil, err
		}
		b.WriteString("</param>\n")
	}
	b.WriteString("</params>\n</methodCall>\n")
	return []byte(b.String()), nil
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

func encodeValue(b *strings.Builder, v Value, depth int) error {
	if depth > maxDepth {
		return errors.New("cannot marshal recursive or too deeply nested values")
	}
	switch v.kind {
	case Nil:
		return ErrNil
	case Int:
		b.WriteString("<value><int>")
		if v.big != nil {
			b.WriteString(v.big.String())
		} else {
			b.WriteString(strconv.FormatInt(v.i, 10))
		}
		b.WriteString("</int></value>\n")
	case Bool:
		b.WriteString("<value><boolean>")
		if v.i != 0 {
			b.WriteString("1")
		} else {
			b.WriteString("0")
		}
		b.WriteString("</boolean></value>\n")
	case String:
		b.WriteString("<value><string>")
		b.WriteString(escape(v.s))
		b.WriteString("</string></value>\n")
	case Double:
		b.WriteString("<value><double>")
		b.WriteString(FloatRepr(v.f))
		b.WriteString("</double></value>\n")
	case DateTime:
		b.WriteString("<value><dateTime.iso8601>")
		b.WriteString(escape(v.s))
		b.WriteString("</dateTime.iso8601></value>\n")
	case Base64:
		b.WriteString("<value><base64>\n")
		b.WriteString(encodeBytes(v.b))
		b.WriteString("</base64></value>\n")
	case Array:
		b.WriteString("<value><array><data>\n")
		for _, item := range v.arr {
			if err := encodeValue(b, item, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case Struct:
		b.WriteString("<value><struct>\n")
		for _, m := range v.mem {
			b.WriteString("<member>\n")
			if m.Key.kind != String {
				return ErrKey
			}
			b.WriteString("<name>")
			b.WriteString(escape(m.Key.s))
			b.WriteString("</name>\n")
			if err := encodeValue(b, m.Value, depth+1); err != nil {
				return err
			}
			b.WriteString("</member>\n")
		}
		b.WriteString("</struct></value>\n")
	default:
		return errors.New("cannot marshal value of unknown kind")
	}
	return nil
}

// encodeBytes is base64.encodebytes: lines of 76 characters, each ending
// in a newline.
func encodeBytes(p []byte) string {
	s := base64.StdEncoding.EncodeToString(p)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteByte('\n')
		s = s[76:]
	}
	if s != "" {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return b.String()
}
