package logging

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
)

type recorded struct {
	Kind string `json:"kind"`
	Data string `json:"data"`
}

func runRecorder(maxBytes int64, chunks []string) ([]recorded, string) {
	var out []recorded
	r := NewRecorder(maxBytes)
	r.Log = func(d []byte) { out = append(out, recorded{"log", string(d)}) }
	r.Capture = func(d []byte) { out = append(out, recorded{"cap", string(d)}) }
	r.Comm = func(d []byte) { out = append(out, recorded{"comm", string(d)}) }
	for _, c := range chunks {
		r.Feed([]byte(c))
	}
	return out, string(r.buf)
}

var captureCases = []struct {
	max    int64
	chunks []string
}{
	{0, []string{"plain ", "<!--XSUPERVISOR:BEGIN-->not captured<!--XSUPERVISOR:END-->\n"}},
	{100, []string{"hello <!--XSUPERVISOR:BEGIN-->cap", "tured<!--XSUPERVISOR:END-->after\n"}},
	{10, []string{"hello <!--XSUPERVISOR:BEGIN-->cap", "tured and more", " stuff<!--XSUPERVISOR:END-->after\n"}},
	{5, []string{"<!--XSUPERVISOR:BEGIN-->aaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb<!--XSUPERVISOR:END-->"}},
	{100, []string{"<!--XSUPERVISOR:BEG", "IN-->x<!--XSUPERVISOR:E", "ND--><!--XSUPERVISOR:BEGIN-->y<!--XSUPERVISOR:END-->tail"}},
	{100, []string{"short", "ends with a partial token <!--XSUP"}},
	{100, []string{"a line that is quite long and has no token at all\n"}},
}

func TestRecorderMatchesSupervisor(t *testing.T) {
	reftest.Require(t)
	script := `
import sys, json
from supervisor.tests.base import DummyOptions, DummyPConfig, DummyProcess
from supervisor.dispatchers import POutputDispatcher
from supervisor import events, loggers
maxbytes, chunks = int(sys.argv[1]), json.loads(sys.argv[2])
opts = DummyOptions()
opts.getLogger = loggers.getLogger
cfg = DummyPConfig(opts, 'p', '/bin/true', stdout_logfile=None, stdout_capture_maxbytes=maxbytes)
d = POutputDispatcher(DummyProcess(cfg), events.ProcessCommunicationStdoutEvent, 0)
got = []
events.subscribe(events.ProcessCommunicationEvent, lambda e: got.append({'kind': 'comm', 'data': e.data.decode()}))
orig = d._log
def log(data):
    if data:
        got.append({'kind': 'log' if d.childlog is d.normallog else 'cap', 'data': data.decode()})
    orig(data)
d._log = log
for c in chunks:
    d.output_buffer += c.encode()
    d.record_output()
print(json.dumps({'events': got, 'left': d.output_buffer.decode()}))
`
	for i, tc := range captureCases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			in, _ := json.Marshal(tc.chunks)
			out, err := reftest.PythonCmd(t, script, fmt.Sprint(tc.max), string(in)).Output()
			if err != nil {
				t.Fatalf("reference: %v", err)
			}
			var want struct {
				Events []recorded `json:"events"`
				Left   string     `json:"left"`
			}
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			got, left := runRecorder(tc.max, tc.chunks)
			if fmt.Sprint(got) != fmt.Sprint(want.Events) || left != want.Left {
				t.Fatalf("got %v left %q\nwant %v left %q", got, left, want.Events, want.Left)
			}
		})
	}
}

func TestStripEscapes(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                    "plain",
		"\x1b[31mred\x1b[0m text":  "red text",
		"a\x1b[2Jb":                "ab",
		"unterminated \x1b[12;3":   "unterminated ",
		"\x1b[1;31mA\x1b[mB\x1b[K": "AB",
	} {
		if got := string(StripEscapes([]byte(in))); got != want {
			t.Errorf("StripEscapes(%q) = %q, want %q", in, got, want)
		}
	}
}
