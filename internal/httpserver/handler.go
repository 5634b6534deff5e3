package httpserver

import (
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/logfile"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// serverHeader is medusa's Server header. Some monitoring scripts look at
// it to tell supervisord apart; we keep it.
const serverHeader = "Medusa/1.12"

// medusaReasons is http_request.responses for the codes we send.
var medusaReasons = map[int]string{
	301: "Moved Permanently", 304: "Not Modified",
	400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
	411: "Length Required", 413: "Request Entity Too Large", 414: "Request-URI Too Large",
	500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
}

// ErrorBody is medusa's DEFAULT_ERROR_MESSAGE for a status code, the body
// of every error answer (and of the web UI's redirects).
func ErrorBody(code int) string {
	reason := medusaReasons[code]
	if reason == "" {
		reason = http.StatusText(code)
	}
	return fmt.Sprintf("<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code %d.\r\n<p>Message: %s.\r\n</body>\r\n", code, reason)
}

// WriteError sends medusa's error answer: text/html with ErrorBody.
func WriteError(w http.ResponseWriter, code int) {
	body := ErrorBody(code)
	h := w.Header()
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Content-Type", "text/html")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

type serverKey struct{}

// ServerOf is the config of the server a request handed to Options.Web
// arrived on. The web UI needs it where medusa uses the server's own
// name and port (a request without a Host header).
func ServerOf(r *http.Request) (config.ServerConfig, bool) {
	cfg, ok := r.Context().Value(serverKey{}).(config.ServerConfig)
	return cfg, ok
}

type handler struct {
	cfg  config.ServerConfig
	opts Options
	// logPrefix is what medusa puts before its own log lines: the
	// server's ip (the socket path for a unix server).
	logPrefix string
	tails     *watcher
}

func newHandler(cfg config.ServerConfig, opts Options) *handler {
	prefix := cfg.Host
	if cfg.Unix {
		prefix = cfg.File
	}
	return &handler{cfg: cfg, opts: opts, logPrefix: prefix, tails: sharedWatcher()}
}

// recorder notes what was answered, for the access log line.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", serverHeader)
	rec := &recorder{ResponseWriter: w}
	defer h.accessLog(r, rec)
	if h.cfg.Username != "" && !h.authorized(rec, r) {
		return
	}
	uri := medusaURI(r.RequestURI)
	switch {
	case strings.HasPrefix(uri, "/RPC2"):
		h.serveRPC(rec, r)
	case strings.HasPrefix(uri, "/logtail"):
		h.serveLogtail(rec, r, uri)
	case strings.HasPrefix(uri, "/mainlogtail"):
		h.serveMainlogtail(rec, r)
	case h.opts.Web != nil:
		h.opts.Web.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), serverKey{}, h.cfg)))
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		WriteError(rec, 400) // medusa's default handler knows only GET and HEAD
	default:
		WriteError(rec, 404)
	}
}

// accessLog is medusa's request log line, which Supervisor logs at TRAC
// (at ERRO when the line happens to contain "error").
func (h *handler) accessLog(r *http.Request, rec *recorder) {
	if e, ok := h.opts.Log.(interface{ Enabled(config.LogLevel) bool }); ok && !e.Enabled(config.LevelTrace) {
		// Only a line holding "error" (in its URI, say) would be logged,
		// at ERRO; the other parts are punctuation, digits and the date.
		if !strings.Contains(strings.ToLower(r.RemoteAddr+" "+r.Method+" "+r.RequestURI+" "+r.Proto), "error") {
			return
		}
	}
	host, port := "localhost", "0"
	if !h.cfg.Unix {
		if hst, p, err := net.SplitHostPort(r.RemoteAddr); err == nil {
			host, port = hst, p
		}
	}
	status := rec.status
	if status == 0 {
		status = 200
	}
	now := time.Now()
	line := fmt.Sprintf("%s:%s - - [%s] \"%s %s %s\" %d %d", host, port, logDate(now), r.Method, r.RequestURI, r.Proto, status, rec.bytes)
	level := config.LevelTrace
	if strings.Contains(strings.ToLower(line), "error") {
		level = config.LevelError
	}
	h.opts.Log.Log(level, line)
}

// logDate is medusa's log_date_string: the UTC time followed by the local
// standard-time offset (a medusa quirk kept for fidelity).
func logDate(t time.Time) string {
	_, jan := time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.Local).Zone()
	_, jul := time.Date(t.Year(), 7, 1, 0, 0, 0, 0, time.Local).Zone()
	off := min(jan, jul)
	sign := "+"
	if off < 0 {
		sign = "-"
		off = -off
	}
	return t.UTC().Format("02/Jan/2006:15:04:05 ") + fmt.Sprintf("%s%02d%02d", sign, off/3600, off/60%60)
}

