// Package pyfmt reproduces the few Python formatting rules that leak into
// Supervisor's user-visible text (repr() of a str in error messages), so
// every package prints them the same way. It owns no state.
package pyfmt

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Repr returns Python's repr() of a str: single quotes unless the text
// holds a single quote and no double quote, with Python's escapes.
// Non-printable characters are escaped as \xNN, \uNNNN or \UNNNNNNNN; a
// byte that is not valid UTF-8 is shown as Python shows the surrogate it
// decodes to under surrogateescape (\udcNN), as it would for a file name
// or an environment value.
func Repr(s string) string { return quote(s, false) }

// ASCII returns Python's ascii() of a str: repr() with every non-ASCII
// character escaped.
func ASCII(s string) string { return quote(s, true) }

func quote(s string, asciiOnly bool) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\udc%02x`, s[i])
			i++
			continue
		}
		i += size
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f:
			b.WriteRune(r)
		case !asciiOnly && unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// BytesRepr returns Python's repr() of a bytes value: b'...' with \x
// escapes for non-printable and non-ASCII bytes.
func BytesRepr(b []byte) string {
	q := byte('\'')
	if strings.IndexByte(string(b), '\'') >= 0 && strings.IndexByte(string(b), '"') < 0 {
		q = '"'
	}
	var sb strings.Builder
	sb.WriteString("b")
	sb.WriteByte(q)
	for _, c := range b {
		switch {
		case c == q || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(q)
	return sb.String()
}
