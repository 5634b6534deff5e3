package config

import (
	"errors"
	"strings"
)

// shlexTokens is list(shlex.shlex(arg)) with wordchars extended by
// "/.+-():", as datatypes.dict_of_key_value_pairs uses it: Python's
// non-POSIX lexer, quirks included (a comment swallows the rest of its line
// and, inside a word, glues the next line onto the word; quotes inside a
// word are kept; any other character is a token of its own).
func shlexTokens(arg string) ([]string, error) {
	const wordchars = "abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/.+-():"
	isWord := func(r rune) bool { return r < 0x80 && strings.ContainsRune(wordchars, r) }
	isSpace := func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }
	isQuote := func(r rune) bool { return r == '\'' || r == '"' }

	in := []rune(arg)
	pos := 0
	read := func() (rune, bool) {
		if pos >= len(in) {
			return 0, false
		}
		r := in[pos]
		pos++
		return r, true
	}
	readline := func() {
		for pos < len(in) {
			r := in[pos]
			pos++
			if r == '\n' {
				return
			}
		}
	}

	var tokens []string
	var pushback []string
	state := ' ' // ' ', 'a', a quote, or 0 for end of input
	for {
		if len(pushback) > 0 {
			tokens = append(tokens, pushback[0])
			pushback = pushback[1:]
			continue
		}
		if state == 0 {
			return tokens, nil
		}
		var token strings.Builder
		haveToken := false
	read:
		for {
			c, ok := read()
			switch {
			case state == ' ':
				switch {
				case !ok:
					state = 0
					break read
				case isSpace(c):
					if haveToken {
						break read
					}
				case c == '#':
					readline()
				case isWord(c):
					token.WriteRune(c)
					haveToken = true
					state = 'a'
				case isQuote(c):
					token.WriteRune(c)
					haveToken = true
					state = c
				default:
					token.WriteRune(c)
					haveToken = true
					break read
				}
			case isQuote(state):
				if !ok {
					return nil, errors.New("No closing quotation")
				}
				token.WriteRune(c)
				if c == state {
					state = ' '
					break read
				}
			default: // 'a'
				switch {
				case !ok:
					state = 0
					break read
				case isSpace(c):
					state = ' '
					if haveToken {
						break read
					}
				case c == '#':
					readline()
				case isWord(c) || isQuote(c):
					token.WriteRune(c)
				default:
					pushback = append([]string{string(c)}, pushback...)
					state = ' '
					if haveToken {
						break read
					}
				}
			}
		}
		if !haveToken || token.Len() == 0 {
			// An empty token is shlex's end of input.
			if state == 0 {
				return tokens, nil
			}
			continue
		}
		tokens = append(tokens, token.String())
	}
}
