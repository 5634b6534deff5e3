// Package bench measures gosupervisor side by side with the reference
// (Debian's Python Supervisor 4.2.5) in one run, and writes the results and
// the method to docs/performance.md (`make bench`). Nothing here asserts a
// time: benchmarks report, tests test.
package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

var (
	reportPath = flag.String("report", "", "write the results to this markdown file (relative to the repository root)")
	idleWindow = flag.Duration("idle", 30*time.Second, "how long to count idle wakeups")
	cpuWindow  = flag.Duration("cpuwindow", 20*time.Second, "how long to measure CPU under chatty children")
)

// result is one measured quantity for both implementations.
type result struct {
	Section, Metric, Unit string
	Ours, Ref             float64
	HasRef                bool
	Floor                 bool // a baseline without supervisord: no reference column
	Target                string
	Better                string // "lower" or "higher"
}

var (
	mu      sync.Mutex
	results []result
	methods = map[string]string{}
)

func record(r result) {
	mu.Lock()
	defer mu.Unlock()
	results = append(results, r)
}

func method(section, text string) {
	mu.Lock()
	defer mu.Unlock()
	methods[section] = text
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if *reportPath != "" && len(results) > 0 {
		if err := writeReport(*reportPath); err != nil {
			fmt.Fprintln(os.Stderr, "writing report:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// haveRef reports whether the reference can be measured.
func haveRef() bool {
	_, err := os.Stat(reftest.PackageDir)
	return err == nil
}

// impls returns ours and, when installed, the reference.
func impls(b *testing.B) []testenv.Impl {
	out := []testenv.Impl{testenv.Ours(b)}
	if haveRef() {
		out = append(out, testenv.Reference)
	}
	return out
}

// both runs measure for ours and the reference and records the values.
func both(b *testing.B, section, metric, unit, target, better string, measure func(im testenv.Impl) float64) {
	r := result{Section: section, Metric: metric, Unit: unit, Target: target, Better: better}
	for _, im := range impls(b) {
		v := measure(im)
		if im.Name == "ours" {
			r.Ours = v
		} else {
			r.Ref, r.HasRef = v, true
		}
		b.ReportMetric(v, im.Name+"-"+strings.ReplaceAll(unit, " ", "_"))
	}
	record(r)
}

// status reads one field of /proc/<pid>/status in kB or as a count.
func status(pid int, field string) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field+":") {
			f := strings.Fields(line[len(field)+1:])
			if len(f) > 0 {
				v, _ := strconv.ParseFloat(f[0], 64)
				return v
			}
		}
	}
	return -1
}

// wakeups sums the context switches of every thread of pid: each one is
// the daemon being woken up (or preempted) once.
func wakeups(pid int) float64 {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*", pid))
	total := 0.0
	for _, t := range tasks {
		tid, _ := strconv.Atoi(filepath.Base(t))
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/status", pid, tid))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasSuffix(strings.SplitN(line, ":", 2)[0], "ctxt_switches") {
				v, _ := strconv.ParseFloat(strings.TrimSpace(strings.SplitN(line, ":", 2)[1]), 64)
				total += v
			}
		}
	}
	return total
}

