package config

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

func TestAutoChildLogName(t *testing.T) {
	dir := t.TempDir()
	name := AutoChildLogName(dir, "web_01", "supervisor", "stdout")
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(dir) + `/web_01-stdout---supervisor-[a-z0-9_]{8}\.log$`)
	if !re.MatchString(name) {
		t.Fatalf("AutoChildLogName = %q", name)
	}
	st, err := os.Stat(name)
	if err != nil {
		t.Fatalf("the log file was not created: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 (tempfile.mkstemp)", st.Mode().Perm())
	}
	if other := AutoChildLogName(dir, "web_01", "supervisor", "stdout"); other == name {
		t.Errorf("two calls gave the same name %q", name)
	}
	pat, err := AutoChildLogPattern("supervisor")
	if err != nil || !pat.MatchString(filepath.Base(name)) {
		t.Errorf("the cleanup pattern does not match %q (%v)", name, err)
	}
}

func TestAutoChildLogNameRelative(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.Mkdir("logs", 0o755)
	name, err := CreateAutoChildLog("logs", "p", "id", "stderr")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(name) != filepath.Join(dir, "logs") {
		t.Errorf("%q is not in %s/logs: mkstemp makes the directory absolute", name, dir)
	}
}

func TestAutoChildLogNameUnwritable(t *testing.T) {
	if _, err := CreateAutoChildLog("/nonexistent/dir", "p", "id", "stdout"); err == nil {
		t.Fatal("no error for a missing directory")
	}
	if name := AutoChildLogName("/nonexistent/dir", "p", "id", "stdout"); filepath.Dir(name) != "/nonexistent/dir" {
		t.Errorf("AutoChildLogName = %q", name)
	}
}

// The answers of Supervisor's re.match(r'.+?---%s-\S+\.log\.{0,1}\d{0,4}'
// % identifier, name), recorded from the reference.
var autoPatternNames = []string{
	"p-stdout---supervisor-abcd1234.log", "p-stdout---supervisor-abcd1234.log.1",
	"p-stdout---supervisor-abcd1234.log.10000", "x---supervisor-y.log", "---supervisor-y.log",
	"p-stdout---other-abcd.log", "p-stdout---supervisor-.log", "p-stdout---supervisor-a b.log",
	"supervisord.log", "p-stdout---supervisor-abc.logx", "p-stdout---supervisorX-abc.log",
	"a---supervisor-b.log.txt", "p---supervisor-x\u00a0y.log", "p---supervisor-x.LOG",
}

var autoPatternWant = map[string][]bool{
	"supervisor":  {true, true, true, true, false, false, false, false, false, true, false, true, false, false},
	"super.visor": {false, false, false, false, false, false, false, false, false, false, false, false, false, false},
}

func TestAutoChildLogPattern(t *testing.T) {
	for id, want := range autoPatternWant {
		re, err := AutoChildLogPattern(id)
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range autoPatternNames {
			if got := re.MatchString(n); got != want[i] {
				t.Errorf("identifier %q, %q: match %v, Supervisor %v", id, n, got, want[i])
			}
		}
	}
}

func TestClearAutoChildLogDir(t *testing.T) {
	dir := t.TempDir()
	keep := []string{"supervisord.log", "p-stdout---other-abcd1234.log", "notes.txt"}
	gone := []string{"p-stdout---supervisor-abcd1234.log", "p-stderr---supervisor-abcd1234.log.3"}
	for _, n := range append(append([]string{}, keep...), gone...) {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if w := ClearAutoChildLogDir(dir, "supervisor"); len(w) != 0 {
		t.Errorf("warnings: %q", w)
	}
	entries, _ := os.ReadDir(dir)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	sort.Strings(keep)
	if len(left) != len(keep) {
		t.Fatalf("left %q, want %q", left, keep)
	}
	for i := range keep {
		if left[i] != keep[i] {
			t.Fatalf("left %q, want %q", left, keep)
		}
	}
	if w := ClearAutoChildLogDir(filepath.Join(dir, "missing"), "supervisor"); len(w) != 1 || w[0] != "Could not clear childlog dir" {
		t.Errorf("missing directory: %q", w)
	}
}
