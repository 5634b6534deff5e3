package xmlrpc

import (
	"math/rand"
	"strings"
	"testing"
)

// slowResponse is DecodeResponse without its fast path.
func slowResponse(src string) (Value, error) {
	root, err := parseXML(src, false)
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
			return Value{}, &ResponseError{Msg: "count"}
		}
		return d.stack[0], nil
	case "fault":
		return Value{}, faultOf(d.stack)
	}
	return Value{}, &ResponseError{Msg: "no params or fault"}
}

var fastChars = []string{"a", "Z", "0", " ", "\n", "\t", "&", "<", ">", "'", "\"", ";", "é", "☃", "\x1b", "\x00", "]]>", "&amp;", "\uFFFD"}

func randText(r *rand.Rand) string {
	var b strings.Builder
	for n := r.Intn(6); n > 0; n-- {
		b.WriteString(fastChars[r.Intn(len(fastChars))])
	}
	return b.String()
}

func randValue(r *rand.Rand, depth int) Value {
	k := r.Intn(8)
	if depth > 3 && k >= 5 {
		k = r.Intn(5)
	}
	switch k {
	case 0:
		return NewString(randText(r))
	case 1:
		return NewInt(r.Int63n(1<<40) - 1<<39)
	case 2:
		return NewBool(r.Intn(2) == 0)
	case 3:
		return NewDouble(r.NormFloat64() * 1e6)
	case 4:
		return NewString("")
	case 5, 6:
		var ms []Member
		for n := r.Intn(5); n > 0; n-- {
			ms = append(ms, M(randText(r), randValue(r, depth+1)))
		}
		return NewStruct(ms...)
	}
	var items []Value
	for n := r.Intn(5); n > 0; n-- {
		items = append(items, randValue(r, depth+1))
	}
	return NewArray(items...)
}

// The fast path reads every Marshaller answer, and whatever it accepts it
// reads as the general parser does.
func TestFastResponseMatchesParser(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		v := randValue(r, 0)
		var doc string
		if i%10 == 0 {
			doc = string(EncodeFault(r.Intn(100), randText(r)))
		} else {
			b, err := EncodeResponse(v)
			if err != nil {
				t.Fatal(err)
			}
			doc = string(b)
		}
		src := strings.ToValidUTF8(doc, "\uFFFD")
		fv, fault, ok := fastResponse(src)
		if !ok {
			t.Fatalf("fast path refused a Marshaller answer: %q", doc)
		}
		sv, serr := slowResponse(src)
		checkSame(t, doc, fv, fault, sv, serr)

		// Mutations: the fast path refuses them or agrees.
		for j := 0; j < 20; j++ {
			m := mutate(r, doc)
			src := strings.ToValidUTF8(m, "\uFFFD")
			if strings.IndexByte(src, '\r') >= 0 {
				continue // DecodeResponse normalizes line ends first
			}
			fv, fault, ok := fastResponse(src)
			if !ok {
				continue
			}
			sv, serr := slowResponse(src)
			checkSame(t, m, fv, fault, sv, serr)
		}
	}
}

func checkSame(t *testing.T, doc string, fv Value, fault bool, sv Value, serr error) {
	t.Helper()
	if fault {
		ferr := faultOf([]Value{fv})
		if serr == nil || ferr.Error() != serr.Error() {
			t.Fatalf("%q: fast fault %v, parser %v", doc, ferr, serr)
		}
		return
	}
	if serr != nil || !fv.Equal(sv) || Repr(fv) != Repr(sv) {
		t.Fatalf("%q:\nfast   %#v\nparser %#v (%v)", doc, fv, sv, serr)
	}
}

func mutate(r *rand.Rand, s string) string {
	if s == "" {
		return s
	}
	i := r.Intn(len(s))
	pieces := []string{"<", ">", "&", ";", "/", " ", "\n", "a", "<!-- c -->", "&#65;", "&lt;", "<x/>", "<![CDATA[z]]>", "<i4>", "</value>", "ex:", "\r"}
	switch r.Intn(3) {
	case 0: // delete a byte
		return s[:i] + s[i+1:]
	case 1: // insert a piece
		return s[:i] + pieces[r.Intn(len(pieces))] + s[i:]
	}
	return s[:i] + pieces[r.Intn(len(pieces))] + s[min(len(s), i+1):]
}

func BenchmarkDecodeResponse500(b *testing.B) {
	var items []Value
	for i := 0; i < 500; i++ {
		w := NewStructWriter(0)
		w.String("name", "p001")
		w.String("group", "p001")
		w.Int("start", 1700000000)
		w.Int("stop", 0)
		w.Int("now", 1700000100)
		w.Int("state", 20)
		w.String("statename", "RUNNING")
		w.String("spawnerr", "")
		w.Int("exitstatus", 0)
		w.String("logfile", "/tmp/dir/p001-stdout---supervisor-abcdefgh.log")
		w.String("stdout_logfile", "/tmp/dir/p001-stdout---supervisor-abcdefgh.log")
		w.String("stderr_logfile", "/tmp/dir/p001-stderr---supervisor-abcdefgh.log")
		w.Int("pid", 12345)
		w.String("description", "pid 12345, uptime 0:01:40")
		items = append(items, w.Value())
	}
	doc, _ := EncodeResponse(NewArray(items...))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeResponse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
