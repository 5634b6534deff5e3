// Package logfile reads log files the way Supervisor's RPC methods read
// them: options.readFile (readLog, readProcessStdoutLog, ...) and
// options.tailFile (tailProcessStdoutLog, ...), with the same arguments,
// offsets and fault classes (BAD_ARGUMENTS, FAILED, NO_FILE as
// *faults.Error values).
//
// It owns no state and keeps no file open between calls. It does not write
// or rotate logs (internal/logging does) and does not follow files (the
// HTTP log tail in internal/httpserver does).
package logfile

import (
	"io"
	"math"
	"os"
	"syscall"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

// open opens a log for reading. O_NONBLOCK keeps a FIFO configured as a
// log (Supervisor would block its whole daemon on it) from blocking the
// call; for regular files it changes nothing.
func open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.EISDIR}
	}
	return f, nil
}

// readUpTo reads up to n bytes from the current position, stopping at end
// of file. Python's f.read(n) allocates n bytes first (a huge n is a
// MemoryError there); we read what is there.
func readUpTo(f *os.File, n int64) ([]byte, error) {
	if n <= 0 {
		return nil, nil
	}
	return io.ReadAll(io.LimitReader(f, n))
}

func absInt(x int64) int64 {
	if x == math.MinInt64 {
		return math.MaxInt64
	}
	if x < 0 {
		return -x
	}
	return x
}

// Read is options.readFile: a negative offset reads the last -offset
// bytes (length must then be 0); a non-negative offset reads length bytes
// from offset, or to the end of the file when length is 0. A negative
// length with a non-negative offset, or a non-zero length with a negative
// offset, is BAD_ARGUMENTS; an I/O error (a file that cannot be opened or
// seeked) is FAILED. The checks come after the open, as in Supervisor.
func Read(path string, offset, length int64) ([]byte, error) {
	f, err := open(path)
	if err != nil {
		return nil, faults.Bare(faults.Failed)
	}
	defer f.Close()
	var data []byte
	if offset < 0 {
		if length != 0 {
			return nil, faults.Bare(faults.BadArguments)
		}
		sz, err := f.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, faults.Bare(faults.Failed)
		}
		abs := absInt(offset)
		pos := max(sz-abs, 0)
		if _, err := f.Seek(pos, io.SeekStart); err != nil {
			return nil, faults.Bare(faults.Failed)
		}
		data, err = readUpTo(f, abs)
		if err != nil {
			return nil, faults.Bare(faults.Failed)
		}
		return data, nil
	}
	if length < 0 {
		return nil, faults.Bare(faults.BadArguments)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return nil, faults.Bare(faults.Failed)
	}
	n := length
	if n == 0 {
		n = math.MaxInt64
	}
	data, err = readUpTo(f, n)
	if err != nil {
		return nil, faults.Bare(faults.Failed)
	}
	return data, nil
}

// exists is os.path.exists: any stat error is "does not exist".
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// ReadText is the body of readLog and readProcessStdoutLog/StderrLog once
// the arguments are ints: NO_FILE when there is no log ("NO_FILE", for a
// process configured without one) or it does not exist ("NO_FILE:
// <path>"), then Read, then the bytes as text.
//
// noneText is what Supervisor prints for a missing log: "" gives a bare
// NO_FILE (a process log of None), anything else "NO_FILE: <noneText>"
// (the main log's "syslog").
func ReadText(path, noneText string, offset, length int64) (string, error) {
	if err := NoFile(path, noneText); err != nil {
		return "", err
	}
	data, err := Read(path, offset, length)
	if err != nil {
		return "", err
	}
	return Text(data), nil
}

// NoFile is the check readLog and readProcessStdoutLog make before
// reading: NO_FILE when there is no log or it does not exist, else nil.
// See ReadText for noneText.
func NoFile(path, noneText string) error {
	if path == "" {
		if noneText == "" {
			return faults.Bare(faults.NoFile)
		}
		return faults.New(faults.NoFile, noneText)
	}
	if !exists(path) {
		return faults.New(faults.NoFile, path)
	}
	return nil
}

// Exists is os.path.exists: false for any stat error.
func Exists(path string) bool { return path != "" && exists(path) }

// Text converts log bytes to the text an answer carries. Supervisor
// decodes them as strict UTF-8 and fails the whole call (HTTP 500) when a
// chunk starts or ends inside a multi-byte character or the log holds
// binary data; we replace each invalid byte with U+FFFD instead (see
// docs/compat.md).
func Text(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	out := make([]rune, 0, len(data))
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		out = append(out, r) // RuneError is U+FFFD
		data = data[n:]
	}
	return string(out)
}

// Tail is options.tailFile: up to length bytes ending at the end of the
// file when the file has grown past offset+length (overflow), else from
// offset; the returned offset is the file's size. An I/O error gives
// ("", offset, false), the offset being the one tailFile had reached.
func Tail(path string, offset, length int64) (data []byte, newOffset int64, overflow bool) {
	f, err := open(path)
	if err != nil {
		return nil, offset, false
	}
	defer f.Close()
	sz, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, offset, false
	}
	if sz > satAdd(offset, length) {
		overflow = true
		offset = sz - 1
	}
	if satAdd(offset, length) > sz {
		if offset > sz-1 {
			length = 0
		}
		offset = satSub(sz, length)
	}
	if offset < 0 {
		offset = 0
	}
	if length < 0 {
		length = 0
	}
	if length > 0 {
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			return nil, offset, false
		}
		data, err = readUpTo(f, length)
		if err != nil {
			return nil, offset, false
		}
	}
	return data, sz, overflow
}

// TailText is _tailProcessLog once the arguments are ints: ["", 0, false]
// when there is no log or it does not exist, else Tail with the data as
// text.
func TailText(path string, offset, length int64) (string, int64, bool) {
	if path == "" || !exists(path) {
		return "", 0, false
	}
	data, off, overflow := Tail(path, offset, length)
	return Text(data), off, overflow
}

// satAdd and satSub are + and - clamped to the int64 range; compared with
// a file size (0 <= size < MaxInt64) they decide as Python's unbounded
// ints do.
func satAdd(a, b int64) int64 {
	s := a + b
	if a > 0 && b > 0 && s < 0 {
		return math.MaxInt64
	}
	if a < 0 && b < 0 && s >= 0 {
		return math.MinInt64
	}
	return s
}

func satSub(a, b int64) int64 {
	if b == math.MinInt64 {
		if a >= 0 {
			return math.MaxInt64
		}
		return a - b
	}
	return satAdd(a, -b)
}
