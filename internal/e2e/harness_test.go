// Package e2e drives the real binaries: our supervisord and, when it is
// installed, Debian's Python supervisord, on the same configs, and compares
// what users see (main-log lines, XML-RPC results, supervisorctl output).
package e2e

import (
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

// daemon is a running supervisord as the scenarios use it.
type daemon struct{ *testenv.Daemon }

func startDaemon(t *testing.T, im testenv.Impl, conf string) *daemon {
	t.Helper()
	return &daemon{testenv.Start(t, im, conf)}
}

func (d *daemon) waitFor(want string, n int) { d.WaitFor(want, n, 30*time.Second) }
func (d *daemon) signal(sig syscall.Signal)  { d.Signal(sig) }
func (d *daemon) stop()                      { d.Stop() }
func (d *daemon) lines() []string            { return d.Lines() }

var masks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} `), ""},
	{regexp.MustCompile(`pid \d+`), "pid N"},
	{regexp.MustCompile(`\((\d+)\) with SIGKILL`), "(N) with SIGKILL"},
	{regexp.MustCompile(`reaped unknown pid \d+`), "reaped unknown pid N"},
	{regexp.MustCompile(`---supervisor-[a-z0-9_]{8}\.log`), "---supervisor-XXXXXXXX.log"},
	{regexp.MustCompile(` at \d+`), " at ID"},
	{regexp.MustCompile(`fd \d+ closed`), "fd N closed"},
}

// masked returns the log lines with times, pids and random names masked,
// dropping lines that only one implementation can print (Python's
// interpreter warnings).
func masked(lines []string, dir string) []string {
	var out []string
	for _, l := range lines {
		for _, m := range masks {
			l = m.re.ReplaceAllString(l, m.with)
		}
		l = strings.ReplaceAll(l, dir, "{dir}")
		out = append(out, l)
	}
	return out
}

// compareLogs checks that two logs tell the same story: every line the
// same, and for every process, its lines in the same order. The global
// interleaving of different processes may differ, because the reference
// polls once a second and ours reacts at once.
func compareLogs(t *testing.T, ref, got *daemon, names []string) {
	t.Helper()
	r, g := masked(ref.lines(), ref.Dir), masked(got.lines(), got.Dir)
	sr, sg := append([]string(nil), r...), append([]string(nil), g...)
	sort.Strings(sr)
	sort.Strings(sg)
	if strings.Join(sr, "\n") != strings.Join(sg, "\n") {
		t.Errorf("the logs differ\n--- reference\n%s\n--- ours\n%s", strings.Join(r, "\n"), strings.Join(g, "\n"))
		return
	}
	for _, n := range names {
		fr, fg := filterName(r, n), filterName(g, n)
		if strings.Join(fr, "\n") != strings.Join(fg, "\n") {
			t.Errorf("lines about %s come in another order\n--- reference\n%s\n--- ours\n%s", n, strings.Join(fr, "\n"), strings.Join(fg, "\n"))
		}
	}
}

func filterName(lines []string, name string) []string {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
	var out []string
	for _, l := range lines {
		if re.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}
