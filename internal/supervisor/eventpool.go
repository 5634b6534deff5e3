package supervisor

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/events"
	"github.com/gosupervisor/gosupervisor/internal/process"
	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// evt is one notified event on its way to listener pools.
type evt struct {
	t           events.Type
	payload     string
	serial      int64 // -1 until the first pool accepts it
	poolSerials map[string]int64
}

// EventSerial is Supervisor's GlobalSerial: the serial numbers events are
// given when the first pool accepts them. Supervisor keeps it for the life
// of the process, across restarts (SIGHUP, the restart RPC), while each
// pool's own serial starts again when the pool is made anew. The daemon
// therefore owns one and hands it to each Supervisor it runs, one at a time.
type EventSerial struct{ n int64 }

// NewEventSerial returns a serial whose first number is 0.
func NewEventSerial() *EventSerial { return &EventSerial{n: -1} }

// eventHub is events.notify plus the tick clock. Pools subscribe when their
// group is added and unsubscribe when it is removed.
type eventHub struct {
	s      *Supervisor
	pools  []*pool // in subscription order, as Supervisor's callback list
	serial *EventSerial

	// pending are the pools that may have something to dispatch. They are
	// dispatched once the loop has finished the work at hand, as
	// Supervisor dispatches in its groups' transition(), after reading
	// output and before the next poll; see Supervisor.settle.
	pending []*pool

	tickTimer *timer
	lastTick  map[events.Type]int64
}

func newEventHub(s *Supervisor, serial *EventSerial) *eventHub {
	if serial == nil {
		serial = NewEventSerial()
	}
	return &eventHub{s: s, serial: serial, lastTick: map[events.Type]int64{}}
}

func newSerial(n *int64) int64 {
	if *n == math.MaxInt64 {
		*n = -1
	}
	*n++
	return *n
}

// notify hands an event to every pool subscribed to its type. With no
// listener configured this is a loop over nothing: events cost nothing
// unless used.
//
// Each pool gets the event once, however many of its events= names match,
// and a rejected event goes back only to the pool that sent it. Supervisor
// does neither (see docs/compat.md).
func (h *eventHub) notify(t events.Type, payload string) {
	var e *evt
	for _, p := range h.pools {
		if !p.subscribed(t) {
			continue
		}
		if e == nil {
			e = &evt{t: t, payload: payload, serial: -1, poolSerials: map[string]int64{}}
		}
		p.accept(e, false)
		h.wantDispatch(p)
	}
}

// wantDispatch queues p for the next dispatch round.
func (h *eventHub) wantDispatch(p *pool) {
	if !p.queued {
		p.queued = true
		h.pending = append(h.pending, p)
	}
}

// dispatchPending runs the queued pools' dispatch, in group priority
// order as Supervisor's loop transitions its groups.
func (h *eventHub) dispatchPending() {
	ps := h.pending
	h.pending = nil
	if len(ps) > 1 {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].g.cfg.Priority < ps[j].g.cfg.Priority })
	}
	for _, p := range ps {
		p.queued = false
		p.dispatch()
	}
}

func (h *eventHub) subscribe(p *pool) {
	h.pools = append(h.pools, p)
	h.updateTicks()
}

func (h *eventHub) unsubscribe(p *pool) {
	for i, x := range h.pools {
		if x == p {
			h.pools = append(h.pools[:i:i], h.pools[i+1:]...)
			break
		}
	}
	h.updateTicks()
}

var tickTypes = [...]events.Type{events.Tick5, events.Tick60, events.Tick3600}

// tickWanted reports whether some pool subscribes to t.
func (h *eventHub) tickWanted(t events.Type) bool {
	for _, p := range h.pools {
		if p.subscribed(t) {
			return true
		}
	}
	return false
}

