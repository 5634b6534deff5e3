package config

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// datatypeInputs are the values each converter of datatypes.py is tried
// with; testdata/datatypes.golden.json holds the reference's answers
// (-update re-records them).
var datatypeInputs = map[string][]string{
	"boolean":                 {"yes", "YES", "true", "On", "1", "no", "False", "off", "0", "maybe", "", " true", "İ", "2"},
	"byte_size":               {"0", "10", "1KB", "1kb", "2MB", "3GB", "-1KB", "10XB", "1.5MB", "1K", "KB", "", " 5 MB", "1_0kb", "99999999999999999999GB", "٣KB"},
	"octal_type":              {"022", "22", "0o22", "0O7", "777", "8", "0o", "", "-7", " 7 ", "0x7", "1_0"},
	"signal_number":           {"TERM", "term", "SIGTERM", "sigterm", "15", "9", "0", "1", "31", "32", "33", "34", "64", "65", "99", "FOO", "", " HUP ", "SIG_DFL", "_dfl", "-1", "ſigterm", "SIGRTMAX", "rtmin", "IOT", "CLD", "POLL", "1e1"},
	"list_of_exitcodes":       {"0", "0,2", "", " 1 , 2 ", "0,256", "-1", "a", "1,,2", "255", "1_0"},
	"auto_restart":            {"true", "false", "unexpected", "UNEXPECTED", "on", "0", "sometimes", ""},
	"process_or_group_name":   {"foo", " foo ", "fo o", "a:b", "a/b", "", "ünï", "\tx\t", "a\tb"},
	"dict_of_key_value_pairs": {"A=1", "A=1,B=2", "A=\"1,2\"", "A='x y'", "A=1;B=2", "A=1 B=2", "A=", "A", "A=@", "A=x@y", "A=\"x", "A=1 #c\n,B=2", "A=x#c\ny,B=2", "", "=1", "A=b c", "PATH=/usr/bin:/bin", "A=é", "A=1,,B=2"},
	"logging_level":           {"info", "INFO", "warn", "warning", "debug", "trace", "blather", "critical", "error", "", "crİtical"},
	"inet_address":            {"9001", "*:9001", "127.0.0.1:9001", "LocalHost:9001", ":9001", "host:", "abc", "host:abc", "0", "-1", "65536", "host:0", "[::1]:80", "a:b:80", " 80 "},
	"url":                     {"http://localhost:9001", "unix:///tmp/x.sock", "foo", "http://", "unix://", "file:/x", "x:y", "1http://x"},
	"profile_options":         {"cumulative", "Cumulative,callers", "", "calls, callers ,x"},
	"integer":                 {"0", "-5", " 7 ", "1_000", "x", "", "1.0", "99999999999999999999"},
}

type dtResult struct {
	Value any     `json:"value"`
	Error *string `json:"error"`
}

const datatypesGolden = "testdata/datatypes.golden.json"

func goDatatype(name, v string) (any, error) {
	switch name {
	case "boolean":
		return Boolean(v)
	case "byte_size":
		return ByteSize(v)
	case "octal_type":
		return Octal(v)
	case "signal_number":
		s, err := Signal(v)
		return int(s), err
	case "list_of_exitcodes":
		return ExitCodes(v)
	case "auto_restart":
		a, err := AutoRestartValue(v)
		return a.String(), err
	case "process_or_group_name":
		return ProcessOrGroupName(v)
	case "dict_of_key_value_pairs":
		kv, err := dictOfKeyValuePairs(v)
		if err != nil {
			return nil, err
		}
		keys := append([]string(nil), kv.keys...)
		sort.Strings(keys)
		out := [][]string{}
		for _, k := range keys {
			out = append(out, []string{k, kv.vals[k]})
		}
		return out, nil
	case "logging_level":
		l, err := ParseLogLevel(v)
		return int(l), err
	case "inet_address":
		h, p, err := InetAddress(v)
		return []any{h, p}, err
	case "url":
		return ValidURL(v)
	case "profile_options":
		o, c := ProfileOptions(v)
		return []any{o, c}, nil
	case "integer":
		return integer(v)
	}
	panic(name)
}

// TestDatatypes checks each converter against the reference's answers.
func TestDatatypes(t *testing.T) {
	if *update {
		python, why := reference()
		if python == "" {
			t.Skip(why)
		}
		in, _ := json.Marshal(datatypeInputs)
		script, _ := filepath.Abs("testdata/datatypes.py")
		cmd := exec.Command(python, script)
		cmd.Dir = t.TempDir()
		cmd.Stdin = bytes.NewReader(in)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string][][2]any
		if err := json.Unmarshal(out, &raw); err != nil {
			t.Fatal(err)
		}
		golden := map[string][]any{}
		for name, rs := range raw {
			for i, r := range rs {
				e := map[string]any{"input": datatypeInputs[name][i], "value": r[0], "error": r[1]}
				golden[name] = append(golden[name], e)
			}
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		enc.Encode(golden)
		if err := os.WriteFile(datatypesGolden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(datatypesGolden)
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string][]struct {
		Input string  `json:"input"`
		Value any     `json:"value"`
		Error *string `json:"error"`
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	for name, cases := range golden {
		for _, c := range cases {
			v, err := goDatatype(name, c.Input)
			if c.Error != nil {
				if err == nil || err.Error() != *c.Error {
					t.Errorf("%s(%q): error %v, want %q", name, c.Input, err, *c.Error)
				}
				continue
			}
			if err != nil {
				// Integers beyond 64 bits are our one deliberate difference
				// (docs/compat.md).
				if f, ok := c.Value.(float64); ok && (f >= 1<<63 || f < -(1<<63)) && strings.HasPrefix(err.Error(), "integer value out of range: ") {
					continue
				}
				t.Errorf("%s(%q): %v, want %v", name, c.Input, err, c.Value)
				continue
			}
			var got any
			b, _ := json.Marshal(v)
			json.Unmarshal(b, &got)
			if !reflect.DeepEqual(got, c.Value) {
				t.Errorf("%s(%q) = %v, want %v", name, c.Input, got, c.Value)
			}
		}
	}
}
