package e2e

// Event listeners, differentially: the same listener scripts, written with
// Debian's supervisor.childutils and run by /usr/bin/python3, receive
// events from the reference and from ours for the same scenario, and what
// they receive (header line and payload) must be byte-equal after masking
// pids and tick times. Serials are compared as they are: every scenario
// here is built so that the order of events does not depend on timing, so
// the global and pool serials must match too. Main-log lines about events
// (overflow, rejection, protocol violations) and the listeners' stdout logs
// (the protocol stream) are compared as well.

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// listenerPy is an event listener written the way users write them, with
// supervisor.childutils. It appends every event it receives to the record
// file given as its first argument, as a JSON array [process name, header
// line, payload]. The other arguments set its behaviour:
//
//	gate=FILE       wait for FILE to exist before the first READY
//	start=TEXT      write TEXT and a newline to stdout instead of starting
//	                with READY (a protocol violation)
//	stderr=TEXT     write TEXT and a newline to stderr at start
//	actions=A,B,..  what to do with the 1st, 2nd, ... event (default ok):
//	                ok, fail, die (exit 1 without answering), badresult (a RESULT
//	                line that is not a number), spurious (answer OK, send
//	                READY, then junk), hold:FILE (wait for FILE, then OK)
//	firstrun=FILE   apply actions= and start= only if FILE does not exist
//	                (creating it): a restarted listener behaves
//	done=N:FILE     create FILE once N events have been received
const listenerPy = `import json, os, sys, time
from supervisor import childutils

def wait_for(path):
    while not os.path.exists(path):
        time.sleep(0.01)

record = open(sys.argv[1], 'a')
opts = dict(a.split('=', 1) for a in sys.argv[2:])
name = os.environ['SUPERVISOR_PROCESS_NAME']
actions = opts['actions'].split(',') if 'actions' in opts else []
if 'firstrun' in opts:
    if os.path.exists(opts['firstrun']):
        actions = []
        opts.pop('start', None)
    else:
        open(opts['firstrun'], 'w').close()
done_n, done_file = None, None
if 'done' in opts:
    n, done_file = opts['done'].split(':', 1)
    done_n = int(n)
if 'stderr' in opts:
    sys.stderr.write(opts['stderr'] + '\n')
    sys.stderr.flush()
if 'gate' in opts:
    wait_for(opts['gate'])
if 'start' in opts:
    sys.stdout.write(opts['start'] + '\n')
    sys.stdout.flush()
count = 0
while True:
    childutils.listener.ready(sys.stdout)
    line = sys.stdin.readline()
    if not line:
        break
    headers = childutils.get_headers(line)
    payload = sys.stdin.read(int(headers['len']))
    record.write(json.dumps([name, line, payload]) + '\n')
    record.flush()
    action = actions[count] if count < len(actions) else 'ok'
    count += 1
    if done_n is not None and count == done_n:
        open(done_file, 'w').close()
    if action == 'ok':
        childutils.listener.ok(sys.stdout)
    elif action == 'fail':
        childutils.listener.fail(sys.stdout)
    elif action == 'die':
        os._exit(1)
    elif action == 'badresult':
        sys.stdout.write('RESULT x\n')
        sys.stdout.flush()
    elif action == 'spurious':
        childutils.listener.ok(sys.stdout)
        childutils.listener.ready(sys.stdout)
        sys.stdout.write('junk\n')
        sys.stdout.flush()
        while True:
            time.sleep(60)
    elif action.startswith('hold:'):
        wait_for(action[5:])
        childutils.listener.ok(sys.stdout)
`

// talkerPy writes output in separate chunks (each a single write, apart in
// time so that each is read on its own), in capture mode and out of it.
const talkerPy = `import sys, time
from supervisor import childutils
out, err = sys.stdout.buffer, sys.stderr.buffer
def pause():
    time.sleep(0.3)
out.write(b'plain line\n'); out.flush(); pause()
childutils.pcomm.send(b'captured on stdout', out); pause()
childutils.pcomm.send(b'captured on stderr', err); pause()
out.write(b'before<!--XSUPERVISOR:BEGIN-->inline capture<!--XSUPERVISOR:END-->after, long enough to pass a token\n'); out.flush(); pause()
out.write(b'<!--XSUPERVISOR:BEGIN-->' + 'caf\u00e9 \u2603'.encode() + b'<!--XSUPERVISOR:END-->'); out.flush(); pause()
out.write(b'last words, long enough to be logged\n'); out.flush()
time.sleep(600)
`

