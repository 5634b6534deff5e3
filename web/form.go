package web

import (
	"math/big"
	"net"
	"net/http"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gosupervisor/gosupervisor/internal/httpserver"
)

// splitURI is medusa's http_request.split_uri: path, ";params", "?query"
// and "#fragment" (each part keeps its leading character; absent parts
// are "").
func splitURI(uri string) (path, params, query, fragment string) {
	i := strings.IndexAny(uri, ";?#")
	if i < 0 {
		return uri, "", "", ""
	}
	path, uri = uri[:i], uri[i:]
	if uri[0] == ';' {
		j := strings.IndexAny(uri, "?#")
		if j < 0 {
			return path, uri, "", ""
		}
		params, uri = uri[:j], uri[j:]
	}
	if uri[0] == '?' {
		j := strings.IndexByte(uri, '#')
		if j < 0 {
			return path, params, uri, ""
		}
		query, uri = uri[:j], uri[j:]
	}
	return path, params, query, uri
}

// trimSlashes strips every leading '/', as web.py does before looking a
// path up.
func trimSlashes(p string) string { return strings.TrimLeft(p, "/") }

// parseQSL is Python's urllib.parse.parse_qsl with its defaults: fields
// split on '&', a field without '=' or with an empty value dropped, '+'
// read as a space, then percent-decoded as UTF-8 (invalid bytes become
// U+FFFD).
func parseQSL(qs string) [][2]string {
	var out [][2]string
	for field := range strings.SplitSeq(qs, "&") {
		if field == "" {
			continue
		}
		name, value, ok := strings.Cut(field, "=")
		if !ok || value == "" {
			continue
		}
		out = append(out, [2]string{pyUnquotePlus(name), pyUnquotePlus(value)})
	}
	return out
}

// pyUnquotePlus is unquote(s.replace('+', ' ')).
func pyUnquotePlus(s string) string {
	return httpserver.PyUnquote(strings.ReplaceAll(s, "+", " "))
}

// pyQuote is urllib.parse.quote with its default safe "/": everything but
// ASCII letters, digits, "_.-~" and "/" is %XX-escaped, as UTF-8.
func pyQuote(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_.-~/", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// form is web.py's form: the CGI environment's keys (of which only
// PATH_INFO matters to the views), overridden by the query string's
// fields (the first of each name wins), overridden by a POST body's
// url-encoded fields (the last of each name wins).
type form map[string]string

func newForm(pathInfo, query string, body string) form {
	f := form{"PATH_INFO": pathInfo}
	seen := map[string]bool{}
	for _, kv := range parseQSL(query) {
		if !seen[kv[0]] {
			seen[kv[0]] = true
			f[kv[0]] = kv[1]
		}
	}
	for _, kv := range parseQSL(body) {
		f[kv[0]] = kv[1]
	}
	return f
}

func (f form) get(k string) (string, bool) {
	v, ok := f[k]
	return v, ok
}

// serverURL is deferring_http_request.get_server_url: "http://" and the
// Host header (its port dropped when it is 80), or without a Host header
// the server's own name and port, which for a unix socket is medusa's
// "<unix domain socket>" and the socket path.
func serverURL(r *http.Request) string {
	host := strings.TrimSpace(r.Host)
	var hostname, port string
	hasPort := false
	if host != "" {
		hostname, port, hasPort = splitPort(host)
	} else {
		hostname, port, hasPort = serverNameAndPort(r)
	}
	if hasPort && port != "80" {
		host = hostname + ":" + port
	} else {
		host = hostname
	}
	u := "http://" + host
	return strings.TrimSuffix(u, "/")
}

// splitPort is urllib's splitport: "host:digits" splits (an empty port
// counts as none); anything else is all host.
func splitPort(host string) (hostname, port string, ok bool) {
	i := strings.LastIndexByte(host, ':')
	if i < 0 {
		return host, "", false
	}
	p := host[i+1:]
	for j := 0; j < len(p); j++ {
		if p[j] < '0' || p[j] > '9' {
			return host, "", false
		}
	}
	if p == "" {
		return host[:i], "", false
	}
	return host[:i], p, true
}

// serverNameAndPort is medusa's server_name and port: the reverse-DNS
// name of the address an inet server is bound to ("localhost" for a
// loopback address; we do not query DNS and use the address otherwise,
// the host name for all interfaces), or "<unix domain socket>" and the
// socket file's path.
func serverNameAndPort(r *http.Request) (name, port string, ok bool) {
	cfg, _ := httpserver.ServerOf(r)
	if cfg.Unix {
		return "<unix domain socket>", cfg.File, true
	}
	host := cfg.Host
	if la, isTCP := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); isTCP {
		port = itoa(la.Port)
		if host == "" {
			host = la.IP.String()
		}
	} else {
		port = itoa(cfg.Port)
	}
	switch ip := net.ParseIP(host); {
	case cfg.Host == "":
		if h, err := os.Hostname(); err == nil {
			host = h
		}
	case ip != nil && ip.IsLoopback(), strings.EqualFold(host, "localhost"):
		host = "localhost"
	}
	return host, port, true
}

// serverNameOnly is what medusa's default handler puts in the Location of
// a directory redirect: the server name without a port.
func serverNameOnly(r *http.Request) string {
	name, _, _ := serverNameAndPort(r)
	return name
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

// tailLimit is TailView's limit: "limit" when str.isdigit() says it is a
// number, at least 1024. ok is false where Python's int() then raises
// (digits such as '²' that isdigit accepts and int does not): the
// reference answers 500.
func tailLimit(s string, present bool) (n int64, ok bool) {
	if !present {
		return 1024, true
	}
	if s == "" {
		return 1024, true // "".isdigit() is False
	}
	v := new(big.Int)
	ten := big.NewInt(10)
	for _, r := range s {
		if r == utf8.RuneError {
			return 1024, true
		}
		d, isDecimal := decimalValue(r)
		if !isDecimal {
			if isOtherDigit(r) {
				continue // checked below: int() refuses it
			}
			return 1024, true // not isdigit()
		}
		v.Mul(v, ten).Add(v, big.NewInt(int64(d)))
	}
	for _, r := range s {
		if _, isDecimal := decimalValue(r); !isDecimal {
			return 0, false
		}
	}
	if !v.IsInt64() {
		return 1<<63 - 1, true
	}
	return max(v.Int64(), 1024), true
}

// decimalValue is the value of a Unicode decimal digit (category Nd). Nd
// characters come in contiguous runs of ten starting at a zero, which the
// ranges of unicode.Nd preserve.
func decimalValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

// otherDigits are the characters Python's str.isdigit accepts that are not
// decimal digits (superscripts, circled digits...): int() rejects them.
var otherDigits = [][2]rune{
	{0xb2, 0xb3}, {0xb9, 0xb9}, {0x1369, 0x1371}, {0x19da, 0x19da}, {0x2070, 0x2070},
	{0x2074, 0x2079}, {0x2080, 0x2089}, {0x2460, 0x2468}, {0x2474, 0x247c}, {0x2488, 0x2490},
	{0x24ea, 0x24ea}, {0x24f5, 0x24fd}, {0x24ff, 0x24ff}, {0x2776, 0x277e}, {0x2780, 0x2788},
	{0x278a, 0x2792}, {0x10a40, 0x10a43}, {0x10e60, 0x10e68}, {0x11052, 0x1105a}, {0x1f100, 0x1f10a},
}

func isOtherDigit(r rune) bool {
	for _, rg := range otherDigits {
		if r >= rg[0] && r <= rg[1] {
			return true
		}
	}
	return false
}
