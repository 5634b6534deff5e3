// Package rpc is Supervisor's XML-RPC interface: the method table of the
// supervisor.* namespace (and of any other [rpcinterface:x] namespace made
// with Supervisor's main factory) and of system.*, the dispatch rules of
// xmlrpc.py:traverse, and the conversion of arguments and results between
// XML-RPC values and the Backend's Go types, with Supervisor's exact fault
// texts, result structures and reactions to wrong argument types.
//
// It owns no state: every question about processes goes to the Backend,
// which the daemon's supervisor loop implements. It does not speak HTTP
// (internal/httpserver calls Handler.Serve with a request body) and does
// not encode bytes (internal/xmlrpc does).
package rpc

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/config"
	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// Logger receives the main-log lines the RPC layer writes, at Supervisor's
// levels (ERRO for a malformed request, CRIT for an unexpected failure,
// TRAC for each call).
type Logger interface {
	Log(level config.LogLevel, msg string)
}

// LoggerFunc adapts a function to Logger.
type LoggerFunc func(level config.LogLevel, msg string)

// Log calls f.
func (f LoggerFunc) Log(level config.LogLevel, msg string) { f(level, msg) }

type nopLogger struct{}

func (nopLogger) Log(config.LogLevel, string) {}

// MainFactory is the factory of the supervisor namespace
// ([rpcinterface:x] supervisor.rpcinterface_factory); a section with it
// makes a namespace x with the supervisor methods.
const MainFactory = "supervisor.rpcinterface:make_main_rpcinterface"

// Handler answers XML-RPC calls. It is safe for concurrent use.
type Handler struct {
	b   Backend
	log Logger
	// namespaces are the supervisor-like namespaces, in config order.
	namespaces []string
	// methods maps "ns.name" to its method; docs holds every published
	// method's docstring (system.* included).
	methods map[string]*method
}

// method is one published method.
type method struct {
	name string // without namespace
	doc  string
	// min and max are the positional argument counts Python accepts.
	min, max int
	call     func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error)
}

// methodDoc is a generated docstring entry.
type methodDoc struct {
	name string
	doc  string
}

// NewHandler returns a handler for a backend. namespaces are the names of
// the [rpcinterface:x] sections whose factory is MainFactory, in config
// order (usually just "supervisor"); without any, only system.* exists,
// as in Supervisor. A namespace named "system" is ignored: Supervisor's
// own system namespace replaces it. log may be nil.
func NewHandler(b Backend, namespaces []string, log Logger) *Handler {
	if log == nil {
		log = nopLogger{}
	}
	h := &Handler{b: b, log: log, methods: map[string]*method{}}
	seen := map[string]bool{"system": true}
	for _, ns := range namespaces {
		if seen[ns] {
			continue
		}
		seen[ns] = true
		h.namespaces = append(h.namespaces, ns)
		for _, d := range supervisorDocs {
			m := supervisorMethods[d.name]
			call := m.call
			if !ownMood[d.name] {
				call = checkMood(m.call)
			}
			h.methods[ns+"."+d.name] = &method{name: d.name, doc: d.doc, min: m.min, max: m.max, call: call}
		}
	}
	for _, d := range systemDocs {
		m := systemMethods[d.name]
		h.methods["system."+d.name] = &method{name: d.name, doc: d.doc, min: m.min, max: m.max, call: m.call}
	}
	return h
}

// checkMood is rpcinterface._update: SHUTDOWN_STATE while supervisord is
// stopping or restarting, before the method does anything.
func checkMood(call func(context.Context, *Handler, []xmlrpc.Value) (xmlrpc.Value, error)) func(context.Context, *Handler, []xmlrpc.Value) (xmlrpc.Value, error) {
	return func(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		if err := h.b.Mood(); err != nil {
			return xmlrpc.Value{}, err
		}
		return call(ctx, h, args)
	}
}

// NamespacesFrom picks the namespaces for NewHandler from a config's
// [rpcinterface:x] sections. It also returns the sections whose factory it
// does not know, which the daemon must refuse or warn about.
func NamespacesFrom(ifaces []config.PluginConfig) (namespaces []string, unknown []config.PluginConfig) {
	for _, p := range ifaces {
		if strings.TrimSpace(p.Factory) == MainFactory {
			namespaces = append(namespaces, p.Name)
		} else {
			unknown = append(unknown, p)
		}
	}
	return namespaces, unknown
}

// Namespaces returns the supervisor-like namespaces served.
func (h *Handler) Namespaces() []string { return append([]string(nil), h.namespaces...) }

