// Package logging writes Supervisor's logs: the main log (its line format,
// 4-letter levels, level filtering, echo to stdout, syslog) and the child
// logs (raw bytes, rotation to name.1..N by bytes exactly as
// loggers.RotatingFileHandler does, capture mode, ANSI stripping). It owns
// the open log files; it does not decide what to log, and it never makes
// the supervisor loop wait on the disk: main-log lines go through a queue
// drained by one writer goroutine, and child output is written by the
// goroutines that read the child's pipes.
//
// Where lumberjack (the suggested rotation library) differs from
// Supervisor: it names backups with timestamps and rotates by megabytes, so
// it is not used; see docs/logging.md.
package logging

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
)

// RotatingFile is loggers.FileHandler / RotatingFileHandler: an append-mode
// file that, after a write leaves it at or beyond MaxBytes, is rolled over
// (f.N-1 → f.N … f → f.1, then f is reopened empty). MaxBytes 0 never
// rotates; Backups 0 truncates in place. It is safe for concurrent use.
type RotatingFile struct {
	path     string
	maxBytes int64
	backups  int

	mu       sync.Mutex // guards f and truncate
	f        *os.File
	truncate bool // open with O_TRUNC instead of O_APPEND (an unseekable special file)
}

// OpenRotating opens (creating) path for appending.
func OpenRotating(path string, maxBytes int64, backups int) (*RotatingFile, error) {
	r := &RotatingFile{path: path, maxBytes: maxBytes, backups: backups}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// CreateRotating creates (or checks) the file as OpenRotating does, so a
// spawn fails the same way when its log cannot be opened, but holds no
// descriptor until the first write: a child that prints nothing costs no
// open file, and every later fork copies and closes one descriptor less.
func CreateRotating(path string, maxBytes int64, backups int) (*RotatingFile, error) {
	r, err := OpenRotating(path, maxBytes, backups)
	if err != nil {
		return nil, err
	}
	r.Close()
	return r, nil
}

// Path is the file's name.
func (r *RotatingFile) Path() string { return r.path }

func (r *RotatingFile) open() error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if r.truncate {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(r.path, flags, 0o666)
	if err != nil {
		return err
	}
	r.f = f
	return nil
}

// Write appends p and rotates if the file has reached MaxBytes. A short
// write returns the count written and the error, so the caller can retry
// the rest without losing or repeating bytes.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		if err := r.open(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	if err != nil {
		return n, err
	}
	return n, r.rolloverLocked()
}

func (r *RotatingFile) rolloverLocked() error {
	if r.maxBytes <= 0 {
		return nil
	}
	// Supervisor asks tell(); an unseekable file never rotates.
	pos, err := r.f.Seek(0, io.SeekCurrent)
	if err != nil || pos < r.maxBytes {
		return nil
	}
	r.f.Close()
	r.f = nil
	if r.backups > 0 {
		for i := r.backups - 1; i > 0; i-- {
			src := fmt.Sprintf("%s.%d", r.path, i)
			if _, err := os.Stat(src); err == nil {
				removeAndRename(src, fmt.Sprintf("%s.%d", r.path, i+1))
			}
		}
		removeAndRename(r.path, r.path+".1")
	}
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return err
	}
	r.f = f
	return nil
}

// removeAndRename tolerates the files vanishing underneath, as Supervisor
// does (a cleanup script may delete logs).
func removeAndRename(src, dst string) {
	if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
		return
	}
	os.Rename(src, dst)
}

// Reopen closes and reopens the file under the same name (SIGUSR2, after
// logrotate moved it away).
func (r *RotatingFile) Reopen() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
	return r.open()
}

// Remove deletes the file and reopens it empty (clearProcessLogs,
// clearLog). Backups are left alone, as Supervisor leaves them.
func (r *RotatingFile) Remove() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
	if err := os.Remove(r.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return r.open()
}

// Close closes the file; a later Write reopens it.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// isNoSpace reports the errors a full or failing disk gives.
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EIO)
}
