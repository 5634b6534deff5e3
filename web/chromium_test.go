package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

const browserPrograms = `
[program:sleeper]
command=/bin/sleep 1000
startsecs=1
[program:ticker]
command=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i <b>&amp;"; echo "warn $i" >&2; sleep 0.3; done'
startsecs=0
[program:broken]
command=/nonexistent/broken
autostart=false
[group:web]
programs=api,worker
[program:api]
command=/bin/sleep 1000
startsecs=0
[program:worker]
command=/bin/sleep 1000
startsecs=0
`

func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser runs headless chromium with the project's flags and
// returns a DevTools connection to it. The browser is killed (by its pid)
// when the test ends.
func startBrowser(t *testing.T, ctx context.Context) *cdp {
	t.Helper()
	bin := findChromium()
	if bin == "" {
		t.Skip("chromium not installed (apt-get install -y chromium): skipping the browser test")
	}
	cmd := exec.Command(bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-port=0", "--hide-scrollbars",
		"--font-render-hinting=none", "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		// chromium's helpers share its process group, which we made.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	wsURL := make(chan string, 1)
	var logMu sync.Mutex
	var logLines []string
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		for sc.Scan() {
			logMu.Lock()
			logLines = append(logLines, sc.Text())
			logMu.Unlock()
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				wsURL <- m[1]
			}
		}
	}()
	select {
	case u := <-wsURL:
		c, err := newCDP(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return c
	case <-done:
	case <-time.After(60 * time.Second):
	}
	logMu.Lock()
	defer logMu.Unlock()
	t.Fatalf("chromium did not start:\n%s", strings.Join(logLines, "\n"))
	return nil
}