// callerPy is a program reaching back to supervisord the way childutils
// documents it, with the environment supervisord gave it.
const callerPy = `import json, os, sys
from supervisor import childutils
res = {'url': os.environ.get('SUPERVISOR_SERVER_URL'),
       'user': os.environ.get('SUPERVISOR_USERNAME'),
       'enabled': os.environ.get('SUPERVISOR_ENABLED'),
       'process': os.environ.get('SUPERVISOR_PROCESS_NAME'),
       'group': os.environ.get('SUPERVISOR_GROUP_NAME')}
try:
    rpc = childutils.getRPCInterface(os.environ)
    res['state'] = rpc.supervisor.getState()
    res['sent'] = rpc.supervisor.sendRemoteCommEvent('from-' + res['process'], 'caf\u00e9 via childutils')
    res['info'] = rpc.supervisor.getProcessInfo(res['process'])['statename']
except Exception as e:
    res['error'] = '%s: %s' % (type(e).__name__, getattr(e, 'errmsg', e))
with open(sys.argv[1], 'w') as f:
    json.dump(res, f, sort_keys=True)
`

const evBase = `
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=info
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`

const evUnix = `
[unix_http_server]
file={dir}/supervisor.sock
[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
`

// listenerSection is an [eventlistener:name] running listenerPy.
func listenerSection(name, events string, extra string, args ...string) string {
	a := ""
	if len(args) > 0 {
		a = " " + strings.Join(args, " ")
	}
	return fmt.Sprintf(`
[eventlistener:%s]
command=/usr/bin/python3 {lib}/listener.py {dir}/events.jsonl%s
events=%s
stdout_logfile={dir}/%s.out
stderr_logfile={dir}/%s.err
%s
`, name, a, events, name, name, extra)
}

// evDaemon is one supervisord running an events scenario.
type evDaemon struct {
	*daemon
	t   *testing.T
	lib string
	// snap is eventLines as steps last saw them (see snapshot): lines
	// logged while the daemon stops are racy in both implementations.
	snap []string
}

// snapshot keeps the event log lines as they are now, for comparison.
func (d *evDaemon) snapshot() { d.snap = eventLines(d) }

