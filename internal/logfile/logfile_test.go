package logfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

type result struct {
	Data     string `json:"data"`
	Fault    string `json:"fault"`
	Offset   int64  `json:"offset"`
	Overflow bool   `json:"overflow"`
}

const pyOracle = `
import json, sys
from supervisor.options import readFile, tailFile
cases = json.load(sys.stdin)
out = []
for op, path, off, ln in cases:
    if op == 'read':
        try:
            out.append({'data': readFile(path, off, ln).decode('latin-1'), 'fault': '', 'offset': 0, 'overflow': False})
        except ValueError as e:
            out.append({'data': '', 'fault': e.args[0], 'offset': 0, 'overflow': False})
    else:
        d, o, ov = tailFile(path, off, ln)
        out.append({'data': d, 'fault': '', 'offset': o, 'overflow': ov})
json.dump(out, sys.stdout)
`

func ours(op, path string, off, ln int64) result {
	if op == "read" {
		data, err := Read(path, off, ln)
		if err != nil {
			var f *faults.Error
			errors.As(err, &f)
			return result{Fault: f.Error()}
		}
		return result{Data: string(data)}
	}
	data, o, ov := Tail(path, off, ln)
	return result{Data: string(data), Offset: o, Overflow: ov}
}

func TestAgainstSupervisor(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("reference Supervisor not installed: no /usr/bin/python3")
	}
	if exec.Command("/usr/bin/python3", "-c", "import supervisor.options").Run() != nil {
		t.Skip("reference Supervisor not installed: cannot import supervisor.options")
	}
	dir := t.TempDir()
	full := filepath.Join(dir, "full.log")
	empty := filepath.Join(dir, "empty.log")
	os.WriteFile(full, []byte("0123456789\n"), 0o644)
	os.WriteFile(empty, nil, 0o644)
	var cases [][]any
	for _, op := range []string{"read", "tail"} {
		for _, path := range []string{full, empty, filepath.Join(dir, "missing.log"), dir} {
			for _, off := range []int64{-100, -11, -10, -1, 0, 1, 5, 10, 11, 12, 100} {
				for _, ln := range []int64{-100, -5, -1, 0, 1, 5, 10, 11, 100} {
					cases = append(cases, []any{op, path, off, ln})
				}
			}
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command("/usr/bin/python3", "-c", pyOracle)
	cmd.Stdin = bytes.NewReader(in)
	outb, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []result
	if err := json.Unmarshal(outb, &want); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		got := ours(c[0].(string), c[1].(string), c[2].(int64), c[3].(int64))
		if got != want[i] {
			t.Errorf("%s(%s, %d, %d) = %+v, Supervisor %+v", c[0], filepath.Base(c[1].(string)), c[2], c[3], got, want[i])
		}
	}
}

func TestExtremes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.log")
	os.WriteFile(path, []byte("hello"), 0o644)
	if d, err := Read(path, math.MinInt64, 0); err != nil || string(d) != "hello" {
		t.Errorf("MinInt64: %q %v", d, err)
	}
	if d, err := Read(path, 0, math.MaxInt64); err != nil || string(d) != "hello" {
		t.Errorf("MaxInt64 length: %q %v", d, err)
	}
	if d, o, ov := Tail(path, math.MaxInt64, math.MaxInt64); string(d) != "" || o != 5 || ov {
		t.Errorf("tail max: %q %d %v", d, o, ov)
	}
	if d, o, ov := Tail(path, math.MinInt64, math.MinInt64); string(d) != "" || o != 5 || !ov {
		t.Errorf("tail min: %q %d %v", d, o, ov)
	}
	if d, o, ov := Tail(path, 0, math.MaxInt64); string(d) != "hello" || o != 5 || ov {
		t.Errorf("tail huge length: %q %d %v", d, o, ov)
	}
}

func TestTextAndFaults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.log")
	os.WriteFile(path, []byte("caf\xc3\xa9 \xc3"), 0o644)
	if s, err := ReadText(path, "", 0, 0); err != nil || s != "café \uFFFD" {
		t.Errorf("%q %v", s, err)
	}
	for _, c := range []struct {
		path, none string
		want       string
	}{{"", "", "NO_FILE"}, {"", "syslog", "NO_FILE: syslog"}, {filepath.Join(dir, "nope"), "", "NO_FILE: " + filepath.Join(dir, "nope")}} {
		if _, err := ReadText(c.path, c.none, 0, 0); err == nil || err.Error() != c.want {
			t.Errorf("ReadText(%q) = %v, want %s", c.path, err, c.want)
		}
	}
	if _, err := ReadText(path, "", 0, -1); err == nil || err.Error() != "BAD_ARGUMENTS" {
		t.Errorf("bad args: %v", err)
	}
	if s, o, ov := TailText(filepath.Join(dir, "nope"), 5, 5); s != "" || o != 0 || ov {
		t.Errorf("missing tail: %q %d %v", s, o, ov)
	}
	if s, o, ov := TailText(path, 0, 3); s != "\uFFFD \uFFFD" || o != 7 || !ov {
		t.Errorf("tail: %q %d %v", s, o, ov)
	}
}

func TestFIFODoesNotBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip(err)
	}
	if _, err := Read(path, -100, 0); err == nil || err.Error() != "FAILED" {
		t.Errorf("fifo: %v", err)
	}
}
