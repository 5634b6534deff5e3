package ctl

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/gosupervisor/gosupervisor/internal/reftest"
	"github.com/gosupervisor/gosupervisor/internal/testenv"
)

// The interactive shell driven through a pseudo-terminal, for ours and
// (with the same expectations) the reference's supervisorctl: the first
// status, the prompt, completion, history across sessions, the y/N
// confirmations, Ctrl-C during tail -f and at the prompt, Ctrl-D.

// ptyProc is a process on the slave side of a pty.
type ptyProc struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    []byte
	mark   int // expect searches from here
	wake   chan struct{}
	done   chan struct{}
}

// openPty returns a master and the path of its slave.
func openPty(t *testing.T) (*os.File, string) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatal(e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatal(e)
	}
	ws := struct{ row, col, x, y uint16 }{24, 80, 0, 0}
	syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws)))
	return master, "/dev/pts/" + strconv.Itoa(int(n))
}

// startPty runs bin (shown to itself as /usr/bin/supervisorctl) with
// args on a new pty as its controlling terminal.
func startPty(t *testing.T, bin, dir string, args ...string) *ptyProc {
	t.Helper()
	master, slavePath := openPty(t)
	slave, err := os.OpenFile(slavePath, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	cmd := &exec.Cmd{Path: bin, Args: append([]string{refProgname}, args...), Dir: dir}
	cmd.Env = append(os.Environ(), "TERM=xterm", "LANG=C.UTF-8", "TZ=UTC")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &ptyProc{t: t, master: master, cmd: cmd, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			if n > 0 {
				p.mu.Lock()
				p.out = append(p.out, buf[:n]...)
				p.mu.Unlock()
				select {
				case p.wake <- struct{}{}:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
		master.Close()
	})
	return p
}

// expect waits until the output after the mark contains want, then
// moves the mark past it.
func (p *ptyProc) expect(want string) {
	p.t.Helper()
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		i := strings.Index(string(p.out[p.mark:]), want)
		if i >= 0 {
			p.mark += i + len(want)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
		select {
		case <-p.wake:
		case <-p.done:
			// One last look: the output may have come with the exit.
			p.mu.Lock()
			ok := strings.Contains(string(p.out[p.mark:]), want)
			p.mu.Unlock()
			if ok {
				return
			}
			p.t.Fatalf("%s exited before %q appeared; output after the mark:\n%q", p.cmd.Path, want, p.rest())
		case <-deadline.C:
			p.t.Fatalf("%s: %q did not appear; output after the mark:\n%q", p.cmd.Path, want, p.rest())
		}
	}
}

func (p *ptyProc) rest() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.out[p.mark:])
}

func (p *ptyProc) send(s string) {
	p.t.Helper()
	if p.cmd.Path == reftest.Supervisorctl {
		// Keys that reach the reference while GNU readline switches the
		// terminal's mode can be flushed away; wait until it reads.
		waitIdle(p.cmd.Process.Pid, p.done)
	}
	if _, err := p.master.Write([]byte(s)); err != nil {
		p.t.Fatal(err)
	}
}

// exit waits for the process to end and returns its exit status (-1 when
// a signal killed it, with the signal).
func (p *ptyProc) exit() (int, syscall.Signal) {
	p.t.Helper()
	return p.exitWithin(20 * time.Second)
}

func (p *ptyProc) exitWithin(d time.Duration) (int, syscall.Signal) {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		p.t.Fatalf("%s did not exit; output after the mark:\n%q", p.cmd.Path, p.rest())
	}
	ws := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return -1, ws.Signal()
	}
	return ws.ExitStatus(), 0
}

const ptyConf = `[unix_http_server]
file={dir}/s.sock

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/s.sock
prompt=ptytest
history_file={dir}/history

[program:sleeper]
command=sleep 600
startsecs=0

[program:echoer]
command=sh -c 'echo hello-from-echoer; exec sleep 600'
startsecs=0

[program:slow]
command=sleep 600
startsecs=30
autostart=false

[program:cat]
command=cat
startsecs=0

[group:grp]
programs=a,b

[program:a]
command=sleep 600
startsecs=0

[program:b]
command=sleep 600
startsecs=0
`

// ptyImpls returns the supervisorctl binaries to drive: ours, and the
// reference's when installed.
func ptyImpls(t *testing.T) map[string]string {
	impls := map[string]string{"ours": testenv.Ours(t).Supervisorctl}
	if _, err := os.Stat(reftest.Supervisorctl); err == nil && !testing.Short() {
		impls["reference"] = reftest.Supervisorctl
	}
	return impls
}

