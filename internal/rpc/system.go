package rpc

import (
	"context"
	"errors"
	"strings"

	"github.com/gosupervisor/gosupervisor/internal/faults"
	"github.com/gosupervisor/gosupervisor/internal/xmlrpc"
)

// systemMethods is xmlrpc.SystemNamespaceRPCInterface.
var systemMethods = map[string]impl{
	"listMethods": {0, 0, func(_ context.Context, h *Handler, _ []xmlrpc.Value) (xmlrpc.Value, error) {
		return xmlrpc.Strings(h.MethodNames()), nil
	}},
	"methodHelp": {1, 1, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		m := h.lookup(args[0])
		if m == nil {
			return xmlrpc.Value{}, faults.Bare(faults.SignatureUnsupported)
		}
		return xmlrpc.NewString(m.doc), nil
	}},
	"methodSignature": {1, 1, func(_ context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
		m := h.lookup(args[0])
		if m == nil {
			return xmlrpc.Value{}, faults.Bare(faults.SignatureUnsupported)
		}
		sig, ok := signature(m.doc)
		if !ok {
			return xmlrpc.Value{}, faults.Bare(faults.SignatureUnsupported)
		}
		return xmlrpc.Strings(sig), nil
	}},
	"multicall": {1, 1, multicall},
}

// lookup finds a method by comparing its full name with ==, so a name of
// any type is simply not found.
func (h *Handler) lookup(v xmlrpc.Value) *method {
	if v.Kind() != xmlrpc.String {
		return nil
	}
	return h.methods[v.Str()]
}

// multicall is system.multicall. Each call's result is the raw value (not
// the one-element array its docstring promises) or a fault struct; calls
// run one after the other. A call that is not a struct aborts the whole
// multicall with the Python error, as the lookup of its methodName is
// outside Supervisor's try block.
func multicall(ctx context.Context, h *Handler, args []xmlrpc.Value) (xmlrpc.Value, error) {
	calls := args[0]
	switch calls.Kind() {
	case xmlrpc.Array:
	case xmlrpc.String:
		// calls[:] works on a str; popping from it does not.
		if calls.Str() == "" {
			return xmlrpc.NewArray(), nil
		}
		return xmlrpc.Value{}, &PyError{Class: "AttributeError", Msg: "'str' object has no attribute 'pop'"}
	default:
		return xmlrpc.Value{}, errTypeError() // not subscriptable, or unhashable slice
	}
	results := make([]xmlrpc.Value, 0, calls.Len())
	for _, call := range calls.Array() {
		if call.Kind() != xmlrpc.Struct {
			return xmlrpc.Value{}, noAttribute(call, "get")
		}
		results = append(results, h.multicallOne(ctx, call))
	}
	return xmlrpc.NewArray(results...), nil
}

func (h *Handler) multicallOne(ctx context.Context, call xmlrpc.Value) xmlrpc.Value {
	name, hasName := call.Get("methodName")
	params, hasParams := call.Get("params")
	if !hasParams {
		params = xmlrpc.NewArray()
	}
	var v xmlrpc.Value
	err := func() error {
		if !hasName || name.IsNil() {
			return faults.New(faults.IncorrectParameters, "No methodName")
		}
		if name.Kind() == xmlrpc.String && name.Str() == "system.multicall" {
			return faults.New(faults.IncorrectParameters, "Recursive system.multicall forbidden")
		}
		if name.Kind() != xmlrpc.String {
			return noAttribute(name, "split") // traverse: method.split('.')
		}
		// traverse checks the name before unpacking the params.
		if parts := strings.Split(name.Str(), "."); len(parts) != 2 || strings.HasPrefix(parts[1], "_") || h.methods[name.Str()] == nil {
			return faults.Bare(faults.UnknownMethod)
		}
		args, err := callArgs(params)
		if err != nil {
			return err
		}
		v, err = h.Call(ctx, name.Str(), args)
		return err
	}()
	if err == nil {
		return v
	}
	var f *faults.Error
	var pe *PyError
	switch {
	case errors.As(err, &f):
		return faultStruct(int(f.Code), f.Error())
	case errors.As(err, &pe):
		return faultStruct(int(faults.Failed), pe.multicallText())
	}
	return faultStruct(int(faults.Failed), "FAILED: "+err.Error())
}

func faultStruct(code int, text string) xmlrpc.Value {
	return xmlrpc.NewStruct(xmlrpc.M("faultCode", xmlrpc.NewInt(int64(code))), xmlrpc.M("faultString", xmlrpc.NewString(text)))
}

// signature is methodSignature's parse of a docstring: [return type,
// param types...], false when there is no @return.
func signature(doc string) ([]string, bool) {
	var rtype *string
	var ptypes []string
	for _, t := range gettags(doc) {
		switch t.tag {
		case "return":
			dt := t.datatype
			rtype = &dt
		case "param":
			ptypes = append(ptypes, t.datatype)
		}
	}
	if rtype == nil {
		return nil, false
	}
	return append([]string{*rtype}, ptypes...), true
}

type docTag struct {
	tag, datatype, name, text string
}

// gettags is xmlrpc.gettags: JavaDoc-like @tags of a docstring.
func gettags(comment string) []docTag {
	var tags []docTag
	var tag, datatype, name string
	var text []string
	for _, line := range strings.Split(comment, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "@") {
			tags = append(tags, docTag{tag, datatype, name, strings.Join(text, "\n")})
			parts := splitN(line, 3)
			datatype, name, text = "", "", nil
			switch len(parts) {
			case 2:
				datatype = parts[1]
			case 3:
				datatype, name = parts[1], parts[2]
			case 4:
				datatype, name = parts[1], parts[2]
				text = []string{strings.TrimLeft(parts[3], " \t\n\r\v\f")}
			}
			tag = parts[0][1:]
		} else if line != "" {
			text = append(text, line)
		}
	}
	return append(tags, docTag{tag, datatype, name, strings.Join(text, "\n")})
}

// splitN is Python's str.split(None, maxsplit).
func splitN(s string, maxsplit int) []string {
	var out []string
	rest := strings.TrimLeft(s, " \t\n\r\v\f")
	for rest != "" {
		if len(out) == maxsplit {
			out = append(out, rest)
			break
		}
		i := strings.IndexAny(rest, " \t\n\r\v\f")
		if i < 0 {
			out = append(out, rest)
			break
		}
		out = append(out, rest[:i])
		rest = strings.TrimLeft(rest[i:], " \t\n\r\v\f")
	}
	return out
}
