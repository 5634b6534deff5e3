package pyfmt

import "testing"

// Python 3.11's repr() and ascii() of each input, recorded from the
// reference's interpreter. The last input is the byte 0xff, which Python
// sees as the surrogate \udcff (surrogateescape).
func TestRepr(t *testing.T) {
	cases := []struct{ in, repr, ascii string }{
		{"", `''`, `''`},
		{"abc", `'abc'`, `'abc'`},
		{"it's", `"it's"`, `"it's"`},
		{`say "hi"`, `'say "hi"'`, `'say "hi"'`},
		{`both ' and "`, `'both \' and "'`, `'both \' and "'`},
		{`back\slash`, `'back\\slash'`, `'back\\slash'`},
		{"tab\tnl\ncr\r", `'tab\tnl\ncr\r'`, `'tab\tnl\ncr\r'`},
		{"\x00\x1f\x7f", `'\x00\x1f\x7f'`, `'\x00\x1f\x7f'`},
		{"\u0080\u009f\u00a0\u00ad", `'\x80\x9f\xa0\xad'`, `'\x80\x9f\xa0\xad'`},
		{"é€", `'é€'`, `'\xe9\u20ac'`},
		{"\u200b\u2028", `'\u200b\u2028'`, `'\u200b\u2028'`},
		{"\U0001f600", "'\U0001f600'", `'\U0001f600'`},
		{"\ufffd", "'\ufffd'", `'\ufffd'`},
		{"\xff", `'\udcff'`, `'\udcff'`},
	}
	for _, c := range cases {
		if got := Repr(c.in); got != c.repr {
			t.Errorf("Repr(%q) = %s, want %s", c.in, got, c.repr)
		}
		if got := ASCII(c.in); got != c.ascii {
			t.Errorf("ASCII(%q) = %s, want %s", c.in, got, c.ascii)
		}
	}
}
