package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/httpserver"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
	"github.com/gosupervisor/gosupervisor/web"
)

const programs = `
[program:sleeper]
command=/bin/sleep 1000
startsecs=1
autostart=false
[program:talker]
command=/bin/sh -c 'echo "hello <b>&amp; world"; exec sleep 1000'
stdout_logfile={dir}/talker.out
startsecs=0
[program:nolog]
command=/bin/sleep 1000
autostart=false
stdout_logfile=NONE
[program:nofile]
command=/nonexistent/x
autostart=false
[program:weird<b>&"x]
command=/bin/sleep 1000
autostart=false
[group:grp]
programs=ga,gb
[program:ga]
command=/bin/sleep 1000
startsecs=0
[program:gb]
command=/bin/sleep 1000
autostart=false
`

func checkPageHeaders(t *testing.T, a answer) {
	t.Helper()
	want := map[string]string{
		"Content-Type":  "text/html;charset=utf-8",
		"Pragma":        "no-cache",
		"Cache-Control": "no-cache",
		"Expires":       "Thu, 01 Jan 1970 00:00:00 GMT",
		"Server":        "Medusa/1.12",
	}
	for k, v := range want {
		if got := a.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

var rowRE = regexp.MustCompile(`(?s)<tr class="(shade)?">\s*<td class="status"><span class="(\w+)">(\w+)</span></td>\s*<td><span>(.*?)</span></td>\s*<td><a href="([^"]*)" target="_blank">(.*?)</a></td>\s*<td class="action">\s*<ul>(.*?)</ul>`)
var linkRE = regexp.MustCompile(`<a (?:class="hidden" )?href="([^"]*)" name="([^"]*)"(?: target="_blank")?>([^<]*)</a>`)

type classicRow struct {
	shade                        bool
	class, state, desc, tail, ns string
	hrefs, names                 []string
}

// classicRows scrapes the status table the way a script would.
func classicRows(t *testing.T, body string) []classicRow {
	t.Helper()
	var rows []classicRow
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		r := classicRow{shade: m[1] != "", class: m[2], state: m[3], desc: m[4], tail: m[5], ns: m[6]}
		for _, l := range linkRE.FindAllStringSubmatch(m[7], -1) {
			r.hrefs = append(r.hrefs, l[1])
			r.names = append(r.names, l[3])
		}
		rows = append(rows, r)
	}
	return rows
}

func TestStatusPage(t *testing.T) {
	s := startSite(t, testenv.Ours(t), programs)
	s.waitState("talker", "RUNNING")
	s.waitState("grp:ga", "RUNNING")
	for _, path := range []string{"/", "/index.html", "//index.html", "/?processname=sleeper"} {
		a := s.get(path)
		if a.Status != 200 {
			t.Fatalf("GET %s: %d", path, a.Status)
		}
		checkPageHeaders(t, a)
		if !strings.Contains(a.Body, "<title>Supervisor Status</title>") {
			t.Errorf("GET %s: no title", path)
		}
	}
	a := s.get("/")
	rows := classicRows(t, a.Body)
	var names []string
	for _, r := range rows {
		names = append(names, r.ns)
	}
	// sorted by group, then name; HTML-escaped
	want := []string{"grp:ga", "grp:gb", "nofile", "nolog", "sleeper", "talker", "weird&lt;b&gt;&amp;&#34;x"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("rows %q, want %q", names, want)
	}
	for i, r := range rows {
		if r.shade != (i%2 == 1) {
			t.Errorf("row %d shade=%v", i, r.shade)
		}
	}
	ga, gb, weird := rows[0], rows[1], rows[6]
	if ga.class != "statusrunning" || ga.state != "running" || !strings.HasPrefix(ga.desc, "pid ") {
		t.Errorf("grp:ga row %+v", ga)
	}
	if ga.tail != "tail.html?processname=grp%3Aga" {
		t.Errorf("tail link %q", ga.tail)
	}
	wantLinks := []string{
		"index.html?processname=grp%3Aga&amp;action=restart", "index.html?processname=grp%3Aga&amp;action=stop",
		"index.html?processname=grp%3Aga&amp;action=clearlog", "logtail/grp%3Aga", "logtail/grp%3Aga/stderr",
	}
	if strings.Join(ga.hrefs, " ") != strings.Join(wantLinks, " ") {
		t.Errorf("running actions %q", ga.hrefs)
	}
	if strings.Join(ga.names, ",") != "Restart,Stop,Clear Log,Tail -f Stdout,Tail -f Stderr" {
		t.Errorf("running action names %q", ga.names)
	}
	if gb.class != "statusnominal" || gb.state != "stopped" || gb.desc != "Not started" {
		t.Errorf("grp:gb row %+v", gb)
	}
	if strings.Join(gb.names, ",") != "Start,Action,Clear Log,Tail -f Stdout,Tail -f Stderr" || gb.hrefs[1] != "#" {
		t.Errorf("stopped actions %q %q", gb.names, gb.hrefs)
	}
	if weird.tail != "tail.html?processname=weird%3Cb%3E%26%22x" {
		t.Errorf("escaped tail link %q", weird.tail)
	}
	if strings.Contains(a.Body, `weird<b>`) {
		t.Error("a process name reaches the page unescaped")
	}
	if !regexp.MustCompile(`&copy; 2006-<span>\d{4}</span>`).MatchString(a.Body) || !strings.Contains(a.Body, "<span>4.2.5</span>") {
		t.Error("footer lacks the version or the copyright years")
	}
	if strings.Contains(a.Body, `class="status_msg"`) {
		t.Error("a message without ?message=")
	}

	// The message is shown, escaped.
	a = s.get("/index.html?message=" + "%3Cscript%3Ealert(1)%3C/script%3E+ok")
	if !strings.Contains(a.Body, `<div class="status_msg" role="status">&lt;script&gt;alert(1)&lt;/script&gt; ok</div>`) {
		t.Errorf("message not shown escaped:\n%s", a.Body)
	}
	// A blank message is no message (parse_qs drops blank values).
	if a := s.get("/index.html?message="); strings.Contains(a.Body, "status_msg") {
		t.Error("blank message shown")
	}
	// The initial JSON cannot break out of its script element.
	if strings.Contains(s.get("/").Body, `"weird<b>`) {
		t.Error("initial JSON not escaped")
	}
}

func TestNoPrograms(t *testing.T) {
	s := startSite(t, testenv.Ours(t), "")
	a := s.get("/")
	if a.Status != 200 || !strings.Contains(a.Body, "No programs to manage") || strings.Contains(a.Body, `id="statustable"`) {
		t.Fatalf("empty page: %d\n%s", a.Status, a.Body)
	}
}

func TestActions(t *testing.T) {
	s := startSite(t, testenv.Ours(t), programs)
	s.waitState("talker", "RUNNING")
	act := func(q string) answer {
		t.Helper()
		a := s.get("/index.html?" + q)
		if a.Status == 301 {
			if a.Body != httpserver.ErrorBody(301) {
				t.Errorf("%s: body %q", q, a.Body)
			}
			if ct := a.Header.Get("Content-Type"); ct != "text/html" {
				t.Errorf("%s: Content-Type %q", q, ct)
			}
			for k, v := range map[string]string{"Pragma": "no-cache", "Cache-Control": "no-cache", "Expires": "Thu, 01 Jan 1970 00:00:00 GMT"} {
				if a.Header.Get(k) != v {
					t.Errorf("%s: %s %q", q, k, a.Header.Get(k))
				}
			}
			prefix := fmt.Sprintf("http://127.0.0.1:%d/?message=", s.port)
			if loc := a.Header.Get("Location"); !strings.HasPrefix(loc, prefix) {
				t.Errorf("%s: Location %q", q, loc)
			}
		}
		return a
	}
	ctime := regexp.MustCompile(`^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4}$`)
	m := message(t, act("action=refresh"))
	if !strings.HasPrefix(m, "Page refreshed at ") || !ctime.MatchString(strings.TrimPrefix(m, "Page refreshed at ")) {
		t.Errorf("refresh: %q", m)
	}
	if loc := act("action=refresh").Header.Get("Location"); !strings.Contains(loc, "Page%20refreshed%20at%20") {
		t.Errorf("message not quoted as urllib.quote does: %q", loc)
	}

	// start waits for RUNNING (startsecs=1)
	if m := message(t, act("processname=sleeper&action=start")); m != "Process sleeper started" {
		t.Errorf("start: %q", m)
	}
	if st, _ := s.state("sleeper"); st != "RUNNING" {
		t.Errorf("after start: %s", st)
	}
	_, before := s.state("sleeper")
	cases := []struct{ q, want string }{
		{"processname=sleeper&action=start", "ERROR: Process sleeper: already started"},
		{"processname=nofile&action=start", "ERROR: Process nofile: no such file"},
		{"processname=gb&action=start", "No such process named gb"},
		{"processname=nope&action=stop", "No such process named nope"},
		{"processname=nope&action=bogus", "No such process named nope"},
		{"processname=grp:*&action=start", "No such process named grp:*"},
		{"processname=grp:&action=start", "No such process named grp:"},
		{"processname=grp%3Agb&action=stop", "unexpected rpc fault [70] NOT_RUNNING: grp:gb"},
		{"processname=sleeper&action=restart", "Process sleeper restarted"},
		{"processname=talker&action=clearlog", "Log for talker cleared"},
		{"processname=nolog&action=clearlog", "Log for nolog cleared"},
		{"processname=sleeper&action=stop", "Process sleeper stopped"},
		{"processname=grp:gb&action=start", "Process grp:gb started"},
		{"processname=weird<b>%26\"x&action=start", "Process weird<b>&\"x started"},
		// the first of a repeated field counts
		{"action=refresh&action=bogus&processname=x", "Page refreshed at"},
	}
	for _, c := range cases {
		m := message(t, act(c.q))
		if !strings.HasPrefix(m, c.want) {
			t.Errorf("%s: %q, want %q", c.q, m, c.want)
		}
		if c.q == "processname=sleeper&action=restart" {
			_, after := s.state("sleeper")
			if after.StateName != "RUNNING" || after.PID == before.PID {
				t.Errorf("restart: %+v (pid before %d)", after, before.PID)
			}
		}
		if c.q == "processname=sleeper&action=stop" {
			if st, _ := s.state("sleeper"); st != "STOPPED" {
				t.Errorf("after stop: %s", st)
			}
		}
	}
	if data := readFile(t, s.d.Dir+"/talker.out"); data != "" {
		t.Errorf("talker's log after clearlog: %q", data)
	}

	// Unknown actions, and actions without a process: 500, and the
	// error in the main log.
	for _, q := range []string{"processname=sleeper&action=bogus", "action=bogus", "action=start", "action=stop&processname="} {
		a := act(q)
		if a.Status != 500 || a.Body != httpserver.ErrorBody(500) {
			t.Errorf("%s: %d %q", q, a.Status, a.Body)
		}
	}
	s.d.WaitFor("ERRO Web interface error:", 4, 10*time.Second)

	// POST: the form in the body (the last of a field counts), or in
	// the query string.
	if m := message(t, s.do("POST", s.url("/index.html"), "application/x-www-form-urlencoded", "action=bogus&action=refresh")); !strings.HasPrefix(m, "Page refreshed at") {
		t.Errorf("POST form: %q", m)
	}
	if m := message(t, s.do("POST", s.url("/index.html?action=refresh"), "", "x=1")); !strings.HasPrefix(m, "Page refreshed at") {
		t.Errorf("POST query: %q", m)
	}
	if a := s.do("POST", s.url("/index.html?action=bogus"), "", "action=refresh"); a.Status != 301 {
		t.Errorf("POST body overrides query: %d", a.Status)
	}
}

func TestAllActions(t *testing.T) {
	s := startSite(t, testenv.Ours(t), `
[program:a]
command=/bin/sleep 1000
startsecs=0
[program:b]
command=/bin/sleep 1000
startsecs=1
`)
	s.waitState("a", "RUNNING")
	s.waitState("b", "RUNNING")
	if m := message(t, s.get("/index.html?action=stopall")); !strings.HasPrefix(m, "All stopped at ") {
		t.Errorf("stopall: %q", m)
	}
	for _, n := range []string{"a", "b"} {
		if st, _ := s.state(n); st != "STOPPED" {
			t.Errorf("%s after stopall: %s", n, st)
		}
	}
	if m := message(t, s.get("/index.html?action=restartall")); !strings.HasPrefix(m, "All restarted at ") {
		t.Errorf("restartall: %q", m)
	}
	for _, n := range []string{"a", "b"} {
		if st, _ := s.state(n); st != "RUNNING" {
			t.Errorf("%s after restartall: %s", n, st)
		}
	}
}

func TestTail(t *testing.T) {
	s := startSite(t, testenv.Ours(t), programs)
	s.waitState("talker", "RUNNING")
	s.d.WaitFor("success: talker", 1, 10*time.Second)
	for readFile(t, s.d.Dir+"/talker.out") == "" {
		time.Sleep(10 * time.Millisecond)
	}
	cases := []struct{ q, title, body, refresh string }{
		{"", "Supervisor tail of process None", "No process name found", ""},
		{"?processname=", "Supervisor tail of process None", "No process name found", ""},
		{"?processname=talker", "Supervisor tail of process talker", "hello &lt;b&gt;&amp;amp; world\n", "tail.html?processname=talker&amp;limit=1024"},
		{"?processname=talker&limit=5000", "Supervisor tail of process talker", "hello &lt;b&gt;&amp;amp; world\n", "tail.html?processname=talker&amp;limit=5000"},
		{"?processname=talker&limit=10", "Supervisor tail of process talker", "hello &lt;b&gt;&amp;amp; world\n", "tail.html?processname=talker&amp;limit=1024"},
		{"?processname=talker&limit=-5", "Supervisor tail of process talker", "hello &lt;b&gt;&amp;amp; world\n", "tail.html?processname=talker&amp;limit=1024"},
		{"?processname=nolog", "Supervisor tail of process nolog", "No file for nolog", "tail.html?processname=nolog&amp;limit=1024"},
		{"?processname=nope", "Supervisor tail of process nope", "ERROR: unexpected rpc fault [10] BAD_NAME: nope", "tail.html?processname=nope&amp;limit=1024"},
		{"?processname=grp:*", "Supervisor tail of process grp:*", "ERROR: unexpected rpc fault [10] BAD_NAME: grp:*", "tail.html?processname=grp%3A%2A&amp;limit=1024"},
		{"?processname=grp:gb", "Supervisor tail of process grp:gb", "", "tail.html?processname=grp%3Agb&amp;limit=1024"},
	}
	for _, c := range cases {
		a := s.get("/tail.html" + c.q)
		if a.Status != 200 {
			t.Fatalf("%s: %d", c.q, a.Status)
		}
		checkPageHeaders(t, a)
		if !strings.Contains(a.Body, "<title>"+c.title+"</title>") {
			t.Errorf("%s: title in\n%s", c.q, a.Body)
		}
		if !regexp.MustCompile(`<pre[^>]*>` + regexp.QuoteMeta(c.body) + `</pre>`).MatchString(a.Body) {
			t.Errorf("%s: want <pre> %q in\n%s", c.q, c.body, a.Body)
		}
		hasRefresh := strings.Contains(a.Body, `value=" Refresh "`)
		if c.refresh == "" && hasRefresh || c.refresh != "" && !strings.Contains(a.Body, `<a href="`+c.refresh+`">`) {
			t.Errorf("%s: refresh link %q in\n%s", c.q, c.refresh, a.Body)
		}
	}
	// '²' is a digit to str.isdigit but not to int(): the reference fails.
	if a := s.get("/tail.html?processname=talker&limit=%C2%B2"); a.Status != 500 {
		t.Errorf("limit=²: %d", a.Status)
	}
	// Arabic-Indic digits are digits to both.
	if a := s.get("/tail.html?processname=talker&limit=%D9%A2%D9%A0%D9%A0%D9%A0"); !strings.Contains(a.Body, "limit=2000") {
		t.Errorf("limit=٢٠٠٠: %s", a.Body)
	}
	// A huge limit reads what there is.
	if a := s.get("/tail.html?processname=talker&limit=99999999999999999999999"); a.Status != 200 || !strings.Contains(a.Body, "hello") {
		t.Errorf("huge limit: %d", a.Status)
	}
}

func TestOtherURLs(t *testing.T) {
	s := startSite(t, testenv.Ours(t), programs)
	a := s.get("/ok.html")
	if a.Status != 200 || a.Body != "OK" || a.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("ok.html: %d %q %q", a.Status, a.Header.Get("Content-Type"), a.Body)
	}
	if a := s.do("POST", s.url("/ok.html"), "", "x=1"); a.Status != 200 || a.Body != "OK" {
		t.Errorf("POST ok.html: %d %q", a.Status, a.Body)
	}
	// A PATH_INFO field picks the view, as in web.py.
	if a := s.get("/index.html?PATH_INFO=ok.html"); a.Body != "OK" {
		t.Errorf("PATH_INFO=ok.html: %q", a.Body)
	}
	static := []struct{ path, ctype string }{
		{"/stylesheets/supervisor.css", "text/css"},
		{"/images/icon.png", "image/png"},
		{"/images/supervisor.gif", "image/gif"},
		{"/images/rule.gif", "image/gif"},
		{"/images/state0.gif", "image/gif"},
		{"/images/state3.gif", "image/gif"},
		{"/images/logo.svg", "image/svg+xml"},
		{"/scripts/supervisor.js", "text/javascript"},
		{"/stylesheets/supervisor.css?v=whatever", "text/css"},
		{"/stylesheets%2Fsupervisor.css", "text/css"},
	}
	for _, c := range static {
		a := s.get(c.path)
		if a.Status != 200 || a.Header.Get("Content-Type") != c.ctype || a.Body == "" {
			t.Errorf("GET %s: %d %q", c.path, a.Status, a.Header.Get("Content-Type"))
			continue
		}
		lm := a.Header.Get("Last-Modified")
		if _, err := http.ParseTime(lm); err != nil {
			t.Errorf("GET %s: Last-Modified %q", c.path, lm)
		}
		head := s.do("HEAD", s.url(c.path), "", "")
		if head.Status != 200 || head.Header.Get("Content-Length") != fmt.Sprint(len(a.Body)) {
			t.Errorf("HEAD %s: %d %q", c.path, head.Status, head.Header.Get("Content-Length"))
		}
		req, _ := http.NewRequest("GET", s.url(c.path), nil)
		req.Header.Set("If-Modified-Since", lm)
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 304 {
			t.Errorf("If-Modified-Since %s: %d", c.path, resp.StatusCode)
		}
		req.Header.Set("If-Modified-Since", lm+"; length=1")
		if resp, err = s.client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("If-Modified-Since with another length %s: %d", c.path, resp.StatusCode)
			}
		}
	}
	errors := []struct {
		method, path string
		status       int
		location     string
	}{
		{"GET", "/nonexistent", 404, ""},
		{"GET", "/stylesheets/", 404, ""},
		{"GET", "/images/", 404, ""},
		{"GET", "/stylesheets", 301, "http://localhost/stylesheets/"},
		{"GET", "/images", 301, "http://localhost/images/"},
		{"GET", "/index.html;x", 404, ""},
		{"GET", "/index.html?PATH_INFO=nope.html", 404, ""},
		{"GET", "/../web.go", 404, ""},
		{"HEAD", "/", 404, ""},
		{"HEAD", "/index.html", 404, ""},
		{"HEAD", "/ok.html", 404, ""},
		{"PUT", "/", 400, ""},
		{"DELETE", "/index.html", 400, ""},
		{"POST", "/stylesheets/supervisor.css", 400, ""},
		{"OPTIONS", "/nonexistent", 400, ""},
	}
	for _, c := range errors {
		a := s.do(c.method, s.url(c.path), "", "")
		if a.Status != c.status || a.Header.Get("Location") != c.location {
			t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, a.Status, a.Header.Get("Location"), c.status, c.location)
		}
		if c.method != "HEAD" && a.Body != httpserver.ErrorBody(c.status) {
			t.Errorf("%s %s: body %q", c.method, c.path, a.Body)
		}
	}
	// A POST needs a Content-Length, as medusa's collector says.
	status, _, _ := rawHTTP(t, "tcp", fmt.Sprintf("127.0.0.1:%d", s.open),
		"POST /index.html HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
	if status != "411 Length Required" {
		t.Errorf("chunked POST: %s", status)
	}
}

