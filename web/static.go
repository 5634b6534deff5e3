package web

import (
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/httpserver"
)

// contentTypes is Python's mimetypes.guess_type for the files we serve;
// medusa sends text/plain for anything it cannot guess.
var contentTypes = map[string]string{
	".css":  "text/css",
	".png":  "image/png",
	".gif":  "image/gif",
	".svg":  "image/svg+xml",
	".js":   "text/javascript",
	".html": "text/html",
}

// ifModifiedSince is medusa's IF_MODIFIED_SINCE: a date and an optional
// "; length=N".
var ifModifiedSince = regexp.MustCompile(`(?i)^([^;]+)((; length=([0-9]+)$)|$)`)

// serveStatic is medusa's default_handler over Supervisor's ui directory:
// GET and HEAD only (400 otherwise), a directory without its trailing
// slash redirected, a directory with one (no index.html in any) and an
// unknown file 404, a file with Last-Modified and If-Modified-Since.
func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request, rawPath string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		httpserver.WriteError(w, 400)
		return
	}
	p := rawPath
	if strings.Contains(p, "%") {
		p = httpserver.PyUnquote(p)
	}
	p = trimSlashes(p)
	// The reference serves its page templates as files here (a HEAD of
	// the page, a GET of status.html); we serve the rendered page.
	if p == "status.html" || p == "tail.html" || p == "index.html" && r.Method == http.MethodHead {
		if p == "index.html" {
			httpserver.WriteError(w, 404) // no index.html file in ui/
			return
		}
		if p == "tail.html" {
			h.serveTail(w, form{})
			return
		}
		body, err := h.renderStatus(false, "")
		if err != nil {
			h.internalError(w, "RuntimeError", err.Error())
			return
		}
		writePage(w, body)
		return
	}
	if h.isDir(p) {
		if p != "" && !strings.HasSuffix(p, "/") {
			w.Header().Set("Location", "http://"+serverNameOnly(r)+"/"+p+"/")
			httpserver.WriteError(w, 301)
			return
		}
		httpserver.WriteError(w, 404) // no index.html or default.html
		return
	}
	clean := path.Clean(p)
	if clean != p || strings.HasPrefix(clean, "../") || clean == ".." {
		httpserver.WriteError(w, 404)
		return
	}
	fi, err := fs.Stat(h.static, p)
	if err != nil || fi.IsDir() {
		httpserver.WriteError(w, 404)
		return
	}
	if m := ifModifiedSince.FindStringSubmatch(r.Header.Get("If-Modified-Since")); m != nil {
		lengthMatch := true
		if m[4] != "" {
			if n, err := strconv.ParseInt(m[4], 10, 64); err == nil && n != fi.Size() {
				lengthMatch = false
			}
		}
		if t, err := http.ParseTime(strings.TrimSpace(m[1])); err == nil && lengthMatch && !h.modTime.After(t) {
			w.WriteHeader(304)
			return
		}
	}
	data, err := fs.ReadFile(h.static, p)
	if err != nil {
		httpserver.WriteError(w, 404)
		return
	}
	hd := w.Header()
	hd.Set("Last-Modified", h.modTime.Format(http.TimeFormat))
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	ct := contentTypes[path.Ext(p)]
	if ct == "" {
		ct = "text/plain"
	}
	hd.Set("Content-Type", ct)
	w.WriteHeader(200)
	if r.Method == http.MethodGet {
		w.Write(data)
	}
}

// isDir reports whether p (with or without a trailing slash) names a
// directory of the static tree; "" is the tree itself.
func (h *Handler) isDir(p string) bool {
	if p == "" {
		return true
	}
	d := strings.TrimSuffix(p, "/")
	if d == "" || path.Clean(d) != d || strings.HasPrefix(d, "..") {
		return false
	}
	fi, err := fs.Stat(h.static, d)
	return err == nil && fi.IsDir()
}
