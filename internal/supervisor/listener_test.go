package supervisor

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/events"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/reftest"
	"github.com/gosupervisor/gosupervisor/internal/spawn"
)

// A protocol op is either an event sent to the listener (["send", tag]) or
// a chunk of its stdout (["data", bytes]).
type protoOp [2]string

// protoStep is what one op left behind: the listener's state, the main-log
// messages, and the event handed back to the pool, if any.
type protoStep struct {
	State    string   `json:"state"`
	Log      []string `json:"log"`
	Rejected string   `json:"rejected"`
	Held     string   `json:"held"`
}

// protoScript runs PEventListenerDispatcher over each case's ops.
const protoScript = `
import sys, json
from supervisor.tests.base import DummyOptions, DummyPConfig, DummyProcess
from supervisor.dispatchers import PEventListenerDispatcher, default_handler
from supervisor.states import EventListenerStates, getEventListenerStateDescription
from supervisor import events

class Group: pass
class GroupConfig: result_handler = staticmethod(default_handler)

results = []
rejected = []
events.subscribe(events.EventRejectedEvent, lambda e: rejected.append(e.event))
for ops in json.loads(sys.stdin.read()):
    opts = DummyOptions()
    cfg = DummyPConfig(opts, 'lst', '/bin/true', stdout_logfile=None)
    proc = DummyProcess(cfg)
    proc.group = Group()
    proc.group.config = GroupConfig()
    d = PEventListenerDispatcher(proc, 'stdout', 0)
    steps = []
    for kind, arg in ops:
        del opts.logger.data[:]
        del rejected[:]
        if kind == 'send':
            proc.listener_state = EventListenerStates.BUSY
            proc.event = arg
        else:
            d.state_buffer += arg.encode('latin-1')
            d.handle_listener_state_change()
        steps.append({'state': getEventListenerStateDescription(proc.listener_state),
                      'log': list(opts.logger.data),
                      'rejected': rejected[0] if rejected else '',
                      'held': proc.event or ''})
    results.append(steps)
print(json.dumps(results))
`

// runProto drives our listener through the same ops.
func runProto(t *testing.T, ops []protoOp) []protoStep {
	t.Helper()
	lp := prog("lst", "/bin/true")
	cfg := testConfig(t)
	cfg.Groups = append(cfg.Groups, &config.GroupConfig{
		Name: "lst", Priority: -1, Kind: config.KindEventListener,
		Processes: []*config.ProcessConfig{lp}, Events: []string{"EVENT"}, BufferSize: 10,
	})
	l := newLines()
	log := logging.NewLogger(config.LevelDebug)
	log.AddStream(l)
	defer log.Close()
	s := New(Options{Config: cfg, Log: log, Exits: make(chan spawn.Exit)})
	s.AddGroups()
	pr := s.groups["lst"].procs[0]
	pool := s.groups["lst"].pool
	pool.buffer = nil
	seen := 0
	var steps []protoStep
	for _, op := range ops {
		if op[0] == "send" {
			pr.lst.state = lstBusy
			pr.lst.event = &evt{t: events.RemoteCommunication, payload: op[1], serial: -1, poolSerials: map[string]int64{}}
		} else {
			pr.lst.received([]byte(op[1]))
		}
		log.Flush()
		all := l.snapshot()
		st := protoStep{State: pr.lst.state.String(), Log: []string{}}
		for _, line := range all[seen:] {
			// "LEVL message": the reference's dummy logger keeps
			// the message only.
			st.Log = append(st.Log, line[5:])
		}
		seen = len(all)
		if len(pool.buffer) > 0 {
			st.Rejected = pool.buffer[0].payload
			pool.buffer = nil
		}
		if pr.lst.event != nil {
			st.Held = pr.lst.event.payload
		}
		steps = append(steps, st)
	}
	return steps
}

