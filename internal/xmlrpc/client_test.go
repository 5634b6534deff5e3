package xmlrpc

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDecodeResponseAgainstPython(t *testing.T) {
	o := getOracle(t)
	bodies := []string{}
	for _, v := range encodeValues {
		b, err := EncodeResponse(v)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	bodies = append(bodies,
		string(EncodeFault(10, "BAD_NAME: foo")),
		"<methodResponse><params><param><value><i8>12345678901</i8></value></param></params></methodResponse>",
		"<methodResponse><params><param><value><ex:nil/></value></param></params></methodResponse>",
		"<methodResponse><params><param><value>  raw  </value></param></params></methodResponse>",
		"<methodResponse><params><param><value><struct><member><name>a</name><value><int>1</int></value></member><member><name>a</name><value><int>2</int></value></member></struct></value></param></params></methodResponse>",
		"<methodResponse><params><param><value><boolean>2</boolean></value></param></params></methodResponse>",
		"<methodResponse><params><param><value><foo>1</foo></value></param></params></methodResponse>",
		"<methodResponse></methodResponse>",
		"<methodResponse><params><param><value><string>a\r\nb</string></value></param></params></methodResponse>",
	)
	for _, body := range bodies {
		resp := o.ask(t, map[string]any{"op": "clientloads", "body": base64.StdEncoding.EncodeToString([]byte(body))})
		v, err := DecodeResponse([]byte(body))
		var f *Fault
		switch {
		case resp["ok"] == true:
			if err != nil {
				t.Errorf("%q: %v; Python %v", body, err, resp["value"])
				continue
			}
			if got := Repr(v); got != resp["value"] && !strings.HasPrefix(got, "b'") && !strings.HasPrefix(got, `b"`) {
				if v.Kind() == DateTime {
					continue // Python's DateTime repr shows the object's address
				}
				t.Errorf("%q: %s; Python %v", body, got, resp["value"])
			}
		case resp["fault"] != nil:
			if !errors.As(err, &f) {
				t.Errorf("%q: %v, want a fault", body, err)
				continue
			}
			want := resp["fault"].([]any)
			if float64(f.Code) != want[0].(float64) || f.String != want[1] {
				t.Errorf("%q: %v, want %v", body, f, want)
			}
		default:
			if err == nil && !strings.ContainsAny(body, "\x01\x1b") {
				t.Errorf("%q: decoded %#v; Python %v", body, v, resp["error"])
			}
		}
	}
}

func TestDecodeResponseControlCharacters(t *testing.T) {
	// Supervisor copies log bytes raw into its answer; Python's client
	// cannot read this, ours does.
	body := "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>\x1b[31mred\x1b[0m\x00\xff</string></value>\n</param>\n</params>\n</methodResponse>\n"
	v, err := DecodeResponse([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if v.Str() != "\x1b[31mred\x1b[0m\x00\uFFFD" {
		t.Errorf("got %q", v.Str())
	}
}

type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (s *seen) handler(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		s.mu.Unlock()
		_, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	})
}

func serveUnix(t *testing.T, h http.Handler) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return path
}

func serveTCP(t *testing.T, h http.Handler) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

func ptr(s string) *string { return &s }

func TestClientCall(t *testing.T) {
	ok, _ := EncodeResponse(NewString("3.0"))
	s := &seen{}
	addr := serveTCP(t, s.handler(200, string(ok)))
	path := serveUnix(t, s.handler(200, string(ok)))
	for _, c := range []struct {
		url, host  string
		user, pass *string
		auth       string
	}{
		{"http://" + addr, addr, nil, nil, ""},
		{"http://" + addr, addr, ptr("user"), nil, ""},
		{"http://" + addr, addr, nil, ptr("pw"), ""},
		{"http://" + addr, addr, ptr("user"), ptr("123"), "Basic dXNlcjoxMjM="},
		{"http://" + addr, addr, ptr(""), ptr(""), "Basic Og=="},
		{"unix://" + path, "localhost", ptr("user"), ptr("123"), "Basic dXNlcjoxMjM="},
	} {
		cl, err := NewClient(c.url, c.user, c.pass)
		if err != nil {
			t.Fatal(err)
		}
		v, err := cl.Call(context.Background(), "supervisor.getAPIVersion")
		if err != nil || v.Str() != "3.0" {
			t.Fatalf("%s: %v %v", c.url, v, err)
		}
		s.mu.Lock()
		r := s.reqs[len(s.reqs)-1]
		s.mu.Unlock()
		if r.Method != "POST" || r.URL.Path != "/RPC2" || r.Host != c.host || r.Header.Get("Content-Type") != "text/xml" {
			t.Errorf("%s: %s %s Host %q CT %q", c.url, r.Method, r.URL.Path, r.Host, r.Header.Get("Content-Type"))
		}
		if got := r.Header.Get("Authorization"); got != c.auth {
			t.Errorf("%s user=%v pass=%v: Authorization %q, want %q", c.url, c.user, c.pass, got, c.auth)
		}
		cl.Close()
	}
}

