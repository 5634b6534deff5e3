package xmlrpc

import (
	"encoding/base64"
	"errors"
	"math/rand"
	"strings"
	"testing"
)

func reprTuple(ps []Value) string {
	if len(ps) == 1 {
		return "(" + Repr(ps[0]) + ",)"
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = Repr(p)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

const mAdd = "<methodName>supervisor.addProcessGroup</methodName>"

func p1(v string) string { return "<params><param><value>" + v + "</value></param></params>" }

func call(v string) string { return "<methodCall>" + mAdd + p1(v) + "</methodCall>" }

// requestCases are bodies whose decoding was checked against Supervisor
// 4.2.5 by hand (see the want fields) and is checked again against the
// oracle when it is installed.
var requestCases = []struct {
	name   string
	body   string
	ok     bool
	method string
	params string // Python repr of the params tuple; "None" when absent
}{
	{"int", call("<int>5</int>"), true, "supervisor.addProcessGroup", "(5,)"},
	{"i4 spaces", call("<i4> 7 </i4>"), true, "supervisor.addProcessGroup", "(7,)"},
	{"i8 is a string", call("<i8>5</i8>"), true, "supervisor.addProcessGroup", "('5',)"},
	{"underscores", call("<int>1_000</int>"), true, "supervisor.addProcessGroup", "(1000,)"},
	{"big int", call("<int>99999999999999999999999</int>"), true, "supervisor.addProcessGroup", "(99999999999999999999999,)"},
	{"4300 digits", call("<int>" + strings.Repeat("7", 4300) + "</int>"), true, "supervisor.addProcessGroup", "(" + strings.Repeat("7", 4300) + ",)"},
	{"4301 digits", call("<int>" + strings.Repeat("7", 4301) + "</int>"), false, "", ""},
	{"unicode digits", call("<int>\u0661\u0662</int>"), true, "supervisor.addProcessGroup", "(12,)"},
	{"plus sign", call("<int>+0012</int>"), true, "supervisor.addProcessGroup", "(12,)"},
	{"empty int", call("<int></int>"), false, "", ""},
	{"bad int", call("<int>1.5</int>"), false, "", ""},
	{"bool 1", call("<boolean>1</boolean>"), true, "supervisor.addProcessGroup", "(True,)"},
	{"bool true is false", call("<boolean>true</boolean>"), true, "supervisor.addProcessGroup", "(False,)"},
	{"double", call("<double>1e5</double>"), true, "supervisor.addProcessGroup", "(100000.0,)"},
	{"double inf", call("<double>inf</double>"), true, "supervisor.addProcessGroup", "(inf,)"},
	{"double -Infinity", call("<double> -Infinity </double>"), true, "supervisor.addProcessGroup", "(-inf,)"},
	{"double overflow", call("<double>1e400</double>"), true, "supervisor.addProcessGroup", "(inf,)"},
	{"double small", call("<double>1e-7</double>"), true, "supervisor.addProcessGroup", "(1e-07,)"},
	{"double 1e16", call("<double>1e16</double>"), true, "supervisor.addProcessGroup", "(1e+16,)"},
	{"double nan", call("<double>nan</double>"), true, "supervisor.addProcessGroup", "(nan,)"},
	{"dateTime", call("<dateTime.iso8601>20200102T03:04:05</dateTime.iso8601>"), true, "supervisor.addProcessGroup", "(datetime.datetime(2020, 1, 2, 3, 4, 5),)"},
	{"dateTime lower t", call("<dateTime.iso8601>20200102t3:4:5</dateTime.iso8601>"), true, "supervisor.addProcessGroup", "(datetime.datetime(2020, 1, 2, 3, 4, 5),)"},
	{"dateTime feb 30", call("<dateTime.iso8601>20200230T03:04:05</dateTime.iso8601>"), false, "", ""},
	{"dateTime second 60", call("<dateTime.iso8601>20200102T03:04:60</dateTime.iso8601>"), false, "", ""},
	{"dateTime dashes", call("<dateTime.iso8601>2020-01-02T03:04:05</dateTime.iso8601>"), false, "", ""},
	{"base64", call("<base64>aGVsbG8=</base64>"), true, "supervisor.addProcessGroup", "('hello',)"},
	{"base64 junk", call("<base64>!!aGV sbG8=</base64>"), true, "supervisor.addProcessGroup", "('hello',)"},
	{"base64 after pad", call("<base64>aGVsbG8=junk</base64>"), true, "supervisor.addProcessGroup", "('hello',)"},
	{"base64 padding", call("<base64>aGVsbG8</base64>"), false, "", ""},
	{"base64 one extra", call("<base64>aGVsbG8hY</base64>"), false, "", ""},
	{"base64 not utf8", call("<base64>/w==</base64>"), false, "", ""},
	{"nil", call("<nil/>"), true, "supervisor.addProcessGroup", "(None,)"},
	{"empty value", call(""), true, "supervisor.addProcessGroup", "('',)"},
	{"untyped keeps spaces", call("  plain "), true, "supervisor.addProcessGroup", "('  plain ',)"},
	{"array", call("<array><data><value><int>1</int></value><value>x</value></data></array>"), true, "supervisor.addProcessGroup", "([1, 'x'],)"},
	{"array without data", call("<array><value><int>1</int></value></array>"), true, "supervisor.addProcessGroup", "(1,)"},
	{"empty array element", call("<array></array>"), false, "", ""},
	{"struct", call("<struct><member><name>a</name><value><int>1</int></value></member></struct>"), true, "supervisor.addProcessGroup", "({'a': 1},)"},
	{"struct member short", call("<struct><member><name>a</name></member></struct>"), false, "", ""},
	{"struct int key", call("<struct><member><value><int>1</int></value><value>v</value></member></struct>"), true, "supervisor.addProcessGroup", "({1: 'v'},)"},
	{"struct falsy key", call("<struct><member><value><array><data/></array></value><value>v</value></member></struct>"), true, "supervisor.addProcessGroup", "({'': 'v'},)"},
	{"struct unhashable key", call("<struct><member><value><array><data><value>1</value></data></array></value><value>v</value></member></struct>"), false, "", ""},
	{"struct duplicate", call("<struct><member><name>a</name><value>1</value></member><member><name>b</name><value>2</value></member><member><name>a</name><value>3</value></member></struct>"), true, "supervisor.addProcessGroup", "({'a': '3', 'b': '2'},)"},
	{"unknown tag", call("<foo>bar</foo>"), true, "supervisor.addProcessGroup", "('bar',)"},
	{"string with child", call("<string>a<b>x</b>c</string>"), true, "supervisor.addProcessGroup", "('a',)"},
	{"empty string", call("<string/>"), true, "supervisor.addProcessGroup", "('',)"},
	{"nested", call("<array><data><value><nil/></value><value><boolean>0</boolean></value><value><double>2.50</double></value><value>\u00e9'\"</value></data></array>"), true, "supervisor.addProcessGroup", `([None, False, 2.5, 'é\'"'],)`},
	{"doctype entity", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e 'ENT'>]><methodCall>" + mAdd + p1("<string>&e;</string>") + "</methodCall>", true, "supervisor.addProcessGroup", "('ENT',)"},
	{"entity with references", "<!DOCTYPE x [<!ENTITY a 'A&amp;&#66;'><!ENTITY e '&a;&a;'>]><methodCall>" + mAdd + p1("<string>&e;</string>") + "</methodCall>", true, "supervisor.addProcessGroup", "('A&BA&B',)"},
	{"recursive entity", "<!DOCTYPE x [<!ENTITY e 'x&e;'>]><methodCall>" + mAdd + p1("<string>&e;</string>") + "</methodCall>", false, "", ""},
	{"doctype", "<!DOCTYPE methodCall><methodCall>" + mAdd + p1("x") + "</methodCall>", true, "supervisor.addProcessGroup", "('x',)"},
	{"undefined entity", call("<string>&e;</string>"), false, "", ""},
	{"encoding declaration ignored", "<?xml version='1.0' encoding='iso-8859-1'?>" + call("<string>\u00e9</string>"), true, "supervisor.addProcessGroup", "('é',)"},
	{"two roots", call("x") + "<x/>", false, "", ""},
	{"text after root", call("x") + "junk", false, "", ""},
	{"any root", "<x>" + mAdd + p1("y") + "</x>", true, "supervisor.addProcessGroup", "('y',)"},
	{"default namespace", "<methodCall xmlns='urn:x'>" + mAdd + p1("x") + "</methodCall>", true, "", "None"},
	{"unbound prefix", "<methodCall><a:b/>" + mAdd + p1("x") + "</methodCall>", false, "", ""},
	{"bound prefix", "<methodCall xmlns:a='urn:a'>" + mAdd + p1("<a:string>x</a:string>") + "</methodCall>", true, "supervisor.addProcessGroup", "('x',)"},
	{"cdata", call("<string><![CDATA[<&>]]></string>"), true, "supervisor.addProcessGroup", "('<&>',)"},
	{"char refs", call("<string>&#65;&#x42;&lt;</string>"), true, "supervisor.addProcessGroup", "('AB<',)"},
	{"invalid char ref", call("<string>&#1;</string>"), false, "", ""},
	{"raw control", call("<string>a\x01b</string>"), false, "", ""},
	{"nul", call("<string>a\x00b</string>"), false, "", ""},
	{"newlines", call("<string>a\r\nb\rc</string>"), true, "supervisor.addProcessGroup", "('a\\nb\\nc',)"},
	{"cr ref", call("<string>a&#13;b</string>"), true, "supervisor.addProcessGroup", "('a\\rb',)"},
	{"duplicate attribute", "<methodCall a='1' a='2'>" + mAdd + p1("x") + "</methodCall>", false, "", ""},
	{"empty body", "", false, "", ""},
	{"no method", "<methodCall></methodCall>", true, "", "None"},
	{"empty method", "<methodCall><methodName></methodName></methodCall>", true, "", "None"},
	{"bom", "\ufeff" + call("x"), true, "supervisor.addProcessGroup", "('x',)"},
	{"late declaration", " <?xml version='1.0'?>" + call("x"), false, "", ""},
	{"pi and comment", "<?foo bar?>" + call("x") + "<!-- c -->", true, "supervisor.addProcessGroup", "('x',)"},
	{"no params", "<methodCall><methodName>supervisor.getAPIVersion</methodName></methodCall>", true, "supervisor.getAPIVersion", "None"},
	{"empty params", "<methodCall><methodName>a.b</methodName><params/></methodCall>", true, "a.b", "()"},
	{"last method name", "<methodCall><methodName>x.y</methodName><methodName>supervisor.getAPIVersion</methodName></methodCall>", true, "supervisor.getAPIVersion", "None"},
	{"]]> in text", call("<string>a>b]]>c</string>"), false, "", ""},
	{"version 1.1", "<?xml version='1.1'?>" + call("x"), true, "supervisor.addProcessGroup", "('x',)"},
	{"non-ascii", call("<string>h\u00e9\U0001F600</string>"), true, "supervisor.addProcessGroup", "('hé😀',)"},
	{"param without value", "<methodCall>" + mAdd + "<params><param></param></params></methodCall>", false, "", ""},
	{"params children", "<methodCall>" + mAdd + "<params><value><int>3</int></value><foo>z</foo></params></methodCall>", true, "supervisor.addProcessGroup", "(3, 'z')"},
	{"method name spaces", "<methodCall><methodName> supervisor.getAPIVersion </methodName></methodCall>", true, " supervisor.getAPIVersion ", "None"},
	{"whitespace around", "<methodCall>" + mAdd + "<params><param> <value> <i4>4</i4> </value> </param></params></methodCall>", true, "supervisor.addProcessGroup", "(4,)"},
	{"comment in text", call("<string>a<!-- x -->b</string>"), true, "supervisor.addProcessGroup", "('ab',)"},
	{"bad comment", call("<string>a<!-- x -- y -->b</string>"), false, "", ""},
	{"mismatched", "<methodCall><methodName>a.b</methodCall>", false, "", ""},
	{"unclosed", "<methodCall><methodName>a.b</methodName>", false, "", ""},
	{"not utf8", "<methodCall><methodName>a.b\xe9</methodName></methodCall>", false, "", ""},
	{"attribute <", "<methodCall a='<'><methodName>a.b</methodName></methodCall>", false, "", ""},
	{"multicall", "<methodCall><methodName>system.multicall</methodName><params><param><value><array><data><value><struct><member><name>methodName</name><value><string>supervisor.getPID</string></value></member><member><name>params</name><value><array><data/></array></value></member></struct></value></data></array></value></param></params></methodCall>", true, "system.multicall", "([{'methodName': 'supervisor.getPID', 'params': []}],)"},
}

func TestDecodeRequestCases(t *testing.T) {
	for _, c := range requestCases {
		req, err := DecodeRequest([]byte(c.body))
		if !c.ok {
			if err == nil {
				t.Errorf("%s: decoded %q %s, want an error", c.name, req.Method, reprTuple(req.Params))
			} else if !errors.Is(err, ErrUnmarshallable) {
				t.Errorf("%s: error %v does not wrap ErrUnmarshallable", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if req.Method != c.method || req.HasMethod != (c.method != "") {
			t.Errorf("%s: method %q (%v), want %q", c.name, req.Method, req.HasMethod, c.method)
		}
		got := "None"
		if req.Params != nil {
			got = reprTuple(req.Params)
		}
		if got != c.params {
			t.Errorf("%s: params %s, want %s", c.name, got, c.params)
		}
	}
}

// compareWithOracle decodes body with both decoders and reports a
// difference.
func compareWithOracle(t *testing.T, o *oracle, name string, body []byte) {
	t.Helper()
	resp := o.ask(t, map[string]any{"op": "loads", "body": base64.StdEncoding.EncodeToString(body)})
	req, err := DecodeRequest(body)
	pyOK := resp["ok"].(bool)
	if (err == nil) != pyOK {
		t.Errorf("%s: body %q: ours err=%v, Supervisor ok=%v %v", name, body, err, pyOK, resp["error"])
		return
	}
	if !pyOK {
		return
	}
	wantMethod, _ := resp["method"].(string)
	if req.Method != wantMethod {
		t.Errorf("%s: body %q: method %q, Supervisor %q", name, body, req.Method, wantMethod)
	}
	want := "None"
	if p, ok := resp["params"].(string); ok {
		want = p
	}
	got := "None"
	if req.Params != nil {
		got = reprTuple(req.Params)
	}
	if got != want {
		t.Errorf("%s: body %q: params %s, Supervisor %s", name, body, got, want)
	}
}

func TestDecodeRequestAgainstSupervisor(t *testing.T) {
	o := getOracle(t)
	for _, c := range requestCases {
		compareWithOracle(t, o, c.name, []byte(c.body))
	}
}

// TestDecodeRequestMutations feeds deterministic mutations of the cases
// to both decoders.
func TestDecodeRequestMutations(t *testing.T) {
	o := getOracle(t)
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"<", ">", "/", "&", ";", "<value>", "</value>", "<int>", "</int>", "<string>", "</string>",
		"<array>", "<data>", "</data>", "</array>", "<struct>", "<member>", "<name>", "</name>", "</member>", "</struct>",
		"<nil/>", "1", "-", " ", "\n", "\r", "x", "é", "&amp;", "&#10;", "<![CDATA[", "]]>", "<!--", "-->", "'", "\"", "=", "_",
		"<params>", "</params>", "<param>", "</param>", "<boolean>", "<double>", "e", ".", "<base64>", "==", "a:", "xmlns:a='u'"}
	n := 2000
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		b := []byte(requestCases[rng.Intn(len(requestCases))].body)
		for k := rng.Intn(3) + 1; k > 0; k-- {
			pos := 0
			if len(b) > 0 {
				pos = rng.Intn(len(b) + 1)
			}
			switch rng.Intn(3) {
			case 0: // insert
				p := pieces[rng.Intn(len(pieces))]
				b = append(b[:pos:pos], append([]byte(p), b[pos:]...)...)
			case 1: // delete
				end := pos + rng.Intn(8)
				if end > len(b) {
					end = len(b)
				}
				b = append(b[:pos:pos], b[end:]...)
			case 2: // duplicate a slice
				end := pos + rng.Intn(16)
				if end > len(b) {
					end = len(b)
				}
				dup := append([]byte(nil), b[pos:end]...)
				b = append(b[:end:end], append(dup, b[end:]...)...)
			}
		}
		compareWithOracle(t, o, "mutation", b)
	}
}

func FuzzDecodeRequest(f *testing.F) {
	for _, c := range requestCases {
		f.Add([]byte(c.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodeRequest(body)
		if err != nil {
			if !errors.Is(err, ErrUnmarshallable) {
				t.Fatalf("error %v does not wrap ErrUnmarshallable", err)
			}
			if req != nil {
				t.Fatal("a request with an error")
			}
			return
		}
		for _, p := range req.Params {
			_ = Repr(p)
			_ = Str(p)
		}
	})
}
