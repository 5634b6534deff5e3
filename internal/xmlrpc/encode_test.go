package xmlrpc

import (
	"bytes"
	"math"
	"testing"
	"time"
)

var encodeValues = []Value{
	NewInt(0), NewInt(-5), NewInt(2147483647), NewInt(-2147483648),
	NewBool(true), NewBool(false),
	NewString(""), NewString("a<b>&c \"q\" 'a'"), NewString("tab\there\nnl\r\x01\x1b[31m\x7f"),
	NewString("h\u00e9 \u4e2d \U0001F600"), NewString("]]> &amp;"),
	NewDouble(0), NewDouble(1), NewDouble(-1.5), NewDouble(0.1), NewDouble(1e16), NewDouble(1e15),
	NewDouble(123456789012345678), NewDouble(1e-4), NewDouble(1e-5), NewDouble(1.5e-7), NewDouble(math.MaxFloat64),
	NewDouble(5e-324), NewDouble(math.Inf(1)), NewDouble(math.Inf(-1)), NewDouble(2.5), NewDouble(100), NewDouble(1234.5678),
	NewDateTime(time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)), NewDateTime(time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC)),
	NewBase64(nil), NewBase64([]byte("hello")), NewBase64(bytes.Repeat([]byte{0, 1, 2, 0xff}, 40)),
	NewArray(), NewStruct(),
	NewArray(NewInt(1), NewString("x"), NewArray(NewBool(true))),
	NewStruct(M("z", NewInt(1)), M("a", NewString("b")), M("<k>", NewArray()), M("m", NewStruct(M("x", NewDouble(1))))),
}

func TestEncodeResponseAgainstPython(t *testing.T) {
	o := getOracle(t)
	for _, v := range encodeValues {
		got, err := EncodeResponse(v)
		if err != nil {
			t.Errorf("%#v: %v", v, err)
			continue
		}
		want := o.body(t, map[string]any{"op": "dumps", "value": describe(v)})
		if !bytes.Equal(got, want) {
			t.Errorf("%#v:\n got %q\nwant %q", v, got, want)
		}
	}
}

func TestEncodeFaultAgainstPython(t *testing.T) {
	o := getOracle(t)
	for _, c := range []struct {
		code int
		text string
	}{{1, "UNKNOWN_METHOD"}, {10, "BAD_NAME: <x>&y"}, {30, "FAILED: <class 'AttributeError'>:'int' object has no attribute 'split'"}} {
		want := o.body(t, map[string]any{"op": "fault", "code": c.code, "text": c.text})
		if got := EncodeFault(c.code, c.text); !bytes.Equal(got, want) {
			t.Errorf("fault %d:\n got %q\nwant %q", c.code, got, want)
		}
	}
}

func TestEncodeRequestAgainstPython(t *testing.T) {
	o := getOracle(t)
	for _, params := range [][]Value{nil, {NewString("foo")}, {NewString("foo"), NewBool(true)}, {NewString("x"), NewInt(-1600), NewInt(0)}, encodeValues} {
		got, err := EncodeRequest("supervisor.readLog", params)
		if err != nil {
			t.Fatal(err)
		}
		ds := []any{}
		for _, p := range params {
			ds = append(ds, describe(p))
		}
		want := o.body(t, map[string]any{"op": "request", "method": "supervisor.readLog", "params": ds})
		if !bytes.Equal(got, want) {
			t.Errorf("params %#v:\n got %q\nwant %q", params, got, want)
		}
	}
}

func TestEncodeExact(t *testing.T) {
	got, err := EncodeResponse(NewStruct(M("statecode", NewInt(1)), M("statename", NewString("RUNNING"))))
	if err != nil {
		t.Fatal(err)
	}
	// Bytes captured from supervisord 4.2.5 (supervisor.getState).
	want := "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>statecode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>statename</name>\n<value><string>RUNNING</string></value>\n</member>\n</struct></value>\n</param>\n</params>\n</methodResponse>\n"
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	fault := EncodeFault(1, "UNKNOWN_METHOD")
	wantFault := "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n"
	if string(fault) != wantFault {
		t.Errorf("got %q\nwant %q", fault, wantFault)
	}
	if _, err := EncodeResponse(NilValue()); err != ErrNil {
		t.Errorf("nil: %v", err)
	}
	if _, err := EncodeResponse(NewStruct(Member{Key: NewInt(1), Value: NewInt(1)})); err != ErrKey {
		t.Errorf("int key: %v", err)
	}
	big, _ := EncodeResponse(NewInt(1 << 40))
	if !bytes.Contains(big, []byte("<int>1099511627776</int>")) {
		t.Errorf("large int: %q", big)
	}
}

func TestFloatRepr(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0.0", 1: "1.0", -1.5: "-1.5", 1e16: "1e+16", 1e15: "1000000000000000.0", 1e-4: "0.0001",
		1e-5: "1e-05", 1.5e-7: "1.5e-07", 123456789012345678: "1.2345678901234568e+17", 0.1: "0.1",
		math.Inf(1): "inf", math.NaN(): "nan", 5e-324: "5e-324", 1.7976931348623157e308: "1.7976931348623157e+308",
	} {
		if got := FloatRepr(f); got != want {
			t.Errorf("FloatRepr(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestReprAgainstPython(t *testing.T) {
	o := getOracle(t)
	for _, v := range append(encodeValues, NewString("\u00a0\u00ad\u2028\u0085\u200b\u0378\U000E0001 \u00e9\\"), NewString("it's"), NewString("it's \"q\"")) {
		if v.Kind() == Double && (math.IsInf(v.Double(), 0)) {
			continue
		}
		resp := o.ask(t, map[string]any{"op": "repr", "value": describe(v)})
		if got := Repr(v); got != resp["repr"] {
			t.Errorf("Repr(%v) = %s, Python %s", v.Kind(), got, resp["repr"])
		}
		if got := Str(v); got != resp["str"] {
			t.Errorf("Str(%v) = %s, Python %s", v.Kind(), got, resp["str"])
		}
	}
}
