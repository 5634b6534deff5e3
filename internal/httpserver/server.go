// Package httpserver is supervisord's HTTP layer: the [unix_http_server]
// and [inet_http_server] listeners (with Supervisor's socket-file dance,
// bind errors and messages), Basic authentication on every URL, and the
// routing of http.py:make_http_servers: /RPC2 to the XML-RPC handler,
// /logtail/NAME[/CHANNEL] and /mainlogtail to a log follower, everything
// else to a web handler the caller mounts (404 like medusa without one).
//
// It owns the listeners, their socket files and the connections. It does
// not know any RPC method (internal/rpc does), does not render the web UI
// (the web package does) and reads log files only to stream them.
package httpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/user"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// Options is what the servers need from the daemon.
type Options struct {
	// RPC answers POSTs to /RPC2. Required.
	RPC *rpc.Handler
	// Backend gives the log files /logtail and /mainlogtail stream.
	// Required.
	Backend rpc.Backend
	// Web serves every other URL (the status page, tail.html, static
	// files), after authentication. Nil: medusa's answers for an unknown
	// URL (404, or 400 for a method other than GET and HEAD).
	Web http.Handler
	// Log receives main-log lines (CRIT for a server without auth, TRAC
	// access lines, ERRO server errors). May be nil.
	Log rpc.Logger
	// Stderr receives what Supervisor writes to stderr ("Unlinking stale
	// socket ..."). Nil: os.Stderr.
	Stderr io.Writer
	// Limits; zero values take the defaults below.
	Limits Limits
}

// Limits bound what one client can cost.
type Limits struct {
	MaxBodyBytes      int64         // XML-RPC request body (default 32 MiB)
	MaxHeaderBytes    int           // request line and headers (default 64 KiB)
	ReadHeaderTimeout time.Duration // to send the request headers (default 30 s)
	ReadBodyTimeout   time.Duration // to send an XML-RPC body once the headers are in (default 60 s)
	WriteTimeout      time.Duration // for each write of an answer or a tail chunk (default 60 s)
	IdleTimeout       time.Duration // keep-alive connection with no request (default 30 min, medusa's zombie timeout)
}

func (l Limits) withDefaults() Limits {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = 32 << 20
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = 64 << 10
	}
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = 30 * time.Second
	}
	if l.ReadBodyTimeout <= 0 {
		l.ReadBodyTimeout = 60 * time.Second
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = 60 * time.Second
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = 30 * time.Minute
	}
	return l
}

// Error is a failure to open a server, with Supervisor's text. supervisord
// prints it as a usage error: "Error: <text>", then "For help, use ...",
// exit status 2.
type Error struct {
	Text string
	Err  error // the system error, when there is one
}

func (e *Error) Error() string { return e.Text }
func (e *Error) Unwrap() error { return e.Err }

// addrInUse is Supervisor's text for EADDRINUSE, from any server.
const addrInUse = "Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord."

// bindError turns a socket error into Supervisor's usage text.
func bindError(err error) *Error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		if errno == syscall.EADDRINUSE {
			return &Error{Text: addrInUse, Err: err}
		}
		help := "Cannot open an HTTP server: socket.error reported"
		if name, ok := errnoNames[int(errno)]; ok {
			return &Error{Text: fmt.Sprintf("%s errno.%s (%d)", help, name, int(errno)), Err: err}
		}
		return &Error{Text: fmt.Sprintf("%s %d", help, int(errno)), Err: err}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		// socket.gaierror's first argument is the EAI code, which
		// errno.errorcode does not know.
		code := -2 // EAI_NONAME
		if dns.IsTemporary {
			code = -3 // EAI_AGAIN
		}
		return &Error{Text: fmt.Sprintf("Cannot open an HTTP server: socket.error reported %d", code), Err: err}
	}
	return &Error{Text: "Cannot open an HTTP server: socket.error reported " + err.Error(), Err: err}
}

// Server is one open listener.
type Server struct {
	Config   config.ServerConfig
	listener net.Listener
	http     *http.Server
	// socketIno identifies the socket file we linked, so Close removes
	// only our own.
	socketIno uint64
	handler   *handler
}

// Addr is the listener's address (a TCP port chosen by the system shows
// here when the config said port 0, which only tests do).
func (s *Server) Addr() net.Addr { return s.listener.Addr() }

