package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/testenv"
	"github.com/gosupervisor/gosupervisor/web"
)

const (
	user = "user"
	pass = "123"
)

// freePort returns a TCP port on 127.0.0.1 nobody listens on right now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// site is one running supervisord (ours or the reference) and how to
// reach its web interface.
type site struct {
	t      testing.TB
	d      *testenv.Daemon
	port   int // inet server with auth
	open   int // inet server without auth
	sock   string
	client *http.Client
}

// startSite runs supervisord on programs (config sections) with an inet
// server with auth, one without, and a unix socket, and waits until the
// web interface answers.
func startSite(t testing.TB, im testenv.Impl, programs string) *site {
	t.Helper()
	s := &site{t: t, port: freePort(t), open: freePort(t)}
	conf := fmt.Sprintf(`[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=trace
[inet_http_server]
port=127.0.0.1:%d
username=%s
password=%s
[inet_http_server:open]
port=127.0.0.1:%d
[unix_http_server]
file={dir}/web.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
%s`, s.port, user, pass, s.open, programs)
	s.d = testenv.Start(t, im, conf)
	s.sock = s.d.Dir + "/web.sock"
	s.client = &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       60 * time.Second,
		// One connection per request: medusa leaves a refused request's
		// body (and a HEAD's error body) on the connection.
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := s.client.Get(s.openURL("/ok.html"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: web interface not up: %v\n%s", im.Name, err, strings.Join(s.d.Lines(), "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s
}

func (s *site) url(path string) string {
	return fmt.Sprintf("http://%s:%s@127.0.0.1:%d%s", user, pass, s.port, path)
}

func (s *site) openURL(path string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", s.open, path)
}

type answer struct {
	Status int
	Header http.Header
	Body   string
}

func (s *site) do(method, rawURL, contentType, body string) answer {
	s.t.Helper()
	var rd io.Reader
	if body != "" || method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, rawURL, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(data)}
}

func (s *site) get(path string) answer { return s.do("GET", s.url(path), "", "") }

// message is the message a 301 from an action carries, decoded.
func message(t testing.TB, a answer) string {
	t.Helper()
	if a.Status != 301 {
		t.Fatalf("status %d, want 301; body:\n%s", a.Status, a.Body)
	}
	loc := a.Header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("Location %q: %v", loc, err)
	}
	return u.Query().Get("message")
}

// state returns a process's state name from /api/status.
func (s *site) state(namespec string) (string, web.ProcRow) {
	s.t.Helper()
	a := s.get("/api/status")
	var snap web.Snapshot
	if err := json.Unmarshal([]byte(a.Body), &snap); err != nil {
		s.t.Fatalf("api/status: %v\n%s", err, a.Body)
	}
	for _, p := range snap.Processes {
		if p.Namespec == namespec {
			return p.StateName, p
		}
	}
	return "", web.ProcRow{}
}

// waitState waits until a process reaches one of the states.
func (s *site) waitState(namespec string, states ...string) web.ProcRow {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, p := s.state(namespec)
		for _, want := range states {
			if st == want {
				return p
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s stays %s, want %v", namespec, st, states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// rawHTTP sends a request as written over a connection (TCP address or
// unix socket path) and returns the answer's head and body.
func rawHTTP(t testing.TB, network, addr, request string) (status string, header http.Header, body string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(c, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer to %q: %v", request, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.Status, resp.Header, string(data)
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
