package xmlrpc

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"
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

// encBuf is the encoder's output: appends to a byte slice that is
// returned as is, without the copy a strings.Builder would need.
type encBuf struct{ b []byte }

func (e *encBuf) WriteString(s string) { e.b = append(e.b, s...) }

// sizeHint guesses the encoded size of v, so that the output is allocated
// once for large answers.
func sizeHint(v Value) int {
	switch v.kind {
	case Array:
		if v.arr == nil && v.b != nil {
			return len(v.encoded())
		}
		n := 64
		for _, item := range v.arr {
			n += sizeHint(item)
		}
		return n
	case Struct:
		if v.mem == nil && v.b != nil {
			return len(v.encoded())
		}
		n := 64
		for _, m := range v.mem {
			n += 64 + len(m.Key.s) + sizeHint(m.Value)
		}
		return n
	case String:
		return 48 + len(v.s)
	}
	return 48
}

// answers keeps the buffers of answers already sent (see Recycle): a
// getAllProcessInfo answer with 500 processes is 600 KB, and making one
// per call keeps the garbage collector busy.
var answers sync.Pool

// maxRecycled is the largest buffer worth keeping.
const maxRecycled = 8 << 20

const (
	responseHead = xmlHeader + "<methodResponse>\n<params>\n<param>\n"
	responseTail = "</param>\n</params>\n</methodResponse>\n"
)

// answerBuf returns an empty buffer of at least n bytes, recycled if one
// is at hand.
func answerBuf(n int) []byte {
	if p, ok := answers.Get().(*[]byte); ok {
		if cap(*p) >= n {
			return (*p)[:0]
		}
		answers.Put(p)
	}
	return make([]byte, 0, n)
}

// EncodeResponse returns the methodResponse document for a value. Once
// the caller has written it out, it may give the slice back with Recycle.
func EncodeResponse(v Value) ([]byte, error) {
	b := encBuf{b: answerBuf(len(responseHead) + len(responseTail) + sizeHint(v))}
	b.WriteString(responseHead)
	if err := encodeValue(&b, v, 0); err != nil {
		return nil, err
	}
	b.WriteString(responseTail)
	return b.b, nil
}

// EncodeResponseOnce is EncodeResponse for a value that is not used
// afterwards: an array an ArrayWriter made becomes the answer in place,
// without a copy (the writer left room for the document's head).
func EncodeResponseOnce(v Value) ([]byte, error) {
	if v.kind == Array && v.arr == nil && v.b != nil && v.i == int64(len(responseHead)) {
		copy(v.b, responseHead)
		return append(v.b, responseTail...), nil
	}
	return EncodeResponse(v)
}

// Recycle gives back an answer EncodeResponse made, for reuse. The caller
// must not touch the slice afterwards.
func Recycle(answer []byte) {
	if cap(answer) >= 4096 && cap(answer) <= maxRecycled {
		answers.Put(&answer)
	}
}

// EncodeFault returns the methodResponse document for a fault.
func EncodeFault(code int, text string) []byte {
	var b encBuf
	b.WriteString(xmlHeader)
	b.WriteString("<methodResponse>\n<fault>\n")
	_ = encodeValue(&b, NewStruct(M("faultCode", NewInt(int64(code))), M("faultString", NewString(text))), 0)
	b.WriteString("</fault>\n</methodResponse>\n")
	return b.b
}

// EncodeRequest returns the methodCall document for a call.
func EncodeRequest(method string, params []Value) ([]byte, error) {
	var b encBuf
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
	return b.b, nil
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(s) }

// appendEscaped appends s with &, < and > escaped.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		start = i + 1
	}
	return append(dst, s[start:]...)
}