// cpuSeconds is the user+system CPU time of pid (all its threads).
func cpuSeconds(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

const header = `
[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
loglevel=info
`

func manyPrograms(n int, command string) string {
	return header + fmt.Sprintf(`
[program:p]
command=%s
process_name=%%(program_name)s_%%(process_num)03d
numprocs=%d
`, command, n)
}

func BenchmarkStartup500(b *testing.B) {
	method("Startup and memory", "500 programs (`sleep 1000`, numprocs=500) in one config, with a unix socket "+
		"server. Spawn time: from launching `supervisord -n` to the timestamp of the 500th `spawned:` line in the main "+
		"log; measured with AUTO child logs (1000 files created before anything starts, as Supervisor creates them) and "+
		"with `stdout_logfile=NONE`/`stderr_logfile=NONE`, which isolates the cost of spawning from the file system's "+
		"cost of creating files (on this VM's ext4 a file creation takes about 1 ms, for both implementations). "+
		"RSS: VmRSS of the supervisord process (children not included) once all 500 are RUNNING, and again after "+
		"it has been used: 10 `getAllProcessInfo` calls and one request of the web status page.")
	withServer := `
[unix_http_server]
file={dir}/supervisor.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`
	conf := manyPrograms(500, "/bin/sleep 1000") + withServer
	rss, used := map[string]float64{}, map[string]float64{}
	spawnTime := func(im testenv.Impl, conf string, after func(d *testenv.Daemon)) float64 {
		start := time.Now()
		d := testenv.Start(b, im, conf)
		d.WaitFor("spawned:", 500, 120*time.Second)
		var last time.Time
		for _, l := range d.Lines() {
			if strings.Contains(l, "spawned:") {
				last, _ = testenv.LogTime(l)
			}
		}
		d.WaitFor("entered RUNNING state", 500, 120*time.Second)
		if after != nil {
			after(d)
		}
		d.Stop()
		return last.Sub(start.Truncate(time.Millisecond)).Seconds()
	}
	both(b, "Startup and memory", "all 500 programs spawned", "s", "≤ 0.45 s", "lower", func(im testenv.Impl) float64 {
		return spawnTime(im, conf, func(d *testenv.Daemon) {
			time.Sleep(time.Second) // let start-up finish handing memory back
			rss[im.Name] = status(d.PID(), "VmRSS") / 1024
			c, err := xmlrpc.NewClient("unix://"+filepath.Join(d.Dir, "supervisor.sock"), nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < 10; i++ {
				if _, err := c.Call(context.Background(), "supervisor.getAllProcessInfo"); err != nil {
					b.Fatal(err)
				}
			}
			c.Close()
			hc := http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return net.Dial("unix", filepath.Join(d.Dir, "supervisor.sock"))
			}}}
			if resp, err := hc.Get("http://localhost/"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			used[im.Name] = status(d.PID(), "VmRSS") / 1024
		})
	})
	noLogs := strings.Replace(conf, "numprocs=500\n", "numprocs=500\nstdout_logfile=NONE\nstderr_logfile=NONE\n", 1)
	both(b, "Startup and memory", "all 500 programs spawned, no child log files", "s", "", "lower", func(im testenv.Impl) float64 {
		return spawnTime(im, noLogs, nil)
	})
	floor := bareSpawn(b, 500)
	b.ReportMetric(floor, "floor-s")
	record(result{Section: "Startup and memory", Metric: "floor: 500 × `syscall.ForkExec(\"/bin/sleep\")` from a bare Go loop",
		Unit: "s", Better: "lower", Ours: floor, Floor: true})
	for _, m := range []struct {
		metric, target string
		v              map[string]float64
	}{{"RSS with 500 programs, all RUNNING", "≤ 12 MB", rss}, {"RSS with 500 programs, after 10 getAllProcessInfo and one status page", "", used}} {
		r := result{Section: "Startup and memory", Metric: m.metric, Unit: "MB", Target: m.target, Better: "lower", Ours: m.v["ours"]}
		if v, ok := m.v["reference"]; ok {
			r.Ref, r.HasRef = v, true
		}
		record(r)
	}
}

// bareSpawn times n back-to-back ForkExecs of `sleep 1000` (own process
// group, SIGKILL as parent-death signal, as supervisord starts children)
// from this process: what starting n programs costs on this machine with
// nothing else to do. The children are killed and reaped afterwards.
func bareSpawn(b *testing.B, n int) float64 {
	pids := make([]int, 0, n)
	defer func() {
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
			var ws syscall.WaitStatus
			syscall.Wait4(pid, &ws, 0, nil)
		}
	}()
	attr := &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2},
		Sys: &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}}
	start := time.Now()
	for i := 0; i < n; i++ {
		pid, err := syscall.ForkExec("/bin/sleep", []string{"sleep", "1000"}, attr)
		if err != nil {
			b.Fatalf("fork/exec: %v", err)
		}
		pids = append(pids, pid)
	}
	return time.Since(start).Seconds()
}

func BenchmarkIdle100(b *testing.B) {
	method("Idle", fmt.Sprintf("100 programs (`sleep 100000`), all RUNNING, left alone. The context switches of every "+
		"thread of the supervisord process (/proc/PID/task/*/status) are counted over %s and divided by the "+
		"window: each is one wake-up.", *idleWindow))
	conf := manyPrograms(100, "/bin/sleep 100000")
	both(b, "Idle", "wake-ups per second with 100 programs", "wakeups/s", "≤ 0.05/s", "lower", func(im testenv.Impl) float64 {
		return idleWakeups(b, im, conf, 100)
	})
}

