package httpserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/rpc/rpctest"
)

// FuzzRequest feeds raw HTTP requests to a server's handler (with and
// without auth): no panic, and only the answers Supervisor gives.
func FuzzRequest(f *testing.F) {
	getPID := rpcBody("supervisor.getPID")
	for _, s := range []string{
		fmt.Sprintf("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(getPID), getPID),
		fmt.Sprintf("POST /RPC2 HTTP/1.0\r\nAuthorization: Basic dXNlcjoxMjM=\r\nContent-Length: %d\r\n\r\n%s", len(getPID), getPID),
		"GET /logtail/talker/stderr HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /mainlogtail HTTP/1.0\r\nAuthorization: Basic YWJj\r\n\r\n",
		"GET /%52PC2?x HTTP/1.0\r\n\r\n",
		"POST /RPC2 HTTP/1.0\r\nContent-Length: 20\r\n\r\n<methodCall><methodN",
		"GET /logtail HTTP/1.0\r\nAuthorization: Digest x\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	talker := rpctest.Program("talker", "/bin/true")
	talker.Processes[0].Stdout.Logfile = filepath.Join(dir, "talker.out")
	os.WriteFile(talker.Processes[0].Stdout.Logfile, []byte("hello\n"), 0o644)
	fake := rpctest.New(talker)
	fake.MainLog = filepath.Join(dir, "main.log")
	os.WriteFile(fake.MainLog, []byte("main\n"), 0o644)
	opts := Options{RPC: rpc.NewHandler(fake, []string{"supervisor"}, nil), Backend: fake, Stderr: &bytes.Buffer{}}
	handlers := []http.Handler{
		Handler(config.ServerConfig{Section: "inet_http_server", Host: "127.0.0.1"}, opts),
		Handler(config.ServerConfig{Section: "inet_http_server", Host: "127.0.0.1", Username: "user", Password: "123"}, opts),
		Handler(config.ServerConfig{Section: "unix_http_server", Unix: true, File: "/x.sock", Username: "user", Password: shaOf123}, opts),
	}
	allowed := map[int]bool{200: true, 400: true, 401: true, 404: true, 411: true, 413: true, 500: true}
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return
		}
		req.RemoteAddr = "127.0.0.1:1234"
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // a log tail stops right after its head
		req = req.WithContext(ctx)
		for _, h := range handlers {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if !allowed[rec.Code] {
				t.Fatalf("status %d for %q", rec.Code, raw)
			}
		}
	})
}
