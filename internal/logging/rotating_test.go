package logging

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
)

// chunks is a write sequence that crosses the limit in several ways: a
// write that lands exactly on it, one that overshoots, one bigger than
// the limit by itself.
var chunks = []string{"aaaa", "bbbbbb", "cc", "dddddddddddddddddddddd", "e", "ffff", "gg", "hhhhhhhhhh", "i"}

func dirContents(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func writeOurs(t *testing.T, dir string, maxBytes int64, backups int) {
	r, err := OpenRotating(filepath.Join(dir, "x.log"), maxBytes, backups)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if _, err := r.Write([]byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
}

func TestRotationMatchesSupervisor(t *testing.T) {
	reftest.Require(t)
	script := `
import sys
from supervisor import loggers
path, maxbytes, backups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
chunks = sys.argv[4:]
log = loggers.getLogger(loggers.LevelsByName.INFO)
loggers.handle_file(log, path, '%(message)s', rotating=bool(maxbytes), maxbytes=maxbytes, backups=backups)
for c in chunks:
    log.info(c.encode())
log.close()
`
	for _, tc := range []struct {
		max     int64
		backups int
	}{{10, 3}, {10, 0}, {10, 1}, {0, 5}, {1, 2}, {100, 10}} {
		t.Run(fmt.Sprintf("max%d_backups%d", tc.max, tc.backups), func(t *testing.T) {
			ref, ours := t.TempDir(), t.TempDir()
			args := append([]string{filepath.Join(ref, "x.log"), fmt.Sprint(tc.max), fmt.Sprint(tc.backups)}, chunks...)
			if out, err := reftest.PythonCmd(t, script, args...).CombinedOutput(); err != nil {
				t.Fatalf("reference: %v\n%s", err, out)
			}
			writeOurs(t, ours, tc.max, tc.backups)
			want, got := dirContents(t, ref), dirContents(t, ours)
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Fatalf("files differ\nreference: %v\nours:      %v", want, got)
			}
		})
	}
}

func TestRotationKeepsBytesAndOrder(t *testing.T) {
	dir := t.TempDir()
	writeOurs(t, dir, 10, 100)
	files := dirContents(t, dir)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	// x.log.N is older for larger N: concatenating from the highest N
	// down to x.log must give back every byte in order.
	sort.Slice(names, func(i, j int) bool { return suffixNum(names[i]) > suffixNum(names[j]) })
	var all strings.Builder
	for _, n := range names {
		all.WriteString(files[n])
	}
	if all.String() != strings.Join(chunks, "") {
		t.Fatalf("got %q", all.String())
	}
}

func suffixNum(name string) int {
	var n int
	if _, err := fmt.Sscanf(strings.TrimPrefix(name, "x.log."), "%d", &n); err != nil {
		return 0
	}
	return n
}

func TestRemoveAndReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.log")
	r, err := OpenRotating(path, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Write([]byte("before\n"))
	os.Rename(path, path+".moved") // logrotate without copytruncate
	r.Write([]byte("still old\n"))
	if err := r.Reopen(); err != nil {
		t.Fatal(err)
	}
	r.Write([]byte("new\n"))
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Fatalf("after reopen: %q", b)
	}
	if err := r.Remove(); err != nil {
		t.Fatal(err)
	}
	r.Write([]byte("cleared\n"))
	r.Close()
	if b, _ := os.ReadFile(path); string(b) != "cleared\n" {
		t.Fatalf("after remove: %q", b)
	}
	if b, _ := os.ReadFile(path + ".moved"); !bytes.Equal(b, []byte("before\nstill old\n")) {
		t.Fatalf("moved: %q", b)
	}
}