// Group is the set of servers of a config, opened together.
type Group struct {
	Servers []*Server
	opts    Options
	wg      sync.WaitGroup
	closeMu sync.Mutex
	closed  bool
}

// Open binds every configured server in order, as make_http_servers does,
// and logs for each one the INFO "RPC interface 'x' initialized" lines and
// the CRIT line of a server without authentication (plus our WARN for an
// unauthenticated inet server reachable from other hosts). On any error it
// closes what it opened and returns an *Error with Supervisor's text.
// Serve starts answering.
func Open(cfgs []config.ServerConfig, opts Options) (*Group, error) {
	if opts.RPC == nil || opts.Backend == nil {
		return nil, errors.New("httpserver: Options.RPC and Options.Backend are required")
	}
	if opts.Log == nil {
		opts.Log = rpc.LoggerFunc(func(config.LogLevel, string) {})
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	opts.Limits = opts.Limits.withDefaults()
	g := &Group{opts: opts}
	for _, cfg := range cfgs {
		s, err := g.open(cfg)
		if err != nil {
			g.Close()
			return nil, err
		}
		g.Servers = append(g.Servers, s)
		for _, ns := range opts.RPC.Namespaces() {
			opts.Log.Log(config.LevelInfo, fmt.Sprintf("RPC interface %s initialized", xmlrpc.ReprString(ns)))
		}
		if cfg.Username == "" {
			opts.Log.Log(config.LevelCritical, fmt.Sprintf("Server %s running without any HTTP authentication checking", xmlrpc.ReprString(cfg.Section)))
			if !cfg.Unix && !isLoopback(cfg.Host) {
				opts.Log.Log(config.LevelWarn, fmt.Sprintf(
					"Server %s listens on %s without authentication: anyone who can reach this port can control supervisord and run commands; set username and password or bind to 127.0.0.1",
					xmlrpc.ReprString(cfg.Section), s.listener.Addr()))
			}
		}
	}
	return g, nil
}

// isLoopback reports whether an inet server's host only accepts local
// connections.
func isLoopback(host string) bool {
	if host == "" {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (g *Group) open(cfg config.ServerConfig) (*Server, error) {
	s := &Server{Config: cfg}
	var err error
	if cfg.Unix {
		s.listener, s.socketIno, err = listenUnix(cfg, g.opts.Stderr)
	} else {
		s.listener, err = listenInet(cfg)
	}
	if err != nil {
		return nil, err
	}
	lim := g.opts.Limits
	s.handler = newHandler(cfg, g.opts)
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
		// Go's own complaints (bad requests, TLS handshakes on a plain
		// port) are not Supervisor's log lines.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	ip, port := cfg.Host, strconv.Itoa(cfg.Port)
	hostname := ip
	if cfg.Unix {
		ip, port, hostname = cfg.File, cfg.File, "<unix domain socket>"
	}
	g.opts.Log.Log(config.LevelTrace, fmt.Sprintf("%s:Medusa (V1.12) started at %s\n\tHostname: %s\n\tPort:%s",
		ip, time.Now().Format("Mon Jan _2 15:04:05 2006"), hostname, port))
	return s, nil
}

// listenInet binds host:port on IPv4, as Supervisor's AF_INET socket does.
func listenInet(cfg config.ServerConfig) (net.Listener, error) {
	lc := net.ListenConfig{}
	l, err := lc.Listen(context.Background(), "tcp4", net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return nil, bindError(err)
	}
	return l, nil
}

// listenUnix is supervisor_af_unix_http_server: bind a temporary name
// <file>.<pid>, chmod it, hard-link it to <file>; if the link fails, the
// existing socket is either answered by someone (EADDRINUSE: another
// supervisord) or stale (unlinked, "Unlinking stale socket" on stderr, and
// retried); then chown. The temporary name is always removed.
func listenUnix(cfg config.ServerConfig, stderr io.Writer) (net.Listener, uint64, error) {
	socketname := cfg.File
	if len(socketname) >= 108 {
		return nil, 0, &Error{Text: "Cannot open an HTTP server: socket.error reported AF_UNIX path too long"}
	}
	tempname := fmt.Sprintf("%s.%d", socketname, os.Getpid())
	_ = os.Remove(tempname)
	chmod := cfg.Chmod
	// A stale file is removed and the link retried; Supervisor retries
	// forever, we give up after a few rounds (a file we cannot remove).
	for attempt := 0; ; attempt++ {
		l, err := net.Listen("unix", tempname)
		if err != nil {
			return nil, 0, bindError(err)
		}
		ul := l.(*net.UnixListener)
		ul.SetUnlinkOnClose(false)
		if err := syscall.Chmod(tempname, uint32(chmod)); err != nil {
			l.Close()
			_ = os.Remove(tempname)
			return nil, 0, bindError(err)
		}
		if err := os.Link(tempname, socketname); err != nil {
			_ = os.Remove(tempname)
			l.Close()
			if checkUsed(socketname) {
				return nil, 0, &Error{Text: addrInUse, Err: syscall.EADDRINUSE}
			}
			if attempt >= 5 {
				return nil, 0, bindError(err)
			}
			fmt.Fprintf(stderr, "Unlinking stale socket %s\n", socketname)
			_ = os.Remove(socketname)
			continue
		}
		_ = os.Remove(tempname)
		if cfg.ChownUID != -1 || cfg.ChownGID != -1 {
			if err := os.Chown(socketname, cfg.ChownUID, cfg.ChownGID); err != nil {
				l.Close()
				_ = os.Remove(socketname)
				if errors.Is(err, syscall.EPERM) {
					return nil, 0, &Error{Text: fmt.Sprintf(
						"Not permitted to chown %s to uid/gid %s; adjust \"sockchown\" value in config file or on command line to values that the current user (%s) can successfully chown",
						socketname, fmt.Sprintf("(%d, %d)", cfg.ChownUID, cfg.ChownGID), currentUser()), Err: err}
				}
				return nil, 0, bindError(err)
			}
		}
		var ino uint64
		if fi, err := os.Lstat(socketname); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				ino = st.Ino
			}
		}
		return l, ino, nil
	}
}

func currentUser() string {
	if u, err := user.LookupId(strconv.Itoa(os.Geteuid())); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Geteuid())
}

