package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolveProgname(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	if err := os.WriteFile(filepath.Join(bin, "supervisord"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/nonexistent:" + bin}
	if got := ResolveProgname("supervisord", env); got != bin+"/supervisord" {
		t.Errorf("found %q, want the PATH entry, as a script's sys.argv[0] is", got)
	}
	if got := ResolveProgname("./supervisord", env); got != "./supervisord" {
		t.Errorf("a name with a slash is kept, got %q", got)
	}
	if got := ResolveProgname("nosuch", env); got != "nosuch" {
		t.Errorf("an unknown name is kept, got %q", got)
	}
}

func TestHelpText(t *testing.T) {
	o, err := ParseServerArgs("/opt/bin/supervisord", []string{"-h"}, nil)
	if err != nil || !o.Help {
		t.Fatalf("-h: %v %+v", err, o)
	}
	h := o.HelpText()
	if !strings.HasPrefix(h, "supervisord -- run a set of applications as daemons.\n\nUsage: /opt/bin/supervisord [options]\n") || !strings.HasSuffix(h, "e.g. 'cumulative,callers')\n\n") {
		t.Errorf("help text:\n%s", h)
	}
	if VersionText() != "4.2.5\n" {
		t.Errorf("version %q", VersionText())
	}
}

func TestUsageReport(t *testing.T) {
	var b strings.Builder
	(&UsageError{"bad"}).Report(&b, "/usr/bin/supervisord")
	if b.String() != "Error: bad\nFor help, use /usr/bin/supervisord -h\n" {
		t.Errorf("%q", b.String())
	}
}

func TestDiffWithoutActive(t *testing.T) {
	cfg := loadText(t, "[supervisord]\n[program:a]\ncommand=a\n[program:b]\ncommand=b\n")
	added, changed, removed := Diff(nil, cfg)
	if len(added) != 2 || len(changed) != 0 || len(removed) != 0 {
		t.Errorf("added %d changed %d removed %d", len(added), len(changed), len(removed))
	}
	added, changed, removed = Diff(cfg.Groups, &Config{})
	if len(added) != 0 || len(changed) != 0 || len(removed) != 2 {
		t.Errorf("added %d changed %d removed %d", len(added), len(changed), len(removed))
	}
}

func TestProcessEqualAuto(t *testing.T) {
	cfg := loadText(t, "[supervisord]\n[program:a]\ncommand=a\n")
	a := *cfg.Groups[0].Processes[0]
	b := a
	b.Stdout.Logfile = "/var/log/a.log"
	if !a.Equal(&b) || !b.Equal(&a) {
		t.Error("Auto against a path must be equal, both ways")
	}
	c := b
	c.Stdout.Logfile = "/var/log/other.log"
	if b.Equal(&c) {
		t.Error("two different paths must differ")
	}
	d := a
	d.Environment = map[string]string{"X": "1"}
	if a.Equal(&d) {
		t.Error("different environments must differ")
	}
}

func TestNamespec(t *testing.T) {
	if Namespec("a", "a") != "a" || Namespec("g", "a") != "g:a" {
		t.Error(Namespec("a", "a"), Namespec("g", "a"))
	}
}

// A reread (the reloadConfig RPC) runs process_config only, so what
// realize checks at startup ([supervisord] user) is not checked again.
func TestReread(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "s.conf")
	os.WriteFile(conf, []byte("[supervisord]\nuser=nosuchuser\n[program:a]\ncommand=a\n"), 0o644)
	opts, err := ParseServerArgs("/usr/bin/supervisord", []string{"-c", conf}, []string{"HOME=" + dir, "TMPDIR=" + dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadServer(opts); err == nil || err.Error() != "Invalid user name nosuchuser" {
		t.Fatalf("LoadServer: %v", err)
	}
	cfg, err := Reread(opts)
	if err != nil {
		t.Fatalf("Reread: %v", err)
	}
	if len(cfg.Groups) != 1 || cfg.Groups[0].Name != "a" {
		t.Errorf("groups %+v", cfg.Groups)
	}
	os.WriteFile(conf, []byte("[supervisord]\n[program:a]\nautostart=maybe\ncommand=a\n"), 0o644)
	if _, err := Reread(opts); err == nil || err.Error() != "not a valid boolean value: 'maybe' in section 'program:a' (file: '"+conf+"')" {
		t.Errorf("Reread of a bad config: %v", err)
	}
}