// writeLib writes the Python helpers to a fresh directory ({lib}).
func writeLib(t *testing.T) string {
	lib := t.TempDir()
	for name, text := range map[string]string{"listener.py": listenerPy, "talker.py": talkerPy, "caller.py": callerPy} {
		if err := os.WriteFile(filepath.Join(lib, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return lib
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// evScenario runs conf and steps under the reference, then under ours, and
// returns both daemons (stopped) for comparison.
func evScenario(t *testing.T, conf string, steps func(d *evDaemon)) (ref, got *evDaemon) {
	t.Helper()
	reftest.Require(t)
	t.Parallel()
	lib := writeLib(t)
	run := func(im testenv.Impl) *evDaemon {
		c := strings.ReplaceAll(conf, "{lib}", lib)
		c = strings.ReplaceAll(c, "{port}", freePort(t))
		d := &evDaemon{daemon: startDaemon(t, im, c), t: t, lib: lib}
		steps(d)
		select {
		case <-d.Done():
		default:
			d.stop()
		}
		return d
	}
	ref = run(testenv.Reference)
	got = run(testenv.Ours(t))
	return ref, got
}

// record is one event as a listener received it.
type record struct{ Proc, Header, Payload string }

func (r record) String() string {
	return r.Proc + " | " + strings.TrimSuffix(r.Header, "\n") + " | " + r.Payload
}

var (
	pidRE  = regexp.MustCompile(`pid:\d+`)
	whenRE = regexp.MustCompile(`^when:\d+$`)
	lenRE  = regexp.MustCompile(` len:(\d+)\n$`)
)

// records reads the record file, masking pids and tick times.
func (d *evDaemon) records() []record {
	data, err := os.ReadFile(filepath.Join(d.Dir, "events.jsonl"))
	if err != nil {
		return nil
	}
	var out []record
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if line == "" {
			continue
		}
		var a [3]string
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			d.t.Fatalf("%s: bad record %q: %v", d.Impl.Name, line, err)
		}
		// len counts characters; check it, then give the length of
		// the masked payload so that pids of other widths compare.
		m := lenRE.FindStringSubmatch(a[1])
		if m == nil || m[1] != strconv.Itoa(utf8.RuneCountInString(a[2])) {
			d.t.Errorf("%s: header %q does not give the length of %q", d.Impl.Name, a[1], a[2])
		}
		p := pidRE.ReplaceAllString(a[2], "pid:N")
		p = whenRE.ReplaceAllString(p, "when:N")
		h := lenRE.ReplaceAllString(a[1], " len:"+strconv.Itoa(utf8.RuneCountInString(p))+"\n")
		out = append(out, record{a[0], h, p})
	}
	return out
}

// waitRecords waits until the listeners have recorded n events.
func (d *evDaemon) waitRecords(n int) []record {
	d.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		rs := d.records()
		if len(rs) >= n {
			return rs
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: %d events recorded, want %d:\n%s\nlog:\n%s", d.Impl.Name, len(rs), n, joinRecords(rs), strings.Join(d.lines(), "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFile waits for a file the children write.
func (d *evDaemon) waitFile(name string) []byte {
	d.t.Helper()
	path := filepath.Join(d.Dir, name)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return data
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: no %s:\n%s", d.Impl.Name, name, strings.Join(d.lines(), "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitFileHas waits for a file the children write to contain want.
func (d *evDaemon) waitFileHas(name, want string) {
	d.t.Helper()
	path := filepath.Join(d.Dir, name)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, err := os.ReadFile(path); err == nil && strings.Contains(string(data), want) {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: no %q in %s", d.Impl.Name, want, name)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitRecordHas waits for a recorded event containing want.
func (d *evDaemon) waitRecordHas(want string) {
	d.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(joinRecords(d.records()), want) {
		if time.Now().After(deadline) {
			d.t.Fatalf("%s: no event with %q:\n%s", d.Impl.Name, want, joinRecords(d.records()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (d *evDaemon) touch(name string) {
	if err := os.WriteFile(filepath.Join(d.Dir, name), nil, 0o644); err != nil {
		d.t.Fatal(err)
	}
}

// rpc calls the daemon over its unix socket.
func (d *evDaemon) rpc(method string, args ...any) xmlrpc.Value {
	d.t.Helper()
	c, err := xmlrpc.NewClient("unix://"+filepath.Join(d.Dir, "supervisor.sock"), nil, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	defer c.Close()
	v, err := c.Call(context.Background(), method, args...)
	if err != nil {
		d.t.Fatalf("%s: %s: %v", d.Impl.Name, method, err)
	}
	return v
}

func (d *evDaemon) remote(typ, data string) { d.rpc("supervisor.sendRemoteCommEvent", typ, data) }

// ctl runs the reference's supervisorctl against the daemon: it is the
// client users have, and it is not what is under test here.
func (d *evDaemon) ctl(args ...string) string {
	d.t.Helper()
	out, _ := d.Ctl(testenv.Reference, args...)
	return out
}

func joinRecords(rs []record) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// byProc keeps one listener process's records, in order.
func byProc(rs []record, proc string) []record {
	var out []record
	for _, r := range rs {
		if r.Proc == proc {
			out = append(out, r)
		}
	}
	return out
}

// sameRecords compares what each listener process received.
func sameRecords(t *testing.T, ref, got []record) {
	t.Helper()
	procs := map[string]bool{}
	for _, r := range append(append([]record(nil), ref...), got...) {
		procs[r.Proc] = true
	}
	names := make([]string, 0, len(procs))
	for p := range procs {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		r, g := joinRecords(byProc(ref, p)), joinRecords(byProc(got, p))
		if r != g {
			t.Errorf("listener %s received different events\n--- reference\n%s--- ours\n%s", p, r, g)
		}
	}
}

var eventLogRE = regexp.MustCompile(`event buffer overflowed|UNKNOWN state|bad result line|event was rejected|event caused an error|exited: |stopped: |gave up: `)

// eventLines are the main-log lines about events and listener exits, with
// times and pids masked.
func eventLines(d *evDaemon) []string {
	var out []string
	for _, l := range masked(d.lines(), d.Dir) {
		if eventLogRE.MatchString(l) {
			out = append(out, l)
		}
	}
	return out
}

func sameEventLines(t *testing.T, ref, got *evDaemon) {
	t.Helper()
	r, g := strings.Join(eventLines(ref), "\n"), strings.Join(eventLines(got), "\n")
	if r != g {
		t.Errorf("event log lines differ\n--- reference\n%s\n--- ours\n%s", r, g)
	}
}

// sameFile compares a file the daemons wrote (a child log).
func sameFile(t *testing.T, ref, got *evDaemon, name string) {
	t.Helper()
	r, _ := os.ReadFile(filepath.Join(ref.Dir, name))
	g, _ := os.ReadFile(filepath.Join(got.Dir, name))
	if string(r) != string(g) {
		t.Errorf("%s differs\n--- reference\n%q\n--- ours\n%q", name, r, g)
	}
}

// upTo cuts records after the first one containing s.
func upTo(rs []record, s string) []record {
	for i, r := range rs {
		if strings.Contains(r.String(), s) {
			return rs[:i+1]
		}
	}
	return rs
}

// TestEventsProcessStates: every PROCESS_STATE_* payload (tries, pid,
// expected), the listener's events about itself, PROCESS_GROUP_ADDED for
// each group at startup and SUPERVISOR_STATE_CHANGE_RUNNING, with serials.
func TestEventsProcessStates(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "PROCESS_STATE,SUPERVISOR_STATE_CHANGE,PROCESS_GROUP", "buffer_size=50") + `
[program:sleeper]
command=/bin/sleep 600
[program:quick]
command=/bin/sh -c 'sleep 1.5; exit 3'
autostart=false
autorestart=false
[program:good]
command=/bin/sh -c 'sleep 1.5; exit 0'
autostart=false
autorestart=false
[program:crash]
command=/bin/sh -c 'exit 0'
autostart=false
startretries=1
startsecs=3
`
	const last = "processname:sleeper groupname:sleeper from_state:STOPPING"
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: sleeper entered RUNNING state", 1)
		d.ctl("start", "quick")
		d.waitFor("exited: quick", 1)
		d.ctl("start", "good")
		d.waitFor("exited: good", 1)
		d.ctl("start", "crash")
		d.waitFor("gave up: crash", 1)
		d.ctl("stop", "sleeper")
		d.waitRecordHas(last)
	})
	r, g := upTo(ref.records(), last), upTo(got.records(), last)
	sameRecords(t, r, g)
	sameEventLines(t, ref, got)
	for _, want := range []string{"eventname:PROCESS_STATE_EXITED", "expected:1", "expected:0", "PROCESS_STATE_BACKOFF", "tries:2", "PROCESS_STATE_FATAL", "PROCESS_STATE_STOPPED", "processname:watch groupname:watch from_state:STARTING pid:N"} {
		if !strings.Contains(joinRecords(g), want) {
			t.Errorf("ours: no %q in\n%s", want, joinRecords(g))
		}
	}
}

// TestEventsBufferOverflowAtStartup: a listener that is not ready while
// the daemon starts keeps only the newest buffer_size events; the others
// are discarded oldest first, each with Supervisor's error line.
func TestEventsBufferOverflowAtStartup(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "PROCESS_STATE,PROCESS_GROUP", "buffer_size=3", "gate={dir}/go") + `
[program:a]
command=/bin/sleep 600
[program:b]
command=/bin/sleep 600
[program:c]
command=/bin/sleep 600
`
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: c entered RUNNING state", 1)
		d.waitFor("success: watch entered RUNNING state", 1)
		d.touch("go")
		d.waitRecords(3)
		d.remote("x", "y") // not subscribed: no serial used
		d.ctl("stop", "a")
		d.waitRecords(5)
		d.snapshot()
	})
	sameRecords(t, ref.records()[:5], got.records()[:5])
	if r, g := strings.Join(ref.snap, "\n"), strings.Join(got.snap, "\n"); r != g {
		t.Errorf("event log lines differ\n--- reference\n%s\n--- ours\n%s", r, g)
	}
	if n := strings.Count(strings.Join(got.snap, "\n"), "event buffer overflowed"); n != 9 {
		t.Errorf("ours: %d overflow lines, want 9", n)
	}
}

// TestEventsRejectedEventIsRequeued: a listener answering FAIL gets the
// same event again (same serials) before any later one.
func TestEventsRejectedEventIsRequeued(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "REMOTE_COMMUNICATION", "", "actions=fail,fail,ok,ok")
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: watch entered RUNNING state", 1)
		d.remote("first", "1")
		d.remote("second", "2")
		d.waitRecords(4)
	})
	sameRecords(t, ref.records(), got.records())
	sameEventLines(t, ref, got)
	sameFile(t, ref, got, "watch.out")
	if n := got.Count("watch: event was rejected"); n != 2 {
		t.Errorf("ours: %d rejections logged, want 2", n)
	}
}

// TestEventsProtocolViolations: a bad RESULT line, output while READY and
// a first line that is not READY each put the listener in UNKNOWN with
// Supervisor's warnings; it then gets nothing until it is restarted, and
// the event it held when it misbehaved is sent again.
func TestEventsProtocolViolations(t *testing.T) {
	// Distinct priorities: Supervisor would otherwise hand a rejected
	// event to every pool of the same priority (see
	// TestEventsRejectionStaysInItsPool).
	conf := evBase + evUnix +
		listenerSection("badresult", "REMOTE_COMMUNICATION", "priority=1", "actions=badresult", "firstrun={dir}/badresult.ran") +
		listenerSection("spurious", "REMOTE_COMMUNICATION", "priority=2", "actions=spurious", "firstrun={dir}/spurious.ran") +
		listenerSection("badstart", "REMOTE_COMMUNICATION", "priority=3", "start=HELLO!")
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		for _, n := range []string{"badresult", "spurious", "badstart"} {
			d.waitFor("success: "+n+" entered RUNNING state", 1)
		}
		d.remote("first", "1")
		d.waitFor("badresult: has entered the UNKNOWN state", 1)
		d.waitFor("spurious: has entered the UNKNOWN state", 1)
		d.remote("second", "2")
		d.ctl("restart", "badresult")
		d.waitRecords(4)
		d.ctl("restart", "spurious")
		d.waitRecords(5)
	})
	sameRecords(t, ref.records(), got.records())
	r, g := eventLines(ref), eventLines(got)
	sort.Strings(r)
	sort.Strings(g)
	if strings.Join(r, "\n") != strings.Join(g, "\n") {
		t.Errorf("event log lines differ\n--- reference\n%s\n--- ours\n%s", strings.Join(r, "\n"), strings.Join(g, "\n"))
	}
	for _, n := range []string{"badresult", "spurious", "badstart"} {
		sameFile(t, ref, got, n+".out")
	}
	if got.Count("WARN badresult: bad result line: 'RESULT x'") != 1 {
		t.Errorf("ours: no bad result line warning")
	}
}

// TestEventsListenerDiesWhileBusy: the event a listener held when it died
// goes back to the head of the buffer and reaches the restarted listener.
func TestEventsListenerDiesWhileBusy(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "REMOTE_COMMUNICATION", "", "actions=die", "firstrun={dir}/died")
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: watch entered RUNNING state", 1)
		d.remote("first", "1")
		d.waitFor("exited: watch", 1)
		d.remote("second", "2")
		d.waitRecords(3)
	})
	sameRecords(t, ref.records(), got.records())
	compareLogs(t, ref.daemon, got.daemon, []string{"watch"})
}

