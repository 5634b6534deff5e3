package xmlrpc

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Client talks to a Supervisor XML-RPC server the way supervisorctl's
// SupervisorTransport does: POST /RPC2 on http://host:port or on a unix
// socket (unix:///path, with "Host: localhost"), persistent connections,
// and basic auth only when both a username and a password are set. It is
// safe for concurrent use.
type Client struct {
	serverURL string
	base      string // scheme://authority used for the request URLs
	host      string // the Host header
	auth      string // the Authorization header, "" for none
	http      *http.Client
	transport *http.Transport
}

// NewClient returns a client for a server URL ("http://host[:port]" or
// "unix:///path/to/socket"). username and password are pointers because
// Supervisor distinguishes "not set" from "set to the empty string": auth
// is sent only when both are non-nil.
func NewClient(serverURL string, username, password *string) (*Client, error) {
	c := &Client{serverURL: serverURL}
	tr := &http.Transport{
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	switch {
	case strings.HasPrefix(serverURL, "http://"):
		u, err := url.Parse(serverURL)
		if err != nil {
			return nil, fmt.Errorf("invalid server URL %s: %w", serverURL, err)
		}
		host := strings.ToLower(u.Hostname())
		port := u.Port()
		if port == "" {
			port = "80"
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return nil, fmt.Errorf("invalid port in server URL %s", serverURL)
		}
		addr := net.JoinHostPort(host, port)
		c.host = addr
		if port == "80" {
			c.host = host
			if strings.Contains(host, ":") {
				c.host = "[" + host + "]"
			}
		}
		c.base = "http://" + addr
		var d net.Dialer
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", addr)
		}
	case strings.HasPrefix(serverURL, "unix://"):
		path := serverURL[len("unix://"):]
		c.host = "localhost"
		c.base = "http://localhost"
		var d net.Dialer
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		}
	default:
		return nil, fmt.Errorf("Unknown protocol for serverurl %s", serverURL)
	}
	if username != nil && password != nil {
		c.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(*username+":"+*password))
	}
	c.transport = tr
	c.http = &http.Client{
		Transport: tr,
		// Supervisor never redirects an RPC; a redirect is a protocol error.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// ServerURL returns the URL the client was made for.
func (c *Client) ServerURL() string { return c.serverURL }

// Close closes idle connections.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// ProtocolError is an HTTP answer other than 200, as Python's
// xmlrpc.client.ProtocolError. supervisorctl tells 401 apart to ask for
// credentials.
type ProtocolError struct {
	// URL is what Python shows: host + handler. supervisorctl's proxy is
	// always made for http://127.0.0.1, so this is "127.0.0.1/RPC2" for
	// calls, whatever the server URL is.
	URL    string
	Status int
	Reason string
	Header http.Header
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("<ProtocolError for %s: %d %s>", e.URL, e.Status, e.Reason)
}

// TransportError is a failure to reach the server or to read its answer.
// It wraps the system error, so errors.Is(err, syscall.ECONNREFUSED) and
// IsConnRefused / IsNoSuchFile work on it.
type TransportError struct {
	ServerURL string
	Err       error
}

func (e *TransportError) Error() string { return e.ServerURL + ": " + e.Err.Error() }
func (e *TransportError) Unwrap() error { return e.Err }

// IsConnRefused reports an ECONNREFUSED, which supervisorctl prints as
// "<serverurl> refused connection".
func IsConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// IsNoSuchFile reports an ENOENT (a unix socket that does not exist), which
// supervisorctl prints as "<serverurl> no such file".
func IsNoSuchFile(err error) bool { return errors.Is(err, syscall.ENOENT) }

// Call calls a method. Arguments are Values or Go values converted by
// ToValue. A fault answer returns a *Fault error; a non-200 answer a
// *ProtocolError; a connection failure a *TransportError.
func (c *Client) Call(ctx context.Context, method string, args ...any) (Value, error) {
	params := make([]Value, len(args))
	for i, a := range args {
		v, err := ToValue(a)
		if err != nil {
			return Value{}, fmt.Errorf("argument %d of %s: %w", i+1, method, err)
		}
		params[i] = v
	}
	body, err := EncodeRequest(method, params)
	if err != nil {
		return Value{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/RPC2", bytes.NewReader(body))
	if err != nil {
		return Value{}, err
	}
	req.Host = c.host
	req.Header.Set("User-Agent", "gosupervisor-xmlrpc")
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("Accept", "text/xml")
	req.Header.Set("Accept-Encoding", "identity")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return Value{}, &TransportError{ServerURL: c.serverURL, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return Value{}, &ProtocolError{URL: "127.0.0.1/RPC2", Status: resp.StatusCode, Reason: reason(resp), Header: resp.Header}
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return Value{}, &TransportError{ServerURL: c.serverURL, Err: err}
	}
	return DecodeResponse(data)
}

func reason(resp *http.Response) string {
	return strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)+" ")
}

// Get starts a GET of a streaming URL such as /logtail/name/stdout or
// /mainlogtail, with the client's transport and auth. The caller reads the
// body until it has had enough and closes it; cancelling ctx ends the
// stream. A non-200 answer is a *ProtocolError (its body is closed).
func (c *Client) Get(ctx context.Context, path string) (*http.Response, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	req.Host = c.host
	req.Header.Set("User-Agent", "gosupervisor-xmlrpc")
	req.Header.Set("Accept", "*/*")
	if c.auth != "" {
		req.Header.Set("Authorization", c.auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &TransportError{ServerURL: c.serverURL, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		return nil, &ProtocolError{URL: c.host + path, Status: resp.StatusCode, Reason: reason(resp), Header: resp.Header}
	}
	return resp, nil
}

// ToValue converts a Go value to a Value: Value, string, bool, the integer
// and float types, []byte (base64), time.Time, slices (arrays),
// map[string]T (structs, keys sorted) and nil (None, which the encoder
// refuses as Python does).
func ToValue(a any) (Value, error) {
	switch x := a.(type) {
	case nil:
		return Value{}, nil
	case Value:
		return x, nil
	case string:
		return NewString(x), nil
	case bool:
		return NewBool(x), nil
	case int:
		return NewInt(int64(x)), nil
	case int32:
		return NewInt(int64(x)), nil
	case int64:
		return NewInt(x), nil
	case *big.Int:
		return NewBigInt(x), nil
	case float64:
		return NewDouble(x), nil
	case []byte:
		return NewBase64(x), nil
	case time.Time:
		return NewDateTime(x), nil
	case []Value:
		return NewArray(x...), nil
	case []Member:
		return NewStruct(x...), nil
	}
	rv := reflect.ValueOf(a)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return NewInt(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return NewBigInt(new(big.Int).SetUint64(rv.Uint())), nil
	case reflect.Float32, reflect.Float64:
		return NewDouble(rv.Float()), nil
	case reflect.String:
		return NewString(rv.String()), nil
	case reflect.Bool:
		return NewBool(rv.Bool()), nil
	case reflect.Slice, reflect.Array:
		items := make([]Value, rv.Len())
		for i := range items {
			v, err := ToValue(rv.Index(i).Interface())
			if err != nil {
				return Value{}, err
			}
			items[i] = v
		}
		return NewArray(items...), nil
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return Value{}, ErrKey
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		ms := make([]Member, len(keys))
		for i, k := range keys {
			v, err := ToValue(rv.MapIndex(reflect.ValueOf(k).Convert(rv.Type().Key())).Interface())
			if err != nil {
				return Value{}, err
			}
			ms[i] = M(k, v)
		}
		return NewStruct(ms...), nil
	case reflect.Pointer:
		if rv.IsNil() {
			return Value{}, nil
		}
		return ToValue(rv.Elem().Interface())
	}
	return Value{}, fmt.Errorf("cannot marshal %T", a)
}