var protoCases = [][]protoOp{
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT 2\nOK"}, {"data", "READY\n"}},
	{{"data", "REA"}, {"data", "DY\n"}, {"send", "e1"}, {"data", "RESULT 4\nFAILREADY\n"}},
	{{"data", "READY\nREADY\n"}},
	{{"data", "HELLO!\n"}, {"send", "e1"}, {"data", "READY\n"}},
	{{"data", "READY"}, {"data", "\n"}, {"send", "e1"}, {"data", "RESULT x\n"}, {"data", "READY\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT 0\n"}, {"data", "READY\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT  3 \nabcREADY\n"}},
	// RESULT -1 makes Supervisor recurse until RecursionError: see TestNegativeResultLength.
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT 1_0\n0123456789READY\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "\xff\xfe\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT 2\nOKjunk\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT +2\nOKREADY\n"}, {"send", "e2"}, {"data", "RESULT 2\n"}, {"data", "O"}, {"data", "K"}},
	{{"data", "READY\njunk"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT \t+2 \r\nOKREADY\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT 2__0\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT _2\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT 2_\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT \xc2\xa02\nOK"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT \x1c2\nOK"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT -0\nREADY\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT 99999999999999999999999\nOKREADY\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT\n"}},
	{{"data", "READY\n"}, {"send", "e1"}, {"data", "XESULT 2\nOK"}},
	{{"data", "READ\n"}},
}

// randomProtoCases cut plausible and implausible listener output at random
// places and interleave events.
func randomProtoCases(n int) [][]protoOp {
	rng := rand.New(rand.NewSource(1))
	tokens := []string{"READY\n", "RESULT 2\nOK", "RESULT 4\nFAIL", "RESULT x\n", "RESULT 0\n", "junk", "\n", "RESULT 12\n", "hello world!", "READY\n", "READY\n", "RESULT 2\nOK"}
	var cases [][]protoOp
	for i := 0; i < n; i++ {
		var text strings.Builder
		for j := 0; j < 2+rng.Intn(6); j++ {
			text.WriteString(tokens[rng.Intn(len(tokens))])
		}
		s := text.String()
		var ops []protoOp
		ev := 0
		for len(s) > 0 {
			if rng.Intn(3) == 0 {
				ev++
				ops = append(ops, protoOp{"send", fmt.Sprintf("e%d", ev)})
			}
			k := 1 + rng.Intn(len(s))
			ops = append(ops, protoOp{"data", s[:k]})
			s = s[k:]
		}
		cases = append(cases, ops)
	}
	return cases
}

// TestListenerProtocolMatchesSupervisor feeds the same listener output,
// cut the same way, to Supervisor's PEventListenerDispatcher and to ours,
// and compares the states, log messages, and which event is handed back.
func TestListenerProtocolMatchesSupervisor(t *testing.T) {
	reftest.Require(t)
	cases := append(append([][]protoOp(nil), protoCases...), randomProtoCases(200)...)
	// Bytes travel to Python as latin-1 text.
	latin1 := make([][]protoOp, len(cases))
	for i, ops := range cases {
		for _, op := range ops {
			rs := make([]rune, len(op[1]))
			for j := 0; j < len(op[1]); j++ {
				rs[j] = rune(op[1][j])
			}
			latin1[i] = append(latin1[i], protoOp{op[0], string(rs)})
		}
	}
	in, err := json.Marshal(latin1)
	if err != nil {
		t.Fatal(err)
	}
	cmd := reftest.PythonCmd(t, protoScript)
	cmd.Stdin = strings.NewReader(string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	var want [][]protoStep
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, ops := range cases {
		got := runProto(t, ops)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want[i]) {
			t.Errorf("case %d %q:\ngot  %q\nwant %q", i, ops, got, want[i])
		}
	}
}

// TestTicksComeInSupervisorsOrder: at the top of an hour the three
// periods roll over together and the ticks come as Supervisor sends them,
// TICK_5, TICK_60, TICK_3600, each once.
func TestTicksComeInSupervisorsOrder(t *testing.T) {
	cfg := testConfig(t)
	cfg.Groups = append(cfg.Groups, &config.GroupConfig{
		Name: "lst", Priority: -1, Kind: config.KindEventListener,
		Processes: []*config.ProcessConfig{prog("lst", "/bin/true")}, Events: []string{"TICK"}, BufferSize: 10,
	})
	log := logging.NewLogger(config.LevelError)
	defer log.Close()
	now := time.Unix(7200-2, 0)
	s := New(Options{Config: cfg, Log: log, Exits: make(chan spawn.Exit), Now: func() time.Time { return now }})
	s.AddGroups()
	pool := s.groups["lst"].pool
	if s.ev.tickTimer == nil || !s.ev.tickTimer.when.Equal(time.Unix(7200, 0)) {
		t.Fatalf("tick timer not armed for the next 5 s boundary")
	}
	now = time.Unix(7200, 0)
	s.fireDue(now)
	var got []string
	for _, e := range pool.buffer {
		got = append(got, fmt.Sprintf("%s %s serial:%d", e.t, e.payload, e.serial))
	}
	want := []string{"TICK_5 when:7200 serial:0", "TICK_60 when:7200 serial:1", "TICK_3600 when:7200 serial:2"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !s.ev.tickTimer.when.Equal(time.Unix(7205, 0)) {
		t.Errorf("next tick at %v, want 7205", s.ev.tickTimer.when.Unix())
	}
}

// TestNoTickTimerWithoutTickListeners: a daemon whose listeners do not
// subscribe to TICK_* has no timer for ticks (it never wakes up idle).
func TestNoTickTimerWithoutTickListeners(t *testing.T) {
	cfg := testConfig(t)
	cfg.Groups = append(cfg.Groups, &config.GroupConfig{
		Name: "lst", Priority: -1, Kind: config.KindEventListener,
		Processes: []*config.ProcessConfig{prog("lst", "/bin/true")}, Events: []string{"PROCESS_STATE", "REMOTE_COMMUNICATION"}, BufferSize: 10,
	})
	log := logging.NewLogger(config.LevelError)
	defer log.Close()
	s := New(Options{Config: cfg, Log: log, Exits: make(chan spawn.Exit)})
	s.AddGroups()
	if s.ev.tickTimer != nil || len(s.timers) != 0 {
		t.Fatalf("timers armed without a tick listener: %d", len(s.timers))
	}
	// Removing the last TICK subscriber disarms it again.
	cfg.Groups[0].Events = []string{"TICK_60"}
	s.removeGroup("lst")
	s.addGroup(cfg.Groups[0])
	if s.ev.tickTimer == nil || len(s.timers) != 1 {
		t.Fatalf("no tick timer with a TICK_60 listener")
	}
	s.removeGroup("lst")
	if s.ev.tickTimer != nil || len(s.timers) != 0 {
		t.Fatalf("tick timer left after its listener went away")
	}
}

// TestNegativeResultLength: "RESULT -1" sends Supervisor into unbounded
// recursion (RecursionError, then it stops reading the listener); ours
// takes it for the bad result line it is.
func TestNegativeResultLength(t *testing.T) {
	got := runProto(t, []protoOp{{"data", "READY\n"}, {"send", "e1"}, {"data", "RESULT -1\nOKREADY\n"}})
	last := got[len(got)-1]
	if last.State != "UNKNOWN" || last.Rejected != "e1" || len(last.Log) == 0 || last.Log[0] != "lst: bad result line: 'RESULT -1'" {
		t.Fatalf("got %q", last)
	}
}