// TestEventsReloadResetsPoolSerial: after a restart (SIGHUP) the global
// serial goes on while the new pool's serial starts again at 0; the
// STOPPING event of the restart uses a serial without reaching the
// listener, which is stopped first.
func TestEventsReloadResetsPoolSerial(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "PROCESS_GROUP,SUPERVISOR_STATE_CHANGE,REMOTE_COMMUNICATION", "")
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: watch entered RUNNING state", 1)
		d.remote("before", "reload")
		d.waitRecords(3)
		d.signal(syscall.SIGHUP)
		d.waitFor("success: watch entered RUNNING state", 2)
		d.waitRecords(5)
		d.remote("after", "reload")
		d.waitRecords(6)
	})
	sameRecords(t, ref.records(), got.records())
	if rs := got.records(); len(rs) < 6 || !strings.Contains(rs[3].Header, "serial:4 pool:watch poolserial:0 ") {
		t.Errorf("ours: after the reload want serial 4, pool serial 0:\n%s", joinRecords(rs))
	}
}

// TestEventsCaptureMode: PROCESS_COMMUNICATION_* from output between the
// capture tokens (childutils.pcomm), with PROCESS_LOG_* for the same
// chunks, and what reaches the log file.
func TestEventsCaptureMode(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "PROCESS_COMMUNICATION,PROCESS_LOG", "buffer_size=50") + `
[program:talker]
command=/usr/bin/python3 {lib}/talker.py
stdout_logfile={dir}/talker.out
stderr_logfile={dir}/talker.err
stdout_capture_maxbytes=1KB
stderr_capture_maxbytes=1KB
stdout_events_enabled=true
startsecs=0
`
	const last = "caf\u00e9 \u2603"
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitRecordHas(last)
		d.waitFileHas("talker.out", "last words")
	})
	r, g := upTo(ref.records(), last), upTo(got.records(), last)
	sameRecords(t, r, g)
	sameFile(t, ref, got, "talker.err")
	sameFile(t, ref, got, "talker.out")
}

