package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/testenv"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// benchListenerPy is a plain childutils listener that acknowledges every
// event. It waits for a gate file before its first READY, so that every
// event is buffered before timing starts, and writes the times of its
// first and last (nth) event to a file.
const benchListenerPy = `import os, sys, time
from supervisor import childutils
n, gate, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
while not os.path.exists(gate):
    time.sleep(0.005)
count, first = 0, None
while True:
    headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
    childutils.listener.ok(sys.stdout)
    count += 1
    if count == 1:
        first = time.time()
    if count == n:
        with open(out + '.tmp', 'w') as f:
            f.write('%r %r' % (first, time.time()))
        os.rename(out + '.tmp', out)
`

const benchEvents = 5000

func BenchmarkEventThroughput(b *testing.B) {
	method("Events", fmt.Sprintf("One event listener (`/usr/bin/python3` with `supervisor.childutils`: "+
		"`listener.wait`, then `listener.ok`), subscribed to REMOTE_COMMUNICATION, `buffer_size=%d`. "+
		"While it holds back its first READY, %d events are queued with one `system.multicall` of "+
		"`sendRemoteCommEvent`; then it starts. Rate: events between the listener receiving the first "+
		"and the last, divided by the time between them (the listener's own clock), so it is the whole "+
		"READY → envelope → RESULT round trip through supervisord, listener included. CPU: user+system time of the "+
		"supervisord process over the same run (10 ms resolution), per 1000 events.",
		benchEvents, benchEvents))
	lib := b.TempDir()
	script := filepath.Join(lib, "listener.py")
	if err := os.WriteFile(script, []byte(benchListenerPy), 0o644); err != nil {
		b.Fatal(err)
	}
	conf := header + fmt.Sprintf(`
[unix_http_server]
file={dir}/supervisor.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[eventlistener:bench]
command=/usr/bin/python3 %s %d {dir}/go {dir}/times
events=REMOTE_COMMUNICATION
buffer_size=%d
startsecs=0
`, script, benchEvents, benchEvents)
	cpu := map[string]float64{}
	both(b, "Events", "events delivered to one listener", "events/s", "≥ the reference", "higher", func(im testenv.Impl) float64 {
		d := testenv.Start(b, im, conf)
		d.WaitFor("success: bench entered RUNNING state", 1, 60*time.Second)
		c, err := xmlrpc.NewClient("unix://"+filepath.Join(d.Dir, "supervisor.sock"), nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		calls := make([]xmlrpc.Value, benchEvents)
		for i := range calls {
			calls[i] = xmlrpc.NewStruct(
				xmlrpc.M("methodName", xmlrpc.NewString("supervisor.sendRemoteCommEvent")),
				xmlrpc.M("params", xmlrpc.NewArray(xmlrpc.NewString("bench"), xmlrpc.NewString("event "+strconv.Itoa(i)))))
		}
		if _, err := c.Call(context.Background(), "system.multicall", xmlrpc.NewArray(calls...)); err != nil {
			b.Fatalf("%s: multicall: %v", im.Name, err)
		}
		cpu0 := cpuSeconds(d.PID())
		if err := os.WriteFile(filepath.Join(d.Dir, "go"), nil, 0o644); err != nil {
			b.Fatal(err)
		}
		times := filepath.Join(d.Dir, "times")
		deadline := time.Now().Add(5 * time.Minute)
		var data []byte
		for {
			if data, err = os.ReadFile(times); err == nil {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%s: the listener did not get %d events", im.Name, benchEvents)
			}
			time.Sleep(20 * time.Millisecond)
		}
		cpu[im.Name] = 1000 * (cpuSeconds(d.PID()) - cpu0) / benchEvents * 1000
		d.Stop()
		if n := d.Count("event buffer overflowed"); n != 0 {
			b.Errorf("%s: %d events discarded", im.Name, n)
		}
		f := strings.Fields(string(data))
		first, _ := strconv.ParseFloat(f[0], 64)
		last, _ := strconv.ParseFloat(f[1], 64)
		return float64(benchEvents-1) / (last - first)
	})
	r := result{Section: "Events", Metric: "supervisord CPU per 1000 events delivered", Unit: "ms", Target: "≤ the reference", Better: "lower", Ours: cpu["ours"]}
	if v, ok := cpu["reference"]; ok {
		r.Ref, r.HasRef = v, true
	}
	b.ReportMetric(r.Ours, "ours-cpu_ms/1000ev")
	if r.HasRef {
		b.ReportMetric(r.Ref, "reference-cpu_ms/1000ev")
	}
	record(r)
}

func BenchmarkIdleWithListener(b *testing.B) {
	method("Idle with a listener", fmt.Sprintf("One event listener (a shell command that says READY once and then sleeps, "+
		"subscribed to PROCESS_STATE and REMOTE_COMMUNICATION) and 10 programs (`sleep 100000`), all RUNNING, "+
		"left alone. Wake-ups counted as in Idle, over %s. No listener subscribes to TICK_*, so ours arms "+
		"no timer at all.", *idleWindow))
	conf := manyPrograms(10, "/bin/sleep 100000") + `
[eventlistener:quiet]
command=/bin/sh -c 'printf "READY\n"; exec sleep 100000'
events=PROCESS_STATE,REMOTE_COMMUNICATION
buffer_size=100
`
	both(b, "Idle with a listener", "wake-ups per second, 10 programs and a listener", "wakeups/s", "≤ 0.05/s", "lower", func(im testenv.Impl) float64 {
		return idleWakeups(b, im, conf, 11)
	})
}
