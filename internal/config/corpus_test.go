package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/sample"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// The corpus: ../../testdata/config/*.txtar. Each archive holds config
// files (written into a fresh temp dir, "$TMP" replaced by its path) and
// these special members:
//
//	args    the command line, one argument per line (default: -c supervisord.conf;
//	        a line "" is an empty argument)
//	env     extra environment variables, one KEY=value per line
//	argv0   supervisord's argv[0] (default /usr/bin/supervisord)
//	cwd     the working directory (default $TMP)
//	sample  write internal/sample's config as supervisord.conf (and make run/log)
//	mode    "ctl" to load the file as supervisorctl does (LoadCtl) instead;
//	        "diff" to load a.conf as the active config and b.conf as the new one
//	        and compare them (Diff)
//	requires  what must exist on this machine, else the case is skipped: paths,
//	        user:NAME, group:NAME (the goldens hold Debian's ids)
//	nodiff  why the reference is not expected to agree (the difference is in docs/compat.md)
//	want    the expected dump (or {"error": ...}) as JSON, paths masked as $TMP
//
// A member whose name ends in ".b64" is written base64-decoded, without
// the suffix. The working directory is the temp dir; HOME is $TMP/home.
const corpusDir = "../../testdata/config"

// testHostname stands for platform.node() on both sides.
const testHostname = "testhost"

type txtarFile struct {
	name string
	data string
}

type txtar struct {
	comment string
	files   []txtarFile
}

func parseTxtar(data string) txtar {
	var a txtar
	lines := strings.SplitAfter(data, "\n")
	var cur *txtarFile
	var buf strings.Builder
	flush := func() {
		if cur != nil {
			cur.data = buf.String()
			a.files = append(a.files, *cur)
		} else {
			a.comment = buf.String()
		}
		buf.Reset()
	}
	for _, l := range lines {
		t := strings.TrimRight(l, "\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			flush()
			cur = &txtarFile{name: strings.TrimSpace(t[3 : len(t)-3])}
			continue
		}
		buf.WriteString(l)
	}
	flush()
	return a
}