// checkUsed is checkused: something answers on the socket. Supervisor
// connects, sends a GET and reads one byte with no timeout; any server
// that accepts the connection counts as alive, so we wait a few seconds at
// most for the byte.
func checkUsed(socketname string) bool {
	c, err := net.DialTimeout("unix", socketname, 5*time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.0\r\n\r\n"); err != nil {
		return false
	}
	var b [1]byte
	if _, err := c.Read(b[:]); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return true
		}
		return errors.Is(err, io.EOF)
	}
	return true
}

// Serve starts answering on every server, each in its own goroutine.
func (g *Group) Serve() {
	for _, s := range g.Servers {
		s := s
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			_ = s.http.Serve(s.listener)
		}()
	}
}

// Close stops the servers: the listeners and every open connection (log
// tails included) are closed, as Supervisor closes its channels on
// shutdown and reload, and the unix socket files we created are removed.
// It is safe to call more than once.
func (g *Group) Close() error {
	g.closeMu.Lock()
	defer g.closeMu.Unlock()
	if g.closed {
		return nil
	}
	g.closed = true
	var first error
	for _, s := range g.Servers {
		if s.http != nil {
			if err := s.http.Close(); err != nil && first == nil {
				first = err
			}
		}
		_ = s.listener.Close()
		if s.Config.Unix {
			removeOwnSocket(s.Config.File, s.socketIno)
		}
	}
	g.wg.Wait()
	return first
}

// removeOwnSocket unlinks the socket file if it is still the one we made
// (another supervisord may have replaced a file we lost).
func removeOwnSocket(path string, ino uint64) {
	fi, err := os.Lstat(path)
	if err != nil {
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && ino != 0 && st.Ino != ino {
		return
	}
	_ = os.Remove(path)
}

// Handler returns the http.Handler of one server config (auth, routing)
// without a listener, for tests and for embedding.
func Handler(cfg config.ServerConfig, opts Options) http.Handler {
	if opts.Log == nil {
		opts.Log = rpc.LoggerFunc(func(config.LogLevel, string) {})
	}
	opts.Limits = opts.Limits.withDefaults()
	return newHandler(cfg, opts)
}