// serverError is medusa's answer to an exception in a handler: an ERRO
// "Server Error" line and a 500.
func (h *handler) serverError(w http.ResponseWriter, class, msg string) {
	h.opts.Log.Log(config.LevelError, fmt.Sprintf("%s:Server Error: <class '%s'>, %s", h.logPrefix, class, msg))
	WriteError(w, 500)
}

// authorized is supervisor_auth_handler.handle_request. It writes the
// answer itself when the request is not let through.
func (h *handler) authorized(w http.ResponseWriter, r *http.Request) bool {
	// medusa matches "Authorization: ([^ ]+) (.*)" against each header
	// line and takes the first that matches.
	var scheme, cookie string
	found := false
	for _, v := range r.Header.Values("Authorization") {
		if i := strings.IndexByte(v, ' '); i > 0 {
			scheme, cookie, found = v[:i], v[i+1:], true
			break
		}
	}
	if !found {
		return h.unauthorized(w)
	}
	if !strings.EqualFold(scheme, "basic") {
		fmt.Fprintf(h.opts.Stderr, "unknown/unsupported auth method: %s\n", strings.ToLower(scheme))
		return h.unauthorized(w)
	}
	decoded, err := xmlrpc.DecodeBytes([]byte(cookie))
	if err != nil || !utf8.Valid(decoded) {
		fmt.Fprintf(h.opts.Stderr, "malformed authorization info <%s>\n", cookie)
		WriteError(w, 400)
		return false
	}
	user, pass, ok := strings.Cut(string(decoded), ":")
	if !ok {
		h.serverError(w, "ValueError", "not enough values to unpack (expected 2, got 1)")
		return false
	}
	if !checkPassword(h.cfg.Username, h.cfg.Password, user, pass) {
		return h.unauthorized(w)
	}
	return true
}

// checkPassword is encrypted_dictionary_authorizer.authorize, in constant
// time: a stored "{SHA}<hex>" is compared with the lower-case hex SHA-1 of
// the given password, anything else with the password itself.
func checkPassword(wantUser, stored, user, pass string) bool {
	userOK := subtle.ConstantTimeCompare([]byte(wantUser), []byte(user)) == 1
	var passOK bool
	if strings.HasPrefix(stored, "{SHA}") {
		sum := sha1.Sum([]byte(pass))
		passOK = subtle.ConstantTimeCompare([]byte(stored[5:]), []byte(hex.EncodeToString(sum[:]))) == 1
	} else {
		passOK = subtle.ConstantTimeCompare([]byte(stored), []byte(pass)) == 1
	}
	return userOK && passOK
}

func (h *handler) unauthorized(w http.ResponseWriter) bool {
	w.Header().Set("Connection", "close")
	w.Header().Set("WWW-Authenticate", `Basic realm="default"`)
	WriteError(w, 401)
	return false
}

// serveRPC is xmlrpc_handler.handle_request and its collector: POST only
// (400), a Content-Length (411), then the body to the RPC handler. Faults
// are HTTP 200.
func (h *handler) serveRPC(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		WriteError(w, 400)
		return
	}
	if r.Header.Get("Content-Length") == "" {
		WriteError(w, 411)
		return
	}
	lim := h.opts.Limits
	rc := http.NewResponseController(w)
	// The deadlines belong to this request, not to the persistent
	// connection it came on.
	defer func() {
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
	}()
	_ = rc.SetReadDeadline(time.Now().Add(lim.ReadBodyTimeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, lim.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			WriteError(w, 413)
		}
		return // a client that stopped sending gets nothing
	}
	_ = rc.SetReadDeadline(time.Time{})
	status, answer := h.opts.RPC.Serve(r.Context(), body)
	_ = rc.SetWriteDeadline(time.Now().Add(lim.WriteTimeout))
	if status != 200 {
		WriteError(w, status)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(200)
	_, _ = w.Write(answer)
	h.opts.RPC.Recycle(answer) // Write has copied it out
}

// medusaURI is the request URI as medusa matches handlers against it: the
// path percent-decoded when it holds a '%', the query (after the last '?')
// kept as sent.
func medusaURI(requestURI string) string {
	rpath, rquery := requestURI, ""
	if i := strings.LastIndexByte(requestURI, '?'); i >= 0 {
		rpath, rquery = requestURI[:i], requestURI[i+1:]
	}
	if !strings.Contains(rpath, "%") {
		return requestURI
	}
	if rquery != "" {
		return PyUnquote(rpath) + "?" + rquery
	}
	return PyUnquote(rpath)
}

// PyUnquote is urllib.parse.unquote: %XX escapes decoded, the bytes read as
// UTF-8 with replacement, malformed escapes kept as they are.
func PyUnquote(s string) string {
	if !strings.Contains(s, "%") {
		return logfile.Text([]byte(s))
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return logfile.Text(out)
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// splitURI is http_request.split_uri's path: up to the first ';', '?' or
// '#'.
func splitURIPath(uri string) string {
	if i := strings.IndexAny(uri, ";?#"); i >= 0 {
		return uri[:i]
	}
	return uri
}
