package daemon

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/logging"
	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
)

const rootWarning = "Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.  If you intend to run as root, you can set user=root in the config file to avoid this message."

// setUID is ServerOptions.set_uid_or_exit: it returns the CRIT lines and
// INFO lines to log, or the usage error.
func setUID(cfg *config.Config) (crit, info []string, err error) {
	name := cfg.Supervisord.User
	if name == "" {
		if os.Getuid() == 0 {
			crit = append(crit, rootWarning)
		}
		return crit, nil, nil
	}
	uid, msg := dropPrivileges(name)
	if msg != "" {
		return nil, nil, errors.New(msg)
	}
	return nil, []string{fmt.Sprintf("Set uid to user %d succeeded", uid)}, nil
}

// dropPrivileges is ServerOptions.drop_privileges for supervisord itself.
func dropPrivileges(name string) (int, string) {
	var u *user.User
	var err error
	if n, perr := strconv.Atoi(name); perr == nil {
		if u, err = user.LookupId(strconv.Itoa(n)); err != nil {
			return n, fmt.Sprintf("Can't find uid %d", n)
		}
	} else if u, err = user.Lookup(name); err != nil {
		return 0, fmt.Sprintf("Can't find username %s", pyfmt.Repr(name))
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if os.Getuid() == uid {
		return uid, ""
	}
	if os.Getuid() != 0 {
		return uid, "Can't drop privilege as nonroot user"
	}
	groups := []int{gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			if n, err := strconv.Atoi(g); err == nil && n != gid {
				groups = append(groups, n)
			}
		}
	}
	if err := syscall.Setgroups(groups); err != nil {
		return uid, "Could not set groups of effective user"
	}
	if err := syscall.Setgid(gid); err != nil {
		return uid, "Could not set group id of effective user"
	}
	if err := syscall.Setuid(uid); err != nil {
		return uid, "Could not set user id of effective user"
	}
	return uid, ""
}

// setRlimits is ServerOptions.set_rlimits_or_exit.
func setRlimits(cfg *config.Config) ([]string, error) {
	limits := []struct {
		res  int
		name string
		min  int
		msg  string
	}{
		{syscall.RLIMIT_NOFILE, "RLIMIT_NOFILE", cfg.Supervisord.Minfds,
			"The minimum number of file descriptors required to run this process is %d as per the \"minfds\" command-line argument or config file setting. The current environment will only allow you to open %d file descriptors.  Either raise the number of usable file descriptors in your environment (see README.rst) or lower the minfds setting in the config file to allow the process to start."},
		{6 /* RLIMIT_NPROC */, "RLIMIT_NPROC", cfg.Supervisord.Minprocs,
			"The minimum number of available processes required to run this program is %d as per the \"minprocs\" command-line argument or config file setting. The current environment will only allow you to open %d processes.  Either raise the number of usable processes in your environment (see README.rst) or lower the minprocs setting in the config file to allow the program to start."},
	}
	var infos []string
	for _, l := range limits {
		var rl syscall.Rlimit
		if err := syscall.Getrlimit(l.res, &rl); err != nil {
			continue
		}
		min := uint64(l.min)
		soft, hard := rl.Cur, rl.Max
		if soft < min && soft != ^uint64(0) {
			if hard < min && hard != ^uint64(0) {
				hard = min
			}
			if err := syscall.Setrlimit(l.res, &syscall.Rlimit{Cur: min, Max: hard}); err != nil {
				shown := int64(hard)
				if hard == ^uint64(0) {
					shown = -1
				}
				return nil, fmt.Errorf(l.msg, l.min, shown)
			}
			infos = append(infos, fmt.Sprintf("Increased %s limit to %d", l.name, l.min))
		}
	}
	return infos, nil
}

// clearAutoChildLogs is ServerOptions.clear_autochildlogdir.
func clearAutoChildLogs(cfg *config.Config, log *logging.Logger) {
	for _, w := range config.ClearAutoChildLogDir(cfg.Supervisord.Childlogdir, cfg.Supervisord.Identifier) {
		log.Warn(w)
	}
}

// systemdNotifier sends sd_notify messages when NOTIFY_SOCKET is set.
type systemdNotifier struct {
	addr string
}

func newSystemdNotifier() *systemdNotifier {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return &systemdNotifier{}
	}
	if strings.HasPrefix(addr, "@") {
		addr = "\x00" + addr[1:]
	}
	return &systemdNotifier{addr: addr}
}

func (n *systemdNotifier) send(state string) {
	if n.addr == "" {
		return
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: n.addr, Net: "unixgram"})
	if err != nil {
		return
	}
	defer c.Close()
	c.Write([]byte(state))
}

func pyRepr(s string) string { return pyfmt.Repr(s) }

// pyErr renders an OSError as Python's str() does: "[Errno 2] No such file
// or directory: '/x'".
func pyErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if errno, ok := pe.Err.(syscall.Errno); ok {
			text := errno.Error()
			if text != "" {
				text = strings.ToUpper(text[:1]) + text[1:]
			}
			return fmt.Sprintf("[Errno %d] %s: %s", int(errno), text, pyfmt.Repr(pe.Path))
		}
	}
	return err.Error()
}