// TestEventsProcessLog: PROCESS_LOG_STDOUT/STDERR per chunk read, with
// non-UTF-8 output, multi-byte characters (len counts characters), and a
// listener's own stderr.
func TestEventsProcessLog(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "PROCESS_LOG", "stderr_events_enabled=true\nbuffer_size=50", "stderr=listener-says-hi") + `
[program:chatty]
command=/bin/sh -c 'printf "out\n"; sleep 0.3; printf "err\n" >&2; sleep 0.3; printf "\377\376 bin\n"; sleep 0.3; printf "caf\303\251 \342\230\203\n"; sleep 600'
stdout_events_enabled=true
stderr_events_enabled=true
autostart=false
[program:quiet]
command=/bin/sh -c 'printf "not sent\n"; sleep 600'
`
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: watch entered RUNNING state", 1)
		d.waitRecords(1) // the listener's own stderr
		d.ctl("start", "chatty")
		d.waitRecords(5)
	})
	sameRecords(t, ref.records(), got.records())
	sameFile(t, ref, got, "watch.err") // a listener's stderr is logged as any program's
	if !strings.Contains(joinRecords(got.records()), `Undecodable: b'\xff\xfe bin\n'`) {
		t.Errorf("ours: no Undecodable payload:\n%s", joinRecords(got.records()))
	}
}

