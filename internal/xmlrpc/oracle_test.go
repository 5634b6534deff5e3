package xmlrpc

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// The oracle is Debian's Supervisor and Python's xmlrpc.client, driven by
// testdata/reference.py. Tests that need it skip when it is not installed.

const refPython = "/usr/bin/python3"

type oracle struct {
	mu  sync.Mutex
	in  *json.Encoder
	out *bufio.Scanner
}

var (
	oracleOnce sync.Once
	theOracle  *oracle
	oracleErr  string
)

func getOracle(t testing.TB) *oracle {
	t.Helper()
	oracleOnce.Do(func() {
		if _, err := os.Stat(refPython); err != nil {
			oracleErr = "reference Supervisor not installed: no " + refPython
			return
		}
		if err := exec.Command(refPython, "-c", "import supervisor.xmlrpc").Run(); err != nil {
			oracleErr = "reference Supervisor not installed: " + refPython + " cannot import supervisor.xmlrpc"
			return
		}
		cmd := exec.Command(refPython, "testdata/reference.py")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			oracleErr = err.Error()
			return
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			oracleErr = err.Error()
			return
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			oracleErr = err.Error()
			return
		}
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		theOracle = &oracle{in: json.NewEncoder(stdin), out: sc}
	})
	if theOracle == nil {
		t.Skip(oracleErr)
	}
	return theOracle
}

func (o *oracle) ask(t testing.TB, req map[string]any) map[string]any {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.in.Encode(req); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	if !o.out.Scan() {
		t.Fatalf("oracle died: %v", o.out.Err())
	}
	var resp map[string]any
	if err := json.Unmarshal(o.out.Bytes(), &resp); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return resp
}

func (o *oracle) body(t testing.TB, req map[string]any) []byte {
	t.Helper()
	resp := o.ask(t, req)
	b, err := base64.StdEncoding.DecodeString(resp["body"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// describe turns a Value into the JSON form reference.py's to_py reads.
func describe(v Value) any {
	switch v.Kind() {
	case Int:
		return []any{"int", v.BigInt().String()}
	case Bool:
		return []any{"bool", v.Bool()}
	case String:
		return []any{"str", v.Str()}
	case Double:
		return []any{"double", FloatRepr(v.Double())}
	case DateTime:
		return []any{"dt", v.DateTimeText()}
	case Base64:
		return []any{"bytes", base64.StdEncoding.EncodeToString(v.Bytes())}
	case Array:
		items := []any{}
		for _, i := range v.Array() {
			items = append(items, describe(i))
		}
		return []any{"array", items}
	case Struct:
		items := []any{}
		for _, m := range v.Members() {
			items = append(items, []any{m.Key.Str(), describe(m.Value)})
		}
		return []any{"struct", items}
	}
	return []any{"none", nil}
}
