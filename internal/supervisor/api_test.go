package supervisor

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
)

// Processes of a group that stop together are reported in process order,
// as Supervisor's 50 ms checks report them, whatever order the kernel
// reaps them in.
func TestGroupResultsInProcessOrder(t *testing.T) {
	var procs []*config.ProcessConfig
	for i := 0; i < 6; i++ {
		p := prog(fmt.Sprintf("p%d", i), "/bin/sleep 1000")
		p.StartSecs = 0
		p.Group = "g"
		procs = append(procs, p)
	}
	cfg := testConfig(t)
	cfg.Groups = []*config.GroupConfig{{Name: "g", Priority: 999, Processes: procs}}
	s, _ := run(t, cfg)
	names := func(rs []rpc.Result) string {
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprintf("%s:%d", r.Name, r.Status))
		}
		return strings.Join(out, " ")
	}
	const want = "p0:80 p1:80 p2:80 p3:80 p4:80 p5:80"
	for round := 0; round < 5; round++ {
		if rs, err := s.StartProcessGroup(bg, "g", true); err != nil || (round > 0 && names(rs) != want) {
			t.Fatalf("start round %d: %v %s", round, err, names(rs))
		}
		rs, err := s.StopProcessGroup(bg, "g", true)
		if err != nil || names(rs) != want {
			t.Fatalf("stop round %d: got %s (%v), want %s", round, names(rs), err, want)
		}
	}
}

// startProcess with wait on a STOPPING process fails at once with
// ABNORMAL_TERMINATION (its spawn only warns "already running"), not when
// the process finally stops.
func TestStartWhileStoppingFailsAtOnce(t *testing.T) {
	p := prog("stubborn", `/bin/sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'`)
	p.StartSecs = 0
	p.StopWaitSecs = 3
	p.KillAsGroup = true
	s, l := run(t, testConfig(t, p))
	l.wait(t, "success: stubborn entered RUNNING state")
	l.wait(t, "ready")
	if _, _, err := s.StopProcess(bg, "stubborn", false); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.StartProcess(bg, "stubborn", true)
	if err == nil || err.Error() != "ABNORMAL_TERMINATION: stubborn" {
		t.Fatalf("got %v", err)
	}
	info, _ := s.ProcessInfo("stubborn")
	if info.StateName != "STOPPING" {
		t.Fatalf("state %s", info.StateName)
	}
	l.wait(t, "WARN process 'stubborn' already running")
}