// idleWakeups starts a daemon on conf, waits for running programs to be
// RUNNING and start-up to settle, and returns its wake-ups per second over
// the idle window.
func idleWakeups(b *testing.B, im testenv.Impl, conf string, running int) float64 {
	d := testenv.Start(b, im, conf)
	d.WaitFor("entered RUNNING state", running, 60*time.Second)
	time.Sleep(2 * time.Second) // let start-up work settle
	before := wakeups(d.PID())
	time.Sleep(*idleWindow)
	after := wakeups(d.PID())
	d.Stop()
	return (after - before) / idleWindow.Seconds()
}

func BenchmarkCrashRespawn(b *testing.B) {
	method("Crash to respawn", "One program that runs 1.5 s and exits 1 (`autorestart=true`, `startsecs=1`). "+
		"Latency: from the timestamp of each `exited:` line to that of the following `spawned:` line, median of 5 cycles "+
		"(log timestamps have millisecond resolution).")
	conf := header + `
[program:crashy]
command=/bin/sh -c 'sleep 1.5; exit 1'
autorestart=true
startsecs=1
`
	both(b, "Crash to respawn", "crash-to-respawn latency", "ms", "≤ 10 ms", "lower", func(im testenv.Impl) float64 {
		d := testenv.Start(b, im, conf)
		d.WaitFor("spawned:", 6, 60*time.Second)
		var gaps []float64
		var exited time.Time
		for _, l := range d.Lines() {
			t, _ := testenv.LogTime(l)
			switch {
			case strings.Contains(l, "exited: crashy"):
				exited = t
			case strings.Contains(l, "spawned:") && !exited.IsZero():
				gaps = append(gaps, float64(t.Sub(exited).Microseconds())/1000)
				exited = time.Time{}
			}
		}
		d.Stop()
		sort.Float64s(gaps)
		return gaps[len(gaps)/2]
	})
}

const logBytes = 200 << 20

func BenchmarkLogThroughput(b *testing.B) {
	method("Log throughput", "One child writes 200 MiB to stdout as fast as it can (`head -c 209715200 /dev/zero`), "+
		"logged to a file without rotation. Time: from the `spawned:` line to the log file holding all 200 MiB (the size is "+
		"checked every 5 ms, and must equal 200 MiB exactly: nothing lost). Baseline: the same bytes through a plain pipe into "+
		"`cat > file` in the same directory. Each of 5 rounds syncs the disk, times the baseline, syncs, then times "+
		"supervisord (so write-back of earlier rounds does not land on one side); the ratio baseline time / supervisord time "+
		"(1.0 = as fast as a plain copy) is the median of the rounds.")
	conf := header + fmt.Sprintf(`
[program:firehose]
command=/bin/sh -c 'head -c %d /dev/zero; sleep 1000'
stdout_logfile={dir}/firehose.log
stdout_logfile_maxbytes=0
startsecs=0
`, logBytes)
	both(b, "Log throughput", "200 MiB logged, relative to a plain pipe-to-file copy", "ratio", "≥ 0.9", "higher", func(im testenv.Impl) float64 {
		var ratios []float64
		for round := 0; round < 5; round++ {
			dir := b.TempDir()
			syscall.Sync()
			start := time.Now()
			plain := exec.Command("/bin/sh", "-c", fmt.Sprintf("head -c %d /dev/zero | cat > %s/plain", logBytes, dir))
			if err := plain.Run(); err != nil {
				b.Fatal(err)
			}
			baseline := time.Since(start).Seconds()
			os.Remove(filepath.Join(dir, "plain"))
			syscall.Sync()
			d := testenv.StartIn(b, im, dir, conf)
			d.WaitFor("spawned:", 1, 60*time.Second)
			var spawned time.Time
			for _, l := range d.Lines() {
				if strings.Contains(l, "spawned:") {
					spawned, _ = testenv.LogTime(l)
				}
			}
			path := filepath.Join(dir, "firehose.log")
			deadline := time.Now().Add(5 * time.Minute)
			for {
				st, err := os.Stat(path)
				if err == nil && st.Size() >= logBytes {
					if st.Size() != logBytes {
						b.Errorf("%s: log holds %d bytes, want %d", im.Name, st.Size(), logBytes)
					}
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("%s: log never reached 200 MiB", im.Name)
				}
				time.Sleep(5 * time.Millisecond)
			}
			took := time.Since(spawned).Seconds()
			d.Stop()
			os.Remove(path)
			ratios = append(ratios, baseline/took)
		}
		sort.Float64s(ratios)
		return ratios[len(ratios)/2]
	})
}

