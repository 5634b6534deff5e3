package httpserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// tailConn opens a tail and returns the parsed head and a body reader.
func tailConn(t *testing.T, network, addr, req string) (*http.Response, net.Conn) {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, req)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp, c
}

// readUntil reads the body until want appears.
func readUntil(t *testing.T, r io.Reader, want string) string {
	t.Helper()
	var got strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(got.String(), want) {
		n, err := r.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			t.Fatalf("reading for %q: %v; got %q", want, err, got.String())
		}
	}
	return got.String()
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.WriteString(f, s); err != nil {
		t.Fatal(err)
	}
}

func TestLogtailFollows(t *testing.T) {
	e := newEnv(t, Limits{})
	path := e.fake.Proc("talker").Config.Stdout.Logfile
	resp, _ := tailConn(t, "tcp", e.inet, "GET /logtail/talker HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for k, want := range map[string]string{
		"Content-Type": "text/plain;charset=utf-8", "X-Accel-Buffering": "no", "Server": "Medusa/1.12",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if resp.Header.Get("Last-Modified") == "" || len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
		t.Errorf("headers %v, TE %v", resp.Header, resp.TransferEncoding)
	}
	// The file holds 2004 bytes: the tail starts 1024 bytes back.
	first := make([]byte, 1024)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	if string(first) != strings.Repeat("x", 1020)+"END\n" {
		t.Errorf("first 1024 bytes: %q", first)
	}
	appendFile(t, path, "appended line\n")
	readUntil(t, resp.Body, "appended line\n")

	// Truncation.
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, "after truncation\n")
	got := readUntil(t, resp.Body, "after truncation\n")
	if !strings.HasPrefix(got, "==> File truncated <==\n") {
		t.Errorf("got %q", got)
	}

	// Rotation: the file is renamed and a new one created.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("new file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	readUntil(t, resp.Body, "new file\n")
	appendFile(t, path, "more in the new file\n")
	readUntil(t, resp.Body, "more in the new file\n")
}

func TestMainlogtailAndHTTP10(t *testing.T) {
	e := newEnv(t, Limits{})
	resp, _ := tailConn(t, "unix", e.sock, "GET /mainlogtail HTTP/1.0\r\n\r\n")
	if resp.StatusCode != 200 || resp.Header.Get("X-Accel-Buffering") != "" || len(resp.TransferEncoding) != 0 {
		t.Errorf("status %d headers %v TE %v", resp.StatusCode, resp.Header, resp.TransferEncoding)
	}
	readUntil(t, resp.Body, "main log line\n")
	appendFile(t, e.fake.MainLog, "second line\n")
	readUntil(t, resp.Body, "second line\n")

	// A short file is sent whole.
	os.WriteFile(e.fake.MainLog, []byte("x"), 0o644)
	e.fake.MainLog = ""
	r, body := do(t, "unix", e.sock, "GET /mainlogtail HTTP/1.0\r\n\r\n")
	if r.StatusCode != 404 || body != ErrorBody(404) {
		t.Errorf("no main log: %d %q", r.StatusCode, body)
	}
}

func TestLogtailMissingFileIs404(t *testing.T) {
	e := newEnv(t, Limits{})
	os.Remove(e.fake.Proc("talker").Config.Stdout.Logfile)
	r, body := do(t, "tcp", e.inet, "GET /logtail/talker/stdout HTTP/1.0\r\n\r\n")
	if r.StatusCode != 404 || body != ErrorBody(404) {
		t.Errorf("%d %q", r.StatusCode, body)
	}
}

func TestLogtailPathEncoding(t *testing.T) {
	e := newEnv(t, Limits{})
	for _, uri := range []string{"/logtail/talker", "/logtail/talker/stdout", "/logtail/talker%2Fstdout", "/logtail/tal%6Ber", "/logtail/talker;x?y#z", "/logtailfoo/talker"} {
		resp, _ := tailConn(t, "tcp", e.inet, "GET "+uri+" HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", uri, resp.StatusCode)
		}
	}
}

func TestLogtailWithoutInotify(t *testing.T) {
	e := newEnv(t, Limits{})
	for _, s := range e.group.Servers {
		s.handler.tails = nil // as where inotify is unavailable: polling
	}
	path := e.fake.Proc("talker").Config.Stdout.Logfile
	resp, _ := tailConn(t, "unix", e.sock, "GET /logtail/talker HTTP/1.1\r\nHost: localhost\r\n\r\n")
	readUntil(t, resp.Body, "END\n")
	appendFile(t, path, "polled line\n")
	readUntil(t, resp.Body, "polled line\n")
}
