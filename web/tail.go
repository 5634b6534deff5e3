package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/logfile"
)

type tailPage struct {
	Title      string
	Body       string
	HasRefresh bool
	Refresh    string
	Namespec   string
	Follow     string // the live log URL, "" without a process
}

// serveTail is TailView: the last max(limit, 1024) bytes of a process's
// stdout log, as readProcessStdoutLog reads them.
func (h *Handler) serveTail(w http.ResponseWriter, f form) {
	page := tailPage{Title: "Supervisor tail of process None", Body: "No process name found"}
	if name, ok := f.get("processname"); ok {
		limitText, hasLimit := f.get("limit")
		limit, ok := tailLimit(limitText, hasLimit)
		if !ok {
			h.internalError(w, "ValueError", fmt.Sprintf("invalid literal for int() with base 10: %s", pyRepr(limitText)))
			return
		}
		page.Title = "Supervisor tail of process " + name
		page.Body = h.readTail(name, limit)
		page.HasRefresh = true
		page.Namespec = name
		page.Refresh = "tail.html?processname=" + pyQuote(name) + "&limit=" + strconv.FormatInt(limit, 10)
		if _, _, isProcess := config.SplitNamespec(name); isProcess {
			page.Follow = "logtail/" + pyQuote(name)
		}
	}
	var buf bytes.Buffer
	if err := h.prepare(); err != nil {
		h.internalError(w, "RuntimeError", err.Error())
		return
	}
	if err := h.tail.Execute(&buf, page); err != nil {
		h.internalError(w, "RuntimeError", err.Error())
		return
	}
	writePage(w, buf.Bytes())
}

// readTail is readProcessStdoutLog(name, -limit, 0) with TailView's texts
// for its faults.
func (h *Handler) readTail(name string, limit int64) string {
	text, err := h.readStdout(name, limit)
	if err == nil {
		return text
	}
	if faults.CodeOf(err) == faults.NoFile {
		return "No file for " + name
	}
	return unexpectedFaultText(err)
}

func unexpectedFaultText(err error) string {
	return "ERROR: " + unexpectedFault(err)
}

func (h *Handler) readStdout(name string, limit int64) (string, error) {
	if err := h.b.Mood(); err != nil {
		return "", err
	}
	if _, _, ok := config.SplitNamespec(name); !ok {
		return "", faults.New(faults.BadName, name)
	}
	path, err := h.b.ProcessLogfile(name, "stdout")
	if err != nil {
		return "", err
	}
	return logfile.ReadText(path, "", -limit, 0)
}

// pyRepr is repr() of a str, near enough for a log line.
func pyRepr(s string) string { return "'" + s + "'" }