// updateTicks arms the tick timer when some pool subscribes to a TICK
// type, and only then: an idle daemon without tick listeners never wakes
// up. Supervisor checks every period on each pass of its loop; a period
// nobody listens to is invisible (no serial is used), so only the wanted
// ones are tracked here.
func (h *eventHub) updateTicks() {
	now := h.s.now()
	any := false
	for _, t := range tickTypes {
		if !h.tickWanted(t) {
			delete(h.lastTick, t)
			continue
		}
		any = true
		if _, ok := h.lastTick[t]; !ok {
			h.lastTick[t] = timeslice(t.TickPeriod(), now)
		}
	}
	if !any {
		if h.tickTimer != nil {
			h.s.schedule(h.tickTimer, time.Time{})
			h.tickTimer = nil
		}
		return
	}
	if h.tickTimer == nil {
		h.tickTimer = newTimer(h.tick)
	}
	h.s.schedule(h.tickTimer, h.nextTick())
}

// nextTick is the earliest rollover of a wanted period.
func (h *eventHub) nextTick() time.Time {
	var next int64 = -1
	for t, last := range h.lastTick {
		if n := last + t.TickPeriod(); next < 0 || n < next {
			next = n
		}
	}
	return time.Unix(next, 0)
}

func timeslice(period int64, now time.Time) int64 {
	u := now.Unix()
	return u - u%period
}

// tick is Supervisor.tick: TICK_5, then TICK_60, then TICK_3600, each when
// its period has rolled over (so at a full hour all three come, in that
// order), with the start of the new period as when.
func (h *eventHub) tick(now time.Time) {
	for _, t := range tickTypes {
		last, ok := h.lastTick[t]
		if !ok {
			continue
		}
		if this := timeslice(t.TickPeriod(), now); this != last {
			h.lastTick[t] = this
			h.notify(t, events.TickPayload(this))
		}
	}
	if h.tickTimer != nil && len(h.lastTick) > 0 {
		h.s.schedule(h.tickTimer, h.nextTick())
	}
}

// debug reports whether debug lines are logged: the per-event ones are
// not even formatted otherwise.
func (s *Supervisor) debug() bool { return s.log.Enabled(config.LevelDebug) }

// pool is an EventListenerPool: a buffer of events for one listener group.
type pool struct {
	s      *Supervisor
	g      *group
	buffer []*evt
	serial int64
	subs   []string
	queued bool // in the hub's pending list
	closed bool // the group was removed
}

func newPool(s *Supervisor, g *group) *pool {
	p := &pool{s: s, g: g, serial: -1, subs: g.cfg.Events}
	for _, pr := range g.procs {
		pr.lst = &listener{p: pr, state: lstAcknowledged}
	}
	s.ev.subscribe(p)
	return p
}

func (p *pool) subscribed(t events.Type) bool {
	for _, name := range p.subs {
		if events.Matches(name, t) {
			return true
		}
	}
	return false
}

func (p *pool) close() {
	p.closed = true
	p.s.ev.unsubscribe(p)
}

// accept is EventListenerPool._acceptEvent.
func (p *pool) accept(e *evt, head bool) {
	if e.serial < 0 {
		e.serial = newSerial(&p.s.ev.serial.n)
	}
	name := p.g.cfg.Name
	if _, ok := e.poolSerials[name]; !ok {
		e.poolSerials[name] = newSerial(&p.serial)
	} else {
		if p.s.debug() {
			p.s.log.Debug(fmt.Sprintf("rebuffering event %d for pool %s (buf size=%d, max=%d)", e.serial, name, len(p.buffer), p.g.cfg.BufferSize))
		}
	}
	if len(p.buffer) >= p.g.cfg.BufferSize && len(p.buffer) > 0 {
		discarded := p.buffer[0]
		p.buffer[0] = nil
		p.buffer = p.buffer[1:]
		p.s.log.Error(fmt.Sprintf("pool %s event buffer overflowed, discarding event %d", name, discarded.serial))
	}
	if head {
		p.buffer = append(p.buffer, nil)
		copy(p.buffer[1:], p.buffer)
		p.buffer[0] = e
	} else {
		p.buffer = append(p.buffer, e)
	}
}

