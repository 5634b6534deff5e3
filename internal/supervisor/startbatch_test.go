package supervisor

import (
	"testing"
	"time"
)

// TestStartupBatchSharesStartTime: the processes spawned by the first pass
// share one start time, taken when the pass ended, so their startsecs
// deadlines fire together, in spawn order, and none becomes RUNNING before
// it has been up for startsecs.
func TestStartupBatchSharesStartTime(t *testing.T) {
	cfg := testConfig(t, prog("a", "/bin/sleep 30"), prog("b", "/bin/sleep 30"), prog("c", "/bin/sleep 30"))
	before := time.Now()
	s, l := run(t, cfg)
	var starts []time.Time
	var whens []time.Time
	var seqs []uint64
	if err := s.call(bg, func() {
		for _, g := range s.sortedGroups() {
			for _, p := range g.procs {
				starts = append(starts, p.m.LastStart)
				whens = append(whens, p.timer.when)
				seqs = append(seqs, p.timer.seq)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	for i := range starts {
		if !starts[i].Equal(starts[0]) || !whens[i].Equal(whens[0]) {
			t.Fatalf("start times %v, deadlines %v", starts, whens)
		}
		if i > 0 && seqs[i] <= seqs[i-1] {
			t.Fatalf("deadlines set out of spawn order: %v", seqs)
		}
	}
	if starts[0].Before(before) {
		t.Fatalf("start time %v before the daemon started (%v)", starts[0], before)
	}
	l.wait(t, "success: c entered RUNNING state")
}
