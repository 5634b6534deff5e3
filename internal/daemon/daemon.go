// Package daemon is supervisord's lifecycle around the supervisor loop:
// privilege drop, rlimits, the main logger, AUTO log cleanup, the HTTP
// servers, daemonizing, the pid file, signals, systemd notification, and
// the restart loop (SIGHUP / restart). It owns the process-wide resources
// that outlive one loop (the reaper, the signal channel); it does not parse
// configs or serve requests itself.
//
// Daemonizing: Go cannot fork without exec, so supervisord re-executes
// itself with the same arguments. The parent waits on a pipe until the
// child is up (servers open, pid file written) and exits 0, or prints the
// child's startup error on its own stderr and exits with its status. A
// systemd Type=forking unit therefore sees the parent exit only once the
// daemon is ready, and a startup error reaches the terminal instead of
// /dev/null.
package daemon

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/spawn"
	"github.com/gosupervisor/gosupervisor/internal/supervisor"
)

// readyEnv names the fd of the readiness pipe in a daemonized child.
const readyEnv = "GOSUPERVISOR_READY_FD"

// Servers is the set of open HTTP servers of one run.
type Servers interface {
	Close() error
}

// ServerFactory opens the configured HTTP servers for backend b. Log lines
// it emits go to log. An error stops startup with exit status 2, its text
// printed as a usage error.
type ServerFactory func(cfg *config.Config, b rpc.Backend, log *logging.Logger, stderr io.Writer) (Servers, error)

// Options are what Run needs.
type Options struct {
	Argv0  string // progname, as usage errors print it
	Config *config.Config
	// Reload re-reads the configuration (SIGHUP, restart, reloadConfig).
	Reload  func() (*config.Config, error)
	Servers ServerFactory
	Stdout  io.Writer
	Stderr  io.Writer
	// Messages logged at startup before anything else, e.g. the root
	// warning: Criticals at CRIT.
	Criticals []string
}

// usage prints a startup error as Supervisor's usage() does and returns
// its exit status, 2.
func usage(w io.Writer, progname, msg string) int {
	(&config.UsageError{Msg: msg}).Report(w, progname)
	return 2
}

// Run runs supervisord until it shuts down and returns the exit status.
func Run(o Options) int {
	if fd := os.Getenv(readyEnv); fd != "" {
		os.Unsetenv(readyEnv)
		n, _ := strconv.Atoi(fd)
		return runChild(o, os.NewFile(uintptr(n), "ready"))
	}
	if !o.Config.Supervisord.Nodaemon {
		return daemonize(o)
	}
	return runDaemon(o, nil)
}

// daemonize starts the daemon child and waits until it reports readiness.
func daemonize(o Options) int {
	r, w, err := os.Pipe()
	if err != nil {
		return usage(o.Stderr, o.Argv0, err.Error())
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return usage(o.Stderr, o.Argv0, err.Error())
	}
	exe, err := os.Executable()
	if err != nil {
		exe = "/proc/self/exe"
	}
	env := append(os.Environ(), readyEnv+"=3")
	proc, err := os.StartProcess(exe, os.Args, &os.ProcAttr{
		Env:   env,
		Files: []*os.File{devnull, devnull, devnull, w},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	})
	w.Close()
	devnull.Close()
	if err != nil {
		return usage(o.Stderr, o.Argv0, "cannot daemonize: "+err.Error())
	}
	proc.Release()
	msg, _ := io.ReadAll(r)
	r.Close()
	switch {
	case len(msg) > 0 && msg[0] == 'R':
		fmt.Fprint(o.Stderr, string(msg[1:])) // e.g. "Unlinking stale socket"
		return 0
	case len(msg) > 0 && msg[0] == 'E':
		code, text, _ := strings.Cut(string(msg[1:]), "\n")
		fmt.Fprint(o.Stderr, text)
		n, err := strconv.Atoi(code)
		if err != nil {
			n = 2
		}
		return n
	}
	fmt.Fprintln(o.Stderr, "Error: supervisord exited before it was ready; see its log file")
	return 1
}

// runChild is the daemonized process: it becomes the daemon and reports
// readiness, or its startup error, to the waiting parent.
func runChild(o Options, ready *os.File) int {
	var stderr strings.Builder
	o.Stderr = &stderr
	o.Stdout = io.Discard
	code := runDaemon(o, func(err error) {
		if ready == nil {
			return
		}
		if err == nil {
			ready.Write([]byte("R" + stderr.String()))
		}
		ready.Close()
		ready = nil
	})
	if ready != nil {
		fmt.Fprintf(ready, "E%d\n%s", code, stderr.String())
		ready.Close()
	}
	return code
}