// capable is transition()'s dispatch_capable: some listener of the pool is
// RUNNING and READY. Supervisor dispatches only then, so the failed
// attempt that rebuffers an event (and logs it at debug) happens only then.
func (p *pool) capable() bool {
	for _, pr := range p.g.procs {
		if pr.m.State == process.Running && pr.lst.state == lstReady {
			return true
		}
	}
	return false
}

// dispatch is EventListenerPool.dispatch: send the oldest events to ready
// listeners until none is left; the event no listener took goes back to
// the head of the buffer.
func (p *pool) dispatch() {
	if p.closed || !p.capable() {
		return
	}
	for len(p.buffer) > 0 {
		e := p.buffer[0]
		p.buffer[0] = nil
		p.buffer = p.buffer[1:]
		if !p.dispatchEvent(e) {
			p.accept(e, true)
			return
		}
	}
}

func (p *pool) dispatchEvent(e *evt) bool {
	for _, pr := range p.g.procs {
		if pr.m.State != process.Running || pr.lst.state != lstReady {
			continue
		}
		env := events.Envelope(p.s.cfg.Supervisord.Identifier, e.serial, p.g.cfg.Name, e.poolSerials[p.g.cfg.Name], e.t, e.payload)
		if err := pr.write([]byte(env)); err != nil {
			if !errors.Is(err, syscall.EPIPE) {
				p.s.log.Error(fmt.Sprintf("cannot send event %d to listener %s: %v", e.serial, pr.cfg.Name, err))
			}
			p.s.log.Debug(fmt.Sprintf("epipe occurred while sending event %d to listener %s, listener state unchanged", e.serial, pr.cfg.Name))
			continue
		}
		pr.lst.state = lstBusy
		pr.lst.event = e
		if p.s.debug() {
			p.s.log.Debug(fmt.Sprintf("event %d sent to listener %s", e.serial, pr.cfg.Name))
		}
		return true
	}
	return false
}

// Listener protocol states (states.EventListenerStates).
type lstState int

const (
	lstReady        lstState = 10
	lstBusy         lstState = 20
	lstAcknowledged lstState = 30
	lstUnknown      lstState = 40
)

func (l lstState) String() string {
	switch l {
	case lstReady:
		return "READY"
	case lstBusy:
		return "BUSY"
	case lstAcknowledged:
		return "ACKNOWLEDGED"
	case lstUnknown:
		return "UNKNOWN"
	}
	return "None"
}

// listener is the protocol side of one event listener process
// (PEventListenerDispatcher).
type listener struct {
	p         *proc
	state     lstState
	event     *evt
	buf       []byte // state_buffer
	result    []byte
	resultLen int
	haveLen   bool
}

// reset is what creating the dispatcher at spawn does.
func (l *listener) reset() {
	l.state = lstAcknowledged
	l.event = nil
	l.buf, l.result = nil, nil
	l.haveLen = false
}

func (l *listener) processStateChanged(to process.State) {
	if to == process.Starting {
		l.reset()
	}
	if to == process.Running {
		l.p.s.ev.wantDispatch(l.p.g.pool)
	}
}

// exited re-queues an event the listener held when it died.
func (l *listener) exited() {
	if l.event != nil {
		l.p.g.pool.accept(l.event, true)
		l.event = nil
	}
}

func (l *listener) change(to lstState) {
	name := l.p.cfg.Name
	if l.p.s.debug() {
		l.p.s.log.Debug(fmt.Sprintf("%s: %s -> %s", name, l.state, to))
	}
	l.state = to
	if to == lstUnknown {
		l.p.s.log.Warn(fmt.Sprintf("%s: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol", name))
	}
	if to == lstReady {
		l.p.s.ev.wantDispatch(l.p.g.pool)
	}
}

// received is handle_read_event's protocol half for one chunk of stdout.
func (l *listener) received(data []byte) {
	l.buf = append(l.buf, data...)
	l.handle()
}

