package supervisor

import (
	"container/heap"
	"time"
)

// timer is one pending deadline owned by the loop. The loop keeps every
// deadline (startsecs, backoff, stopwaitsecs, reports, ticks) in one heap
// and sleeps until the earliest; idle, there is nothing in the heap and
// the loop does not wake up.
type timer struct {
	when  time.Time
	seq   uint64 // when it was scheduled: equal deadlines fire in that order
	fire  func(now time.Time)
	index int // position in the heap, -1 when not scheduled
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}

func newTimer(fire func(now time.Time)) *timer { return &timer{fire: fire, index: -1} }

// schedule sets t to fire at when; a zero when cancels it.
func (s *Supervisor) schedule(t *timer, when time.Time) {
	if when.IsZero() {
		if t.index >= 0 {
			heap.Remove(&s.timers, t.index)
		}
		return
	}
	t.when = when
	s.timerSeq++
	t.seq = s.timerSeq
	if t.index >= 0 {
		heap.Fix(&s.timers, t.index)
	} else {
		heap.Push(&s.timers, t)
	}
}

// fireDue runs every timer whose time has come, settling the loop's own
// work after each: what a deadline caused (a process entering RUNNING, a
// listener pool dispatching to it) is done before the next deadline of the
// batch fires, as Supervisor transitions its groups one after the other.
func (s *Supervisor) fireDue(now time.Time) {
	for len(s.timers) > 0 && !s.timers[0].when.After(now) {
		t := heap.Pop(&s.timers).(*timer)
		t.fire(now)
		s.settle()
	}
}

// nextWake returns how long to sleep, and false when nothing is pending.
func (s *Supervisor) nextWake(now time.Time) (time.Duration, bool) {
	if len(s.timers) == 0 {
		return 0, false
	}
	d := s.timers[0].when.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}
