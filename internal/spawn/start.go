package spawn

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// trampolineFlag marks argv[1] of a trampoline run. No real supervisord
// command line contains it.
const trampolineFlag = "--gosupervisor-spawn-trampoline"

// Spec is everything needed to start one child.
type Spec struct {
	Filename string   // resolved executable
	Argv     []string // argv[0] is the command's first word
	Env      []string // complete environment, KEY=VALUE
	Dir      string   // the working directory
	DirSet   bool     // Dir was configured: "" then means chdir("") (which fails, as in Supervisor)
	Umask    int      // -1 leaves the umask alone
	UID      *int     // nil: no privilege change

	// Files become the child's fds 0, 1, 2 in order.
	Files [3]*os.File
}

// forkMu keeps the reaper from collecting a child that a failed ForkExec
// is about to reap itself: Go waits for a child whose exec failed, and an
// exit stolen by the reaper would be logged as an unknown pid.
var forkMu sync.Mutex

// Start starts a child with the given fds, in its own process group, with
// SIGKILL as its parent-death signal, and returns its pid once the program
// is executing.
//
// The program is normally exec'd directly, Go's SysProcAttr doing the
// setgroups/setgid/setuid and chdir between fork and exec. If any of those
// steps (or the exec itself) fails, the spawn is repeated through the
// trampoline, whose child has a pid and reports the failure on its stderr
// with exit status 127, exactly as Supervisor's child does. A umask always
// goes through the trampoline: SysProcAttr has no umask, and the daemon's
// own umask must not change under its other goroutines.
//
// Every child is forked from one thread (see onSpawnThread): Linux sends
// the parent-death signal when the forking thread exits, not the process.
func Start(s *Spec) (pid int, err error) {
	onSpawnThread(func() { pid, err = start(s) })
	return pid, err
}

// spawnThread is the goroutine that forks every child, locked to its OS
// thread and never ending, so that thread lives as long as the daemon. (A
// Go thread exits only when a goroutine locked to it ends.) Callers need
// no lock of their own: a goroutine locked to a thread pays a thread
// hand-off each time it blocks and wakes, which made every message to the
// daemon's loop cost two context switches when the loop held the lock.
var spawnThread struct {
	once sync.Once
	reqs chan func()
}

// onSpawnThread runs f on the spawning thread and waits for it.
func onSpawnThread(f func()) {
	spawnThread.once.Do(func() {
		spawnThread.reqs = make(chan func())
		go spawnThreadLoop(spawnThread.reqs)
	})
	done := make(chan struct{})
	spawnThread.reqs <- func() { f(); close(done) }
	<-done
}

func spawnThreadLoop(reqs <-chan func()) {
	runtime.LockOSThread() // for good: see spawnThread
	for f := range reqs {
		f()
	}
}

func start(s *Spec) (pid int, err error) {
	if s.Umask < 0 && !(s.DirSet && s.Dir == "") {
		if cred, ok := directCredential(s.UID); ok {
			files := []uintptr{s.Files[0].Fd(), s.Files[1].Fd(), s.Files[2].Fd()}
			forkMu.Lock()
			pid, err = syscall.ForkExec(s.Filename, s.Argv, &syscall.ProcAttr{
				Dir:   s.Dir,
				Env:   s.Env,
				Files: files,
				Sys: &syscall.SysProcAttr{
					Setpgid:    true,
					Pdeathsig:  syscall.SIGKILL,
					Credential: cred,
				},
			})
			forkMu.Unlock()
			if err == nil || errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.ENOMEM) {
				return pid, err
			}
			// A child-side failure: do it again the way that reports it.
		}
	}
	return startTrampoline(s)
}

// directCredential resolves the user for a direct spawn; ok is false when
// the lookup itself fails and the child must report it.
func directCredential(uid *int) (*syscall.Credential, bool) {
	if uid == nil {
		return nil, true
	}
	c := credentials(*uid)
	switch {
	case c == "=":
		return nil, true
	case strings.HasPrefix(c, "!"):
		return nil, false
	}
	parts := strings.SplitN(c, ":", 3)
	u, _ := strconv.Atoi(parts[0])
	g, _ := strconv.Atoi(parts[1])
	var groups []uint32
	for _, x := range strings.Split(parts[2], ",") {
		if n, err := strconv.Atoi(x); err == nil {
			groups = append(groups, uint32(n))
		}
	}
	return &syscall.Credential{Uid: uint32(u), Gid: uint32(g), Groups: groups}, true
}