func TestHostAndUnixSocket(t *testing.T) {
	s := startSite(t, testenv.Ours(t), "")
	addr := fmt.Sprintf("127.0.0.1:%d", s.open)
	cases := []struct{ host, want string }{
		{"Host: example.com:80\r\n", "http://example.com/?message="},
		{"Host: example.com:\r\n", "http://example.com/?message="},
		{"Host: a:b\r\n", "http://a:b/?message="},
		{"Host: [::1]:99\r\n", "http://[::1]:99/?message="},
		{"Host: ex.com:443\r\n", "http://ex.com:443/?message="},
		{"", fmt.Sprintf("http://localhost:%d/?message=", s.open)},
	}
	for _, c := range cases {
		_, h, _ := rawHTTP(t, "tcp", addr, "GET /index.html?action=refresh HTTP/1.0\r\n"+c.host+"\r\n")
		if loc := h.Get("Location"); !strings.HasPrefix(loc, c.want) {
			t.Errorf("%q: Location %q, want %s...", c.host, loc, c.want)
		}
	}
	_, h, _ := rawHTTP(t, "unix", s.sock, "GET /index.html?action=refresh HTTP/1.0\r\n\r\n")
	if loc, want := h.Get("Location"), "http://<unix domain socket>:"+s.sock+"/?message=Page%20refreshed"; !strings.HasPrefix(loc, want) {
		t.Errorf("unix socket without Host: %q, want %s...", loc, want)
	}
	status, _, body := rawHTTP(t, "unix", s.sock, "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
	if status != "200 OK" || !strings.Contains(body, "No programs to manage") {
		t.Errorf("page over the unix socket: %s", status)
	}
}

func TestAuth(t *testing.T) {
	s := startSite(t, testenv.Ours(t), programs)
	s.waitState("talker", "RUNNING")
	paths := []string{"/", "/index.html", "/index.html?action=refresh", "/tail.html?processname=talker", "/ok.html",
		"/stylesheets/supervisor.css", "/images/icon.png", "/scripts/supervisor.js", "/api/status", "/nonexistent"}
	base := fmt.Sprintf("127.0.0.1:%d", s.port)
	for _, p := range paths {
		for _, creds := range []string{"", "user:wrong@", "nobody:123@"} {
			a := s.do("GET", "http://"+creds+base+p, "", "")
			if a.Status != 401 || a.Header.Get("WWW-Authenticate") != `Basic realm="default"` {
				t.Errorf("GET %s as %q: %d %q", p, creds, a.Status, a.Header.Get("WWW-Authenticate"))
			}
		}
		if a := s.get(p); a.Status == 401 {
			t.Errorf("GET %s with credentials: 401", p)
		}
	}
	a := s.do("POST", "http://"+base+"/api/action", "application/json", `{"action":"stopall"}`)
	if a.Status != 401 {
		t.Errorf("api/action without credentials: %d", a.Status)
	}
	if a := s.do("GET", "http://"+base+"/index.html?action=stopall", "", ""); a.Status != 401 {
		t.Errorf("stopall without credentials: %d", a.Status)
	}
	if st, _ := s.state("talker"); st != "RUNNING" {
		t.Error("an unauthenticated stopall acted")
	}
}

func TestAPI(t *testing.T) {
	s := startSite(t, testenv.Ours(t), programs)
	s.waitState("grp:ga", "RUNNING")
	a := s.get("/api/status")
	if a.Status != 200 || a.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("api/status: %d %q", a.Status, a.Header.Get("Content-Type"))
	}
	var snap web.Snapshot
	if err := json.Unmarshal([]byte(a.Body), &snap); err != nil {
		t.Fatal(err)
	}
	if snap.PID != s.d.PID() || snap.Version != "4.2.5" || snap.State != "RUNNING" || len(snap.Processes) != 7 {
		t.Errorf("snapshot %+v", snap)
	}
	post := func(body string) web.ActionResult {
		t.Helper()
		a := s.do("POST", s.url("/api/action"), "application/json", body)
		var r web.ActionResult
		if err := json.Unmarshal([]byte(a.Body), &r); err != nil {
			t.Fatalf("%s: %d %q", body, a.Status, a.Body)
		}
		return r
	}
	cases := []struct {
		body string
		ok   bool
		msg  string
	}{
		{`{"action":"start","name":"sleeper"}`, true, "Process sleeper started"},
		{`{"action":"start","name":"sleeper"}`, false, "ERROR: Process sleeper: already started"},
		{`{"action":"stop","name":"nope"}`, false, "No such process named nope"},
		{`{"action":"startgroup","name":"grp"}`, true, "Group grp started"},
		{`{"action":"stopgroup","name":"grp"}`, true, "Group grp stopped"},
		{`{"action":"restartgroup","name":"grp"}`, true, "Group grp restarted"},
		{`{"action":"stopgroup","name":"nope"}`, false, "No such group named nope"},
		{`{"action":"restartgroup","name":"nope"}`, false, "No such group named nope"},
		{`{"action":"refresh"}`, true, "Page refreshed at"},
		{`{"action":"stopall"}`, true, "All stopped at"},
		{`{"action":"startall"}`, false, "ERROR: nofile (NO_FILE"},
	}
	for _, c := range cases {
		r := post(c.body)
		if r.OK != c.ok || !strings.HasPrefix(r.Message, c.msg) {
			t.Errorf("%s: %+v, want %v %q", c.body, r, c.ok, c.msg)
		}
	}
	if st, _ := s.state("grp:gb"); st != "RUNNING" {
		t.Errorf("grp:gb after startall: %s", st)
	}
	for _, c := range []struct {
		method, ctype, body string
		status              int
	}{
		{"POST", "application/json", `{"action":"bogus"}`, 400},
		{"POST", "application/json", `not json`, 400},
		{"POST", "application/x-www-form-urlencoded", `action=stopall`, 415},
		{"POST", "text/plain", `{"action":"stopall"}`, 415},
		{"GET", "", "", 405},
	} {
		if a := s.do(c.method, s.url("/api/action"), c.ctype, c.body); a.Status != c.status {
			t.Errorf("%s %s %s: %d, want %d", c.method, c.ctype, c.body, a.Status, c.status)
		}
	}
	if a := s.get("/api/nope"); a.Status != 404 {
		t.Errorf("api/nope: %d", a.Status)
	}
	if a := s.do("POST", s.url("/api/status"), "application/json", "{}"); a.Status != 405 {
		t.Errorf("POST api/status: %d", a.Status)
	}
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}