func TestClientErrors(t *testing.T) {
	fault := EncodeFault(10, "BAD_NAME: foo")
	s := &seen{}
	faultAddr := serveTCP(t, s.handler(200, string(fault)))
	unauthAddr := serveTCP(t, s.handler(401, "nope"))

	cl, _ := NewClient("http://"+faultAddr, nil, nil)
	_, err := cl.Call(context.Background(), "supervisor.getProcessInfo", "foo")
	f, ok := IsFault(err)
	if !ok || f.Code != 10 || f.String != "BAD_NAME: foo" || f.Error() != "<Fault 10: 'BAD_NAME: foo'>" {
		t.Errorf("fault: %v", err)
	}

	cl, _ = NewClient("http://"+unauthAddr, nil, nil)
	_, err = cl.Call(context.Background(), "supervisor.getPID")
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Status != 401 || pe.Error() != "<ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>" {
		t.Errorf("401: %v", err)
	}

	// A port nobody listens on.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := l.Addr().String()
	l.Close()
	cl, _ = NewClient("http://"+dead, nil, nil)
	_, err = cl.Call(context.Background(), "supervisor.getPID")
	if !IsConnRefused(err) || IsNoSuchFile(err) {
		t.Errorf("refused: %v", err)
	}

	cl, _ = NewClient("unix://"+filepath.Join(t.TempDir(), "nothere.sock"), nil, nil)
	_, err = cl.Call(context.Background(), "supervisor.getPID")
	if !IsNoSuchFile(err) || IsConnRefused(err) {
		t.Errorf("no such file: %v", err)
	}

	// A socket file nobody listens on.
	dir := t.TempDir()
	sock := filepath.Join(dir, "stale.sock")
	ul, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ul.(*net.UnixListener).SetUnlinkOnClose(false)
	ul.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Fatal(err)
	}
	cl, _ = NewClient("unix://"+sock, nil, nil)
	_, err = cl.Call(context.Background(), "supervisor.getPID")
	if !IsConnRefused(err) {
		t.Errorf("stale socket: %v", err)
	}

	if _, err := NewClient("ftp://x", nil, nil); err == nil || err.Error() != "Unknown protocol for serverurl ftp://x" {
		t.Errorf("bad scheme: %v", err)
	}
}

func TestClientGetStream(t *testing.T) {
	var mu sync.Mutex
	var auth string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth = r.Header.Get("Authorization")
		mu.Unlock()
		if r.URL.Path != "/logtail/foo/stdout" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(200)
		_, _ = io.WriteString(w, "line one\n")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	path := serveUnix(t, h)
	cl, _ := NewClient("unix://"+path, ptr("u"), ptr("p"))
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := cl.Get(ctx, "/logtail/foo/stdout")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 9)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "line one\n" {
		t.Fatalf("%q %v", buf, err)
	}
	cancel()
	resp.Body.Close()
	mu.Lock()
	if auth != "Basic dTpw" {
		t.Errorf("auth %q", auth)
	}
	mu.Unlock()
	_, err = cl.Get(context.Background(), "/logtail/nosuch")
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Status != 404 {
		t.Errorf("404: %v", err)
	}
}

func TestToValue(t *testing.T) {
	v, err := ToValue([]any{"a", 1, true, 1.5, map[string]int{"b": 2, "a": 1}, []string{"x"}, uint8(3)})
	if err != nil {
		t.Fatal(err)
	}
	if got := Repr(v); got != "['a', 1, True, 1.5, {'a': 1, 'b': 2}, ['x'], 3]" {
		t.Errorf("got %s", got)
	}
	if _, err := ToValue(make(chan int)); err == nil {
		t.Error("chan converted")
	}
}
