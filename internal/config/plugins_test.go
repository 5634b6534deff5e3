package config

import (
	"os"
	"path/filepath"
	"testing"
)

func loadText(t *testing.T, text string) *Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.conf"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	opts, err := ParseServerArgs("/usr/bin/supervisord", []string{"-c", "s.conf"}, []string{"HOME=" + dir, "TMPDIR=" + dir})
	if err != nil {
		t.Fatal(err)
	}
	opts.Cwd = dir
	cfg, err := LoadServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestUnsupportedPlugins(t *testing.T) {
	cfg := loadText(t, `[supervisord]
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface : make_main_rpcinterface
[rpcinterface:twiddler]
supervisor.rpcinterface_factory = supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface
[eventlistener:ok]
command=x
events=EVENT
[eventlistener:custom]
command=x
events=EVENT
result_handler=superlance.x:handler
`)
	if !cfg.HasMainRPCInterface() {
		t.Error("the main rpc interface (written with spaces around ':') is not recognized")
	}
	got := cfg.UnsupportedPlugins()
	want := []string{
		"rpcinterface factory supervisor_twiddler.rpcinterface:make_twiddler_rpcinterface in [rpcinterface:twiddler] is Python code gosupervisor cannot run; the section is ignored",
		"result_handler superlance.x:handler of [eventlistener:custom] is Python code gosupervisor cannot run; the default handler is used",
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if loadText(t, "[supervisord]\n").HasMainRPCInterface() {
		t.Error("no [rpcinterface:x], yet HasMainRPCInterface")
	}
}