// MethodNames returns system.listMethods' answer.
func (h *Handler) MethodNames() []string {
	names := make([]string, 0, len(h.methods))
	for n := range h.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Call dispatches one call as xmlrpc.traverse does: the name must be
// exactly "namespace.method", a method starting with "_" does not exist,
// and a wrong number of arguments (any TypeError) is a bare
// INCORRECT_PARAMETERS. It returns the result, a *faults.Error, or a
// *PyError for what would be an unexpected Python exception.
func (h *Handler) Call(ctx context.Context, name string, params []xmlrpc.Value) (xmlrpc.Value, error) {
	parts := strings.Split(name, ".")
	if len(parts) != 2 || strings.HasPrefix(parts[1], "_") {
		return xmlrpc.Value{}, faults.Bare(faults.UnknownMethod)
	}
	m, ok := h.methods[name]
	if !ok {
		return xmlrpc.Value{}, faults.Bare(faults.UnknownMethod)
	}
	if len(params) < m.min || len(params) > m.max {
		return xmlrpc.Value{}, faults.Bare(faults.IncorrectParameters)
	}
	v, err := m.call(ctx, h, params)
	if err != nil {
		return xmlrpc.Value{}, normalizeError(err)
	}
	return v, nil
}

// normalizeError keeps faults and Python exceptions and turns any other
// error from the Backend into a FAILED fault.
func normalizeError(err error) error {
	var f *faults.Error
	var pe *PyError
	if errors.As(err, &f) {
		return f
	}
	if errors.As(err, &pe) {
		return pe
	}
	return faults.New(faults.Failed, err.Error())
}

// Serve handles the body of a POST to /RPC2 as
// supervisor_xmlrpc_handler.continue_request does and returns the HTTP
// status with, for 200, the text/xml answer (faults included). 400 is a
// body that does not decode or names no method (logged at ERRO with the
// body); 500 an unexpected failure (logged at CRIT). For 400 and 500 the
// caller sends medusa's error page.
func (h *Handler) Serve(ctx context.Context, body []byte) (status int, answer []byte) {
	req, err := xmlrpc.DecodeRequest(body)
	if err != nil {
		h.log.Log(config.LevelError, fmt.Sprintf("XML-RPC request data %s is invalid: unmarshallable", reprBody(body)))
		return 400, nil
	}
	if !req.HasMethod {
		h.log.Log(config.LevelError, fmt.Sprintf("XML-RPC request data %s is invalid: no method name", reprBody(body)))
		return 400, nil
	}
	trace := h.traces()
	if trace {
		h.log.Log(config.LevelTrace, fmt.Sprintf("XML-RPC method called: %s()", req.Method))
	}
	v, err := h.Call(ctx, req.Method, req.Params)
	var f *faults.Error
	switch {
	case errors.As(err, &f):
		if trace {
			h.log.Log(config.LevelTrace, fmt.Sprintf("XML-RPC method %s() returned fault: [%d] %s", req.Method, int(f.Code), f.Error()))
		}
		return 200, xmlrpc.EncodeFault(int(f.Code), f.Error())
	case err != nil:
		h.unexpected(body, err)
		return 500, nil
	}
	if trace {
		h.log.Log(config.LevelTrace, fmt.Sprintf("XML-RPC method %s() returned successfully", req.Method))
	}
	out, err := xmlrpc.EncodeResponseOnce(v)
	if err != nil {
		h.unexpected(body, &PyError{Class: "TypeError", Msg: err.Error()})
		return 500, nil
	}
	return 200, out
}

// traces reports whether TRAC lines are wanted: a Logger may say so with
// an Enabled method (the main log does); otherwise they are always made.
func (h *Handler) traces() bool {
	if e, ok := h.log.(interface{ Enabled(config.LogLevel) bool }); ok {
		return e.Enabled(config.LevelTrace)
	}
	return true
}

// Recycle gives back an answer of Serve once it has been written out, so
// that its buffer serves a later answer. The answer must not be used
// afterwards.
func (h *Handler) Recycle(answer []byte) { xmlrpc.Recycle(answer) }

// unexpected logs what Supervisor logs for an exception that is not an
// RPCError. We have no Python traceback to show; the last line of one is
// what matters.
func (h *Handler) unexpected(body []byte, err error) {
	var pe *PyError
	text := err.Error()
	if errors.As(err, &pe) {
		text = pe.Class + ": " + pe.Msg
	}
	h.log.Log(config.LevelCritical, fmt.Sprintf(
		"Handling XML-RPC request with data %s raised an unexpected exception: Traceback (most recent call last):\n%s\n",
		reprBody(body), text))
}

// reprBody is %r of the request data as Supervisor logs it (a str).
func reprBody(body []byte) string {
	if utf8.Valid(body) {
		return xmlrpc.ReprString(string(body))
	}
	return xmlrpc.ReprBytes(body)
}
