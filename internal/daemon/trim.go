package daemon

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
)

// madvPageout is MADV_PAGEOUT (Linux 5.4+).
const madvPageout = 21

// trimAfterStartup gives back what start-up needed and steady state does
// not: the garbage of parsing the config and spawning every program (a
// supervisor would otherwise sit at that peak for months), and the pages
// of its own executable that only start-up touched (config parsing, server
// set-up). The executable's pages are clean and file-backed: the kernel
// drops them from this process and faults back in, from the page cache,
// only the code that runs again. An idle daemon touches none.
func trimAfterStartup() {
	debug.FreeOSMemory()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// Only read-only mappings of the executable: code and constants.
		if len(fields) < 6 || fields[5] != exe || strings.Contains(fields[1], "w") {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || b <= a {
			continue
		}
		// An older kernel says EINVAL: nothing to do then.
		syscall.Syscall(syscall.SYS_MADVISE, uintptr(a), uintptr(b-a), madvPageout)
	}
}
