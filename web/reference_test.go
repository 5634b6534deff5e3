package web_test

import (
	"fmt"
	"html"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

const diffPrograms = `
[program:sleeper]
command=/bin/sleep 1000
startsecs=1
autostart=false
[program:talker]
command=/bin/sh -c 'echo "hello <b>&amp; world"; exec sleep 1000'
stdout_logfile={dir}/talker.out
startsecs=0
[program:quick]
command=/bin/true
startsecs=3
startretries=0
autostart=false
[program:nolog]
command=/bin/sleep 1000
autostart=false
stdout_logfile=NONE
[program:nofile]
command=/nonexistent/x
autostart=false
[program:noexec]
command={dir}
autostart=false
[group:grp]
programs=ga,gb
[program:ga]
command=/bin/sleep 1000
startsecs=0
[program:gb]
command=/bin/sleep 1000
autostart=false
[program:many]
command=/bin/sleep 1000
numprocs=2
process_name=%(program_name)s_%(process_num)02d
autostart=false
`

// classicState scrapes a process's state from the classic table, which
// both implementations serve.
func (s *site) classicState(namespec string) string {
	s.t.Helper()
	for _, r := range classicRows(s.t.(*testing.T), s.get("/").Body) {
		if r.ns == namespec {
			return strings.ToUpper(r.state)
		}
	}
	return ""
}

func (s *site) waitClassic(namespec, state string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.classicState(namespec) != state {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: %s stays %s, want %s", s.d.Impl.Name, namespec, s.classicState(namespec), state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var (
	ctimeRE = regexp.MustCompile(`[A-Z][a-z]{2}(%20| )[A-Z][a-z]{2}(%20| )(%20| )?\d{1,2}(%20| )\d\d(%3A|:)\d\d(%3A|:)\d\d(%20| )\d{4}`)
	pidRE   = regexp.MustCompile(`pid \d+, uptime \d+:\d\d:\d\d`)
	stopRE  = regexp.MustCompile(`[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M`)
)

// mask hides what differs between two runs: ports, socket paths, times,
// pids.
func (s *site) mask(text string) string {
	text = strings.ReplaceAll(text, fmt.Sprint(s.port), "PORT")
	text = strings.ReplaceAll(text, fmt.Sprint(s.open), "OPEN")
	text = strings.ReplaceAll(text, s.d.Dir, "DIR")
	text = ctimeRE.ReplaceAllString(text, "CTIME")
	text = pidRE.ReplaceAllString(text, "pid N, uptime T")
	return stopRE.ReplaceAllString(text, "STOPTIME")
}

// meldEscape escapes text as Supervisor's templating does: '&' unless it
// starts an entity, '<'. We escape fully (see docs/compat.md); the tests
// compare the text carried.
func meldEscape(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '<':
			b.WriteString("&lt;")
		case '&':
			if entity.MatchString(text[i+1:]) {
				b.WriteByte('&')
			} else {
				b.WriteString("&amp;")
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var entity = regexp.MustCompile(`^[#\w]*;`)

// outcome is what a curl user sees of one request.
type outcome struct {
	Status   int
	Location string
	Message  string
	Type     string
	NoCache  string
	Auth     string
	Extra    string // the view's text: <title>, <pre>, status_msg, the body of ok.html
}

var (
	titleRE = regexp.MustCompile(`<title>(.*?)</title>`)
	preRE   = regexp.MustCompile(`(?s)<pre[^>]*>(.*?)</pre>`)
	msgRE   = regexp.MustCompile(`<div class="status_msg"[^>]*>(.*?)</div>`)
)

func (s *site) outcome(method, path, body string) outcome {
	s.t.Helper()
	ctype := ""
	if method == "POST" {
		ctype = "application/x-www-form-urlencoded"
	}
	a := s.do(method, s.url(path), ctype, body)
	o := outcome{
		Status:   a.Status,
		Location: s.mask(a.Header.Get("Location")),
		Type:     a.Header.Get("Content-Type"),
		NoCache:  a.Header.Get("Pragma") + "|" + a.Header.Get("Cache-Control") + "|" + a.Header.Get("Expires"),
		Auth:     a.Header.Get("WWW-Authenticate"),
	}
	if a.Status == 301 && strings.Contains(a.Header.Get("Location"), "?message=") {
		o.Message = s.mask(message(s.t, a))
	}
	if strings.HasPrefix(o.Type, "text/html;") {
		var parts []string
		for _, re := range []*regexp.Regexp{titleRE, preRE, msgRE} {
			if m := re.FindStringSubmatch(a.Body); m != nil {
				parts = append(parts, m[1])
			}
		}
		o.Extra = s.mask(strings.Join(parts, " | "))
		if s.d.Impl.Name != testenv.Reference.Name {
			o.Extra = meldEscape(html.UnescapeString(o.Extra))
		}
	} else if o.Type == "text/plain" {
		o.Extra = a.Body
	}
	return o
}

// TestCurlContractAgainstSupervisor runs the same curl requests against
// Supervisor 4.2.5 and our supervisord, on the same programs, in the same
// order, and compares what a script sees: status codes, the Location
// header and its message (hosts, ports, times and pids masked), content
// types, the no-cache headers, the titles and texts of the views.
func TestCurlContractAgainstSupervisor(t *testing.T) {
	if _, err := os.Stat(testenv.Reference.Supervisord); err != nil {
		t.Skipf("reference Supervisor not installed (no %s): apt-get install -y supervisor", testenv.Reference.Supervisord)
	}
	sites := make([]*site, 2)
	var wg sync.WaitGroup
	for i, im := range []testenv.Impl{testenv.Reference, testenv.Ours(t)} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sites[i] = startSite(t, im, diffPrograms)
		}()
	}
	wg.Wait()
	for _, s := range sites {
		if s == nil {
			t.FailNow()
		}
		s.waitClassic("talker", "RUNNING")
		s.waitClassic("grp:ga", "RUNNING")
		for readFile(t, s.d.Dir+"/talker.out") == "" {
			time.Sleep(10 * time.Millisecond)
		}
	}
	ref, ours := sites[0], sites[1]

	type step struct{ method, path, body string }
	steps := []step{
		{"GET", "/index.html?action=refresh", ""},
		{"GET", "/?action=refresh", ""},
		{"GET", "/index.html?processname=sleeper&action=start", ""},
		{"GET", "/index.html?processname=sleeper&action=start", ""},
		{"GET", "/index.html?processname=nofile&action=start", ""},
		{"GET", "/index.html?processname=noexec&action=start", ""},
		{"GET", "/index.html?processname=quick&action=start", ""},
		{"GET", "/index.html?processname=grp:gb&action=stop", ""},
		{"GET", "/index.html?processname=nope&action=stop", ""},
		{"GET", "/index.html?processname=nope&action=bogus", ""},
		{"GET", "/index.html?processname=grp:*&action=start", ""},
		{"GET", "/index.html?processname=grp:&action=start", ""},
		{"GET", "/index.html?processname=many&action=start", ""},
		{"GET", "/index.html?processname=many:many_01&action=start", ""},
		{"GET", "/index.html?processname=gb&action=start", ""},
		{"GET", "/index.html?processname=sleeper&action=restart", ""},
		{"GET", "/tail.html", ""},
		{"GET", "/tail.html?processname=", ""},
		{"GET", "/tail.html?processname=talker", ""},
		{"GET", "/tail.html?processname=talker&limit=10", ""},
		{"GET", "/tail.html?processname=talker&limit=0002000", ""},
		{"GET", "/tail.html?processname=talker&limit=abc", ""},
		{"GET", "/tail.html?processname=talker&limit=%C2%B2", ""},
		{"GET", "/tail.html?processname=nolog", ""},
		{"GET", "/tail.html?processname=nope", ""},
		{"GET", "/tail.html?processname=grp:*", ""},
		{"GET", "/tail.html?processname=grp:gb", ""},
		{"POST", "/tail.html", "processname=talker"},
		{"GET", "/index.html?processname=talker&action=clearlog", ""},
		{"GET", "/tail.html?processname=talker", ""},
		{"GET", "/index.html?processname=nolog&action=clearlog", ""},
		{"GET", "/index.html?processname=sleeper&action=stop", ""},
		{"GET", "/index.html?processname=sleeper&action=bogus", ""},
		{"GET", "/index.html?action=bogus", ""},
		{"GET", "/index.html?action=start", ""},
		{"GET", "/index.html?action=", ""},
		{"GET", "/index.html?processname=+&action=start", ""},
		{"GET", "/index.html?action=refresh&action=bogus", ""},
		{"POST", "/index.html", "action=bogus&action=refresh"},
		{"POST", "/index.html?action=bogus", "action=refresh"},
		{"POST", "/index.html?action=refresh", "x=1"},
		{"GET", "/index.html?message=hello%20%3Cb%3E", ""},
		{"GET", "/index.html?message=", ""},
		{"GET", "/index.html?PATH_INFO=ok.html", ""},
		{"GET", "/ok.html", ""},
		{"POST", "/ok.html", "x=1"},
		{"GET", "/stylesheets/supervisor.css", ""},
		{"GET", "/images/icon.png", ""},
		{"GET", "/images/supervisor.gif", ""},
		{"GET", "/images/rule.gif", ""},
		{"GET", "/images/state0.gif", ""},
		{"GET", "/images/state1.gif", ""},
		{"GET", "/images/state2.gif", ""},
		{"GET", "/images/state3.gif", ""},
		{"HEAD", "/stylesheets/supervisor.css", ""},
		{"GET", "/stylesheets", ""},
		{"GET", "/images", ""},
		{"GET", "/stylesheets/", ""},
		{"GET", "/nonexistent", ""},
		{"HEAD", "/", ""},
		{"HEAD", "/index.html", ""},
		{"HEAD", "/ok.html", ""},
		{"PUT", "/", ""},
		{"DELETE", "/index.html", ""},
		{"POST", "/stylesheets/supervisor.css", "a=b"},
		{"GET", "/index.html?action=stopall", ""},
		{"GET", "/index.html?action=restartall", ""},
	}
	for _, st := range steps {
		want := ref.outcome(st.method, st.path, st.body)
		got := ours.outcome(st.method, st.path, st.body)
		if want != got {
			t.Errorf("%s %s %s:\n reference: %+v\n ours:      %+v", st.method, st.path, st.body, want, got)
		}
	}

	// The pages list the same processes, in the same order, with the
	// same states, descriptions and actions.
	scrape := func(s *site) string {
		var out []string
		for _, r := range classicRows(t, s.get("/").Body) {
			out = append(out, fmt.Sprintf("%v %s %s %s %s %s %q %q", r.shade, r.class, r.state, s.mask(r.desc), r.tail, r.ns, r.hrefs, r.names))
		}
		return strings.Join(out, "\n")
	}
	for _, s := range sites {
		s.waitClassic("sleeper", "RUNNING")
	}
	if a, b := scrape(ref), scrape(ours); a != b {
		t.Errorf("status tables differ:\nreference:\n%s\nours:\n%s", a, b)
	}

	// Without credentials: 401 everywhere.
	for _, p := range []string{"/", "/index.html?action=stopall", "/tail.html", "/ok.html", "/stylesheets/supervisor.css", "/nonexistent"} {
		var outs [2]string
		for i, s := range sites {
			a := s.do("GET", fmt.Sprintf("http://127.0.0.1:%d%s", s.port, p), "", "")
			outs[i] = fmt.Sprintf("%d %q", a.Status, a.Header.Get("WWW-Authenticate"))
		}
		if outs[0] != outs[1] {
			t.Errorf("GET %s without credentials: reference %s, ours %s", p, outs[0], outs[1])
		}
	}

	// The Host header, or its absence, makes the Location.
	for _, host := range []string{"Host: example.com:80\r\n", "Host: example.com:\r\n", "Host: a:b\r\n", "Host: [::1]:99\r\n", ""} {
		var locs [2]string
		for i, s := range sites {
			_, h, _ := rawHTTP(t, "tcp", fmt.Sprintf("127.0.0.1:%d", s.open), "GET /index.html?action=refresh HTTP/1.0\r\n"+host+"\r\n")
			locs[i] = s.mask(h.Get("Location"))
		}
		if locs[0] != locs[1] {
			t.Errorf("%q: reference %q, ours %q", host, locs[0], locs[1])
		}
	}
	var locs [2]string
	for i, s := range sites {
		_, h, _ := rawHTTP(t, "unix", s.sock, "GET /index.html?action=refresh HTTP/1.0\r\n\r\n")
		locs[i] = s.mask(h.Get("Location"))
	}
	if locs[0] != locs[1] {
		t.Errorf("unix socket without Host: reference %q, ours %q", locs[0], locs[1])
	}
}