// runDaemon is Supervisor.main plus supervisord.main's restart loop.
// notifyReady, when set, is called once the first run is up.
func runDaemon(o Options, notifyReady func(error)) int {
	cfg := o.Config
	daemonized := notifyReady != nil
	exits := make(chan spawn.Exit, 64)
	reaper := spawn.StartReaper(exits)
	defer reaper.Stop()
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGUSR2)
	defer signal.Stop(sigs)
	notify := newSystemdNotifier()

	first := true
	// Event serials continue across restarts, as Supervisor's GlobalSerial.
	serial := supervisor.NewEventSerial()
	for {
		// Refuse before touching any file when another daemon already
		// serves one of our addresses (Supervisor would first delete the
		// running daemon's AUTO logs).
		if msg := serversInUse(cfg); msg != "" {
			return usage(o.Stderr, o.Argv0, msg)
		}
		var infos []string
		criticals := append([]string(nil), o.Criticals...)
		// Like Supervisor's fresh ServerOptions at each restart, the uid
		// step (and its messages) runs every time, rlimits only once.
		crit, info, err := setUID(cfg)
		if err != nil {
			return usage(o.Stderr, o.Argv0, err.Error())
		}
		criticals = append(criticals, crit...)
		infos = append(infos, info...)
		if first {
			info, err := setRlimits(cfg)
			if err != nil {
				return usage(o.Stderr, o.Argv0, err.Error())
			}
			infos = append(infos, info...)
		}
		log, err := makeLogger(cfg, o.Stdout)
		if err != nil {
			return usage(o.Stderr, o.Argv0, err.Error())
		}
		for _, m := range criticals {
			log.Critical(m)
		}
		for _, m := range cfg.Warnings {
			log.Warn(m)
		}
		for _, m := range cfg.UnsupportedPlugins() {
			log.Warn(m)
		}
		for _, m := range cfg.Infos {
			log.Info(m)
		}
		for _, m := range infos {
			log.Info(m)
		}
		if !cfg.Supervisord.Nocleanup {
			clearAutoChildLogs(cfg, log)
		}
		sup := supervisor.New(supervisor.Options{Config: cfg, Log: log, Reload: o.Reload, Exits: exits, EventSerial: serial})
		sup.AddGroups()
		var servers Servers
		if o.Servers != nil {
			servers, err = o.Servers(cfg, sup, log, o.Stderr)
			if err != nil {
				log.Close()
				return usage(o.Stderr, o.Argv0, err.Error())
			}
		}
		if daemonized && first {
			log.Blather("supervisord forked; parent exiting")
			log.Info("daemonizing the supervisord process")
			if dir := cfg.Supervisord.Directory; dir != "" {
				if err := os.Chdir(dir); err != nil {
					log.Critical(fmt.Sprintf("can't chdir into %s: %s", pyRepr(dir), pyErr(err)))
				} else {
					log.Info(fmt.Sprintf("set current directory: %s", pyRepr(dir)))
				}
			}
			syscall.Umask(cfg.Supervisord.Umask)
		}
		pidWritten := writePidfile(cfg.Supervisord.Pidfile, log)

		stopForward := make(chan struct{})
		forwarded := make(chan struct{})
		go func() {
			defer close(forwarded)
			for {
				select {
				case sig := <-sigs:
					if sig == syscall.SIGHUP {
						notify.send("RELOADING=1")
					}
					if sig == syscall.SIGTERM || sig == syscall.SIGINT || sig == syscall.SIGQUIT {
						notify.send("STOPPING=1")
					}
					sup.Signal(sig)
				case <-stopForward:
					return
				}
			}
		}()
		mood := sup.Run(func() {
			notify.send(fmt.Sprintf("READY=1\nMAINPID=%d", os.Getpid()))
			if first && notifyReady != nil {
				notifyReady(nil)
			}
		})
		close(stopForward)
		<-forwarded
		if servers != nil {
			servers.Close()
		}
		if pidWritten {
			os.Remove(cfg.Supervisord.Pidfile)
		}
		log.Close()
		if mood != supervisor.MoodRestarting {
			notify.send("STOPPING=1")
			return 0
		}
		if next := sup.Pending(); next != nil {
			cfg = next
		} else if o.Reload != nil {
			next, err := o.Reload()
			if err != nil {
				return usage(o.Stderr, o.Argv0, err.Error())
			}
			cfg = next
		}
		first = false
	}
}

// makeLogger is ServerOptions.make_logger.
func makeLogger(cfg *config.Config, stdout io.Writer) (*logging.Logger, error) {
	sd := cfg.Supervisord
	log := logging.NewLogger(sd.LogLevel)
	if sd.Nodaemon && !sd.Silent && stdout != nil {
		log.AddStream(stdout)
	}
	if err := log.AddFile(sd.Logfile, sd.LogfileMaxBytes, sd.LogfileBackups); err != nil {
		log.Close()
		return nil, err
	}
	return log, nil
}

// writePidfile writes "<pid>\n" and logs the start line.
func writePidfile(path string, log *logging.Logger) bool {
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		log.Critical("could not write pidfile " + path)
		return false
	}
	log.Info(fmt.Sprintf("supervisord started with pid %d", os.Getpid()))
	return true
}

// serversInUse reports Supervisor's EADDRINUSE usage text when a unix
// socket answers a connection or an inet port cannot be bound.
func serversInUse(cfg *config.Config) string {
	const inUse = "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord."
	for _, sc := range cfg.Servers {
		if sc.Unix {
			c, err := net.DialTimeout("unix", sc.File, time.Second)
			if err == nil {
				c.Close()
				return inUse
			}
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(sc.Host, strconv.Itoa(sc.Port)))
		if err != nil {
			if isAddrInUse(err) {
				return inUse
			}
			continue // other errors are reported when the server opens
		}
		ln.Close()
	}
	return ""
}

func isAddrInUse(err error) bool {
	var errno syscall.Errno
	for e := err; e != nil; {
		if x, ok := e.(syscall.Errno); ok {
			errno = x
			break
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return errno == syscall.EADDRINUSE
}