// ptyDaemon starts the daemon for the pty tests and returns its config.
func ptyDaemon(t *testing.T) (dir, conf string) {
	t.Helper()
	supervisord := testenv.Reference.Supervisord
	if *daemonFlag == "ours" {
		supervisord = testenv.Ours(t).Supervisord
	} else if _, err := os.Stat(supervisord); err != nil {
		t.Skip("reference Supervisor not installed (apt-get install -y supervisor); the shell tests need its supervisord")
	}
	dir = t.TempDir()
	conf = filepath.Join(dir, "supervisord.conf")
	if err := os.WriteFile(conf, []byte(strings.ReplaceAll(ptyConf, "{dir}", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	startDaemon(t, supervisord, conf)
	r := &runner{t: t, dir: dir, conf: conf}
	r.wait("RUNNING sleeper echoer cat grp:a grp:b")
	return dir, conf
}

func TestShell(t *testing.T) {
	dir, conf := ptyDaemon(t)
	for name, bin := range ptyImpls(t) {
		t.Run(name, func(t *testing.T) {
			hist := filepath.Join(dir, "history")
			os.Remove(hist)

			// The first status, the prompt, a command, Ctrl-D.
			p := startPty(t, bin, dir, "-c", conf)
			p.expect("sleeper                          RUNNING")
			p.expect("ptytest> ")
			p.send("version\r")
			p.expect("4.2.5\r\n")
			p.expect("ptytest> ")

			// Completion of an action, then of a process name.
			p.send("versi\t")
			p.expect("on")
			p.send("\r")
			p.expect("4.2.5\r\n")
			p.send("status sle\t")
			p.expect("eper")
			p.send("\r")
			p.expect("sleeper                          RUNNING   pid ")
			// A group's processes complete as group:name; group:* too.
			p.send("stop grp:\t\t")
			p.expect("grp:*")
			p.send("\x15") // kill the line
			// add/remove/update complete group names.
			p.send("add gr\t")
			p.expect("p ")
			p.send("\x15")

			// The y/N confirmations.
			p.send("shutdown\r")
			p.expect("Really shut the remote supervisord process down y/N? ")
			p.send("n\r")
			p.expect("ptytest> ")
			p.send("reload\r")
			p.expect("Really restart the remote supervisord process y/N? ")
			p.send("\r")
			p.expect("ptytest> ")

			// Ctrl-C during tail -f returns to the prompt.
			p.send("tail -f echoer\r")
			p.expect("==> Press Ctrl-C to exit <==")
			p.expect("hello-from-echoer")
			p.send("\x03")
			p.expect("ptytest> ")
			p.send("version\r")
			p.expect("4.2.5\r\n")
			p.expect("ptytest> ")

			// Ctrl-D leaves the shell, status 0.
			p.send("\x04")
			if code, sig := p.exit(); code != 0 {
				t.Fatalf("exit %d (signal %v) after Ctrl-D", code, sig)
			}

			// The history was saved; a new session recalls it.
			data, err := os.ReadFile(hist)
			if err != nil {
				t.Fatal(err)
			}
			// Completed words keep the space completion added.
			want := "version\nversion \nstatus sleeper \nshutdown\nn\nreload\ntail -f echoer\nversion\n"
			if string(data) != want {
				t.Errorf("history file %q, want %q", data, want)
			}
			p = startPty(t, bin, dir, "-c", conf)
			p.expect("ptytest> ")
			// Six entries back: "status sleeper ".
			p.send("\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A")
			p.expect("sleeper")
			p.send("\r")
			p.expect("sleeper                          RUNNING   pid ")
			p.expect("ptytest> ")

			// Ctrl-C at the prompt ends the shell too, status 0.
			p.send("\x03")
			if code, sig := p.exit(); code != 0 {
				t.Fatalf("exit %d (signal %v) after Ctrl-C", code, sig)
			}
			data, _ = os.ReadFile(hist)
			if !strings.HasSuffix(string(data), "tail -f echoer\nversion\nstatus sleeper \n") {
				t.Errorf("history after the second session: %q", data)
			}
		})
	}
}

// TestShellForeground: fg sends typed lines to the process and shows its
// output, Ctrl-C returns to the prompt; Ctrl-C during another command
// ends the shell (status 0).
func TestShellForeground(t *testing.T) {
	dir, conf := ptyDaemon(t)
	for name, bin := range ptyImpls(t) {
		t.Run(name, func(t *testing.T) {
			p := startPty(t, bin, dir, "-c", conf)
			p.expect("ptytest> ")
			p.send("fg cat\r")
			p.expect("==> Press Ctrl-C to exit <==")
			line := "line-from-" + name
			p.send(line + "\r")
			// The terminal echoes the line, then cat's output comes back
			// through the log stream.
			p.expect(line)
			p.expect(line)
			p.send("\x03")
			p.expect("Exiting foreground")
			p.expect("ptytest> ")
			p.send("quit\r")
			if name == "reference" {
				// The reference's fg thread outlives fg: Python waits for
				// it at exit, up to the 30 s of its select, and forever
				// when the kill was swallowed by a stream's error handler
				// (docs/compat.md). How long it takes to leave is not
				// what this test compares; the cleanup kills it.
				p.expect("quit")
			} else if code, sig := p.exitWithin(10 * time.Second); code != 0 {
				t.Fatalf("exit %d (signal %v)", code, sig)
			}

			// Ctrl-C during another command ends the shell, status 0.
			// (Not after fg: the reference's fg thread lives on and takes
			// the signal, so its Ctrl-C waits for the call to return.)
			p = startPty(t, bin, dir, "-c", conf)
			p.expect("ptytest> ")
			p.send("start slow\r")
			(&runner{t: t, dir: dir, conf: conf}).wait("STARTING slow")
			p.send("\x03")
			if code, sig := p.exit(); code != 0 {
				t.Fatalf("exit %d (signal %v) after Ctrl-C during start", code, sig)
			}
			c := (&runner{t: t, dir: dir, conf: conf}).client()
			c.Call(t.Context(), "supervisor.stopProcess", "slow")
			c.Close()
		})
	}
}

func TestShellOneShotInterrupt(t *testing.T) {
	dir, conf := ptyDaemon(t)
	for name, bin := range ptyImpls(t) {
		t.Run(name, func(t *testing.T) {
			// tail -f catches Ctrl-C: a newline, exit 0.
			p := startPty(t, bin, dir, "-c", conf, "tail", "-f", "echoer")
			p.expect("hello-from-echoer")
			p.send("\x03")
			if code, sig := p.exit(); code != 0 {
				t.Fatalf("tail -f: exit %d (signal %v) after Ctrl-C", code, sig)
			}
			// Any other command dies of it (Python's uncaught
			// KeyboardInterrupt): killed by SIGINT.
			p = startPty(t, bin, dir, "-c", conf, "start", "slow")
			// Wait until it has asked (the process is STARTING).
			r := &runner{t: t, dir: dir, conf: conf}
			r.wait("STARTING slow")
			p.send("\x03")
			if code, sig := p.exit(); code != -1 || sig != syscall.SIGINT {
				t.Fatalf("start: exit %d (signal %v) after Ctrl-C, want death by SIGINT", code, sig)
			}
			c := r.client()
			c.Call(t.Context(), "supervisor.stopProcess", "slow")
			c.Close()
		})
	}
}

func TestShellPasswordPrompt(t *testing.T) {
	supervisord := testenv.Reference.Supervisord
	if *daemonFlag == "ours" {
		supervisord = testenv.Ours(t).Supervisord
	} else if _, err := os.Stat(supervisord); err != nil {
		t.Skip("reference Supervisor not installed (apt-get install -y supervisor)")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "supervisord.conf")
	text := strings.Replace(strings.ReplaceAll(ptyConf, "{dir}", dir), "file="+dir+"/s.sock\n", "file="+dir+"/s.sock\nusername=user\npassword=secret\n", 1)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	startDaemon(t, supervisord, conf)
	for name, bin := range ptyImpls(t) {
		t.Run(name, func(t *testing.T) {
			p := startPty(t, bin, dir, "-c", conf)
			p.expect("Server requires authentication")
			p.expect("Username:")
			p.send("user\r")
			p.expect("Password:")
			p.send("secret\r")
			p.expect("sleeper                          RUNNING")
			if strings.Contains(p.rest(), "secret") {
				t.Errorf("the password was echoed: %q", p.rest())
			}
			p.expect("ptytest> ")
			p.send("version\r")
			p.expect("4.2.5\r\n")
			p.send("quit\r")
			if code, _ := p.exit(); code != 0 {
				t.Fatalf("exit %d", code)
			}
		})
	}
}
