package ctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/pyfmt"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// WireDialer is the Dialer that speaks XML-RPC with internal/xmlrpc, the
// way the reference's SupervisorTransport does.
func WireDialer(serverURL string, username, password *string) (Client, error) {
	if err := checkPort(serverURL); err != nil {
		return nil, err
	}
	c, err := xmlrpc.NewClient(serverURL, username, password)
	if err != nil {
		if !strings.HasPrefix(serverURL, "http://") && !strings.HasPrefix(serverURL, "unix://") {
			return nil, &PyError{Class: "ValueError", Msg: "Unknown protocol for serverurl " + serverURL, File: supXMLRPCFile, Line: 505}
		}
		return nil, &PyError{Class: "ValueError", Msg: err.Error(), File: supXMLRPCFile, Line: 490}
	}
	return &wireClient{c: c, unix: strings.HasPrefix(serverURL, "unix://")}, nil
}

// checkPort raises what urllib.parse's port property raises for an
// http:// URL the transport cannot use.
func checkPort(serverURL string) error {
	if !strings.HasPrefix(serverURL, "http://") {
		return nil
	}
	netloc := serverURL[len("http://"):]
	if i := strings.IndexAny(netloc, "/?#"); i >= 0 {
		netloc = netloc[:i]
	}
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		netloc = netloc[i+1:]
	}
	var port string
	if _, br, ok := strings.Cut(netloc, "["); ok {
		_, after, _ := strings.Cut(br, "]")
		_, port, _ = strings.Cut(after, ":")
	} else {
		_, port, _ = strings.Cut(netloc, ":")
	}
	if port == "" {
		return nil
	}
	for _, c := range port {
		if c < '0' || c > '9' {
			return &PyError{Class: "ValueError", Msg: "Port could not be cast to integer value as " + pyfmt.Repr(port), File: pyParseFile, Line: 182}
		}
	}
	if n, err := strconv.ParseUint(port, 10, 64); err != nil || n > 65535 {
		return &PyError{Class: "ValueError", Msg: "Port out of range 0-65535", File: pyParseFile, Line: 184}
	}
	return nil
}

type wireClient struct {
	c    *xmlrpc.Client
	unix bool
}

func (w *wireClient) Close() { w.c.Close() }

func (w *wireClient) Call(ctx context.Context, method string, args ...any) (any, error) {
	v, err := w.c.Call(ctx, method, args...)
	if err != nil {
		return nil, w.convertErr(err)
	}
	return native(v), nil
}

func (w *wireClient) Stream(ctx context.Context, path string) (io.ReadCloser, error) {
	resp, err := w.c.Get(ctx, path)
	if err != nil {
		var pe *xmlrpc.ProtocolError
		if errors.As(err, &pe) {
			return nil, &StreamStatusError{Status: pe.Status}
		}
		return nil, w.convertErr(err)
	}
	return resp.Body, nil
}

var expatMsg = regexp.MustCompile(`^xml: (.*) at byte (\d+)$`)

// convertErr turns the xmlrpc package's errors into the exceptions the
// reference raises for the same failure.
func (w *wireClient) convertErr(err error) error {
	var fault *xmlrpc.Fault
	if errors.As(err, &fault) {
		return &Fault{Code: fault.Code, String: fault.String}
	}
	var pe *xmlrpc.ProtocolError
	if errors.As(err, &pe) {
		return &ProtocolError{URL: pe.URL, Status: pe.Status, Reason: pe.Reason}
	}
	var re *xmlrpc.ResponseError
	if errors.As(err, &re) {
		msg := re.Msg
		if m := expatMsg.FindStringSubmatch(msg); m != nil {
			msg = m[1] + ": line 1, column " + m[2]
		}
		return &PyError{Class: "xml.parsers.expat.ExpatError", Msg: msg, File: pyXMLRPCFile, Line: 460}
	}
	if errors.Is(err, context.Canceled) {
		return errInterrupted
	}
	connect := false
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		connect = true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return &PyError{Class: "socket.gaierror", Msg: "[Errno -2] Name or service not known", File: pySocketFile, Line: 962}
		}
		return &PyError{Class: "socket.gaierror", Msg: "[Errno -3] Temporary failure in name resolution", File: pySocketFile, Line: 962}
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return &OSError{Errno: errno, Unix: w.unix, Connect: connect}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &PyError{Class: "http.client.RemoteDisconnected", Msg: "Remote end closed connection without response", File: pyHTTPClientFile, Line: 287}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &PyError{Class: "TimeoutError", Msg: "timed out", File: pySocketFile, Line: 706}
	}
	msg := err.Error()
	var te *xmlrpc.TransportError
	if errors.As(err, &te) {
		msg = te.Err.Error()
	}
	return &PyError{Class: "OSError", Msg: msg, File: pySocketFile, Line: 706}
}

// native converts a decoded XML-RPC value to the plain value the commands
// use.
func native(v xmlrpc.Value) any {
	switch v.Kind() {
	case xmlrpc.Nil:
		return nil
	case xmlrpc.Int:
		if n, ok := v.Int(); ok {
			return n
		}
		if b := v.BigInt(); b != nil {
			return new(big.Int).Set(b)
		}
		return int64(0)
	case xmlrpc.Bool:
		return v.Bool()
	case xmlrpc.String:
		return v.Str()
	case xmlrpc.Double:
		return v.Double()
	case xmlrpc.DateTime:
		return DateTime(v.DateTimeText())
	case xmlrpc.Base64:
		return Binary(append([]byte(nil), v.Bytes()...))
	case xmlrpc.Array:
		items := v.Array()
		out := make([]any, len(items))
		for i, e := range items {
			out[i] = native(e)
		}
		return out
	case xmlrpc.Struct:
		ms := v.Members()
		out := make(Dict, len(ms))
		for i, m := range ms {
			out[i] = KV{Key: xmlrpc.Str(m.Key), Value: native(m.Value)}
		}
		return out
	}
	return fmt.Sprint(v)
}