// TestBrowser drives the page in headless chromium as a user would: it
// logs in through the browser's own authentication challenge, stops and
// starts a process by clicking, sees the state change without a reload,
// follows a live log until a new line arrives, and uses the filter, the
// keyboard, the stop-all confirmation and a phone-sized screen.
// Screenshots go to the test's temporary directory, or to
// $GOSUPERVISOR_SCREENSHOTS when set (to look at them).
func TestBrowser(t *testing.T) {
	if findChromium() == "" {
		t.Skip("chromium not installed (apt-get install -y chromium): skipping the browser test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s := startSite(t, testenv.Ours(t), browserPrograms)
	s.waitState("sleeper", "RUNNING")
	s.waitState("ticker", "RUNNING")
	s.waitState("web:worker", "RUNNING")
	shots := os.Getenv("GOSUPERVISOR_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	c := startBrowser(t, ctx)
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := c.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatal(err)
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := c.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		t.Fatal(err)
	}
	p := &page{c: c, session: att.SessionID}

	// The browser answers the 401 challenge as a user typing the
	// credentials into its dialog would; the page's own requests
	// (fetch of /api and /logtail) then carry them too.
	var mu sync.Mutex
	var challenges int
	var jsErrors []string
	go func() {
		for ev := range c.events {
			var prm struct {
				RequestID        string `json:"requestId"`
				ExceptionDetails struct {
					Text      string `json:"text"`
					Exception struct {
						Description string `json:"description"`
					} `json:"exception"`
				} `json:"exceptionDetails"`
			}
			json.Unmarshal(ev.Params, &prm)
			switch ev.Method {
			case "Fetch.requestPaused":
				go c.call(ctx, ev.SessionID, "Fetch.continueRequest", map[string]any{"requestId": prm.RequestID}, nil)
			case "Fetch.authRequired":
				mu.Lock()
				challenges++
				mu.Unlock()
				go c.call(ctx, ev.SessionID, "Fetch.continueWithAuth", map[string]any{
					"requestId":             prm.RequestID,
					"authChallengeResponse": map[string]any{"response": "ProvideCredentials", "username": user, "password": pass},
				}, nil)
			case "Runtime.exceptionThrown":
				mu.Lock()
				jsErrors = append(jsErrors, prm.ExceptionDetails.Text+" "+prm.ExceptionDetails.Exception.Description)
				mu.Unlock()
			}
		}
	}()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := p.screenshot(ctx)
		must(err)
		path := filepath.Join(shots, name)
		must(os.WriteFile(path, png, 0o644))
		t.Logf("screenshot %s", path)
	}
	viewport := func(w, h int, scale float64, mobile bool) {
		t.Helper()
		must(c.call(ctx, p.session, "Emulation.setDeviceMetricsOverride", map[string]any{
			"width": w, "height": h, "deviceScaleFactor": scale, "mobile": mobile}, nil))
	}
	must(c.call(ctx, p.session, "Runtime.enable", nil, nil))
	must(c.call(ctx, p.session, "Page.enable", nil, nil))
	must(c.call(ctx, p.session, "Fetch.enable", map[string]any{"handleAuthRequests": true, "patterns": []map[string]any{{"urlPattern": "*"}}}, nil))
	viewport(1280, 800, 1, false)
	must(c.call(ctx, p.session, "Page.navigate", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d/", s.port)}, nil))

	row := func(ns string) string { return fmt.Sprintf(`tr.proc[data-name=%q]`, ns) }
	stateIs := func(ns, st string) string {
		return fmt.Sprintf(`document.querySelector(%q) && document.querySelector(%q).dataset.state === %q`, row(ns), row(ns), st)
	}
	must(p.waitFor(ctx, `document.documentElement.classList.contains('live') && `+stateIs("sleeper", "RUNNING"), 30*time.Second))
	mu.Lock()
	if challenges == 0 {
		t.Error("the browser was never asked for credentials")
	}
	mu.Unlock()
	// A marker that a reload would wipe out.
	must(p.eval(ctx, `window.__sameDocument = true`, nil))
	shot("01-status.png")

	// Stop by clicking; the row changes without a reload.
	must(p.click(ctx, row("sleeper")+` button[data-act="stop"]`))
	must(p.waitFor(ctx, stateIs("sleeper", "STOPPED"), 30*time.Second))
	if st, _ := s.state("sleeper"); st != "STOPPED" {
		t.Errorf("the daemon says sleeper is %s after the click on Stop", st)
	}
	must(p.waitFor(ctx, `document.querySelector('.toast') && /Process sleeper stopped/.test(document.querySelector('#toasts').textContent)`, 10*time.Second))
	shot("02-stopped.png")

	// Start by clicking: no confirmation, STARTING then RUNNING.
	must(p.click(ctx, row("sleeper")+` button[data-act="start"]`))
	must(p.waitFor(ctx, stateIs("sleeper", "RUNNING"), 30*time.Second))
	if st, _ := s.state("sleeper"); st != "RUNNING" {
		t.Errorf("the daemon says sleeper is %s after the click on Start", st)
	}
	var same bool
	must(p.eval(ctx, `window.__sameDocument === true`, &same))
	if !same {
		t.Error("the page reloaded")
	}

	// A start that fails shows the error.
	must(p.click(ctx, row("broken")+` button[data-act="start"]`))
	must(p.waitFor(ctx, `/ERROR: Process broken: no such file/.test(document.querySelector('#toasts').textContent)`, 10*time.Second))

	// The live log: a new line arrives while we watch.
	must(p.click(ctx, row("ticker")+` button[data-log]`))
	must(p.waitFor(ctx, `/tick \d+ <b>&amp;/.test(document.getElementById('logtext').textContent)`, 20*time.Second))
	var last int
	must(p.eval(ctx, `Math.max(...[...document.getElementById('logtext').textContent.matchAll(/tick (\d+)/g)].map(m => +m[1]))`, &last))
	next := "tick " + strconv.Itoa(last+1) + " "
	must(p.waitFor(ctx, fmt.Sprintf(`document.getElementById('logtext').textContent.includes(%q)`, next), 20*time.Second))
	var injected bool
	must(p.eval(ctx, `!!document.querySelector('#logtext b')`, &injected))
	if injected {
		t.Error("log text was inserted as markup")
	}
	shot("03-log.png")

	// stderr, by the tab and by the keyboard.
	must(p.click(ctx, `#tab-stderr`))
	must(p.waitFor(ctx, `/warn \d+/.test(document.getElementById('logtext').textContent)`, 20*time.Second))
	must(p.key(ctx, "e"))
	must(p.waitFor(ctx, `document.getElementById('tab-stdout').getAttribute('aria-selected') === 'true'`, 5*time.Second))
	must(p.key(ctx, "Escape"))
	must(p.waitFor(ctx, `document.getElementById('logpanel').hidden`, 5*time.Second))

	// Filter from the keyboard.
	must(p.key(ctx, "/"))
	must(p.waitFor(ctx, `document.activeElement === document.getElementById('filter')`, 5*time.Second))
	for _, k := range "tick" {
		must(p.key(ctx, string(k)))
	}
	must(p.waitFor(ctx, `!document.querySelector(`+strconv.Quote(row("ticker"))+`).hidden && document.querySelector(`+strconv.Quote(row("sleeper"))+`).hidden`, 5*time.Second))
	shot("04-filter.png")
	must(p.key(ctx, "Escape"))
	must(p.waitFor(ctx, `!document.querySelector(`+strconv.Quote(row("sleeper"))+`).hidden`, 5*time.Second))

	// Keyboard navigation: j selects rows, s stops the selected one.
	must(p.eval(ctx, `document.activeElement.blur()`, nil))
	for i := 0; i < 6; i++ {
		must(p.key(ctx, "j"))
		var sel string
		must(p.eval(ctx, `document.activeElement.dataset ? document.activeElement.dataset.name || '' : ''`, &sel))
		if sel == "web:worker" {
			break
		}
	}
	must(p.key(ctx, "s"))
	must(p.waitFor(ctx, stateIs("web:worker", "STOPPED"), 30*time.Second))

	// Groups have their own actions.
	must(p.click(ctx, `tr.grouprow[data-group="web"] button[data-act="startgroup"]`))
	must(p.waitFor(ctx, stateIs("web:worker", "RUNNING"), 30*time.Second))

	// Stop all asks first; Cancel stops nothing.
	must(p.click(ctx, `button[data-act="stopall"]`))
	must(p.waitFor(ctx, `document.getElementById('confirm').open`, 5*time.Second))
	shot("05-confirm.png")
	must(p.click(ctx, `#confirmno`))
	must(p.waitFor(ctx, `!document.getElementById('confirm').open`, 5*time.Second))
	if st, _ := s.state("sleeper"); st != "RUNNING" {
		t.Errorf("sleeper is %s after a cancelled Stop all", st)
	}

	// A phone: cards, and the log full screen.
	viewport(390, 844, 2, true)
	must(p.waitFor(ctx, `getComputedStyle(document.querySelector('#procs thead')).display === 'none'`, 5*time.Second))
	var overflow bool
	must(p.eval(ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow))
	if overflow {
		t.Error("the page scrolls sideways on a phone")
	}
	shot("06-phone.png")
	must(p.click(ctx, row("ticker")+` button[data-log]`))
	must(p.waitFor(ctx, `/tick \d+/.test(document.getElementById('logtext').textContent)`, 20*time.Second))
	shot("07-phone-log.png")
	must(p.click(ctx, `#logclose`))

	// Dark mode.
	viewport(1280, 800, 1, false)
	must(c.call(ctx, p.session, "Emulation.setEmulatedMedia", map[string]any{
		"features": []map[string]any{{"name": "prefers-color-scheme", "value": "dark"}}}, nil))
	shot("08-dark.png")
	must(c.call(ctx, p.session, "Emulation.setEmulatedMedia", map[string]any{"features": []map[string]any{}}, nil))
	// A classic action link, as a bookmark or a script's URL.
	must(c.call(ctx, p.session, "Page.navigate", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d/index.html?processname=sleeper&action=stop", s.port)}, nil))
	must(p.waitFor(ctx, `document.querySelector('.status_msg') && document.querySelector('.status_msg').textContent === 'Process sleeper stopped'`, 30*time.Second))
	shot("09-classic-action.png")

	// Without JavaScript: the classic table, and its action links work.
	must(c.call(ctx, p.session, "Emulation.setScriptExecutionDisabled", map[string]any{"value": true}, nil))
	must(c.call(ctx, p.session, "Page.navigate", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d/index.html?processname=sleeper&action=start", s.port)}, nil))
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok bool
		must(p.eval(ctx, `document.readyState === 'complete' && !!document.querySelector('.status_msg') && document.querySelector('.status_msg').textContent === 'Process sleeper started'`, &ok))
		if ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no 'Process sleeper started' on the page without JavaScript")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var classic bool
	must(p.eval(ctx, `getComputedStyle(document.getElementById('statustable')).display !== 'none' && document.getElementById('live').hidden`, &classic))
	if !classic {
		t.Error("without JavaScript the classic table is not shown")
	}
	shot("10-no-javascript.png")
	must(c.call(ctx, p.session, "Emulation.setScriptExecutionDisabled", map[string]any{"value": false}, nil))

	mu.Lock()
	defer mu.Unlock()
	if len(jsErrors) > 0 {
		t.Errorf("JavaScript errors: %q", jsErrors)
	}
}
