package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
)

func TestUsageMatchesReference(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"/usr/bin/pidproxy"}, &out); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(out.String(), "pidproxy -- run command") || !strings.Contains(out.String(), "Usage: /usr/bin/pidproxy <pidfile name>") {
		t.Fatalf("usage: %q", out.String())
	}
	reftest.Require(t)
	ref, err := exec.Command("/usr/bin/pidproxy").Output()
	if code := exitCode(err); code != 1 {
		t.Fatalf("reference exit %d", code)
	}
	if string(ref) != out.String() {
		t.Fatalf("reference:\n%q\nours:\n%q", ref, out.String())
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestSignalsGoToThePidfilePid builds pidproxy, runs a shell that writes
// its own pid file, and checks that SIGTERM reaches that pid and ends
// pidproxy with status 0.
func TestSignalsGoToThePidfilePid(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "pidproxy")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	pidfile := filepath.Join(dir, "child.pid")
	marker := filepath.Join(dir, "got-term")
	script := "trap 'touch " + marker + "; exit 0' TERM; echo $$ > " + pidfile + "; while :; do sleep 0.05; done"
	cmd := exec.Command(bin, pidfile, "/bin/sh", "-c", script)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if data, err := os.ReadFile(pidfile); err == nil && strings.TrimSpace(string(data)) != "" {
			if _, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never wrote its pid file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("pidproxy: %v", err)
	}
	for {
		if _, err := os.Stat(marker); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never got SIGTERM")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