// startTrampoline forks the trampoline with the child's fds in place.
func startTrampoline(s *Spec) (pid int, err error) {
	umask := "-"
	if s.Umask >= 0 {
		umask = strconv.FormatInt(int64(s.Umask), 8)
	}
	cred := "-"
	if s.UID != nil {
		cred = credentials(*s.UID)
	}
	argv0 := "supervisor-spawn"
	if len(s.Argv) > 0 {
		argv0 = s.Argv[0]
	}
	dir := "-" // no chdir
	if s.DirSet || s.Dir != "" {
		dir = "=" + s.Dir
	}
	args := append([]string{argv0, trampolineFlag, strconv.Itoa(os.Getpid()), umask, dir, cred, s.Filename}, s.Argv...)
	files := []uintptr{s.Files[0].Fd(), s.Files[1].Fd(), s.Files[2].Fd()}
	forkMu.Lock()
	defer forkMu.Unlock()
	return syscall.ForkExec("/proc/self/exe", args, &syscall.ProcAttr{
		Env:   s.Env,
		Files: files,
		Sys: &syscall.SysProcAttr{
			Setpgid:   true,
			Pdeathsig: syscall.SIGKILL,
		},
	})
}

// credentials resolves what drop_privileges needs in the parent, so the
// trampoline makes no lookups. The result is "uid:gid:g1,g2,..." or
// "!uid:message" for a failure the child must report.
func credentials(uid int) string {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return fmt.Sprintf("!%d:Can't find uid %d", uid, uid)
	}
	if os.Getuid() == uid {
		return "=" // already that user: nothing to do
	}
	if os.Getuid() != 0 {
		return fmt.Sprintf("!%d:Can't drop privilege as nonroot user", uid)
	}
	gid, _ := strconv.Atoi(u.Gid)
	groups := []string{u.Gid}
	for _, g := range groupsListing(u.Username) {
		groups = append(groups, strconv.Itoa(g))
	}
	return fmt.Sprintf("%d:%d:%s", uid, gid, strings.Join(groups, ","))
}

// groupsListing returns the gids of the groups in /etc/group whose member
// list names user (grp.getgrall as drop_privileges uses it: the primary
// group is added separately, first).
func groupsListing(name string) []int {
	data, err := os.ReadFile("/etc/group")
	if err != nil {
		return nil
	}
	var out []int
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 {
			continue
		}
		for _, m := range strings.Split(f[3], ",") {
			if m == name {
				if gid, err := strconv.Atoi(f[2]); err == nil {
					out = append(out, gid)
				}
				break
			}
		}
	}
	return out
}

func init() {
	if len(os.Args) > 7 && os.Args[1] == trampolineFlag {
		trampoline(os.Args[2], os.Args[3], os.Args[4], os.Args[5], os.Args[6], os.Args[7:])
	}
}

// trampoline runs in the child between fork and the real exec. It mirrors
// Subprocess._spawn_as_child after the pipes are in place: setuid, chdir,
// umask, execve, and Supervisor's messages on failure. It uses only raw
// syscalls and never returns.
func trampoline(parent, umask, dir, cred, filename string, argv []string) {
	fail := func(msg string) {
		syscall.Write(2, []byte("supervisor: "+msg))
		syscall.Write(2, []byte("supervisor: child process was not spawned\n"))
		syscall.Exit(127)
	}
	if cred != "-" && cred != "=" {
		if strings.HasPrefix(cred, "!") {
			uid, msg, _ := strings.Cut(cred[1:], ":")
			fail(fmt.Sprintf("couldn't setuid to %s: %s\n", uid, msg))
		}
		parts := strings.SplitN(cred, ":", 3)
		uid, _ := strconv.Atoi(parts[0])
		gid, _ := strconv.Atoi(parts[1])
		var groups []int
		for _, g := range strings.Split(parts[2], ",") {
			if n, err := strconv.Atoi(g); err == nil {
				groups = append(groups, n)
			}
		}
		if err := syscall.Setgroups(groups); err != nil {
			fail(fmt.Sprintf("couldn't setuid to %d: Could not set groups of effective user\n", uid))
		}
		if err := syscall.Setgid(gid); err != nil {
			fail(fmt.Sprintf("couldn't setuid to %d: Could not set group id of effective user\n", uid))
		}
		if err := syscall.Setuid(uid); err != nil {
			fail("") // Supervisor lets this OSError escape: only the final line
		}
		// A credential change clears the parent-death signal; set it
		// again, then make sure the daemon did not die in between.
		syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0)
		if strconv.Itoa(syscall.Getppid()) != parent {
			syscall.Exit(127)
		}
	}
	closeInherited()
	if strings.HasPrefix(dir, "=") {
		if err := syscall.Chdir(dir[1:]); err != nil {
			fail(fmt.Sprintf("couldn't chdir to %s: %s\n", dir[1:], ErrnoName(err)))
		}
	}
	if umask != "-" {
		if m, err := strconv.ParseInt(umask, 8, 32); err == nil {
			syscall.Umask(int(m))
		}
	}
	err := syscall.Exec(filename, argv, os.Environ())
	fail(fmt.Sprintf("couldn't exec %s: %s\n", argv[0], ErrnoName(err)))
}

