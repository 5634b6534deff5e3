package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/httpserver"
	"github.com/gosupervisor/gosupervisor/internal/process"
	"github.com/gosupervisor/gosupervisor/internal/version"
)

// ctime is Python's time.ctime(): "Sat Nov  1 09:08:05 2026", local time.
const ctime = "Mon Jan _2 15:04:05 2006"

// errUnknownAction is web.py's ValueError(action): an action it does not
// know for an existing process, or a process action without a process.
type errUnknownAction struct{ action string }

func (e errUnknownAction) Error() string { return e.action }

// serveStatus is StatusView: run the action, if any, and redirect to the
// page with its message; otherwise render the page.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request, f form) {
	if action, ok := f.get("action"); ok {
		namespec, _ := f.get("processname")
		msg, err := h.classicAction(r.Context(), namespec, action)
		if err != nil {
			var ua errUnknownAction
			if errors.As(err, &ua) {
				h.internalError(w, "ValueError", ua.action)
				return
			}
			return // the client went away while we waited
		}
		hd := w.Header()
		noCache(hd)
		hd.Set("Location", serverURL(r)+"/?message="+pyQuote(msg))
		httpserver.WriteError(w, 301)
		return
	}
	msg, hasMsg := f.get("message")
	body, err := h.renderStatus(hasMsg, msg)
	if err != nil {
		h.internalError(w, "RuntimeError", err.Error())
		return
	}
	writePage(w, body)
}

// classicAction is StatusView.make_callback and the callback it returns:
// the action carried out to the end (a start waits for RUNNING, as the
// reference's deferred callback does) and the message the page shows.
func (h *Handler) classicAction(ctx context.Context, namespec, action string) (string, error) {
	now := func() string { return h.now().Format(ctime) }
	switch action {
	case "refresh":
		return "Page refreshed at " + now(), nil
	case "stopall":
		// Supervisor ignores the call's fault too.
		h.b.StopAllProcesses(ctx, true)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "All stopped at " + now(), nil
	case "restartall":
		// system.multicall([stopAllProcesses, startAllProcesses]):
		// each call's fault is part of the result nobody reads. A
		// client that leaves half-way must not leave everything
		// stopped, so the restart runs to its end regardless.
		ctx = context.WithoutCancel(ctx)
		h.b.StopAllProcesses(ctx, true)
		h.b.StartAllProcesses(ctx, true)
		return "All restarted at " + now(), nil
	}
	if namespec == "" {
		return "", errUnknownAction{action}
	}
	if !h.exists(namespec) {
		return "No such process named " + namespec, nil
	}
	switch action {
	case "start":
		_, _, err := h.b.StartProcess(ctx, namespec, true)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if err != nil {
			return fmt.Sprintf("ERROR: Process %s: %s", namespec, startError(err)), nil
		}
		return "Process " + namespec + " started", nil
	case "stop":
		_, _, err := h.b.StopProcess(ctx, namespec, true)
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if err != nil {
			return unexpectedFault(err), nil
		}
		return "Process " + namespec + " stopped", nil
	case "restart":
		// As for restartall: once stopped, the process is started
		// even if the client has gone.
		ctx = context.WithoutCancel(ctx)
		h.b.StopProcess(ctx, namespec, true)
		h.b.StartProcess(ctx, namespec, true)
		return "Process " + namespec + " restarted", nil
	case "clearlog":
		if err := h.b.ClearProcessLogs(namespec); err != nil {
			return unexpectedFault(err), nil
		}
		return "Log for " + namespec + " cleared", nil
	}
	return "", errUnknownAction{action}
}

// exists is web.py's check of process_groups[group].processes[name]; it
// does not go through the RPC layer, so it answers during shutdown too.
func (h *Handler) exists(namespec string) bool {
	group, name, ok := config.SplitNamespec(namespec)
	if !ok {
		return false
	}
	for _, p := range h.b.AllProcessInfo() {
		if p.Group == group && p.Name == name {
			return true
		}
	}
	return false
}