func BenchmarkChattyChildren(b *testing.B) {
	method("Chatty children", fmt.Sprintf("20 children, each writing one line per millisecond, one write per line "+
		"(a perl loop with autoflush and a 1 ms select; about 900 lines/s each on this machine), logged to AUTO files. "+
		"After a 3 s warm-up, the CPU time (user+system, all threads) of the supervisord process is measured over %s "+
		"and given as a percentage of one core. The children's own CPU is not counted.", *cpuWindow))
	conf := header + `
[program:chatty]
command=/usr/bin/perl -e '$|=1; for(my $i=0;;$i++){ print "line $i of some chatty program output\n"; select(undef,undef,undef,0.001) }'
process_name=%(program_name)s_%(process_num)02d
numprocs=20
`
	both(b, "Chatty children", "daemon CPU with 20 × 1000 lines/s", "% of a core", "≤ 1/8 of the reference", "lower", func(im testenv.Impl) float64 {
		d := testenv.Start(b, im, conf)
		d.WaitFor("entered RUNNING state", 20, 60*time.Second)
		time.Sleep(3 * time.Second)
		c0, t0 := cpuSeconds(d.PID()), time.Now()
		time.Sleep(*cpuWindow)
		c1, t1 := cpuSeconds(d.PID()), time.Now()
		d.Stop()
		return 100 * (c1 - c0) / t1.Sub(t0).Seconds()
	})
}

func writeReport(rel string) error {
	root, err := testenv.RepoRoot()
	if err != nil {
		return err
	}
	path := rel
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, rel)
	}
	var w strings.Builder
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	fmt.Fprintf(&w, "# Performance\n\nMeasured by `make bench` (internal/bench), gosupervisor and the reference "+
		"(Debian's Python Supervisor 4.2.5) one after the other in the same run, on the same machine: "+
		"%d CPUs (%s), %s/%s, %s. Regenerate with `make bench`; the numbers below are from the last run.\n\n",
		runtime.NumCPU(), cpu, runtime.GOOS, runtime.GOARCH, time.Now().Format("2006-01-02"))
	sections := []string{}
	seen := map[string]bool{}
	for _, r := range results {
		if !seen[r.Section] {
			seen[r.Section] = true
			sections = append(sections, r.Section)
		}
	}
	w.WriteString("| Measure | gosupervisor | reference | target |\n|---|---|---|---|\n")
	for _, r := range results {
		ref := "not installed"
		switch {
		case r.Floor:
			ref = "—"
		case r.HasRef:
			ref = fmt.Sprintf("%.3g %s", r.Ref, r.Unit)
		}
		fmt.Fprintf(&w, "| %s | %.3g %s | %s | %s |\n", r.Metric, r.Ours, r.Unit, ref, r.Target)
	}
	w.WriteString("\n" + analysis)
	w.WriteString("\n## Method\n\n")
	for _, s := range sections {
		if m, ok := methods[s]; ok {
			fmt.Fprintf(&w, "### %s\n\n%s\n\n", s, m)
		}
	}
	return os.WriteFile(path, []byte(w.String()), 0o644)
}