const readyToken = "READY\n"

// handle is handle_listener_state_change.
func (l *listener) handle() {
	for len(l.buf) > 0 {
		switch l.state {
		case lstUnknown:
			l.buf = nil
			return
		case lstAcknowledged:
			if len(l.buf) < len(readyToken) {
				return
			}
			if bytes.HasPrefix(l.buf, []byte(readyToken)) {
				l.change(lstReady)
				l.buf = l.buf[len(readyToken):]
				l.event = nil
			} else {
				l.change(lstUnknown)
				l.buf = nil
				l.event = nil
			}
		case lstReady:
			l.change(lstUnknown)
			l.buf = nil
			l.event = nil
			return
		case lstBusy:
			if !l.haveLen {
				pos := bytes.IndexByte(l.buf, '\n')
				if pos < 0 {
					return
				}
				line := l.buf[:pos]
				l.buf = l.buf[pos+1:]
				n, ok := pyIntBytes(line, len("RESULT "))
				// A negative length makes Supervisor recurse until
				// RecursionError and stop reading the listener; we
				// call it what it is, a bad result line.
				if !ok || n < 0 {
					text := string(line)
					if !utf8.Valid(line) {
						text = "Undecodable: " + pyfmt.BytesRepr(line)
					}
					l.p.s.log.Warn(fmt.Sprintf("%s: bad result line: '%s'", l.p.cfg.Name, text))
					l.change(lstUnknown)
					l.buf = nil
					l.reject()
					return
				}
				l.resultLen, l.haveLen = n, true
			} else {
				needed := l.resultLen - len(l.result)
				if needed != 0 {
					take := clampSlice(l.buf, needed)
					l.result = append(l.result, l.buf[:take]...)
					l.buf = l.buf[take:]
					needed = l.resultLen - len(l.result)
				}
				if needed == 0 {
					l.handleResult(l.result)
					l.event = nil
					l.result = nil
					l.haveLen = false
				}
			}
		}
	}
}

// clampSlice is Python's slice bound arithmetic for buf[:n].
func clampSlice(buf []byte, n int) int {
	if n < 0 {
		n += len(buf)
		if n < 0 {
			n = 0
		}
	}
	if n > len(buf) {
		n = len(buf)
	}
	return n
}

// handleResult applies the default result handler: "OK" acknowledges,
// anything else rejects the event back into the pool.
func (l *listener) handleResult(result []byte) {
	name := l.p.cfg.Name
	if string(result) == "OK" {
		if l.p.s.debug() {
			l.p.s.log.Debug(name + ": event was processed")
		}
		l.change(lstAcknowledged)
		return
	}
	l.p.s.log.Warn(name + ": event was rejected")
	l.change(lstAcknowledged)
	l.reject()
}

func (l *listener) reject() {
	if l.event != nil {
		l.p.g.pool.accept(l.event, true)
	}
	l.event = nil
}

// pyIntBytes parses line[skip:] as Python's int(bytes) does: ASCII
// whitespace around, an optional sign, ASCII digits with single
// underscores between them. A number too large for an int stands for
// "more than any listener will send" (Supervisor would wait for it).
func pyIntBytes(line []byte, skip int) (int, bool) {
	if skip > len(line) {
		return 0, false
	}
	t := bytes.Trim(line[skip:], " \t\n\v\f\r")
	neg := false
	if len(t) > 0 && (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if len(t) == 0 {
		return 0, false
	}
	n, huge, digit := 0, false, false
	for i, c := range t {
		switch {
		case c >= '0' && c <= '9':
			if n > (math.MaxInt-9)/10 {
				huge = true
			} else {
				n = n*10 + int(c-'0')
			}
			digit = true
		case c == '_' && digit && i+1 < len(t) && t[i+1] >= '0' && t[i+1] <= '9':
			digit = false
		default:
			return 0, false
		}
	}
	if huge {
		n = math.MaxInt
	}
	if neg {
		n = -n
	}
	return n, true
}
