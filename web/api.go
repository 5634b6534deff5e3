package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/rpc"
	"github.com/gosupervisor/gosupervisor/internal/version"
)

// The JSON API lives under /api/, a prefix Supervisor never answered (its
// default handler gives 404 there), behind the same authentication as every
// other URL:
//
//	GET  /api/status  the daemon and every process (Snapshot)
//	POST /api/action  {"action": "...", "name": "..."} → ActionResult
//
// POST /api/action accepts only Content-Type application/json, which a
// cross-site HTML form cannot send, so another site cannot make a logged-in
// browser act.

// Snapshot is GET /api/status.
type Snapshot struct {
	Identification string    `json:"identification"`
	Hostname       string    `json:"hostname"`
	Version        string    `json:"version"` // the Supervisor version we match
	Build          string    `json:"build"`   // gosupervisor's own
	PID            int       `json:"pid"`
	State          string    `json:"state"`
	Now            int64     `json:"now"` // the daemon's clock, unix seconds
	Processes      []ProcRow `json:"processes"`
}

// ProcRow is one process, getProcessInfo's facts plus what the page needs.
type ProcRow struct {
	Namespec    string `json:"namespec"`
	Group       string `json:"group"`
	Name        string `json:"name"`
	State       int    `json:"state"`
	StateName   string `json:"statename"`
	Description string `json:"description"`
	PID         int    `json:"pid"`
	Start       int64  `json:"start"`
	Stop        int64  `json:"stop"`
	ExitStatus  int    `json:"exitstatus"`
	SpawnErr    string `json:"spawnerr"`
	Stdout      bool   `json:"stdout"` // has a stdout log
	Stderr      bool   `json:"stderr"` // has a stderr log
}

// ActionResult is POST /api/action's answer.
type ActionResult struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

func (h *Handler) snapshot(infos []rpc.ProcessInfo) Snapshot {
	_, state := h.b.State()
	host, _ := os.Hostname()
	s := Snapshot{
		Identification: h.b.Identification(),
		Hostname:       host,
		Version:        version.Supervisor,
		Build:          version.Build,
		PID:            h.b.PID(),
		State:          state,
		Now:            h.now().Unix(),
		Processes:      make([]ProcRow, 0, len(infos)),
	}
	for _, p := range infos {
		s.Processes = append(s.Processes, ProcRow{
			Namespec:    namespecOf(p.Group, p.Name),
			Group:       p.Group,
			Name:        p.Name,
			State:       p.State,
			StateName:   p.StateName,
			Description: p.Description,
			PID:         p.PID,
			Start:       p.Start,
			Stop:        p.Stop,
			ExitStatus:  p.ExitStatus,
			SpawnErr:    p.SpawnErr,
			Stdout:      p.StdoutLogfile != "",
			Stderr:      p.StderrLogfile != "",
		})
	}
	return s
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		code, data = 500, []byte(`{"ok":false,"message":"cannot encode the answer"}`)
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(data)
}

func (h *Handler) serveAPI(w http.ResponseWriter, r *http.Request, name string) {
	switch strings.TrimSuffix(name, "/") {
	case "api/status":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, 405, ActionResult{Message: "use GET"})
			return
		}
		writeJSON(w, 200, h.snapshot(h.b.AllProcessInfo()))
	case "api/action":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeJSON(w, 405, ActionResult{Message: "use POST"})
			return
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			writeJSON(w, 415, ActionResult{Message: "send application/json"})
			return
		}
		var req struct {
			Action string `json:"action"`
			Name   string `json:"name"`
		}
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			writeJSON(w, 413, ActionResult{Message: "request too large"})
			return
		}
		if err := json.Unmarshal(data, &req); err != nil {
			writeJSON(w, 400, ActionResult{Message: "bad request: " + err.Error()})
			return
		}
		res, known := h.apiAction(r.Context(), req.Action, req.Name)
		if !known {
			writeJSON(w, 400, ActionResult{Message: "unknown action " + req.Action})
			return
		}
		if r.Context().Err() != nil {
			return
		}
		writeJSON(w, 200, res)
	default:
		writeJSON(w, 404, ActionResult{Message: "no such API"})
	}
}

// apiAction carries out an action of the live page. Process and "all"
// actions give the classic page's messages; group actions are ours.
func (h *Handler) apiAction(ctx context.Context, action, name string) (ActionResult, bool) {
	switch action {
	case "start", "stop", "restart", "clearlog":
		if name == "" {
			return ActionResult{Message: "no process name"}, true
		}
		msg, err := h.classicAction(ctx, name, action)
		if err != nil {
			return ActionResult{Message: err.Error()}, true
		}
		ok := !strings.HasPrefix(msg, "ERROR") && !strings.HasPrefix(msg, "unexpected") && !strings.HasPrefix(msg, "No such")
		return ActionResult{OK: ok, Message: msg}, true
	case "refresh", "stopall", "restartall":
		msg, err := h.classicAction(ctx, "", action)
		if err != nil {
			return ActionResult{Message: err.Error()}, true
		}
		return ActionResult{OK: true, Message: msg}, true
	case "startall":
		results, err := h.b.StartAllProcesses(ctx, true)
		return groupResult("All started", "", results, err), true
	case "startgroup":
		results, err := h.b.StartProcessGroup(ctx, name, true)
		return groupResult("Group "+name+" started", name, results, err), true
	case "stopgroup":
		results, err := h.b.StopProcessGroup(ctx, name, true)
		return groupResult("Group "+name+" stopped", name, results, err), true
	case "restartgroup":
		ctx = context.WithoutCancel(ctx)
		if _, err := h.b.StopProcessGroup(ctx, name, true); faults.CodeOf(err) == faults.BadName {
			return groupResult("", name, nil, err), true
		}
		results, err := h.b.StartProcessGroup(ctx, name, true)
		return groupResult("Group "+name+" restarted", name, results, err), true
	}
	return ActionResult{}, false
}

// groupResult sums up a group or "all" call: its fault, or the processes
// that failed, or success.
func groupResult(success, group string, results []rpc.Result, err error) ActionResult {
	if err != nil {
		if faults.CodeOf(err) == faults.BadName && group != "" {
			return ActionResult{Message: "No such group named " + group}
		}
		return ActionResult{Message: "ERROR: " + unexpectedFault(err)}
	}
	var failed []string
	for _, r := range results {
		if r.Status != faults.Success {
			failed = append(failed, fmt.Sprintf("%s (%s)", namespecOf(r.Group, r.Name), r.Description))
		}
	}
	if len(failed) > 0 {
		return ActionResult{Message: "ERROR: " + strings.Join(failed, ", ")}
	}
	return ActionResult{OK: true, Message: success}
}