func encodeValue(b *encBuf, v Value, depth int) error {
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
			b.b = strconv.AppendInt(b.b, v.i, 10)
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
		b.b = appendEscaped(b.b, v.s)
		b.WriteString("</string></value>\n")
	case Double:
		b.WriteString("<value><double>")
		b.WriteString(FloatRepr(v.Double()))
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
		if v.arr == nil && v.b != nil {
			b.b = append(b.b, v.encoded()...)
			return nil
		}
		b.WriteString("<value><array><data>\n")
		for _, item := range v.arr {
			if err := encodeValue(b, item, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case Struct:
		if v.mem == nil && v.b != nil {
			b.b = append(b.b, v.encoded()...)
			return nil
		}
		b.WriteString("<value><struct>\n")
		for _, m := range v.mem {
			b.WriteString("<member>\n")
			if m.Key.kind != String {
				return ErrKey
			}
			b.WriteString("<name>")
			b.b = appendEscaped(b.b, m.Key.s)
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

// StructWriter writes a struct's encoding member by member, without a
// Value for each member: for answers that are large and asked for often
// (getAllProcessInfo with hundreds of processes). The Value it makes
// encodes to the same bytes as the NewStruct of the same members, and
// reads back the same (its members are decoded from the bytes when asked
// for).
type StructWriter struct{ b []byte }

// NewStructWriter starts a struct; sizeHint is the expected encoded size.
func NewStructWriter(sizeHint int) *StructWriter {
	return &StructWriter{b: append(make([]byte, 0, sizeHint), "<value><struct>\n"...)}
}

func (w *StructWriter) name(name string) {
	w.b = append(w.b, "<member>\n<name>"...)
	w.b = appendEscaped(w.b, name)
	w.b = append(w.b, "</name>\n"...)
}

// Int adds an int member.
func (w *StructWriter) Int(name string, n int64) {
	w.name(name)
	w.b = append(w.b, "<value><int>"...)
	w.b = strconv.AppendInt(w.b, n, 10)
	w.b = append(w.b, "</int></value>\n</member>\n"...)
}

// String adds a string member.
func (w *StructWriter) String(name, s string) {
	w.name(name)
	w.b = append(w.b, "<value><string>"...)
	w.b = appendEscaped(w.b, s)
	w.b = append(w.b, "</string></value>\n</member>\n"...)
}

// Bool adds a boolean member.
func (w *StructWriter) Bool(name string, v bool) {
	w.name(name)
	if v {
		w.b = append(w.b, "<value><boolean>1</boolean></value>\n</member>\n"...)
	} else {
		w.b = append(w.b, "<value><boolean>0</boolean></value>\n</member>\n"...)
	}
}

// Field adds a member holding any value.
func (w *StructWriter) Field(name string, v Value) error {
	w.name(name)
	e := encBuf{b: w.b}
	err := encodeValue(&e, v, 1)
	w.b = append(e.b, "</member>\n"...)
	return err
}

// Value ends the struct and returns it. The writer must not be used again.
func (w *StructWriter) Value() Value {
	w.b = append(w.b, "</struct></value>\n"...)
	return Value{kind: Struct, b: w.b}
}

// ArrayWriter writes an array of structs straight into one buffer.
type ArrayWriter struct{ b []byte }

// NewArrayWriter starts an array; sizeHint is the expected encoded size.
// Its buffer has room for a whole answer (see EncodeResponseOnce).
func NewArrayWriter(sizeHint int) *ArrayWriter {
	b := answerBuf(len(responseHead) + sizeHint + len(responseTail))
	b = append(b[:0], responseHead...)
	return &ArrayWriter{b: append(b, "<value><array><data>\n"...)}
}

// Struct starts the next item, a struct written into the array's buffer;
// fill it, then pass it to Add before starting another.
func (a *ArrayWriter) Struct() StructWriter {
	w := StructWriter{b: append(a.b, "<value><struct>\n"...)}
	a.b = nil
	return w
}

// Add ends the struct Struct started.
func (a *ArrayWriter) Add(w StructWriter) {
	a.b = append(w.b, "</struct></value>\n"...)
}

// Value ends the array and returns it. The writer must not be used again.
func (a *ArrayWriter) Value() Value {
	a.b = append(a.b, "</data></array></value>\n"...)
	return Value{kind: Array, b: a.b, i: int64(len(responseHead))}
}

// encoded is the encoding of a Struct or Array made by a writer: the
// bytes from offset i (an ArrayWriter's buffer starts with room for the
// answer's head).
func (v Value) encoded() []byte { return v.b[v.i:] }

// decodeEncoded reads back a StructWriter's or ArrayWriter's encoding.
func decodeEncoded(enc []byte) Value {
	doc := make([]byte, 0, len(enc)+64)
	doc = append(doc, "<methodResponse><params><param>"...)
	doc = append(doc, enc...)
	doc = append(doc, "</param></params></methodResponse>"...)
	v, err := DecodeResponse(doc)
	if err != nil {
		return Value{}
	}
	return v
}
