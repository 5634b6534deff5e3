// Package reftest finds the reference implementation (Debian's Python
// Supervisor 4.2.5) for differential tests, and skips a test with a clear
// message when it is not installed. It owns nothing else.
package reftest

import (
	"os"
	"os/exec"
	"testing"
)

// Python is the interpreter that can import Debian's supervisor package.
const Python = "/usr/bin/python3"

// PackageDir is where Debian installs the supervisor package.
const PackageDir = "/usr/lib/python3/dist-packages/supervisor"

// Supervisord and Supervisorctl are the reference binaries.
const (
	Supervisord   = "/usr/bin/supervisord"
	Supervisorctl = "/usr/bin/supervisorctl"
)

// Require skips t unless the reference is installed.
func Require(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(PackageDir); err != nil {
		t.Skip("reference Supervisor not installed (apt-get install -y supervisor): " + err.Error())
	}
	if _, err := exec.LookPath(Python); err != nil {
		t.Skip("reference Supervisor needs " + Python + ": " + err.Error())
	}
}

// PythonCmd returns a command running a Python snippet with the reference
// importable, from a directory where no module shadows the stdlib.
func PythonCmd(t testing.TB, script string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(Python, append([]string{"-c", script}, args...)...)
	cmd.Dir = os.TempDir()
	return cmd
}
