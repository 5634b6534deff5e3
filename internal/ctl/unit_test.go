package ctl

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"math"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
)

// runPython runs a Python snippet with the reference's interpreter and
// returns its stdout, skipping the test when it is not installed.
func runPython(t *testing.T, script string, stdin string) string {
	t.Helper()
	reftest.Require(t)
	cmd := reftest.PythonCmd(t, script)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("python: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	return string(out)
}

var getoptCases = [][]string{
	{},
	{"status"},
	{"-c", "x", "status", "-s", "y"},
	{"-cx", "status"},
	{"-ic", "x"},
	{"-i", "-i"},
	{"--", "-c", "x"},
	{"-", "x"},
	{"--conf=x", "a"},
	{"--conf", "x", "a"},
	{"--h"},
	{"--he"},
	{"--help=1"},
	{"--interactive=1"},
	{"--serverurl"},
	{"-s"},
	{"-x"},
	{"-?"},
	{"-:"},
	{"--bogus"},
	{"--=x"},
	{"---"},
	{"-u", ""},
	{"--user", "a", "--pass=b", "--hist", "c"},
	{"-rhist", "-p", "pw", "--", "--"},
	{"-h", "-x"},
	{"-é"},
}

// TestGetoptReference compares our getopt with Python's on the same
// option table.
func TestGetoptReference(t *testing.T) {
	var in strings.Builder
	for _, c := range getoptCases {
		b, _ := json.Marshal(c)
		in.Write(b)
		in.WriteByte('\n')
	}
	out := runPython(t, `
import getopt, json, sys
for line in sys.stdin:
    args = json.loads(line)
    try:
        opts, rest = getopt.getopt(args, "h?c:is:u:p:r:", ["help", "configuration=", "interactive", "serverurl=", "username=", "password=", "history_file="])
        print(json.dumps({"opts": opts, "rest": rest}))
    except getopt.error as e:
        print(json.dumps({"err": str(e)}))
`, in.String())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, c := range getoptCases {
		var want struct {
			Opts [][2]string
			Rest []string
			Err  string
		}
		if err := json.Unmarshal([]byte(lines[i]), &want); err != nil {
			t.Fatal(err)
		}
		pairs, rest, err := getopt(c)
		if want.Err != "" {
			if err == nil || err.Error() != want.Err {
				t.Errorf("getopt(%q) error %v, want %q", c, err, want.Err)
			}
			continue
		}
		if err != nil {
			t.Errorf("getopt(%q): %v", c, err)
			continue
		}
		got := make([][2]string, len(pairs))
		for j, p := range pairs {
			got[j] = [2]string{p.opt, p.arg}
		}
		if len(got) == 0 {
			got = nil
		}
		if len(want.Opts) == 0 {
			want.Opts = nil
		}
		if len(rest) == 0 {
			rest = nil
		}
		if len(want.Rest) == 0 {
			want.Rest = nil
		}
		if !reflect.DeepEqual(got, want.Opts) || !reflect.DeepEqual(rest, want.Rest) {
			t.Errorf("getopt(%q) = %q %q, want %q %q", c, got, rest, want.Opts, want.Rest)
		}
	}
}

// TestFloatReprReference compares pyFloatRepr with Python's repr().
func TestFloatReprReference(t *testing.T) {
	vals := []float64{0, 1, -1, 0.1, 1.5, 3.0, 1e15, 1e16, 1.5e16, 123456789012345678, 1e-4, 1e-5, 1.5e-5, 0.00012, 2.5e-7, 1e22, 1e100, -2.5e-300, math.MaxFloat64, math.SmallestNonzeroFloat64, 12345.678, 100, 1e300 * 10}
	var in strings.Builder
	for _, v := range vals {
		b, _ := json.Marshal(v)
		if math.IsInf(v, 0) {
			b = []byte(`"inf"`)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	out := runPython(t, `
import json, sys
for line in sys.stdin:
    print(repr(float(json.loads(line))))
`, in.String())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, v := range vals {
		if got := pyFloatRepr(v); got != lines[i] {
			t.Errorf("pyFloatRepr(%v) = %q, want %q", v, got, lines[i])
		}
	}
}

// TestPySplitReference compares pySplit/pyStrip with str.split/strip.
func TestPySplitReference(t *testing.T) {
	cases := []string{"", " ", "a b", " a\tb\n", "a\x1cb\x1dc\x1ed\x1ff", "a\u00a0b", "a\u0085b", "a\u2003b\u3000c", "a\u200bb", "a\u180eb", "\x0b\x0ca\x0b"}
	var in strings.Builder
	for _, c := range cases {
		b, _ := json.Marshal(c)
		in.Write(b)
		in.WriteByte('\n')
	}
	out := runPython(t, `
import json, sys
for line in sys.stdin:
    s = json.loads(line)
    print(json.dumps([s.split(), s.strip()]))
`, in.String())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, c := range cases {
		var want []any
		json.Unmarshal([]byte(lines[i]), &want)
		got := pySplit(c)
		w := []string{}
		for _, x := range want[0].([]any) {
			w = append(w, x.(string))
		}
		if len(got) == 0 {
			got = []string{}
		}
		if !reflect.DeepEqual(got, w) || pyStrip(c) != want[1].(string) {
			t.Errorf("split/strip %q = %q %q, want %q %q", c, got, pyStrip(c), w, want[1])
		}
	}
}

func TestParseLine(t *testing.T) {
	for _, c := range []struct {
		in, cmd, arg, full string
		ok                 bool
	}{
		{"", "", "", "", false},
		{"   ", "", "", "", false},
		{"status", "status", "", "status", true},
		{"  status  a b ", "status", "a b", "status  a b", true},
		{"?", "help", "", "help ", true},
		{"?status", "help", "status", "help status", true},
		{"!ls", "", "", "!ls", false},
		{"status-x", "status", "-x", "status-x", true},
		{",x", "", ",x", ",x", true},
		{"état", "", "état", "état", true},
	} {
		cmd, arg, full, ok := parseLine(c.in)
		if cmd != c.cmd || arg != c.arg || full != c.full || ok != c.ok {
			t.Errorf("parseLine(%q) = %q %q %q %v, want %q %q %q %v", c.in, cmd, arg, full, ok, c.cmd, c.arg, c.full, c.ok)
		}
	}
}

// TestHelpTopics checks the fixed help listing against cmd.Cmd's
// columnize of our command table.
func TestHelpTopics(t *testing.T) {
	var names []string
	for _, cmd := range commands {
		if cmd.vocab && cmd.help != nil && cmd.name != "help" {
			names = append(names, cmd.name)
		}
	}
	sort.Strings(names)
	out := runPython(t, `
import cmd, io, sys
c = cmd.Cmd(stdout=io.StringIO())
c.print_topics("default commands (type help <topic>):", sys.stdin.read().split(), 15, 80)
sys.stdout.write("\n" + c.stdout.getvalue())
`, strings.Join(names, " "))
	if out != helpTopics {
		t.Errorf("help listing:\n%q\nwant\n%q", helpTopics, out)
	}
}

// fakeClient answers every call from a function.
type fakeClient struct {
	answer func(method string, args []any) (any, error)
}

func (f *fakeClient) Call(ctx context.Context, method string, args ...any) (any, error) {
	return f.answer(method, args)
}
func (f *fakeClient) Stream(ctx context.Context, path string) (io.ReadCloser, error) {
	return nil, &StreamStatusError{Status: 404}
}
func (f *fakeClient) Close() {}

func newTestController(answer func(string, []any) (any, error)) (*Controller, *strings.Builder) {
	var out strings.Builder
	opts := &Options{ServerURL: "http://localhost:9001", Prompt: "supervisor"}
	c := NewController(opts, &out, io.Discard, NewPlainInput(strings.NewReader(""), bufio.NewWriter(io.Discard), io.Discard), func(string, *string, *string) (Client, error) {
		return &fakeClient{answer: answer}, nil
	})
	return c, &out
}

func TestComplete(t *testing.T) {
	infos := []any{
		Dict{{"group", "grp"}, {"name", "a"}},
		Dict{{"group", "grp"}, {"name", "b"}},
		Dict{{"group", "solo"}, {"name", "solo"}},
		Dict{{"group", "web-1"}, {"name", "web-1"}},
	}
	calls := 0
	c, _ := newTestController(func(m string, _ []any) (any, error) {
		calls++
		return infos, nil
	})
	ctx := context.Background()
	for _, tc := range []struct {
		line, text string
		want       []string
	}{
		{"", "", vocabWithSpace()},
		{"sta", "sta", []string{"start ", "status "}},
		{"status ", "", []string{"grp:* ", "grp:a ", "grp:b ", "solo ", "web-1 "}},
		{"status s", "s", []string{"solo "}},
		{"status gr", "gr", []string{"grp:* ", "grp:a ", "grp:b "}},
		{"status solo:", "solo:", []string{"solo:* ", "solo:solo "}},
		{"add ", "", []string{"grp ", "solo ", "web-1 "}},
		{"update w", "w", []string{"web-1 "}},
		{"help st", "st", []string{"start ", "status ", "stop "}},
		{"he st", "st", []string{"start ", "status ", "stop "}},
		{"lp st", "st", []string{"start ", "status ", "stop "}},
		{"avail ", "", nil},
		{"nosuch ", "", nil},
		{"tail -f w", "w", []string{"web-1 "}},
	} {
		got := c.Complete(ctx, tc.line, tc.text)
		want := tc.want
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("Complete(%q, %q) = %q, want %q", tc.line, tc.text, got, want)
		}
	}
	// One getAllProcessInfo per command line, however many Tabs.
	if calls != 1 {
		t.Errorf("%d getAllProcessInfo calls, want 1 (cached until the next command)", calls)
	}
}

func vocabWithSpace() []string {
	var out []string
	for _, v := range vocab() {
		out = append(out, v+" ")
	}
	return out
}

func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		var out, errOut strings.Builder
		code := Main([]string{"supervisorctl", "completion", shell}, Streams{Stdout: &out, Stderr: &errOut})
		if code != 0 || errOut.Len() != 0 {
			t.Errorf("completion %s: exit %d, stderr %q", shell, code, errOut.String())
		}
		if s := out.String(); !strings.Contains(s, "supervisorctl") || !strings.Contains(s, "__complete") {
			t.Errorf("completion %s: not a completion script:\n%.300s", shell, s)
		}
	}
}
