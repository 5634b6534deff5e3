package supervisor

import (
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/rpc"
)

// Timedelta is str(datetime.timedelta(seconds=n)).
func TestTimedelta(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0:00:00", 59: "0:00:59", 61: "0:01:01", 3600: "1:00:00", 36000: "10:00:00", 86399: "23:59:59",
		86400: "1 day, 0:00:00", 2*86400 + 3725: "2 days, 1:02:05", 1000 * 86400: "1000 days, 0:00:00",
	} {
		if got := Timedelta(n); got != want {
			t.Errorf("Timedelta(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		info rpc.ProcessInfo
		want string
	}{
		{rpc.ProcessInfo{State: 20, PID: 42, Start: 100, Now: 100 + 86400 + 61}, "pid 42, uptime 1 day, 0:01:01"},
		{rpc.ProcessInfo{State: 20, PID: 42, Start: 200, Now: 100}, "pid 42, uptime 0:00:00"},
		{rpc.ProcessInfo{State: 200, Name: "x"}, `unknown error (try "tail x")`},
		{rpc.ProcessInfo{State: 30, SpawnErr: "Exited too quickly"}, "Exited too quickly"},
		{rpc.ProcessInfo{State: 0}, "Not started"},
		{rpc.ProcessInfo{State: 40}, ""},
		{rpc.ProcessInfo{State: 1000}, ""},
	} {
		if got := Describe(c.info); got != c.want {
			t.Errorf("Describe(%+v) = %q, want %q", c.info, got, c.want)
		}
	}
}