// rpcPrograms is n separate [program:x] sections (sleep 1000, startsecs=0)
// served on a unix socket.
func rpcPrograms(n int, command func(i int) string) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString(`
[unix_http_server]
file={dir}/sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\n[program:p%03d]\ncommand=%s\nstartsecs=0\n", i, command(i))
	}
	return b.String()
}

func rpcClient(b *testing.B, d *testenv.Daemon) *xmlrpc.Client {
	c, err := xmlrpc.NewClient("unix://"+filepath.Join(d.Dir, "sock"), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// rpcDaemon starts im on 500 programs and waits until all run.
func rpcDaemon(b *testing.B, im testenv.Impl, conf string) *testenv.Daemon {
	d := testenv.Start(b, im, conf)
	d.WaitFor("entered RUNNING state", 500, 120*time.Second)
	c := rpcClient(b, d)
	defer c.Close()
	for i := 0; i < 5; i++ { // warm up (and check the socket answers)
		if _, err := c.Call(context.Background(), "supervisor.getAllProcessInfo"); err != nil {
			b.Fatal(err)
		}
	}
	return d
}

// throughput runs call from clients goroutines, each with its own
// connection, for window and returns completed calls per second. With
// mk, each goroutine calls what mk makes instead.
func throughput(b *testing.B, d *testenv.Daemon, clients int, window time.Duration, call func(c *xmlrpc.Client) error, mk func() func() error) float64 {
	var total atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(window)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := rpcClient(b, d)
			defer c.Close()
			one := func() error { return call(c) }
			if mk != nil {
				one = mk()
			}
			for time.Now().Before(deadline) {
				if err := one(); err != nil {
					b.Error(err)
					return
				}
				total.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(total.Load()) / time.Since(start).Seconds()
}

const rpcMethod = "Our Go XML-RPC client (internal/xmlrpc, the one our supervisorctl uses) over the daemon's unix socket, " +
	"the same for both implementations, with HTTP keep-alive (one connection per client). Config: 500 separate " +
	"`[program:pNNN]` sections (`sleep 1000`, startsecs=0), all RUNNING before measuring, 5 warm-up calls. " +
	"Each time covers encoding the request, the round trip and decoding the whole answer. " +
	"getAllProcessInfo latency: sequential calls for at least 3 s and at least 20 calls, median. " +
	"Throughput: 4 goroutines, each its own client and connection, calling back to back for 5 s; completed calls / elapsed time. " +
	"The getAllProcessInfo answer is 600 KB of XML, which takes our client about 3 ms of CPU to decode, more than the daemon " +
	"takes to make it; since the clients share the machine's CPUs with the daemon, the rows 'answer read but not decoded' " +
	"measure the same calls with Go's HTTP client (the transport under our xmlrpc client) posting the request bytes and " +
	"reading the whole answer without decoding it: what the daemon itself can serve. " +
	"reloadConfig + update: the config file is edited to change one program's command, then the calls `supervisorctl update` " +
	"makes are timed: reloadConfig, stopProcessGroup(name) (waits for the stop), removeProcessGroup, addProcessGroup; " +
	"median of 5 rounds (between rounds, untimed, the program is left to reach RUNNING). The clients run on the same machine " +
	"and share its CPUs with the daemon."

// rawCaller returns a function that POSTs a call with no arguments over
// the daemon's unix socket with Go's HTTP client (the transport our
// xmlrpc client uses, keep-alive) and reads the whole answer without
// decoding it: what the daemon costs, without the client's XML decoding.
func rawCaller(b *testing.B, d *testenv.Daemon, method string) func() error {
	body, err := xmlrpc.EncodeRequest(method, nil)
	if err != nil {
		b.Fatal(err)
	}
	sock := filepath.Join(d.Dir, "sock")
	c := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "unix", sock)
	}}}
	return func() error {
		resp, err := c.Post("http://localhost/RPC2", "text/xml", bytes.NewReader(body))
		if err != nil {
			return err
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || n < 1000 {
			return fmt.Errorf("%s: %s, %d bytes", d.Impl.Name, resp.Status, n)
		}
		return nil
	}
}

func BenchmarkRPC500(b *testing.B) {
	method("XML-RPC with 500 programs", rpcMethod)
	conf := rpcPrograms(500, func(int) string { return "/bin/sleep 1000" })
	const section = "XML-RPC with 500 programs"
	type measures struct{ p50, rawP50, allTput, rawTput, infoTput, update float64 }
	got := map[string]measures{}
	for _, im := range impls(b) {
		d := rpcDaemon(b, im, conf)
		c := rpcClient(b, d)
		var m measures

		var lat []float64
		start := time.Now()
		for time.Since(start) < 3*time.Second || len(lat) < 20 {
			t0 := time.Now()
			if _, err := c.Call(context.Background(), "supervisor.getAllProcessInfo"); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		}
		sort.Float64s(lat)
		m.p50 = lat[len(lat)/2]

		raw := rawCaller(b, d, "supervisor.getAllProcessInfo")
		lat = lat[:0]
		start = time.Now()
		for time.Since(start) < 3*time.Second || len(lat) < 20 {
			t0 := time.Now()
			if err := raw(); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, float64(time.Since(t0).Microseconds())/1000)
		}
		sort.Float64s(lat)
		m.rawP50 = lat[len(lat)/2]
		m.rawTput = throughput(b, d, 4, 5*time.Second, nil, func() func() error {
			return rawCaller(b, d, "supervisor.getAllProcessInfo")
		})

		m.allTput = throughput(b, d, 4, 5*time.Second, func(c *xmlrpc.Client) error {
			_, err := c.Call(context.Background(), "supervisor.getAllProcessInfo")
			return err
		}, nil)
		m.infoTput = throughput(b, d, 4, 5*time.Second, func(c *xmlrpc.Client) error {
			_, err := c.Call(context.Background(), "supervisor.getProcessInfo", "p250")
			return err
		}, nil)
		m.update = updateOne(b, d, c)
		c.Close()
		d.Stop()
		got[im.Name] = m
	}
	rec := func(metric, unit, target, better string, v func(measures) float64) {
		r := result{Section: section, Metric: metric, Unit: unit, Target: target, Better: better, Ours: v(got["ours"])}
		if m, ok := got["reference"]; ok {
			r.Ref, r.HasRef = v(m), true
		}
		b.ReportMetric(r.Ours, "ours-"+strings.ReplaceAll(unit, " ", "_")+"-"+strings.Fields(metric)[0])
		record(r)
	}
	rec("getAllProcessInfo latency, median", "ms", "≤ 5 ms", "lower", func(m measures) float64 { return m.p50 })
	rec("getAllProcessInfo latency, median, answer read but not decoded", "ms", "", "lower", func(m measures) float64 { return m.rawP50 })
	rec("getAllProcessInfo throughput, 4 clients", "calls/s", "≥ 500/s", "higher", func(m measures) float64 { return m.allTput })
	rec("getAllProcessInfo throughput, 4 clients, answers read but not decoded", "calls/s", "", "higher", func(m measures) float64 { return m.rawTput })
	rec("getProcessInfo throughput, 4 clients", "calls/s", "≥ 10000/s", "higher", func(m measures) float64 { return m.infoTput })
	rec("reloadConfig + update of one changed program", "s", "≤ 0.1 s", "lower", func(m measures) float64 { return m.update })
}

// updateOne times what "supervisorctl update" does after one program's
// command changed; median of 5 rounds.
func updateOne(b *testing.B, d *testenv.Daemon, c *xmlrpc.Client) float64 {
	ctx := context.Background()
	var times []float64
	for round := 0; round < 5; round++ {
		n := 1001 + round
		conf := rpcPrograms(500, func(i int) string {
			if i == 250 {
				return fmt.Sprintf("/bin/sleep %d", n)
			}
			return "/bin/sleep 1000"
		})
		if err := os.WriteFile(d.Conf, []byte(strings.ReplaceAll(conf, "{dir}", d.Dir)), 0o644); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		v, err := c.Call(ctx, "supervisor.reloadConfig")
		if err != nil {
			b.Fatal(err)
		}
		changed := v.Array()[0].Array()[1].Array()
		if len(changed) != 1 || changed[0].Str() != "p250" {
			b.Fatalf("%s: reloadConfig: %v", d.Impl.Name, v)
		}
		for _, call := range [][]any{{"supervisor.stopProcessGroup", "p250"}, {"supervisor.removeProcessGroup", "p250"}, {"supervisor.addProcessGroup", "p250"}} {
			if _, err := c.Call(ctx, call[0].(string), call[1:]...); err != nil {
				b.Fatalf("%s: %v: %v", d.Impl.Name, call, err)
			}
		}
		times = append(times, time.Since(t0).Seconds())
		deadline := time.Now().Add(30 * time.Second)
		for {
			v, err := c.Call(ctx, "supervisor.getProcessInfo", "p250")
			if err == nil {
				if st, _ := v.Get("statename"); st.Str() == "RUNNING" {
					break
				}
			}
			if time.Now().After(deadline) {
				b.Fatalf("%s: p250 did not run again", d.Impl.Name)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	sort.Float64s(times)
	return times[len(times)/2]
}
