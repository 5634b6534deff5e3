package bench

import (
	"sort"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/ctl/ctlbench"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

func BenchmarkCtlStatus100(b *testing.B) {
	method("supervisorctl", "One-shot `supervisorctl -c CONF status` against a daemon running 100 programs "+
		"(`sleep 600`, all RUNNING) over its unix socket: each implementation's supervisorctl against its own "+
		"supervisord. Wall time from starting the command to its exit (process start, config, XML-RPC, output), "+
		"median of 21 runs after one warm-up run.")
	both(b, "supervisorctl", "`supervisorctl status` with 100 programs", "ms", "≤ 10 ms", "lower", func(im testenv.Impl) float64 {
		dir := b.TempDir()
		d := testenv.StartIn(b, im, dir, ctlbench.Config(dir, 100))
		conf := d.Conf
		d.WaitFor("entered RUNNING state", 100, 60*time.Second)
		ctlbench.Time(im.Supervisorctl, "supervisorctl", "-c", conf, "status")
		var runs []float64
		for i := 0; i < 21; i++ {
			took, code, err := ctlbench.Time(im.Supervisorctl, "supervisorctl", "-c", conf, "status")
			if err != nil || code != 0 {
				b.Fatalf("%s: status exit %d, %v", im.Name, code, err)
			}
			runs = append(runs, float64(took.Microseconds())/1000)
		}
		d.Stop()
		sort.Float64s(runs)
		return runs[len(runs)/2]
	})
}
