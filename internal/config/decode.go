package config

import (
	"fmt"
	"strings"
)

// decodeError is Python's UnicodeDecodeError from reading a config file.
// Python decodes a text file 8192 bytes at a time, so the position it
// reports is relative to the chunk being decoded (plus the bytes of an
// incomplete character carried over from the previous one); safe is how
// much of the text had been decoded before the failing chunk.
type decodeError struct {
	msg  string
	safe int
}

func (e *decodeError) Error() string { return e.msg }

const textChunk = 8192 // TextIOWrapper's _CHUNK_SIZE

func isCont(b byte) bool { return b >= 0x80 && b < 0xc0 }

// utf8Step is CPython's utf_8_decode(data, 'strict', final) on one chunk:
// how many bytes it consumed, or where the error is.
func utf8Step(data []byte, final bool) (consumed int, errStart, errEnd int, reason string) {
	s, end := 0, len(data)
	for s < end {
		ch := data[s]
		if ch < 0x80 {
			s++
			continue
		}
		// kind: 0 incomplete, 1 invalid start, 2..4 invalid continuation
		// (kind-1 bytes are bad).
		kind := -1
		switch {
		case ch < 0xc2:
			kind = 1
		case ch < 0xe0:
			if end-s < 2 {
				kind = 0
			} else if !isCont(data[s+1]) {
				kind = 2
			} else {
				s += 2
				continue
			}
		case ch < 0xf0:
			if end-s < 3 {
				kind = 0
				if end-s >= 2 {
					c2 := data[s+1]
					if !isCont(c2) || (c2 < 0xa0 && ch == 0xe0) || (c2 >= 0xa0 && ch == 0xed) {
						kind = 2
					}
				}
			} else {
				c2, c3 := data[s+1], data[s+2]
				switch {
				case !isCont(c2):
					kind = 2
				case ch == 0xe0 && c2 < 0xa0:
					kind = 2
				case ch == 0xed && c2 >= 0xa0:
					kind = 2
				case !isCont(c3):
					kind = 3
				default:
					s += 3
					continue
				}
			}
		case ch < 0xf5:
			if end-s < 4 {
				kind = 0
				if end-s >= 2 {
					c2 := data[s+1]
					if !isCont(c2) || (c2 < 0x90 && ch == 0xf0) || (c2 >= 0x90 && ch == 0xf4) {
						kind = 2
					} else if end-s >= 3 && !isCont(data[s+2]) {
						kind = 3
					}
				}
			} else {
				c2, c3, c4 := data[s+1], data[s+2], data[s+3]
				switch {
				case !isCont(c2):
					kind = 2
				case ch == 0xf0 && c2 < 0x90:
					kind = 2
				case ch == 0xf4 && c2 >= 0x90:
					kind = 2
				case !isCont(c3):
					kind = 3
				case !isCont(c4):
					kind = 4
				default:
					s += 4
					continue
				}
			}
		default:
			kind = 1
		}
		switch kind {
		case 0:
			if !final {
				return s, 0, 0, ""
			}
			return s, s, end, "unexpected end of data"
		case 1:
			return s, s, s + 1, "invalid start byte"
		default:
			if kind == 2 && !final && ch == 0xed && end-s == 2 && data[s+1] >= 0xa0 && data[s+1] <= 0xbf {
				return s, 0, 0, "" // a truncated surrogate: wait for more
			}
			return s, s, s + kind - 1, "invalid continuation byte"
		}
	}
	return s, 0, 0, ""
}

// pyDecodeUTF8 decodes a config file as Python's open() does (UTF-8,
// strict) and translates newlines as universal-newline mode does. On error
// the returned text is what was decoded before the failing chunk.
func pyDecodeUTF8(b []byte) (string, *decodeError) {
	var out []byte
	var pendingBytes []byte
	for off := 0; ; off += textChunk {
		final := off >= len(b)
		var chunk []byte
		if !final {
			end := off + textChunk
			if end > len(b) {
				end = len(b)
			}
			chunk = b[off:end]
		}
		data := append(append([]byte(nil), pendingBytes...), chunk...)
		consumed, es, ee, reason := utf8Step(data, final)
		if reason != "" {
			var msg string
			if ee-es == 1 {
				msg = fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", data[es], es, reason)
			} else {
				msg = fmt.Sprintf("'utf-8' codec can't decode bytes in position %d-%d: %s", es, ee-1, reason)
			}
			text := translateNewlines(string(out))
			return text, &decodeError{msg: msg, safe: len(text)}
		}
		out = append(out, data[:consumed]...)
		pendingBytes = data[consumed:]
		if final {
			break
		}
	}
	return translateNewlines(string(out)), nil
}

func translateNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
