package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

const goodConf = `[supervisord]
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s
[unix_http_server]
file=%(here)s/supervisor.sock
[inet_http_server]
port=127.0.0.1:9001
username=user
password=123
[program:web]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)02d
numprocs=2
[program:once]
command=/bin/true
autostart=false
stdout_logfile_maxbytes=0
[group:grp]
programs=once
[eventlistener:mon]
command=/bin/cat
events=PROCESS_STATE
[fcgi-program:php]
command=/usr/bin/php-cgi
socket=tcp://127.0.0.1:9002
[include]
files=conf.d/*.conf
`

// cliCase is one supervisord run. ref marks the runs the reference can
// make too without starting a daemon (every one that fails or only prints).
type cliCase struct {
	name string
	args []string
	ref  bool
}

var cliCases = []cliCase{
	{"help", []string{"-h"}, true},
	{"help_question", []string{"-?"}, true},
	{"version", []string{"-v"}, true},
	{"version_long", []string{"--version"}, true},
	{"missing_config", []string{"-c", "missing.conf"}, true},
	{"bad_option", []string{"-x"}, true},
	{"bad_long_option", []string{"--bogus"}, true},
	{"positional", []string{"-c", "good.conf", "extra"}, true},
	{"conflict", []string{"-c", "good.conf", "-c", "good.conf"}, true},
	{"bad_value", []string{"-c", "good.conf", "-e", "bogus"}, true},
	{"bad_user", []string{"-c", "good.conf", "-u", "nosuchuser"}, true},
	{"parse_error", []string{"-c", "bad.conf"}, true},
	{"value_error", []string{"-c", "badvalue.conf"}, true},
	{"check_config", []string{"-c", "good.conf", "--check-config"}, false},
	{"check_config_error", []string{"--check-config", "-c", "badvalue.conf"}, false},
}

func setup(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"good.conf":     goodConf,
		"conf.d/a.conf": "[program:included]\ncommand=/bin/sleep 5\n",
		"bad.conf":      "[supervisord]\nthis is not ini\n",
		"badvalue.conf": "[supervisord]\n[program:x]\ncommand=x\nautostart=perhaps\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return "exit " + itoa(r.code) + "\n-- stdout --\n" + r.stdout + "-- stderr --\n" + r.stderr
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + itoa(i%10)
}

func ours(t *testing.T, dir string, args []string) result {
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := run("/usr/bin/supervisord", args, []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + dir}, &stdout, &stderr)
	return result{strings.ReplaceAll(stdout.String(), dir, "$TMP"), strings.ReplaceAll(stderr.String(), dir, "$TMP"), code}
}

// TestCLI checks supervisord's output and exit status for each case
// against testdata/<case>.golden.
func TestCLI(t *testing.T) {
	for _, c := range cliCases {
		t.Run(c.name, func(t *testing.T) {
			dir := setup(t)
			got := ours(t, dir, c.args).String()
			golden := filepath.Join(wd(t), "testdata", c.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

var startDir, _ = os.Getwd()

func wd(t *testing.T) string { return startDir }

// TestCLIReference runs the reference supervisord on the cases that end
// before it would start, and wants the same bytes and exit status.
func TestCLIReference(t *testing.T) {
	const ref = "/usr/bin/supervisord"
	if _, err := os.Stat("/usr/lib/python3/dist-packages/supervisor"); err != nil {
		t.Skip("reference Supervisor not installed: /usr/lib/python3/dist-packages/supervisor is missing")
	}
	if _, err := os.Stat(ref); err != nil {
		t.Skip("reference Supervisor not installed: " + ref + " is missing")
	}
	for _, c := range cliCases {
		if !c.ref {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			dir := setup(t)
			cmd := exec.Command(ref, c.args...)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir, "TMPDIR=" + dir, "LANG=C.UTF-8"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			want := result{strings.ReplaceAll(stdout.String(), dir, "$TMP"), strings.ReplaceAll(stderr.String(), dir, "$TMP"), code}
			got := ours(t, dir, c.args)
			if got != want {
				t.Errorf("ours:\n%s\nreference:\n%s", got, want)
			}
		})
	}
}
