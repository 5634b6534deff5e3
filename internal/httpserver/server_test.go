package httpserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/rpc/rpctest"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

type memLog struct {
	mu    sync.Mutex
	lines []string
}

func (l *memLog) Log(level config.LogLevel, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%d %s", level, msg))
}

func (l *memLog) has(sub string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	dir    string
	fake   *rpctest.Fake
	log    *memLog
	stderr *syncBuf
	group  *Group
	inet   string // host:port without auth
	auth   string // host:port with user/123
	sha    string // host:port with user/{SHA}123
	sock   string // unix socket path
}

const shaOf123 = "{SHA}40bd001563085fc35165329ea1ff5c5ecbdbbeef"

func newEnv(t *testing.T, lim Limits) *env {
	t.Helper()
	dir := t.TempDir()
	talker := rpctest.Program("talker", "/bin/true")
	talker.Processes[0].Stdout.Logfile = filepath.Join(dir, "talker.out")
	talker.Processes[0].Stderr.Logfile = ""
	f := rpctest.New(talker)
	f.MainLog = filepath.Join(dir, "supervisord.log")
	os.WriteFile(f.MainLog, []byte("main log line\n"), 0o644)
	os.WriteFile(talker.Processes[0].Stdout.Logfile, []byte(strings.Repeat("x", 2000)+"END\n"), 0o644)
	e := &env{dir: dir, fake: f, log: &memLog{}, stderr: &syncBuf{}, sock: filepath.Join(dir, "sup.sock")}
	cfgs := []config.ServerConfig{
		{Section: "inet_http_server", Host: "127.0.0.1", Port: 0},
		{Section: "inet_http_server:auth", Name: "auth", Host: "127.0.0.1", Port: 0, Username: "user", Password: "123"},
		{Section: "inet_http_server:sha", Name: "sha", Host: "127.0.0.1", Port: 0, Username: "user", Password: shaOf123},
		{Section: "unix_http_server", Unix: true, File: e.sock, Chmod: 0o700, ChownUID: -1, ChownGID: -1},
	}
	g, err := Open(cfgs, Options{
		RPC: rpc.NewHandler(f, []string{"supervisor"}, e.log), Backend: f, Log: e.log, Stderr: e.stderr, Limits: lim,
	})
	if err != nil {
		t.Fatal(err)
	}
	g.Serve()
	t.Cleanup(func() { g.Close() })
	e.group = g
	e.inet = g.Servers[0].Addr().String()
	e.auth = g.Servers[1].Addr().String()
	e.sha = g.Servers[2].Addr().String()
	return e
}

// raw sends a raw request and returns the whole answer (the server closes
// or the deadline passes).
func raw(t *testing.T, network, addr, req string, wait time.Duration) string {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(wait))
	io.WriteString(c, req)
	b, _ := io.ReadAll(c)
	return string(b)
}

// do sends one request and parses the answer.
func do(t *testing.T, network, addr, req string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, req)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%q: %v", req, err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func basic(user, pass string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)) + "\r\n"
}

func rpcBody(method string) string {
	b, _ := xmlrpc.EncodeRequest(method, nil)
	return string(b)
}