func formatTxtar(a txtar) string {
	var b strings.Builder
	b.WriteString(a.comment)
	for _, f := range a.files {
		fmt.Fprintf(&b, "-- %s --\n", f.name)
		b.WriteString(f.data)
		if f.data != "" && !strings.HasSuffix(f.data, "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func (a *txtar) get(name string) (string, bool) {
	for _, f := range a.files {
		if f.name == name {
			return f.data, true
		}
	}
	return "", false
}

func (a *txtar) set(name, data string) {
	for i, f := range a.files {
		if f.name == name {
			a.files[i].data = data
			return
		}
	}
	a.files = append(a.files, txtarFile{name, data})
}

var specialMembers = map[string]bool{"args": true, "env": true, "argv0": true, "nodiff": true, "want": true, "requires": true, "cwd": true, "mode": true, "sample": true}

type corpusCase struct {
	name string
	path string
	ar   txtar
	dir  string
	job  refJob
}

// refJob is one job for refdump.py.
type refJob struct {
	Argv0    string   `json:"argv0"`
	Args     []string `json:"args"`
	Cwd      string   `json:"cwd"`
	Env      []string `json:"env"`
	Hostname string   `json:"hostname"`
	UID      int      `json:"uid"`
	Ctl      bool     `json:"ctl"`
	Diff     bool     `json:"diff"`
}

func (c *corpusCase) skipUnlessRequired(t *testing.T) {
	t.Helper()
	v, _ := c.ar.get("requires")
	for _, p := range lines(v) {
		var err error
		switch {
		case strings.HasPrefix(p, "user:"):
			_, err = user.Lookup(p[5:])
		case strings.HasPrefix(p, "group:"):
			_, err = user.LookupGroup(p[6:])
		default:
			_, err = os.Stat(p)
		}
		if err != nil {
			t.Skipf("needs %s: %v", p, err)
		}
	}
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func loadCorpus(t *testing.T) []*corpusCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.txtar"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus in %s: %v", corpusDir, err)
	}
	var cases []*corpusCase
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := &corpusCase{name: strings.TrimSuffix(filepath.Base(p), ".txtar"), path: p, ar: parseTxtar(string(data))}
		c.dir = t.TempDir()
		sub := func(s string) string { return strings.ReplaceAll(s, "$TMP", c.dir) }
		if err := os.MkdirAll(filepath.Join(c.dir, "home"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range c.ar.files {
			if specialMembers[f.name] {
				continue
			}
			name, content := f.name, []byte(sub(f.data))
			if strings.HasSuffix(name, ".b64") {
				name = strings.TrimSuffix(name, ".b64")
				content, err = base64.StdEncoding.DecodeString(strings.TrimSpace(f.data))
				if err != nil {
					t.Fatalf("%s: %s: %v", c.name, f.name, err)
				}
			}
			full := filepath.Join(c.dir, name)
			if strings.HasSuffix(name, "/") {
				if err := os.MkdirAll(full, 0o755); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok := c.ar.get("sample"); ok {
			os.MkdirAll(filepath.Join(c.dir, "run", "log"), 0o755)
			if err := os.WriteFile(filepath.Join(c.dir, "supervisord.conf"), []byte(sample.Config), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		c.job = refJob{
			Argv0:    "/usr/bin/supervisord",
			Args:     []string{"-c", "supervisord.conf"},
			Cwd:      c.dir,
			Env:      []string{"PATH=/usr/bin:/bin", "HOME=" + c.dir + "/home", "LANG=C.UTF-8", "TMPDIR=" + c.dir},
			Hostname: testHostname,
		}
		if v, ok := c.ar.get("args"); ok {
			c.job.Args = []string{}
			for _, l := range lines(sub(v)) {
				if l == `""` {
					l = "" // an empty argument
				}
				c.job.Args = append(c.job.Args, l)
			}
		}
		if v, ok := c.ar.get("env"); ok {
			c.job.Env = append(c.job.Env, lines(sub(v))...)
		}
		if v, ok := c.ar.get("mode"); ok {
			c.job.Ctl = strings.TrimSpace(v) == "ctl"
			c.job.Diff = strings.TrimSpace(v) == "diff"
		}
		if v, ok := c.ar.get("cwd"); ok {
			c.job.Cwd = strings.TrimSpace(sub(v))
		}
		if v, ok := c.ar.get("argv0"); ok {
			c.job.Argv0 = strings.TrimSpace(sub(v))
		}
		cases = append(cases, c)
	}
	return cases
}

// goRun is what our side gives for a job, in refdump.py's shape.
func goRun(j refJob) map[string]any {
	if j.Ctl {
		return goRunCtl(j)
	}
	if j.Diff {
		return goRunDiff(j)
	}
	hostname = func() (string, error) { return j.Hostname, nil }
	getwd = func() (string, error) { return j.Cwd, nil }
	defer func() { hostname, getwd = os.Hostname, os.Getwd }()
	opts, err := ParseServerArgs(j.Argv0, j.Args, j.Env)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	if opts.Help {
		return map[string]any{"exit": 0, "stdout": opts.HelpText()}
	}
	if opts.Version {
		return map[string]any{"exit": 0, "stdout": VersionText()}
	}
	opts.Cwd = j.Cwd
	opts.getuid = func() int { return j.UID }
	var stderr bytes.Buffer
	opts.Stderr = &stderr
	cfg, err := LoadServer(opts)
	var res map[string]any
	if err != nil {
		res = map[string]any{"error": err.Error()}
	} else {
		res = dumpConfig(cfg)
	}
	if stderr.Len() > 0 {
		res["pywarnings"] = []any{"Supervisord is running as root and it is searching for its configuration file in default locations (including its current working directory); you probably want to specify a \"-c\" argument specifying an absolute path to a configuration file for improved security."}
	}
	return res
}

// goRunDiff is Diff between a.conf as supervisord would have added it
// and b.conf, in refdump.py's shape.
func goRunDiff(j refJob) map[string]any {
	var cfgs []*Config
	for _, name := range []string{"a.conf", "b.conf"} {
		opts, err := ParseServerArgs(j.Argv0, []string{"-c", name}, j.Env)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		opts.Cwd = j.Cwd
		cfg, err := LoadServer(opts)
		if err != nil {
			return map[string]any{"error": err.Error()}
		}
		cfgs = append(cfgs, cfg)
	}
	var active []*GroupConfig
	seen := map[string]bool{}
	for _, g := range cfgs[0].Groups {
		if seen[g.Name] {
			continue
		}
		seen[g.Name] = true
		for _, p := range g.Processes {
			for _, l := range []*LogConfig{&p.Stdout, &p.Stderr} {
				if l.Logfile == Auto {
					ch := "stdout"
					if l == &p.Stderr {
						ch = "stderr"
					}
					l.Logfile = AutoChildLogName(pyJoin(j.Cwd, cfgs[0].Supervisord.Childlogdir), p.Name, cfgs[0].Supervisord.Identifier, ch)
				}
			}
		}
		active = append(active, g)
	}
	added, changed, removed := Diff(active, cfgs[1])
	names := func(gs []*GroupConfig) []any {
		out := []any{}
		for _, g := range gs {
			out = append(out, g.Name)
		}
		return out
	}
	return map[string]any{"added": names(added), "changed": names(changed), "removed": names(removed)}
}

// goRunCtl is LoadCtl on the -c of a job, in refdump.py's shape.
func goRunCtl(j refJob) map[string]any {
	path := ""
	if len(j.Args) >= 2 && j.Args[0] == "-c" {
		path = j.Args[1]
	}
	c, err := LoadCtl(path, j.Argv0, j.Env, j.Cwd)
	if err != nil {
		if pe, ok := err.(*CtlParseError); ok {
			return map[string]any{"exception": pe.Type + ": " + pe.Msg}
		}
		return map[string]any{"error": err.Error()}
	}
	var configfile, user, pass, hist any
	if c.ConfigFile != "" {
		configfile = c.ConfigFile
	}
	if c.Username != nil {
		user = *c.Username
	}
	if c.Password != nil {
		pass = *c.Password
	}
	if c.HistoryFile != "" {
		hist = c.HistoryFile
	}
	plugins := []any{}
	for _, p := range c.Plugins {
		plugins = append(plugins, p.Name)
	}
	return map[string]any{
		"configfile": configfile, "serverurl": c.ServerURL, "username": user, "password": pass,
		"prompt": c.Prompt, "history_file": hist, "plugins": plugins,
	}
}

// normalize turns a result into canonical JSON with the temp dir masked.
func normalize(t *testing.T, v any, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	// Round-trip so that both sides print numbers and key order the same.
	var x any
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := enc.Encode(x); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(buf.String(), dir, "$TMP")
}

// reference returns the path of the reference's Python, or why it cannot
// be used.
func reference() (string, string) {
	const pkg = "/usr/lib/python3/dist-packages/supervisor"
	if _, err := os.Stat(pkg); err != nil {
		return "", "reference Supervisor not installed: " + pkg + " is missing (apt-get install supervisor)"
	}
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		return "", "reference Supervisor not installed: /usr/bin/python3 is missing"
	}
	return "/usr/bin/python3", ""
}

// runReference runs refdump.py on the jobs.
func runReference(t *testing.T, python string, jobs []refJob) []any {
	t.Helper()
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("testdata/refdump.py")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, script)
	cmd.Dir = t.TempDir()
	// A fixed hash seed: where Supervisor's result depends on set order,
	// every run sees the same one.
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "PYTHONHASHSEED=0"}
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("refdump.py: %v\n%s", err, stderr.String())
	}
	var res []any
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("refdump.py output: %v", err)
	}
	if len(res) != len(jobs) {
		t.Fatalf("refdump.py gave %d results for %d jobs", len(res), len(jobs))
	}
	return res
}