// TestEventsRemoteCommunication: sendRemoteCommEvent over XML-RPC, from a
// client and from children through childutils.getRPCInterface, on a unix
// server with authentication: Supervisor gives children the server URL but
// no credentials; SUPERVISOR_USERNAME/PASSWORD must come from environment=.
func TestEventsRemoteCommunicationUnixAuth(t *testing.T) {
	testRemoteComm(t, `
[unix_http_server]
file={dir}/supervisor.sock
username=user
password=secret
[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
username=user
password=secret
`)
}

// ... and on an inet server, which children reach at its host and port.
func TestEventsRemoteCommunicationInetAuth(t *testing.T) {
	testRemoteComm(t, `
[inet_http_server]
port=127.0.0.1:{port}
username=user
password=secret
[supervisorctl]
serverurl=http://127.0.0.1:{port}
username=user
password=secret
`)
}

func testRemoteComm(t *testing.T, server string) {
	conf := evBase + server + listenerSection("watch", "REMOTE_COMMUNICATION", "") + `
[program:withcreds]
command=/usr/bin/python3 {lib}/caller.py {dir}/withcreds.json
environment=SUPERVISOR_USERNAME="user",SUPERVISOR_PASSWORD="secret"
autostart=false
autorestart=false
startsecs=0
[program:nocreds]
command=/usr/bin/python3 {lib}/caller.py {dir}/nocreds.json
autostart=false
autorestart=false
startsecs=0
`
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: watch entered RUNNING state", 1)
		d.ctl("start", "nocreds")
		d.waitFile("nocreds.json")
		d.ctl("start", "withcreds")
		d.waitFile("withcreds.json")
		d.waitRecords(1)
	})
	sameRecords(t, ref.records(), got.records())
	for _, name := range []string{"withcreds.json", "nocreds.json"} {
		r, _ := os.ReadFile(filepath.Join(ref.Dir, name))
		g, _ := os.ReadFile(filepath.Join(got.Dir, name))
		rs := strings.ReplaceAll(string(r), ref.Dir, "{dir}")
		gs := strings.ReplaceAll(string(g), got.Dir, "{dir}")
		rs = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(rs, "127.0.0.1:PORT")
		gs = regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(gs, "127.0.0.1:PORT")
		if rs != gs {
			t.Errorf("%s differs\n--- reference\n%s\n--- ours\n%s", name, rs, gs)
		}
	}
	if rs := got.records(); len(rs) != 1 || rs[0].Payload != "type:from-withcreds\ncaf\u00e9 via childutils" {
		t.Errorf("ours: records\n%s", joinRecords(rs))
	}
}

