//go:generate go run gen_images.go

// Package web is supervisord's web interface: Supervisor's status page
// (index.html with its action URLs, tail.html, ok.html and the static files
// under stylesheets/ and images/), answering every URL and query string
// exactly as Supervisor 4.2.5's web.py and medusa's default handler do, so
// curl scripts and scrapers keep working; and, on top of it, a live page
// (grouped processes, filter, log viewer) driven by a small JSON API under
// /api/, which is not a Supervisor URL.
//
// It owns the templates and assets (embedded at build time) and nothing
// else: every fact about processes comes from, and every action goes
// through, an rpc.Backend. It does not authenticate (internal/httpserver
// does that before calling it, for every URL) and does not stream logs
// (the /logtail URLs belong to internal/httpserver; the page reads them).
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/httpserver"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// maxFormBytes bounds a POSTed form. Supervisor reads any size; a form
// holds a few short fields.
const maxFormBytes = 1 << 20

// Options is what the web interface needs from the daemon.
type Options struct {
	// Backend answers every question and carries out every action.
	// Required.
	Backend rpc.Backend
	// Log receives the ERRO line of a request the interface cannot
	// answer ("Web interface error:..."). May be nil.
	Log rpc.Logger
	// Now is the clock for the messages' times ("Page refreshed at ...")
	// and the copyright year; nil means time.Now.
	Now func() time.Time
}

// Handler serves the web interface. Mount it as httpserver.Options.Web.
type Handler struct {
	b       rpc.Backend
	log     rpc.Logger
	now     func() time.Time
	static  fs.FS
	modTime time.Time // Last-Modified of every static file

	// The templates and the asset tag are prepared on the first request
	// that needs them, not at startup: a daemon whose page is never
	// opened does not pay for them in memory.
	once     sync.Once
	status   *template.Template
	tail     *template.Template
	assetTag string // changes with the assets; busts browser caches
	prepErr  error
}

// New returns the web interface's handler.
func New(opts Options) (*Handler, error) {
	if opts.Backend == nil {
		return nil, fmt.Errorf("web: Options.Backend is required")
	}
	h := &Handler{b: opts.Backend, log: opts.Log, now: opts.Now}
	if h.log == nil {
		h.log = rpc.LoggerFunc(func(config.LogLevel, string) {})
	}
	if h.now == nil {
		h.now = time.Now
	}
	var err error
	h.static, err = fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	h.modTime = buildTime()
	return h, nil
}

// prepare parses the templates and hashes the assets, once.
func (h *Handler) prepare() error {
	h.once.Do(func() {
		funcs := template.FuncMap{"asset": h.asset}
		h.status, h.prepErr = template.New("status.html").Funcs(funcs).ParseFS(templateFS, "templates/status.html")
		if h.prepErr != nil {
			return
		}
		h.tail, h.prepErr = template.New("tail.html").Funcs(funcs).ParseFS(templateFS, "templates/tail.html")
		h.assetTag = assetTag(h.static)
	})
	return h.prepErr
}

// buildTime is the Last-Modified of the embedded files: the executable's
// modification time (it changes when the files can), or now.
func buildTime() time.Time {
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			return fi.ModTime().UTC().Truncate(time.Second)
		}
	}
	return time.Now().UTC().Truncate(time.Second)
}

// assetTag is a short hash of the static files, added as ?v= to the
// page's own asset links so a browser never mixes an old script with a new
// page. The static handler ignores query strings, as medusa's does.
func assetTag(fsys fs.FS) string {
	sum := sha256.New()
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, _ := fs.ReadFile(fsys, p)
		io.WriteString(sum, p)
		sum.Write(data)
		return nil
	})
	return hex.EncodeToString(sum.Sum(nil))[:10]
}

func (h *Handler) asset(path string) string { return path + "?v=" + h.assetTag }

// views are web.py's VIEWS: the pages answered for GET and POST.
var views = map[string]bool{"index.html": true, "tail.html": true, "ok.html": true}

// ServeHTTP routes as medusa does after /RPC2 and the log tails: the
// views for GET and POST when the undecoded path names one, our /api/
// URLs, and everything else as a static file.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		// No input may take the daemon down; a bug answers 500 and
		// says so in the log.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			h.log.Log(config.LevelError, fmt.Sprintf("Web interface error:panic: %v", v))
			httpserver.WriteError(w, 500)
		}
	}()
	path, params, query, _ := splitURI(r.RequestURI)
	name := trimSlashes(path)
	if strings.HasPrefix(name, "api/") {
		h.serveAPI(w, r, name)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodPost {
		view := name
		if view == "" {
			view = "index.html"
		}
		if views[view] {
			h.serveView(w, r, name, params, query)
			return
		}
	}
	h.serveStatic(w, r, path)
}

// serveView is supervisor_ui_handler.continue_request: read a POST's
// body, build the form, pick the view by the form's PATH_INFO.
func (h *Handler) serveView(w http.ResponseWriter, r *http.Request, name, params, query string) {
	var body string
	if r.Method == http.MethodPost {
		// medusa's collector: a Content-Length is required.
		if r.Header.Get("Content-Length") == "" {
			httpserver.WriteError(w, 411)
			return
		}
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(60 * time.Second))
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
		if err != nil {
			if _, tooBig := err.(*http.MaxBytesError); tooBig {
				httpserver.WriteError(w, 413)
			}
			return
		}
		_ = rc.SetReadDeadline(time.Time{})
		if !utf8.Valid(data) {
			// medusa fails to decode it and drops the connection.
			httpserver.WriteError(w, 400)
			return
		}
		body = string(data)
	}
	// cgi_environment's PATH_INFO: path and params, percent-decoded when
	// they hold a '%'.
	pathInfo := name + params
	if strings.Contains(pathInfo, "%") {
		pathInfo = httpserver.PyUnquote(pathInfo)
	}
	f := newForm("/"+trimSlashes(pathInfo), strings.TrimPrefix(query, "?"), body)
	view := trimSlashes(f["PATH_INFO"])
	if view == "" {
		view = "index.html"
	}
	switch view {
	case "index.html":
		h.serveStatus(w, r, f)
	case "tail.html":
		h.serveTail(w, f)
	case "ok.html":
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", "2")
		w.WriteHeader(200)
		io.WriteString(w, "OK")
	default:
		// Supervisor never answers such a request (a path with
		// ";params", or a PATH_INFO field naming no view): the client
		// waits forever. We say Not Found.
		httpserver.WriteError(w, 404)
	}
}

// noCache is what MeldView adds to every page it renders.
func noCache(hd http.Header) {
	hd.Set("Pragma", "no-cache")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
}

// writePage sends a rendered view.
func writePage(w http.ResponseWriter, body []byte) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html;charset=utf-8")
	noCache(hd)
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(200)
	w.Write(body)
}

// internalError is what Supervisor does when a view raises: an ERRO line
// with the traceback (we have only its last line) and medusa's 500.
func (h *Handler) internalError(w http.ResponseWriter, class, msg string) {
	h.log.Log(config.LevelError, fmt.Sprintf("Web interface error:Traceback (most recent call last):\n%s: %s", class, msg))
	httpserver.WriteError(w, 500)
}