// MarkInheritedCloexec marks every descriptor above 2 close-on-exec in the
// daemon itself, once at startup: Go opens everything close-on-exec, so
// afterwards only fds 0-2 (and those a spawn passes on purpose) can reach a
// child, as Supervisor's closing of 3..minfds in the child ensures.
func MarkInheritedCloexec() { closeInherited() }

// closeInherited makes every descriptor above 2 close on exec, as
// Supervisor closes 3..minfds in the child: descriptors the daemon itself
// inherited without FD_CLOEXEC must not reach the program. Marking rather
// than closing keeps the trampoline's own runtime descriptors usable until
// the exec.
func closeInherited() {
	const sysCloseRange = 436
	const closeRangeCloexec = 1 << 2
	if _, _, e := syscall.RawSyscall(sysCloseRange, 3, ^uintptr(0), closeRangeCloexec); e == 0 {
		return
	}
	fd, err := syscall.Open("/proc/self/fd", syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		for i := 3; i < 65536; i++ {
			syscall.Syscall(syscall.SYS_FCNTL, uintptr(i), syscall.F_SETFD, syscall.FD_CLOEXEC)
		}
		return
	}
	var fds []int
	buf := make([]byte, 4096)
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err != nil || n <= 0 {
			break
		}
		_, _, names := syscall.ParseDirent(buf[:n], -1, nil)
		for _, name := range names {
			if v, err := strconv.Atoi(name); err == nil && v > 2 {
				fds = append(fds, v)
			}
		}
	}
	syscall.Close(fd)
	for _, v := range fds {
		syscall.Syscall(syscall.SYS_FCNTL, uintptr(v), syscall.F_SETFD, syscall.FD_CLOEXEC)
	}
}

// ErrnoName is Python's errno.errorcode[e] ("ENOENT"), or the number.
func ErrnoName(err error) string {
	if e, ok := err.(syscall.Errno); ok {
		if n, ok := errnoNames[e]; ok {
			return n
		}
		return strconv.Itoa(int(e))
	}
	return err.Error()
}

var errnoNames = map[syscall.Errno]string{
	syscall.EPERM: "EPERM", syscall.ENOENT: "ENOENT", syscall.ESRCH: "ESRCH",
	syscall.EINTR: "EINTR", syscall.EIO: "EIO", syscall.ENXIO: "ENXIO",
	syscall.E2BIG: "E2BIG", syscall.ENOEXEC: "ENOEXEC", syscall.EBADF: "EBADF",
	syscall.ECHILD: "ECHILD", syscall.EAGAIN: "EAGAIN", syscall.ENOMEM: "ENOMEM",
	syscall.EACCES: "EACCES", syscall.EFAULT: "EFAULT", syscall.EBUSY: "EBUSY",
	syscall.EEXIST: "EEXIST", syscall.EXDEV: "EXDEV", syscall.ENODEV: "ENODEV",
	syscall.ENOTDIR: "ENOTDIR", syscall.EISDIR: "EISDIR", syscall.EINVAL: "EINVAL",
	syscall.ENFILE: "ENFILE", syscall.EMFILE: "EMFILE", syscall.ETXTBSY: "ETXTBSY",
	syscall.EFBIG: "EFBIG", syscall.ENOSPC: "ENOSPC", syscall.EROFS: "EROFS",
	syscall.ENAMETOOLONG: "ENAMETOOLONG", syscall.ELOOP: "ELOOP",
	syscall.ELIBBAD: "ELIBBAD", syscall.EADDRINUSE: "EADDRINUSE",
	syscall.ECONNREFUSED: "ECONNREFUSED", syscall.EPIPE: "EPIPE",
}