// TestEventsTick5: a TICK_5 listener gets its first tick at the first
// rollover of a 5-second period after startup, with when: the start of
// that period.
func TestEventsTick5(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "TICK_5", "startsecs=0")
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		start := time.Now().Unix()
		d.waitRecords(1)
		data, _ := os.ReadFile(filepath.Join(d.Dir, "events.jsonl"))
		var a [3]string
		json.Unmarshal([]byte(strings.SplitN(string(data), "\n", 2)[0]), &a)
		w, _ := strconv.ParseInt(strings.TrimPrefix(a[2], "when:"), 10, 64)
		if w%5 != 0 || w <= start-5 || w > time.Now().Unix() {
			t.Errorf("%s: when:%d for a daemon started at %d", d.Impl.Name, w, start)
		}
	})
	sameRecords(t, ref.records()[:1], got.records()[:1])
}

// TestEventsGroupAddedRemoved: PROCESS_GROUP_ADDED/REMOVED through
// reread/update, and a listener pool changed by update starts its serial
// again.
func TestEventsGroupAddedRemoved(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "PROCESS_GROUP", "")
	extra := `
[program:extra]
command=/bin/sleep 600
`
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: watch entered RUNNING state", 1)
		d.waitRecords(1)
		orig, _ := os.ReadFile(d.Conf)
		if err := os.WriteFile(d.Conf, append(append([]byte(nil), orig...), extra...), 0o644); err != nil {
			t.Fatal(err)
		}
		d.ctl("update")
		d.waitRecords(2)
		if err := os.WriteFile(d.Conf, orig, 0o644); err != nil {
			t.Fatal(err)
		}
		d.ctl("update")
		d.waitRecords(3)
		changed := strings.Replace(string(orig), "events=PROCESS_GROUP", "events=PROCESS_GROUP\nbuffer_size=5", 1)
		if err := os.WriteFile(d.Conf, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
		d.ctl("update")
		d.waitRecords(4)
	})
	sameRecords(t, ref.records(), got.records())
	if rs := got.records(); len(rs) < 4 || !strings.Contains(rs[3].String(), "poolserial:0 eventname:PROCESS_GROUP_ADDED len:16 | groupname:watch\n") {
		t.Errorf("ours: the changed pool's first event:\n%s", joinRecords(rs))
	}
}

// TestEventsPoolNumprocs: an event goes to the first ready listener of the
// pool; while it is busy, the next event goes to the next one.
func TestEventsPoolNumprocs(t *testing.T) {
	conf := evBase + evUnix + `
[eventlistener:pool]
command=/usr/bin/python3 {lib}/listener.py {dir}/events.jsonl actions=hold:{dir}/release
process_name=%(program_name)s_%(process_num)d
numprocs=2
events=REMOTE_COMMUNICATION
stdout_logfile={dir}/%(process_num)d.out
`
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("entered RUNNING state", 2)
		d.remote("first", "1")
		d.waitRecords(1)
		d.remote("second", "2")
		d.waitRecords(2)
		d.touch("release")
		d.remote("third", "3")
		d.waitRecords(3)
	})
	r, g := ref.records(), got.records()
	sameRecords(t, r[:2], g[:2])
	if len(g) < 2 || g[0].Proc != "pool_0" || g[1].Proc != "pool_1" {
		t.Errorf("ours: events went to\n%s", joinRecords(g))
	}
}

