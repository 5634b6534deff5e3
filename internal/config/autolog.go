package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

// CreateAutoChildLog creates the file of an AUTO child log as
// options.get_autochildlog_name does with tempfile.mkstemp:
// <childlogdir>/<name>-<channel>---<identifier>-<8 random>.log, mode 0600,
// made absolute. channel is "stdout" or "stderr".
func CreateAutoChildLog(childlogdir, name, identifier, channel string) (string, error) {
	dir := childlogdir
	if !filepath.IsAbs(dir) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		dir = pyJoin(wd, dir)
	}
	dir = pyNormpath(dir)
	prefix := fmt.Sprintf("%s-%s---%s-", name, channel, identifier)
	var lastErr error
	for i := 0; i < 10000; i++ { // tempfile.TMP_MAX
		path := pyJoin(dir, prefix+randomName(8)+".log")
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if err == nil {
			f.Close()
			return path, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
		lastErr = err
	}
	return "", fmt.Errorf("no usable temporary file name found: %w", lastErr)
}

// AutoChildLogName returns the path of a new AUTO child log for process
// name (see CreateAutoChildLog). If the file cannot be created the path is
// still returned, and opening it for the log fails visibly later, where
// Supervisor would have failed adding the group.
func AutoChildLogName(childlogdir, name, identifier, channel string) string {
	p, err := CreateAutoChildLog(childlogdir, name, identifier, channel)
	if err != nil {
		dir := childlogdir
		if wd, werr := os.Getwd(); werr == nil && !filepath.IsAbs(dir) {
			dir = pyJoin(wd, dir)
		}
		return pyJoin(pyNormpath(dir), fmt.Sprintf("%s-%s---%s-%s.log", name, channel, identifier, randomName(8)))
	}
	return p
}

// AutoChildLogPattern is the file-name pattern clear_autochildlogdir
// deletes: `.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}` matched at the start
// of the name. Like Supervisor, the identifier is used as a regular
// expression, not quoted.
func AutoChildLogPattern(identifier string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:.+?---` + identifier + `-[^` + pySpaceClass + `]+\.log)`)
}

// ClearAutoChildLogDir deletes the AUTO child logs of supervisord
// identifier from childlogdir (and their rotated backups), as
// options.clear_autochildlogdir does at startup and on reload unless
// nocleanup is set. It returns the warnings Supervisor logs at WARN.
func ClearAutoChildLogDir(childlogdir, identifier string) []string {
	re, err := AutoChildLogPattern(identifier)
	if err != nil {
		return []string{"Could not clear childlog dir"}
	}
	entries, err := os.ReadDir(childlogdir)
	if err != nil {
		return []string{"Could not clear childlog dir"}
	}
	var warnings []string
	for _, e := range entries {
		if !re.MatchString(e.Name()) {
			continue
		}
		p := pyJoin(childlogdir, e.Name())
		if err := os.Remove(p); err != nil {
			warnings = append(warnings, "Failed to clean up "+pyfmt.Repr(p))
		}
	}
	return warnings
}
