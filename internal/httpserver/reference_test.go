package httpserver

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/rpc/rpctest"
)

// TestHTTPAgainstSupervisor sends the same raw requests to the reference
// supervisord and to our servers (over a fake Backend with the same
// programs and log file) and compares status lines, bodies and the headers
// a client can use. Skipped when the reference is not installed.
func TestHTTPAgainstSupervisor(t *testing.T) {
	if _, err := os.Stat("/usr/bin/supervisord"); err != nil {
		t.Skip("reference Supervisor not installed: no /usr/bin/supervisord")
	}
	dir := t.TempDir()
	logPath := filepath.Join(dir, "talker.out")
	content := strings.Repeat("0123456789abcdef", 100) + "tail end\n"
	if err := os.WriteFile(logPath, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	ports := [2]int{}
	for i := range ports {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	conf := fmt.Sprintf(`[supervisord]
logfile=%[1]s/supervisord.log
pidfile=%[1]s/supervisord.pid
childlogdir=%[1]s
nodaemon=true
[inet_http_server]
port=127.0.0.1:%[2]d
[inet_http_server:auth]
port=127.0.0.1:%[3]d
username=user
password=%[4]s
[unix_http_server]
file=%[1]s/ref.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:talker]
command=/bin/cat
autostart=false
stdout_logfile=%[5]s
stderr_logfile=NONE
`, dir, ports[0], ports[1], shaOf123, logPath)
	confPath := filepath.Join(dir, "supervisord.conf")
	os.WriteFile(confPath, []byte(conf), 0o600)
	cmd := exec.Command("/usr/bin/supervisord", "-c", confPath)
	out, _ := os.Create(filepath.Join(dir, "ref.out"))
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		out.Close()
	}()
	refSock := filepath.Join(dir, "ref.sock")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if c, err := net.Dial("unix", refSock); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "ref.out"))
			t.Fatalf("reference did not start: %s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}

	talker := rpctest.Program("talker", "/bin/cat")
	talker.Processes[0].Stdout.Logfile = logPath
	talker.Processes[0].Stderr.Logfile = ""
	fake := rpctest.New(talker)
	fake.MainLog = filepath.Join(dir, "supervisord.log")
	ourSock := filepath.Join(dir, "our.sock")
	g, err := Open([]config.ServerConfig{
		{Section: "inet_http_server", Host: "127.0.0.1"},
		{Section: "inet_http_server:auth", Name: "auth", Host: "127.0.0.1", Username: "user", Password: shaOf123},
		{Section: "unix_http_server", Unix: true, File: ourSock, Chmod: 0o700, ChownUID: -1, ChownGID: -1},
	}, Options{RPC: rpc.NewHandler(fake, []string{"supervisor"}, nil), Backend: fake, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	g.Serve()
	defer g.Close()

	type target struct{ network, ref, ours string }
	open := target{"tcp", fmt.Sprintf("127.0.0.1:%d", ports[0]), g.Servers[0].Addr().String()}
	auth := target{"tcp", fmt.Sprintf("127.0.0.1:%d", ports[1]), g.Servers[1].Addr().String()}
	unix := target{"unix", refSock, ourSock}
	good := basic("user", "123")
	getState := rpcBody("supervisor.getState")
	post := func(path, extra, body string) string {
		return fmt.Sprintf("POST %s HTTP/1.1\r\nHost: localhost\r\n%sContent-Length: %d\r\n\r\n%s", path, extra, len(body), body)
	}
	cases := []struct {
		tg     target
		req    string
		stream bool // read the head and the first chunk only
	}{
		{open, "GET /RPC2 HTTP/1.0\r\n\r\n", false},
		{open, "POST /RPC2 HTTP/1.0\r\n\r\n", false},
		{open, post("/RPC2", "", getState), false},
		{open, post("/RPC2", "", "<bad"), false},
		{open, post("/RPC2/x?y=1", "", rpcBody("supervisor.nosuch")), false},
		{open, "GET /nonexistent HTTP/1.0\r\n\r\n", false},
		{open, "POST /nonexistent HTTP/1.0\r\nContent-Length: 0\r\n\r\n", false},
		{open, "DELETE /foo HTTP/1.0\r\n\r\n", false},
		{open, "GET /logtail HTTP/1.0\r\n\r\n", false},
		{open, "GET /logtail/ HTTP/1.0\r\n\r\n", false},
		{open, "GET /logtail/nosuch HTTP/1.0\r\n\r\n", false},
		{open, "GET /logtail/talker/stderr HTTP/1.0\r\n\r\n", false},
		{open, "GET /logtail/talker/bogus HTTP/1.0\r\n\r\n", false},
		{open, "GET /logtail/talker:* HTTP/1.0\r\n\r\n", false},
		{open, "POST /logtail/talker HTTP/1.0\r\nContent-Length: 0\r\n\r\n", false},
		{open, "HEAD /mainlogtail HTTP/1.0\r\n\r\n", false},
		{open, "GET /logtail/talker HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{unix, "GET /logtail/talker/stdout HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{open, "GET /logtail/tal%6Ber HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{open, "GET /mainlogtail HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{unix, post("/RPC2", "", getState), false},
		{auth, post("/RPC2", "", getState), false},
		{auth, post("/RPC2", good, getState), false},
		{auth, post("/RPC2", basic("user", "bad"), getState), false},
		{auth, "GET /nonexistent HTTP/1.0\r\n" + good + "\r\n", false},
		{auth, "GET /nonexistent HTTP/1.0\r\n\r\n", false},
		{auth, "GET /logtail/talker HTTP/1.0\r\n\r\n", false},
		{auth, "GET /mainlogtail HTTP/1.0\r\n\r\n", false},
		{auth, "GET /nonexistent HTTP/1.0\r\nAuthorization: Basic YWJj\r\n\r\n", false},
		{auth, "GET /nonexistent HTTP/1.0\r\nAuthorization: Basic YWJ\r\n\r\n", false},
		{auth, "GET /nonexistent HTTP/1.0\r\nAuthorization: Digest abc\r\n\r\n", false},
		{auth, "GET /logtail/talker HTTP/1.1\r\nHost: x\r\n" + good + "\r\n", true},
	}
	compared := []string{"Server", "Content-Type", "Content-Length", "WWW-Authenticate", "X-Accel-Buffering", "Last-Modified"}
	for _, c := range cases {
		ref := fetch(t, c.tg.network, c.tg.ref, c.req, c.stream)
		ours := fetch(t, c.tg.network, c.tg.ours, c.req, c.stream)
		if ref.status != ours.status {
			t.Errorf("%q: status %q, Supervisor %q", c.req, ours.status, ref.status)
			continue
		}
		for _, h := range compared {
			if h == "Last-Modified" && strings.Contains(c.req, "mainlogtail") {
				continue // two different main logs
			}
			if ref.header.Get(h) != ours.header.Get(h) {
				t.Errorf("%q: %s %q, Supervisor %q", c.req, h, ours.header.Get(h), ref.header.Get(h))
			}
		}
		if ref.status == "HTTP/1.0 401 Unauthorized" && !ours.close {
			t.Errorf("%q: 401 without Connection: close", c.req)
		}
		if strings.Contains(c.req, "mainlogtail") || strings.Contains(c.req, "getState") && ref.body != ours.body && ref.status != "HTTP/1.1 200 OK" {
			continue
		}
		if ref.body != ours.body {
			t.Errorf("%q: body %q, Supervisor %q", c.req, ours.body, ref.body)
		}
	}
}

type fetched struct {
	status string
	header http.Header
	body   string
	close  bool
}

func fetch(t *testing.T, network, addr, req string, stream bool) fetched {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	io.WriteString(c, req)
	br := bufio.NewReader(c)
	method := strings.SplitN(req, " ", 2)[0]
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s %q: %v", addr, req, err)
	}
	var body []byte
	if stream && strings.Contains(req, "mainlogtail") {
		// The main logs differ and may be shorter than 1024 bytes.
		body = make([]byte, 1024)
		n, _ := resp.Body.Read(body)
		body = body[:n]
	} else if stream {
		body = make([]byte, 1024)
		n, _ := io.ReadFull(resp.Body, body)
		body = body[:n]
	} else {
		body, _ = io.ReadAll(resp.Body)
	}
	return fetched{status: fmt.Sprintf("HTTP/%d.%d %s", resp.ProtoMajor, resp.ProtoMinor, resp.Status), header: resp.Header, body: string(body), close: resp.Close}
}
