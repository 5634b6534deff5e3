package config

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to LoadServer as the main config file
// (with a small included file beside it). Whatever the input: no panic,
// every rejection is a *UsageError with a message, and an accepted config
// is consistent (every group equals itself, the check report writes).
func FuzzLoad(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "*.txtar"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		a := parseTxtar(string(data))
		if conf, ok := a.get("supervisord.conf"); ok {
			f.Add([]byte(conf))
		}
	}
	f.Add([]byte("[supervisord]\n[program:x]\ncommand=%(process_num)02d\nnumprocs=2\nprocess_name=%(process_num)s\n"))

	saved, savedDir, savedMax := readFile, readDir, MaxNumprocs
	f.Cleanup(func() { readFile, readDir, MaxNumprocs = saved, savedDir, savedMax })
	MaxNumprocs = 50

	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		// Includes may name any path; only read inside the temp dir (a
		// pattern like /dev/* would otherwise read /dev/zero forever).
		readFile = func(name string) ([]byte, error) {
			if !strings.HasPrefix(name, dir+"/") {
				return nil, errors.New("outside the fuzz directory")
			}
			return saved(name)
		}
		// Globs may name any directory; listing /proc/*/* takes seconds.
		readDir = func(name string) ([]os.DirEntry, error) {
			if name != dir && !strings.HasPrefix(name, dir+"/") {
				return nil, errors.New("outside the fuzz directory")
			}
			return savedDir(name)
		}
		if err := os.WriteFile(filepath.Join(dir, "supervisord.conf"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, "conf.d"), 0o755)
		os.WriteFile(filepath.Join(dir, "conf.d", "a.conf"), []byte("[program:inc]\ncommand=%(here)s\n"), 0o644)
		opts, err := ParseServerArgs("/usr/bin/supervisord", []string{"-c", "supervisord.conf"}, []string{"HOME=" + dir, "TMPDIR=" + dir, "X=1"})
		if err != nil {
			t.Fatal(err)
		}
		opts.Cwd = dir
		cfg, err := LoadServer(opts)
		if err != nil {
			var ue *UsageError
			if !errors.As(err, &ue) || ue.Msg == "" {
				t.Fatalf("rejection without a usage message: %#v", err)
			}
			return
		}
		for _, g := range cfg.Groups {
			if !g.Equal(g) {
				t.Fatalf("group %q is not equal to itself", g.Name)
			}
		}
		if err := WriteCheck(io.Discard, cfg); err != nil {
			t.Fatal(err)
		}
	})
}
