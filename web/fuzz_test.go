package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/rpc/rpctest"
)

// fuzzHandler is the web interface over a fake daemon; a panic (which
// ServeHTTP turns into a 500 and an ERRO "panic:" line) fails the test.
func fuzzHandler(t testing.TB) (*Handler, *[]string, *sync.Mutex) {
	grp := rpctest.Program("a", "/bin/true")
	grp.Name = "grp"
	grp.Processes[0].Group = "grp"
	f := rpctest.New(rpctest.Program("sleeper", "/bin/sleep 1"), rpctest.Program("x<y>&z", "/bin/true"), grp)
	f.SetState("sleeper", rpctest.Running)
	var mu sync.Mutex
	var lines []string
	h, err := New(Options{Backend: f, Log: rpc.LoggerFunc(func(_ config.LogLevel, msg string) {
		mu.Lock()
		lines = append(lines, msg)
		mu.Unlock()
	})})
	if err != nil {
		t.Fatal(err)
	}
	return h, &lines, &mu
}

// FuzzWebQuery sends any request line path, query and form body to the
// web interface: it must answer with one of the statuses Supervisor uses
// and never panic.
func FuzzWebQuery(f *testing.F) {
	seeds := []struct{ method, uri, body string }{
		{"GET", "/", ""},
		{"GET", "/index.html?action=refresh", ""},
		{"GET", "/index.html?processname=sleeper&action=stop", ""},
		{"GET", "/index.html?processname=grp%3Aa&action=start", ""},
		{"GET", "/index.html?processname=x%3Cy%3E%26z&action=clearlog", ""},
		{"GET", "/index.html?action=bogus", ""},
		{"GET", "/index.html?processname=grp:*&action=restart", ""},
		{"GET", "/index.html?message=%E2%82&x=%", ""},
		{"POST", "/index.html", "action=stopall&processname=%FF"},
		{"GET", "/tail.html?processname=sleeper&limit=%D9%A2%C2%B2", ""},
		{"GET", "/tail.html?processname=sleeper&limit=999999999999999999999999", ""},
		{"GET", "/index.html;p?PATH_INFO=tail.html#frag", ""},
		{"GET", "//stylesheets/../images/icon.png", ""},
		{"GET", "/stylesheets", ""},
		{"HEAD", "/status.html", ""},
		{"GET", "/api/status", ""},
		{"POST", "/api/action", `{"action":"restartgroup","name":"grp"}`},
		{"GET", "/%", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.uri, s.body)
	}
	h, lines, mu := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, method, uri, body string) {
		switch method {
		case "GET", "POST", "HEAD", "PUT":
		default:
			method = "GET"
		}
		if !strings.HasPrefix(uri, "/") {
			uri = "/" + uri
		}
		r := httptest.NewRequest("GET", "/", strings.NewReader(body))
		r.Method = method
		r.RequestURI = uri
		r.Host = "example.com:9001"
		if method == "POST" {
			r.Header.Set("Content-Length", "1")
			if strings.HasPrefix(uri, "/api/") {
				r.Header.Set("Content-Type", "application/json")
			}
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		switch w.Code {
		case 200, 301, 304, 400, 404, 405, 411, 413, 415, 500:
		default:
			t.Fatalf("%s %q: status %d", method, uri, w.Code)
		}
		if w.Code == 301 && w.Header().Get("Location") == "" {
			t.Fatalf("%s %q: 301 without Location", method, uri)
		}
		if loc := w.Header().Get("Location"); strings.ContainsAny(loc, "\r\n") {
			t.Fatalf("%s %q: Location %q", method, uri, loc)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, l := range *lines {
			if strings.Contains(l, "panic:") {
				t.Fatalf("%s %q %q: %s", method, uri, body, l)
			}
		}
		*lines = (*lines)[:0]
	})
}

// TestMessagesAreEscaped: whatever the query says, no '<' from it reaches
// the page unescaped.
func TestMessagesAreEscaped(t *testing.T) {
	h, _, _ := fuzzHandler(t)
	for _, q := range []string{"message=%3Cimg%20src%3Dx%3E", "message=%22%3E%3Cscript%3E", "message=</script><script>"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RequestURI = "/index.html?" + q
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "<img src=x") || strings.Contains(w.Body.String(), "\"><script>") || strings.Count(w.Body.String(), "<script") != 3 {
			t.Errorf("%s: not escaped", q)
		}
	}
}
