package ctl

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// withJSON runs one of our --json commands: the JSON document goes to
// stdout, and every message the command would print in Supervisor's
// words (bad names, upcheck failures) goes to stderr, so stdout always
// parses.
func (c *Controller) withJSON(f func(emit func(any)) error) error {
	stdout := c.Stdout
	msgs := bufio.NewWriter(c.Stderr)
	c.Stdout = msgs
	defer func() {
		msgs.Flush()
		c.Stdout = stdout
	}()
	return f(func(v any) {
		stdout.WriteString(jsonText(v))
		stdout.WriteByte('\n')
	})
}

// jsonText encodes a server value as JSON, keeping struct member order.
func jsonText(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case *big.Int:
		b.WriteString(x.String())
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case string:
		writeJSONString(b, x)
	case DateTime:
		writeJSONString(b, string(x))
	case Binary:
		writeJSONString(b, base64.StdEncoding.EncodeToString(x))
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case Dict:
		b.WriteByte('{')
		for i, k := range dictKeys(x) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			val, _ := x.Get(k)
			writeJSON(b, val)
		}
		b.WriteByte('}')
	default:
		writeJSONString(b, pyStr(v))
	}
}

func writeJSONString(b *strings.Builder, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}
