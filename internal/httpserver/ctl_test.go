package httpserver

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestReferenceSupervisorctl drives our servers with Debian's
// supervisorctl: the client users already have must work unchanged.
func TestReferenceSupervisorctl(t *testing.T) {
	if _, err := os.Stat("/usr/bin/supervisorctl"); err != nil {
		t.Skip("reference Supervisor not installed: no /usr/bin/supervisorctl")
	}
	e := newEnv(t, Limits{})
	e.fake.SetState("talker", 20)
	for _, c := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"-s", "unix://" + e.sock, "status"}, "talker                           RUNNING   pid 1001, uptime 0:01:05\n", 0},
		{[]string{"-s", "http://" + e.auth, "status"}, "Server requires authentication\nerror: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>", 1},
		{[]string{"-s", "http://" + e.sha, "-u", "user", "-p", "123", "status"}, "talker                           RUNNING", 0},
		{[]string{"-s", "http://" + e.inet, "tail", "talker"}, strings.Repeat("x", 100) + "END\n\n", 0},
		{[]string{"-s", "unix://" + e.sock, "maintail"}, "main log line\n\n", 0},
		{[]string{"-s", "unix://" + e.sock, "signal", "BOGUS", "talker"}, "talker: ERROR (bad signal name)\n", 1},
	} {
		out, err := exec.Command("/usr/bin/supervisorctl", c.args...).CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), c.want) || code != c.code {
			t.Errorf("supervisorctl %v: exit %d %q, want %d %q", c.args, code, out, c.code, c.want)
		}
	}

	// tail -f streams what is appended.
	cmd := exec.Command("/usr/bin/supervisorctl", "-s", "unix://"+e.sock, "tail", "-f", "talker")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitLine := func(want string) {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("tail -f ended before %q", want)
				}
				if strings.HasSuffix(l, want) {
					return
				}
			case <-timeout:
				t.Fatalf("tail -f: no %q", want)
			}
		}
	}
	waitLine("END")
	appendFile(t, e.fake.Proc("talker").Config.Stdout.Logfile, "live line\n")
	waitLine("live line")
}
