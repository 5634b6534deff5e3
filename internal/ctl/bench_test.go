package ctl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/ctl/ctlbench"
	"github.com/gosupervisor/gosupervisor/internal/reftest"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

// BenchmarkStatus100 is one-shot `supervisorctl status` (process start to
// exit, wall time) against a daemon running 100 programs: ours and the
// reference's supervisorctl against the same daemon (the reference
// supervisord, or ours with -ctl.daemon=ours). Run with
//
//	go test -run '^$' -bench Status100 ./internal/ctl/
func BenchmarkStatus100(b *testing.B) {
	supervisord := testenv.Reference.Supervisord
	if *daemonFlag == "ours" {
		supervisord = testenv.Ours(b).Supervisord
	} else if _, err := os.Stat(supervisord); err != nil {
		b.Skip("reference Supervisor not installed (apt-get install -y supervisor)")
	}
	dir := b.TempDir()
	conf := filepath.Join(dir, "supervisord.conf")
	if err := os.WriteFile(conf, []byte(ctlbench.Config(dir, 100)), 0o644); err != nil {
		b.Fatal(err)
	}
	startDaemon(b, supervisord, conf)
	names := make([]string, 100)
	for i := range names {
		names[i] = fmt.Sprintf("p%03d", i)
	}
	(&runner{t: b, dir: dir, conf: conf}).wait("RUNNING " + strings.Join(names, " "))
	impls := map[string]string{"ours": testenv.Ours(b).Supervisorctl}
	if _, err := os.Stat(reftest.Supervisorctl); err == nil {
		impls["reference"] = reftest.Supervisorctl
	}
	for _, name := range []string{"ours", "reference"} {
		bin, ok := impls[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_, code, err := ctlbench.Time(bin, refProgname, "-c", conf, "status")
				if err != nil || code != 0 {
					b.Fatalf("status: exit %d, %v", code, err)
				}
			}
		})
	}
}
