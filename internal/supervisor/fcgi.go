package supervisor

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/config"
)

// fcgiSocket is socket_manager.SocketManager: the listening socket of an
// [fcgi-program:x], created by the daemon, handed to each child as fd 0,
// and closed when no running process holds it.
type fcgiSocket struct {
	s    *Supervisor
	cfg  *config.SocketConfig
	file *os.File
	refs int
}

func newFCGISocket(s *Supervisor, cfg *config.SocketConfig) *fcgiSocket {
	return &fcgiSocket{s: s, cfg: cfg}
}

func (f *fcgiSocket) acquire() error {
	if f.file == nil {
		f.s.log.Info("Creating socket " + f.cfg.URL)
		file, err := f.create()
		if err != nil {
			return err
		}
		f.file = file
	}
	f.refs++
	return nil
}

func (f *fcgiSocket) acquireFile() (*os.File, error) {
	if err := f.acquire(); err != nil {
		return nil, err
	}
	return f.file, nil
}

func (f *fcgiSocket) release() {
	f.refs--
	if f.refs <= 0 {
		f.refs = 0
		f.closeNow()
	}
}

func (f *fcgiSocket) closeNow() {
	if f.file != nil {
		f.s.log.Info("Closing socket " + f.cfg.URL)
		f.file.Close()
		f.file = nil
	}
}

func (f *fcgiSocket) create() (*os.File, error) {
	backlog := f.cfg.Backlog
	if backlog <= 0 {
		backlog = syscall.SOMAXCONN
	}
	if f.cfg.Unix {
		os.Remove(f.cfg.Path)
		fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			return nil, err
		}
		fail := func(err error) (*os.File, error) {
			syscall.Close(fd)
			os.Remove(f.cfg.Path)
			return nil, err
		}
		if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: f.cfg.Path}); err != nil {
			return fail(err)
		}
		if f.cfg.Owner != nil {
			if err := os.Chown(f.cfg.Path, f.cfg.Owner.UID, f.cfg.Owner.GID); err != nil {
				return fail(err)
			}
		}
		if err := os.Chmod(f.cfg.Path, os.FileMode(f.cfg.Mode)); err != nil {
			return fail(err)
		}
		if err := syscall.Listen(fd, backlog); err != nil {
			return fail(err)
		}
		return os.NewFile(uintptr(fd), f.cfg.URL), nil
	}
	ips, err := net.LookupIP(f.cfg.Host)
	if err != nil || len(ips) == 0 {
		return nil, fmt.Errorf("cannot resolve %s: %w", f.cfg.Host, err)
	}
	ip4 := ips[0].To4()
	if ip4 == nil {
		return nil, fmt.Errorf("%s is not an IPv4 address", f.cfg.Host)
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1)
	sa := &syscall.SockaddrInet4{Port: f.cfg.Port}
	copy(sa.Addr[:], ip4)
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	if err := syscall.Listen(fd, backlog); err != nil {
		syscall.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "tcp://"+f.cfg.Host+":"+strconv.Itoa(f.cfg.Port)), nil
}
