package ctl

import (
	"context"
	"io"
	"strconv"
)

// Client is how the commands reach supervisord: over the wire only.
type Client interface {
	// Call calls an XML-RPC method and returns its result as a plain value
	// (see value.go). Errors are *Fault, *ProtocolError, *OSError or
	// another pyException, shaped as the reference's exceptions.
	Call(ctx context.Context, method string, args ...any) (any, error)
	// Stream GETs a log tail (/logtail/<name>/<channel>, /mainlogtail) and
	// returns the body, which ends when the server closes it or ctx ends.
	// A non-200 answer is a *StreamStatusError.
	Stream(ctx context.Context, path string) (io.ReadCloser, error)
	// Close releases idle connections.
	Close()
}

// Dialer makes a Client for a server URL and credentials (nil: not set).
// It fails as the reference's SupervisorTransport does, with a ValueError
// "Unknown protocol for serverurl ..." for a scheme other than http:// and
// unix://.
type Dialer func(serverURL string, username, password *string) (Client, error)

// StreamStatusError is a log tail answered with an HTTP status other than
// 200.
type StreamStatusError struct{ Status int }

func (e *StreamStatusError) Error() string { return "status code " + strconv.Itoa(e.Status) }