// TestEventsShutdownSendsStopping: SUPERVISOR_STATE_CHANGE_STOPPING reaches
// a listener while a program is still being stopped.
func TestEventsShutdownSendsStopping(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "SUPERVISOR_STATE_CHANGE", "") + `
[program:stubborn]
command=/bin/sh -c 'trap "" TERM; while :; do sleep 0.1; done'
stopwaitsecs=2
`
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: stubborn entered RUNNING state", 1)
		d.waitRecords(1)
		d.stop()
	})
	sameRecords(t, ref.records(), got.records())
	if rs := got.records(); len(rs) != 2 || !strings.Contains(rs[1].Header, "SUPERVISOR_STATE_CHANGE_STOPPING") {
		t.Errorf("ours: records\n%s", joinRecords(rs))
	}
}

// TestEventsBufferOverflowAsListenerStarts: with a listener that is ready
// as soon as it runs, Supervisor sends it the oldest buffered event when
// it enters RUNNING, before the programs spawned with it enter RUNNING
// and overflow its buffer; what it keeps is the same here.
func TestEventsBufferOverflowAsListenerStarts(t *testing.T) {
	conf := evBase + evUnix + listenerSection("watch", "PROCESS_STATE,PROCESS_GROUP", "buffer_size=3") + `
[program:a]
command=/bin/sleep 600
[program:b]
command=/bin/sleep 600
[program:c]
command=/bin/sleep 600
[program:d]
command=/bin/sleep 600
`
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: d entered RUNNING state", 1)
		d.waitRecords(4)
		d.ctl("stop", "a")
		d.waitRecords(6)
		d.snapshot()
	})
	sameRecords(t, ref.records()[:6], got.records()[:6])
	if r, g := strings.Join(ref.snap, "\n"), strings.Join(got.snap, "\n"); r != g {
		t.Errorf("event log lines differ\n--- reference\n%s\n--- ours\n%s", r, g)
	}
}

// TestEventsDeliberateDifferences pins the two places where we do not
// copy Supervisor (docs/compat.md), checking both sides so the document
// stays true:
//   - a pool whose events= names overlap (PROCESS_GROUP and
//     PROCESS_GROUP_ADDED) gets each event once, not once per name;
//   - an event a listener rejects goes back to its own pool only;
//     Supervisor compares processes by priority when it looks for the
//     owner, so every pool with a listener of the same priority (all
//     listeners default to -1) gets it too, subscribed or not.
func TestEventsDeliberateDifferences(t *testing.T) {
	conf := evBase + evUnix +
		listenerSection("a", "REMOTE_COMMUNICATION", "", "actions=fail") +
		listenerSection("b", "PROCESS_GROUP,PROCESS_GROUP_ADDED", "")
	ref, got := evScenario(t, conf, func(d *evDaemon) {
		d.waitFor("success: a entered RUNNING state", 1)
		d.waitFor("success: b entered RUNNING state", 1)
		d.remote("typ", "data")
		if d.Impl.Name == testenv.Reference.Name {
			d.waitRecords(5)
		} else {
			d.waitRecords(3)
		}
	})
	const (
		addedB = "ver:3.0 server:supervisor serial:0 pool:b poolserial:0 eventname:PROCESS_GROUP_ADDED len:12\n"
		remA   = "ver:3.0 server:supervisor serial:1 pool:a poolserial:0 eventname:REMOTE_COMMUNICATION len:13\n"
		remB   = "ver:3.0 server:supervisor serial:1 pool:b poolserial:1 eventname:REMOTE_COMMUNICATION len:13\n"
	)
	headers := func(rs []record, proc string) string {
		var hs []string
		for _, r := range byProc(rs, proc) {
			hs = append(hs, r.Header)
		}
		return strings.Join(hs, "")
	}
	if h := headers(ref.records(), "b"); h != addedB+addedB+remB {
		t.Errorf("reference: pool b received\n%s(docs/compat.md says: its own PROCESS_GROUP_ADDED twice, then a's rejected event)", h)
	}
	if h := headers(got.records(), "b"); h != addedB {
		t.Errorf("ours: pool b received\n%s", h)
	}
	for _, d := range []*evDaemon{ref, got} {
		if h := headers(d.records(), "a"); h != remA+remA {
			t.Errorf("%s: pool a received\n%s", d.Impl.Name, h)
		}
	}
}
