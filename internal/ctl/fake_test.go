package ctl

import (
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// startFake serves an XML-RPC endpoint that misbehaves in one way (mode),
// for the replies no real supervisord gives: other API versions, faults
// where there are none, answers of the wrong shape, HTTP errors, garbage.
// It returns the server URL.
func startFake(t testing.TB, mode string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch mode {
		case "401":
			w.Header().Set("WWW-Authenticate", `Basic realm="default"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		case "500":
			w.WriteHeader(http.StatusInternalServerError)
			return
		case "garbage":
			w.Write([]byte("hello"))
			return
		case "empty":
			return
		case "close":
			if hj, ok := w.(http.Hijacker); ok {
				c, _, _ := hj.Hijack()
				c.Close()
			}
			return
		}
		req, err := xmlrpc.DecodeRequest(body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		v, fault := fakeAnswer(mode, req.Method)
		w.Header().Set("Content-Type", "text/xml")
		if fault != nil {
			w.Write(xmlrpc.EncodeFault(fault.Code, fault.String))
			return
		}
		out, err := xmlrpc.EncodeResponse(v)
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Write(out)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func fakeAnswer(mode, method string) (xmlrpc.Value, *Fault) {
	s, i, arr, st, m := xmlrpc.NewString, xmlrpc.NewInt, xmlrpc.NewArray, xmlrpc.NewStruct, xmlrpc.M
	switch mode {
	case "api":
		if method == "supervisor.getVersion" {
			return s("2.0"), nil
		}
	case "apifloat":
		if method == "supervisor.getVersion" {
			return xmlrpc.NewDouble(3.0), nil
		}
	case "unknown":
		return xmlrpc.Value{}, &Fault{1, "UNKNOWN_METHOD"}
	case "shutdown":
		if method == "supervisor.getVersion" {
			return s("3.0"), nil
		}
		return xmlrpc.Value{}, &Fault{6, "SHUTDOWN_STATE"}
	case "failed":
		if method == "supervisor.getVersion" {
			return s("3.0"), nil
		}
		return xmlrpc.Value{}, &Fault{30, "FAILED: something broke"}
	case "weird":
		switch method {
		case "supervisor.getVersion":
			return s("3.0"), nil
		case "supervisor.getAllProcessInfo":
			return arr(st(m("name", s("x")))), nil
		case "supervisor.getAllConfigInfo":
			return i(5), nil
		case "supervisor.readLog", "supervisor.getSupervisorVersion":
			return i(5), nil
		case "supervisor.reloadConfig":
			return arr(arr(arr(s("a")), arr(), arr(s("a"), s("b")))), nil
		case "supervisor.startAllProcesses", "supervisor.stopAllProcesses":
			return arr(st(m("name", s("x")), m("group", s("x")), m("status", i(99)), m("description", s("?")))), nil
		case "supervisor.getPID":
			return st(m("a", xmlrpc.NewBool(true))), nil
		case "supervisor.startProcessGroup":
			return s("ab"), nil
		case "supervisor.signalAllProcesses":
			return arr(st(m("name", s("x")), m("group", s("g")), m("status", i(30)), m("description", s("FAILED: raw text")))), nil
		}
		return i(7), nil
	case "results":
		// Well-formed group results covering every status code.
		res := func(name string, code int64, desc string) xmlrpc.Value {
			return st(m("name", s(name)), m("group", s("g")), m("status", i(code)), m("description", s(desc)))
		}
		switch method {
		case "supervisor.getVersion":
			return s("3.0"), nil
		case "supervisor.startAllProcesses", "supervisor.startProcessGroup":
			return arr(res("a", 80, "OK"), res("b", 60, "ALREADY_STARTED"), res("c", 50, "SPAWN_ERROR"), res("d", 40, "ABNORMAL_TERMINATION"), res("e", 20, "NO_FILE"), res("f", 21, "NOT_EXECUTABLE"), res("g", 10, "BAD_NAME")), nil
		case "supervisor.stopAllProcesses", "supervisor.stopProcessGroup":
			return arr(res("a", 80, "OK"), res("b", 70, "NOT_RUNNING"), res("c", 30, "FAILED: could not stop"), res("d", 10, "BAD_NAME")), nil
		case "supervisor.signalAllProcesses", "supervisor.signalProcessGroup":
			return arr(res("a", 80, "OK"), res("b", 11, "BAD_SIGNAL"), res("c", 70, "NOT_RUNNING")), nil
		case "supervisor.clearAllProcessLogs":
			return arr(res("a", 80, "OK"), res("b", 30, "FAILED"), res("c", 10, "BAD_NAME")), nil
		case "supervisor.getAllProcessInfo":
			return arr(), nil
		case "supervisor.reloadConfig":
			return arr(arr(arr(s("new")), arr(s("chg")), arr(s("gone")))), nil
		case "supervisor.getProcessInfo":
			return st(m("name", s("x")), m("group", s("x")), m("state", i(20)), m("pid", i(42))), nil
		case "supervisor.sendProcessStdin":
			return xmlrpc.Value{}, &Fault{70, "NOT_RUNNING"}
		}
		return xmlrpc.NewBool(true), nil
	}
	return xmlrpc.Value{}, &Fault{99, "WHAT"}
}