// startError is the text web.py gives a startProcess fault.
func startError(err error) string {
	switch faults.CodeOf(err) {
	case faults.NoFile:
		return "no such file"
	case faults.NotExecutable:
		return "file not executable"
	case faults.AlreadyStarted:
		return "already started"
	case faults.SpawnError:
		return "spawn error"
	case faults.AbnormalTermination:
		return "abnormal termination"
	}
	return unexpectedFault(err)
}

// unexpectedFault is "unexpected rpc fault [code] faultString".
func unexpectedFault(err error) string {
	return fmt.Sprintf("unexpected rpc fault [%d] %s", int(faults.CodeOf(err)), err.Error())
}

// row is one process of the classic table.
type row struct {
	Shade       bool
	StateClass  string
	StateText   string
	Description string
	Namespec    string
	Group       string
	TailHref    string // tail.html?processname=<urllib.quote(namespec)>
	Actions     [5]*actionLink
}

type actionLink struct {
	Name   string
	Href   string
	Target string
}

type statusPage struct {
	Asset      func(string) string
	Build      string
	HasMessage bool
	Message    string
	Rows       []row
	Version    string
	Year       int
	Initial    template.JS
}

// stateClass is css_class_for_state.
func stateClass(s process.State) string {
	switch s {
	case process.Running:
		return "statusrunning"
	case process.Fatal, process.Backoff:
		return "statuserror"
	}
	return "statusnominal"
}

// classicActions is actions_for_process: five slots, nil for a hidden one.
func classicActions(s process.State, quoted string) [5]*actionLink {
	act := func(name, action string) *actionLink {
		return &actionLink{Name: name, Href: "index.html?processname=" + quoted + "&action=" + action}
	}
	tails := [2]*actionLink{
		{Name: "Tail -f Stdout", Href: "logtail/" + quoted, Target: "_blank"},
		{Name: "Tail -f Stderr", Href: "logtail/" + quoted + "/stderr", Target: "_blank"},
	}
	clear := act("Clear Log", "clearlog")
	switch s {
	case process.Running:
		return [5]*actionLink{act("Restart", "restart"), act("Stop", "stop"), clear, tails[0], tails[1]}
	case process.Stopped, process.Exited, process.Fatal:
		return [5]*actionLink{act("Start", "start"), nil, clear, tails[0], tails[1]}
	}
	return [5]*actionLink{nil, nil, clear, tails[0], tails[1]}
}

// renderStatus renders the page: the classic table (what scrapers read)
// and the data the live view starts from.
func (h *Handler) renderStatus(hasMsg bool, msg string) ([]byte, error) {
	infos := h.b.AllProcessInfo()
	page := statusPage{Build: version.Build, HasMessage: hasMsg, Message: msg, Version: version.Supervisor, Year: h.now().Year()}
	for i, p := range infos {
		ns := namespecOf(p.Group, p.Name)
		q := pyQuote(ns)
		page.Rows = append(page.Rows, row{
			Shade:       i%2 == 1,
			StateClass:  stateClass(process.State(p.State)),
			StateText:   strings.ToLower(p.StateName),
			Description: p.Description,
			Namespec:    ns,
			Group:       p.Group,
			TailHref:    "tail.html?processname=" + q,
			Actions:     classicActions(process.State(p.State), q),
		})
	}
	js, err := json.Marshal(h.snapshot(infos))
	if err != nil {
		return nil, err
	}
	page.Initial = template.JS(js) // json.Marshal escapes <, > and &
	var buf bytes.Buffer
	if err := h.prepare(); err != nil {
		return nil, err
	}
	if err := h.status.Execute(&buf, page); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// namespecOf is options.make_namespec.
func namespecOf(group, name string) string {
	if group == name {
		return name
	}
	return group + ":" + name
}