// TestCorpus checks every corpus case against its golden dump.
func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 80 {
		t.Errorf("the corpus has %d cases; it should have at least 80", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.skipUnlessRequired(t)
			got := normalize(t, goRun(c.job), c.dir)
			if *update {
				c.ar.set("want", got)
				if err := os.WriteFile(c.path, []byte(formatTxtar(c.ar)), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, ok := c.ar.get("want")
			if !ok {
				t.Fatalf("no want member (run with -update)")
			}
			if got != want {
				t.Errorf("dump differs from the golden one\n got: %s\nwant: %s", got, want)
			}
		})
	}
}

// TestReferenceCorpus loads every corpus case with the reference's
// ServerOptions and with LoadServer, and wants the same dump, or the same
// error text.
func TestReferenceCorpus(t *testing.T) {
	python, why := reference()
	if python == "" {
		t.Skip(why)
	}
	cases := loadCorpus(t)
	jobs := make([]refJob, len(cases))
	for i, c := range cases {
		jobs[i] = c.job
	}
	ref := runReference(t, python, jobs)
	same := 0
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.skipUnlessRequired(t)
			if reason, ok := c.ar.get("nodiff"); ok {
				if strings.TrimSpace(reason) == "" {
					t.Fatalf("nodiff needs a reason")
				}
				t.Logf("not compared with the reference: %s", strings.TrimSpace(reason))
				return
			}
			want := normalize(t, ref[i], c.dir)
			got := normalize(t, goRun(c.job), c.dir)
			if got != want {
				t.Errorf("differs from the reference\n ours: %s\n  ref: %s", got, want)
				return
			}
			same++
		})
	}
	t.Logf("%d of %d cases equal to the reference", same, len(cases))
}
