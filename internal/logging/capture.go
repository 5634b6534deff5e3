package logging

import (
	"bytes"
)

// Capture-mode tokens (events.ProcessCommunicationEvent).
var (
	BeginToken = []byte("<!--XSUPERVISOR:BEGIN-->")
	EndToken   = []byte("<!--XSUPERVISOR:END-->")
)

// Recorder is dispatchers.POutputDispatcher.record_output for one channel:
// it splits a child's output into what goes to the normal log and what is
// captured between the XSUPERVISOR tokens into a communication event. It
// keeps Supervisor's quirks on purpose: without capture mode everything is
// passed through at once; with it, up to a token's length of trailing bytes
// wait for more data, and the capture buffer drops its oldest bytes when
// full. It is not safe for concurrent use (one pump owns it).
type Recorder struct {
	// Log receives data to log (before ANSI stripping), in normal mode.
	Log func(data []byte)
	// Capture receives data logged while in capture mode; it goes to the
	// capture buffer, the main log and PROCESS_LOG events, not the file.
	Capture func(data []byte)
	// Comm receives a completed capture (PROCESS_COMMUNICATION).
	Comm func(data []byte)

	maxBytes    int64 // capture_maxbytes; 0 disables capture mode
	capturemode bool
	buf         []byte // output_buffer
	capbuf      []byte // the BoundIO capture log
}

// NewRecorder returns a recorder; captureMaxBytes 0 disables capture mode.
func NewRecorder(captureMaxBytes int64) *Recorder {
	return &Recorder{maxBytes: captureMaxBytes}
}

// Feed processes one chunk read from the pipe. data is not retained.
func (r *Recorder) Feed(data []byte) {
	if r.maxBytes <= 0 && len(r.buf) == 0 {
		r.emit(data) // the common case: no capture mode, no copy
		return
	}
	r.buf = append(r.buf, data...)
	r.record()
}

func (r *Recorder) emit(data []byte) {
	if len(data) == 0 {
		return
	}
	if r.capturemode {
		// BoundIO.write: when it would overflow, drop len(data) bytes
		// from the front first (Supervisor's arithmetic, kept as is).
		if int64(len(r.capbuf)+len(data)) > r.maxBytes {
			if len(data) >= len(r.capbuf) {
				r.capbuf = r.capbuf[:0]
			} else {
				r.capbuf = append(r.capbuf[:0], r.capbuf[len(data):]...)
			}
		}
		r.capbuf = append(r.capbuf, data...)
		if r.Capture != nil {
			r.Capture(data)
		}
		return
	}
	if r.Log != nil {
		r.Log(data)
	}
}

func (r *Recorder) record() {
	for {
		if r.maxBytes <= 0 {
			data := r.buf
			r.buf = nil
			r.emit(data)
			return
		}
		token := BeginToken
		if r.capturemode {
			token = EndToken
		}
		if len(r.buf) <= len(token) {
			return // not enough data
		}
		data := r.buf
		r.buf = nil
		before, after, found := bytes.Cut(data, token)
		if !found {
			if idx := findPrefixAtEnd(data, token); idx > 0 {
				r.buf = append([]byte(nil), data[len(data)-idx:]...)
				data = data[:len(data)-idx]
			}
			r.emit(data)
			return
		}
		r.emit(before)
		r.toggle()
		r.buf = append([]byte(nil), after...)
		if len(after) == 0 {
			return
		}
	}
}

func (r *Recorder) toggle() {
	r.capturemode = !r.capturemode
	if !r.capturemode {
		data := r.capbuf
		r.capbuf = nil
		if r.Comm != nil {
			r.Comm(data)
		}
	}
}

// Clear empties the capture buffer (removelogs on the capture log).
func (r *Recorder) Clear() { r.capbuf = nil }

// findPrefixAtEnd is asynchat.find_prefix_at_end: the length of the
// longest proper prefix of needle that haystack ends with.
func findPrefixAtEnd(haystack, needle []byte) int {
	l := len(needle) - 1
	for l > 0 && !bytes.HasSuffix(haystack, needle[:l]) {
		l--
	}
	return l
}

// ansiTerminators end an escape sequence (dispatchers.ANSI_TERMINATORS).
const ansiTerminators = "HfABCDRsuJKhlpm"

// StripEscapes is dispatchers.stripEscapes: remove everything from each
// "ESC[" up to and including the first terminator letter.
func StripEscapes(s []byte) []byte {
	if bytes.Index(s, []byte("\x1b[")) < 0 {
		return s
	}
	result := make([]byte, 0, len(s))
	show := true
	i := 0
	for i < len(s) {
		if !show && bytes.IndexByte([]byte(ansiTerminators), s[i]) >= 0 {
			show = true
		} else if show {
			n := bytes.Index(s[i:], []byte("\x1b["))
			if n < 0 {
				return append(result, s[i:]...)
			}
			result = append(result, s[i:i+n]...)
			i += n
			show = false
		}
		i++
	}
	return result
}
