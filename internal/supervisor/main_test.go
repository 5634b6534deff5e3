package supervisor

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMain fails the run if goroutines of ours outlive the tests: every
// pump, writer and timer must end with the supervisor that started it.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := ourGoroutines(); leaked != "" {
			fmt.Fprintf(os.Stderr, "goroutines leaked:\n%s\n", leaked)
			code = 1
		}
	}
	os.Exit(code)
}

func ourGoroutines() string {
	var stacks string
	// Goroutines finish asynchronously after Close; give them a moment,
	// bounded, before calling it a leak.
	for i := 0; i < 50; i++ {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		var ours []string
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			if strings.Contains(g, "gosupervisor/internal/") && !strings.Contains(g, "ourGoroutines") && !strings.Contains(g, "TestMain") &&
				!strings.Contains(g, "(*poller).loop") && // one per process, by design
				!strings.Contains(g, "spawn.spawnThreadLoop") { // likewise
				ours = append(ours, g)
			}
		}
		if len(ours) == 0 {
			return ""
		}
		stacks = strings.Join(ours, "\n\n")
		time.Sleep(20 * time.Millisecond)
	}
	return stacks
}