func TestErrorPagesAndRouting(t *testing.T) {
	e := newEnv(t, Limits{})
	getPID := rpcBody("supervisor.getPID")
	for _, c := range []struct {
		req    string
		status int
		body   string
	}{
		{"GET /RPC2 HTTP/1.0\r\n\r\n", 400, ErrorBody(400)},
		{"HEAD /RPC2 HTTP/1.0\r\n\r\n", 400, ""},
		{"PUT /RPC2 HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 400, ErrorBody(400)},
		{"POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411, ErrorBody(411)},
		{"POST /RPC2 HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello", 400, ErrorBody(400)},
		{fmt.Sprintf("POST /RPC2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s", len(getPID), getPID), 200, "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><int>4242</int></value>\n</param>\n</params>\n</methodResponse>\n"},
		{fmt.Sprintf("POST /RPC2?x=1 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s", len(getPID), getPID), 200, ""},
		{fmt.Sprintf("POST /%%52PC2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s", len(getPID), getPID), 200, ""},
		{"GET /nonexistent HTTP/1.0\r\n\r\n", 404, ErrorBody(404)},
		{"POST /nonexistent HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 400, ErrorBody(400)},
		{"GET /logtail HTTP/1.0\r\n\r\n", 500, ErrorBody(500)},
		{"GET /logtail/ HTTP/1.0\r\n\r\n", 404, ErrorBody(404)},
		{"GET /logtail/nosuch HTTP/1.0\r\n\r\n", 404, ErrorBody(404)},
		{"GET /logtail/talker/stderr HTTP/1.0\r\n\r\n", 404, ErrorBody(404)},
		{"GET /logtail/talker/bogus HTTP/1.0\r\n\r\n", 404, ErrorBody(404)},
		{"GET /logtail/talker:* HTTP/1.0\r\n\r\n", 404, ErrorBody(404)},
		{"POST /logtail/talker HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 400, ErrorBody(400)},
		{"POST /mainlogtail HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 400, ErrorBody(400)},
	} {
		for _, target := range []struct{ network, addr string }{{"tcp", e.inet}, {"unix", e.sock}} {
			resp, body := do(t, target.network, target.addr, c.req)
			if resp.StatusCode != c.status {
				t.Errorf("%s %q: status %d, want %d", target.network, c.req, resp.StatusCode, c.status)
			}
			if c.body != "" && body != c.body {
				t.Errorf("%s %q: body %q, want %q", target.network, c.req, body, c.body)
			}
			if resp.Header.Get("Server") != "Medusa/1.12" {
				t.Errorf("%q: Server %q", c.req, resp.Header.Get("Server"))
			}
			if c.status != 200 && c.req[:4] != "HEAD" && resp.Header.Get("Content-Type") != "text/html" {
				t.Errorf("%q: Content-Type %q", c.req, resp.Header.Get("Content-Type"))
			}
			if c.status == 200 && resp.Header.Get("Content-Type") != "text/xml" {
				t.Errorf("%q: Content-Type %q", c.req, resp.Header.Get("Content-Type"))
			}
		}
	}
	if !e.log.has("XML-RPC request data 'hello' is invalid: unmarshallable") {
		t.Errorf("no ERRO line for the malformed body: %v", e.log.lines)
	}
	if !e.log.has("127.0.0.1:Server Error: <class 'ValueError'>, not enough values to unpack (expected 2, got 1)") {
		t.Errorf("no Server Error line: %v", e.log.lines)
	}
	if !e.log.has("Server 'inet_http_server' running without any HTTP authentication checking") ||
		!e.log.has("Server 'unix_http_server' running without any HTTP authentication checking") ||
		e.log.has("Server 'inet_http_server:auth' running without") {
		t.Errorf("CRIT lines: %v", e.log.lines)
	}
	if !e.log.has("RPC interface 'supervisor' initialized") {
		t.Errorf("no INFO line: %v", e.log.lines)
	}
	if e.log.has("listens on") {
		t.Errorf("loopback server warned about: %v", e.log.lines)
	}
}

func TestAuthOnEveryURL(t *testing.T) {
	e := newEnv(t, Limits{})
	getPID := rpcBody("supervisor.getPID")
	urls := []struct {
		req    string
		status int // with good credentials
	}{
		{fmt.Sprintf("POST /RPC2 HTTP/1.0\r\n%%sContent-Length: %d\r\n\r\n%s", len(getPID), getPID), 200},
		{"GET /RPC2 HTTP/1.0\r\n%s\r\n", 400},
		{"GET /logtail/talker HTTP/1.0\r\n%s\r\n", 200},
		{"GET /logtail/nosuch HTTP/1.0\r\n%s\r\n", 404},
		{"GET /mainlogtail HTTP/1.0\r\n%s\r\n", 200},
		{"GET / HTTP/1.0\r\n%s\r\n", 404},
		{"GET /index.html HTTP/1.0\r\n%s\r\n", 404},
		{"GET /stylesheets/supervisor.css HTTP/1.0\r\n%s\r\n", 404},
	}
	for _, addr := range []string{e.auth, e.sha} {
		for _, u := range urls {
			for _, a := range []struct {
				header string
				status int
			}{
				{"", 401},
				{basic("user", "bad"), 401},
				{basic("other", "123"), 401},
				{basic("user", "123"), u.status},
				{"authorization: basic " + base64.StdEncoding.EncodeToString([]byte("user:123")) + "\r\n", u.status},
				{"Authorization: Digest " + base64.StdEncoding.EncodeToString([]byte("user:123")) + "\r\n", 401},
				{"Authorization: Basic\r\n", 401},
				{"Authorization: Basic YWJj\r\n", 500},
				{"Authorization: Basic YWJ\r\n", 400},
				{"Authorization: Basic /w==\r\n", 400},
				{basic("user", "123:"), 401},
			} {
				req := fmt.Sprintf(u.req, a.header)
				var resp *http.Response
				var body string
				if a.status == 200 && strings.Contains(req, "tail") {
					// A tail streams: read the head only.
					out := raw(t, "tcp", addr, req, 300*time.Millisecond)
					if !strings.HasPrefix(out, "HTTP/1.0 200 OK\r\n") {
						t.Errorf("%s %q: %q", addr, req, out)
					}
					continue
				}
				resp, body = do(t, "tcp", addr, req)
				if resp.StatusCode != a.status {
					t.Errorf("%s %q: %d, want %d", addr, req, resp.StatusCode, a.status)
				}
				if a.status == 401 {
					if resp.Header.Get("WWW-Authenticate") != `Basic realm="default"` || !resp.Close || body != ErrorBody(401) {
						t.Errorf("401 answer: %v %q", resp.Header, body)
					}
				}
			}
		}
	}
	if !strings.Contains(e.stderr.String(), "malformed authorization info <YWJ>") || !strings.Contains(e.stderr.String(), "unknown/unsupported auth method: digest") {
		t.Errorf("stderr: %q", e.stderr.String())
	}
}

func TestRPCOverSocketsWithClient(t *testing.T) {
	e := newEnv(t, Limits{})
	user, pass, bad := "user", "123", "nope"
	for _, c := range []struct {
		url        string
		user, pass *string
		err        string
	}{
		{"http://" + e.inet, nil, nil, ""},
		{"unix://" + e.sock, nil, nil, ""},
		{"http://" + e.auth, &user, &pass, ""},
		{"http://" + e.sha, &user, &pass, ""},
		{"http://" + e.auth, nil, nil, "<ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>"},
		{"http://" + e.auth, &user, &bad, "<ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>"},
		{"http://" + e.auth, &user, nil, "<ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>"},
	} {
		cl, err := xmlrpc.NewClient(c.url, c.user, c.pass)
		if err != nil {
			t.Fatal(err)
		}
		v, err := cl.Call(context.Background(), "supervisor.getState")
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: %v, want %s", c.url, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if name, _ := v.Get("statename"); name.Str() != "RUNNING" {
			t.Errorf("%s: %#v", c.url, v)
		}
		_, err = cl.Call(context.Background(), "supervisor.getProcessInfo", "nosuch")
		if f, ok := xmlrpc.IsFault(err); !ok || f.Code != 10 {
			t.Errorf("%s: fault %v", c.url, err)
		}
		cl.Close()
	}
}

func TestUnixSocketFile(t *testing.T) {
	e := newEnv(t, Limits{})
	fi, err := os.Stat(e.sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %v", fi.Mode())
	}
	if _, err := os.Stat(fmt.Sprintf("%s.%d", e.sock, os.Getpid())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary name left: %v", err)
	}

	// A second server on the same file: another program listens.
	f := rpctest.New()
	opts := Options{RPC: rpc.NewHandler(f, nil, nil), Backend: f, Stderr: io.Discard}
	_, err = Open([]config.ServerConfig{{Section: "unix_http_server", Unix: true, File: e.sock, Chmod: 0o700, ChownUID: -1, ChownGID: -1}}, opts)
	var oe *Error
	if !errors.As(err, &oe) || oe.Text != addrInUse {
		t.Errorf("second server: %v", err)
	}
	if _, err := os.Stat(e.sock); err != nil {
		t.Errorf("the live socket was removed: %v", err)
	}

	// Closing removes the file.
	e.group.Close()
	if _, err := os.Stat(e.sock); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket file left after Close: %v", err)
	}
}

func TestStaleSocketAndChmod(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // a stale socket file stays
	var stderr syncBuf
	f := rpctest.New()
	g, err := Open([]config.ServerConfig{{Section: "unix_http_server", Unix: true, File: sock, Chmod: 0o766, ChownUID: -1, ChownGID: -1}},
		Options{RPC: rpc.NewHandler(f, nil, nil), Backend: f, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if got := stderr.String(); got != "Unlinking stale socket "+sock+"\n" {
		t.Errorf("stderr %q", got)
	}
	fi, _ := os.Stat(sock)
	if fi.Mode().Perm() != 0o766 {
		t.Errorf("mode %v", fi.Mode())
	}
	// A regular file in the way is removed the same way.
	path := filepath.Join(dir, "file.sock")
	os.WriteFile(path, []byte("x"), 0o600)
	g2, err := Open([]config.ServerConfig{{Section: "unix_http_server", Unix: true, File: path, Chmod: 0o700, ChownUID: -1, ChownGID: -1}},
		Options{RPC: rpc.NewHandler(f, nil, nil), Backend: f, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	g2.Close()
}

func TestBindErrors(t *testing.T) {
	f := rpctest.New()
	opts := Options{RPC: rpc.NewHandler(f, nil, nil), Backend: f, Stderr: io.Discard}
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	dir := t.TempDir()
	for _, c := range []struct {
		cfg  config.ServerConfig
		want string
	}{
		{config.ServerConfig{Section: "inet_http_server", Host: "127.0.0.1", Port: port}, addrInUse},
		{config.ServerConfig{Section: "inet_http_server", Host: "192.0.2.1", Port: 9001}, "Cannot open an HTTP server: socket.error reported errno.EADDRNOTAVAIL (99)"},
		{config.ServerConfig{Section: "unix_http_server", Unix: true, File: filepath.Join(dir, "no/such/dir/s.sock"), Chmod: 0o700, ChownUID: -1, ChownGID: -1}, "Cannot open an HTTP server: socket.error reported errno.ENOENT (2)"},
		{config.ServerConfig{Section: "unix_http_server", Unix: true, File: filepath.Join(dir, strings.Repeat("x", 120)), Chmod: 0o700, ChownUID: -1, ChownGID: -1}, "Cannot open an HTTP server: socket.error reported AF_UNIX path too long"},
	} {
		// The first server opens fine and must be closed again.
		first := filepath.Join(dir, "first.sock")
		_, err := Open([]config.ServerConfig{{Section: "unix_http_server", Unix: true, File: first, Chmod: 0o700, ChownUID: -1, ChownGID: -1}, c.cfg}, opts)
		if err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %s", c.cfg, err, c.want)
		}
		if _, err := os.Stat(first); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("first server's socket left behind")
		}
	}
	if os.Geteuid() != 0 {
		_, err := Open([]config.ServerConfig{{Section: "unix_http_server", Unix: true, File: filepath.Join(dir, "c.sock"), Chmod: 0o700, ChownUID: 0, ChownGID: 0}}, opts)
		if err == nil || !strings.HasPrefix(err.Error(), "Not permitted to chown "+filepath.Join(dir, "c.sock")+" to uid/gid (0, 0); adjust \"sockchown\"") {
			t.Errorf("chown: %v", err)
		}
	}
}

func TestUnauthenticatedPublicServerWarns(t *testing.T) {
	f := rpctest.New()
	log := &memLog{}
	g, err := Open([]config.ServerConfig{{Section: "inet_http_server", Host: "", Port: 0}},
		Options{RPC: rpc.NewHandler(f, []string{"supervisor"}, nil), Backend: f, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if !log.has("Server 'inet_http_server' listens on 0.0.0.0:") {
		t.Errorf("no WARN: %v", log.lines)
	}
}

func TestSlowClientDoesNotBlockOthers(t *testing.T) {
	e := newEnv(t, Limits{ReadHeaderTimeout: 300 * time.Millisecond, ReadBodyTimeout: 300 * time.Millisecond})
	// One client sends half a request line and stalls; another sends a
	// body more slowly than allowed.
	stalled, err := net.Dial("tcp", e.inet)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	io.WriteString(stalled, "POST /RP")
	slowBody, err := net.Dial("tcp", e.inet)
	if err != nil {
		t.Fatal(err)
	}
	defer slowBody.Close()
	io.WriteString(slowBody, "POST /RPC2 HTTP/1.0\r\nContent-Length: 100\r\n\r\n<meth")

	resp, _ := do(t, "tcp", e.inet, fmt.Sprintf("POST /RPC2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s", len(rpcBody("supervisor.getPID")), rpcBody("supervisor.getPID")))
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	// Both stalled connections are closed by the server.
	for _, c := range []net.Conn{stalled, slowBody} {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadAll(c); err != nil {
			t.Errorf("stalled connection not closed by the server: %v", err)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	e := newEnv(t, Limits{MaxBodyBytes: 100})
	body := strings.Repeat("x", 200)
	resp, b := do(t, "tcp", e.inet, fmt.Sprintf("POST /RPC2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s", len(body), body))
	if resp.StatusCode != 413 || b != ErrorBody(413) {
		t.Errorf("%d %q", resp.StatusCode, b)
	}
}

func TestConcurrentClients(t *testing.T) {
	e := newEnv(t, Limits{})
	user, pass := "user", "123"
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			url := []string{"http://" + e.inet, "unix://" + e.sock, "http://" + e.auth}[i%3]
			var u, p *string
			if i%3 == 2 {
				u, p = &user, &pass
			}
			cl, err := xmlrpc.NewClient(url, u, p)
			if err != nil {
				errs <- err
				return
			}
			defer cl.Close()
			for j := 0; j < 25; j++ {
				switch j % 4 {
				case 0:
					if _, err := cl.Call(context.Background(), "supervisor.getAllProcessInfo"); err != nil {
						errs <- err
					}
				case 1:
					if _, err := cl.Call(context.Background(), "supervisor.startProcess", "talker"); err != nil {
						if f, ok := xmlrpc.IsFault(err); !ok || f.Code != 60 {
							errs <- err
						}
					}
				case 2:
					if _, err := cl.Call(context.Background(), "system.multicall", []any{map[string]any{"methodName": "supervisor.getPID"}}); err != nil {
						errs <- err
					}
				case 3:
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
					resp, err := cl.Get(ctx, "/logtail/talker")
					if err != nil {
						errs <- err
					} else {
						buf := make([]byte, 1024)
						if _, err := io.ReadFull(resp.Body, buf); err != nil {
							errs <- err
						}
						resp.Body.Close()
					}
					cancel()
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCloseEndsTails(t *testing.T) {
	e := newEnv(t, Limits{})
	c, err := net.Dial("unix", e.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /logtail/talker HTTP/1.1\r\nHost: localhost\r\n\r\n")
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1024)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := io.ReadAll(resp.Body); done <- err }()
	if err := e.group.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("tail still open after Close")
	}
}

// TestKeepAliveAfterDeadlines: the per-request read and write deadlines
// must not outlive their request on a persistent connection (supervisorctl
// keeps one for a whole session).
func TestKeepAliveAfterDeadlines(t *testing.T) {
	e := newEnv(t, Limits{ReadBodyTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond})
	c, err := net.Dial("unix", e.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	body := rpcBody("supervisor.getPID")
	req := fmt.Sprintf("POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	for i := 0; i < 3; i++ {
		if i > 0 {
			time.Sleep(300 * time.Millisecond) // past both deadlines: the point of the test
		}
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, req)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.Contains(string(b), "4242") {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, b)
		}
	}
}
