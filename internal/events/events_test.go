package events

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
)

// refScript renders, with Supervisor's own classes: which names match
// which types (isinstance), state payloads for every type, log and
// communication payloads for some bytes, and an envelope.
const refScript = `
import json, sys
from supervisor import events
from supervisor.events import EventTypes, getEventNameByType
from supervisor.process import EventListenerPool
from supervisor.states import ProcessStates

names = [n for n in dir(EventTypes) if not n.startswith('_')]
concrete = [n for n in names if n not in ('EVENT', 'PROCESS_STATE', 'PROCESS_COMMUNICATION', 'PROCESS_LOG', 'SUPERVISOR_STATE_CHANGE', 'TICK', 'PROCESS_GROUP')]
out = {'matches': {}, 'state': {}, 'log': [], 'comm': [], 'envelope': ''}
for n in names:
    out['matches'][n] = sorted(c for c in concrete if issubclass(getattr(EventTypes, c), getattr(EventTypes, n)))

class Cfg: name = 'proc'
class GCfg: name = 'grp'
class Grp: config = GCfg()
class Proc:
    config = Cfg()
    group = Grp()
    pid = 4242
    backoff = 3
for n in concrete:
    if n.startswith('PROCESS_STATE_'):
        for expected in (True, False):
            e = getattr(EventTypes, n)(Proc(), ProcessStates.STARTING, expected)
            out['state']['%s %d' % (n, expected)] = e.payload()
datas = json.loads(sys.argv[1])
for d in datas:
    b = d.encode('latin-1')
    out['log'].append(events.ProcessLogStderrEvent(Proc(), 4242, b).payload())
    out['comm'].append(events.ProcessCommunicationStdoutEvent(Proc(), 4242, b).payload())

class Opts: identifier = 'ident'
class PoolCfg:
    name = 'pool'
    options = Opts()
pool = EventListenerPool.__new__(EventListenerPool)
pool.config = PoolCfg()
out['envelope'] = pool._eventEnvelope(EventTypes.REMOTE_COMMUNICATION, 7, 3, events.RemoteCommunicationEvent('t', 'caf\u00e9 \u2603').payload())
out['group'] = events.ProcessGroupAddedEvent('g').payload()
out['tick'] = events.Tick60Event(1200, None).payload()
print(json.dumps(out))
`

var refDatas = []string{"hello\n", "caf\xc3\xa9\n", "\xff\xfe bin\n", "", "quote ' and \\ backslash\x00\n"}

func TestMatchesPayloadsAndEnvelopeAgainstSupervisor(t *testing.T) {
	reftest.Require(t)
	latin1 := make([]string, len(refDatas))
	for i, d := range refDatas {
		rs := make([]rune, len(d))
		for j := 0; j < len(d); j++ {
			rs[j] = rune(d[j])
		}
		latin1[i] = string(rs)
	}
	arg, _ := json.Marshal(latin1)
	raw, err := reftest.PythonCmd(t, refScript, string(arg)).Output()
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	var ref struct {
		Matches  map[string][]string
		State    map[string]string
		Log      []string
		Comm     []string
		Envelope string
		Group    string
		Tick     string
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Matches) != int(numTypes)+7 || len(ref.State) != 16 || len(ref.Log) != len(refDatas) {
		t.Fatalf("the reference rendered %d names, %d state payloads, %d log payloads", len(ref.Matches), len(ref.State), len(ref.Log))
	}
	for name, want := range ref.Matches {
		if !Known(name) {
			t.Errorf("%s is not known", name)
		}
		var got []string
		for ty := Type(0); ty < numTypes; ty++ {
			if Matches(name, ty) {
				got = append(got, ty.String())
			}
		}
		sort.Strings(got)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s matches %v, want %v", name, got, want)
		}
	}
	for key, want := range ref.State {
		name, exp, _ := strings.Cut(key, " ")
		ty, ok := ByName(name)
		if !ok {
			t.Errorf("unknown %s", name)
			continue
		}
		if got := StatePayload(ty, "proc", "grp", "STARTING", exp == "1", 4242, 3); got != want {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	for i, d := range refDatas {
		if got := LogPayload("proc", "grp", 4242, "stderr", []byte(d)); got != ref.Log[i] {
			t.Errorf("log %q: %q, want %q", d, got, ref.Log[i])
		}
		if got := CommPayload("proc", "grp", 4242, []byte(d)); got != ref.Comm[i] {
			t.Errorf("comm %q: %q, want %q", d, got, ref.Comm[i])
		}
	}
	if got := Envelope("ident", 7, "pool", 3, RemoteCommunication, RemotePayload("t", "caf\u00e9 \u2603")); got != ref.Envelope {
		t.Errorf("envelope %q, want %q", got, ref.Envelope)
	}
	if got := GroupPayload("g"); got != ref.Group {
		t.Errorf("group %q, want %q", got, ref.Group)
	}
	if got := TickPayload(1200); got != ref.Tick {
		t.Errorf("tick %q, want %q", got, ref.Tick)
	}
}
