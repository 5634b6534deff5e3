package ctl

import (
	"context"
	"strings"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

// fuzzLines are the command lines FuzzReplies runs against odd servers.
var fuzzLines = []string{
	"status", "status a g:* nosuch", "start all", "start a g:*", "stop all", "stop a g:*",
	"restart a", "signal HUP all", "signal HUP a g:*", "tail a", "tail a stderr", "maintail",
	"pid", "pid all", "pid a", "clear all", "clear a", "avail", "reread", "update", "update a",
	"add a", "remove a", "version", "fg a", "shutdown", "reload", "status --json", "avail --json",
}

// fuzzValue builds a server value from bytes: a small tree of every
// XML-RPC type, with the keys supervisorctl reads.
func fuzzValue(data []byte, depth int) (any, []byte) {
	if len(data) == 0 {
		return nil, nil
	}
	b, data := data[0], data[1:]
	keys := []string{"name", "group", "status", "description", "state", "statename", "pid", "inuse", "autostart", "group_prio", "process_prio"}
	switch b % 11 {
	case 0:
		return nil, data
	case 1:
		return b&16 != 0, data
	case 2:
		return int64(b) - 100, data
	case 3:
		return float64(b) / 3, data
	case 4:
		return strings.Repeat("x", int(b%5)), data
	case 5:
		return Binary{b}, data
	case 6:
		return DateTime("20200101T00:00:00"), data
	case 7, 8:
		if depth > 4 {
			return "", data
		}
		n := int(b>>4) % 4
		list := []any{}
		for i := 0; i < n; i++ {
			var v any
			v, data = fuzzValue(data, depth+1)
			list = append(list, v)
		}
		return list, data
	default:
		if depth > 4 {
			return int64(80), data
		}
		n := int(b>>4) % 6
		d := Dict{}
		for i := 0; i < n; i++ {
			var v any
			v, data = fuzzValue(data, depth+1)
			k := keys[(int(b)+i)%len(keys)]
			d = append(d, KV{k, v})
		}
		return d, data
	}
}

// FuzzReplies runs commands against a server answering arbitrary values
// and faults: supervisorctl must print something, never panic.
func FuzzReplies(f *testing.F) {
	f.Add(uint8(0), []byte{2, 9, 0x50, 2, 3, 4})
	f.Add(uint8(3), []byte{7, 0x30, 9, 0x40, 4, 2, 2})
	f.Add(uint8(18), []byte{8, 0x10, 7, 0x30, 8, 4, 8})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		line := fuzzLines[int(which)%len(fuzzLines)]
		calls := 0
		c, out := newTestController(func(m string, _ []any) (any, error) {
			calls++
			if m == "supervisor.getVersion" && len(data) > 0 && data[0]&1 == 0 {
				return "3.0", nil
			}
			if len(data) > 1 && data[1]%7 == 0 && calls%2 == 0 {
				return nil, &Fault{Code: int(data[1]), String: "X"}
			}
			v, _ := fuzzValue(data, 0)
			return v, nil
		})
		c.Opts.Interactive = false
		c.OneCmd(context.Background(), line)
		c.flush()
		if strings.Contains(out.String(), "internal error") {
			t.Fatalf("%q: %s", line, out.String())
		}
	})
}

// FuzzCommandLine feeds arbitrary command lines (NUL-separated words) to
// the option parser and the shell's line parser.
func FuzzCommandLine(f *testing.F) {
	f.Add("-c\x00x\x00status")
	f.Add("--serv=http://x\x00-i\x00?help")
	f.Add("-\x00--\x00!x")
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		getopt(args)
		for _, a := range args {
			parseLine(a)
			config.SplitNamespec(a)
			urlScheme(a)
			pyInt(a)
			checkPort("http://" + a)
		}
		if _, _, err := getopt(args); err == nil {
			ParseArgs("supervisorctl", append([]string{"-c", ""}, args...), nil, "/")
		}
	})
}
