package xmlrpc

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// This file is a small XML 1.0 parser that builds the part of an
// ElementTree that XML-RPC needs: for each element its tag and its text (the
// character data before its first child). Supervisor parses requests with
// Python's ElementTree on expat, so in strict mode this parser rejects what
// expat rejects (bad characters, undefined entities, unbound namespace
// prefixes, junk after the root element, a misplaced XML declaration ...)
// and names elements as ElementTree does ("{uri}local" when a namespace is
// in scope). In lenient mode (the client reading a server's answer) it
// accepts the control characters Supervisor copies raw from log files into
// its responses, and replaces invalid UTF-8, so that a log line with an
// escape sequence does not make a whole response unreadable.

// maxDepth bounds element nesting so that a hostile request cannot exhaust
// the stack of the recursive evaluator.
const maxDepth = 512

// element is one node of the tree.
type element struct {
	tag      string
	text     string // character data before the first child; "" is None
	children []*element
	// sawChild stops text accumulation at the first child start tag, as
	// ElementTree's TreeBuilder does.
	sawChild bool
}

// syntaxError is a well-formedness error with expat-like wording.
type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("xml: %s at byte %d", e.msg, e.offset)
}

type xmlParser struct {
	src      string
	pos      int
	strict   bool
	entities map[string]entityDef
	depth    int
	// expanding holds the entities being expanded (recursion is an error,
	// as in expat) and budget bounds the work of all expansions together.
	expanding map[string]bool
	budget    int
	nsDecls   int
}

// maxNSDecls bounds the namespace declarations of a document.
const maxNSDecls = 1024

type entityDef struct {
	value   string
	complex bool // holds markup or references we do not expand
}

// parseXML parses a whole document and returns its root element.
func parseXML(src string, strict bool) (*element, error) {
	if !strict {
		src = strings.ToValidUTF8(src, "\uFFFD")
	} else if !utf8.ValidString(src) {
		return nil, &syntaxError{msg: "not well-formed (invalid token)", offset: firstInvalidUTF8(src)}
	}
	// End-of-line handling (XML 1.0 §2.11): CRLF and lone CR become LF
	// before parsing, so a character reference &#13; still yields CR.
	if strings.IndexByte(src, '\r') >= 0 {
		src = strings.ReplaceAll(src, "\r\n", "\n")
		src = strings.ReplaceAll(src, "\r", "\n")
	}
	p := &xmlParser{src: src, strict: strict, budget: 1 << 16}
	return p.document()
}

func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(s)
}

func (p *xmlParser) fail(msg string) error {
	return &syntaxError{msg: msg, offset: p.pos}
}

func (p *xmlParser) eof() bool { return p.pos >= len(p.src) }

func (p *xmlParser) has(prefix string) bool { return strings.HasPrefix(p.src[p.pos:], prefix) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *xmlParser) skipSpace() bool {
	start := p.pos
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
	return p.pos > start
}

// isXMLChar is the Char production of XML 1.0.
func isXMLChar(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r >= 0x20 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return true
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

func isNameStart(r rune) bool {
	switch {
	case r == ':' || r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z'):
		return true
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

func isNameChar(r rune) bool {
	if isNameStart(r) {
		return true
	}
	switch {
	case r == '-' || r == '.' || (r >= '0' && r <= '9') || r == 0xB7:
		return true
	case r >= 0x300 && r <= 0x36F, r >= 0x203F && r <= 0x2040:
		return true
	}
	return false
}

func (p *xmlParser) name() (string, error) {
	start := p.pos
	r, n := utf8.DecodeRuneInString(p.src[p.pos:])
	if n == 0 || !isNameStart(r) {
		return "", p.fail("not well-formed (invalid token)")
	}
	p.pos += n
	for p.pos < len(p.src) {
		r, n = utf8.DecodeRuneInString(p.src[p.pos:])
		if !isNameChar(r) {
			break
		}
		p.pos += n
	}
	return p.src[start:p.pos], nil
}

// checkChars validates raw character data.
func (p *xmlParser) checkChars(s string, at int) error {
	if !p.strict {
		return nil
	}
	for i, r := range s {
		if !isXMLChar(r) {
			return &syntaxError{msg: "not well-formed (invalid token)", offset: at + i}
		}
	}
	return nil
}

func (p *xmlParser) document() (*element, error) {
	if p.has("\uFEFF") {
		p.pos += len("\uFEFF")
	}
	if p.has("<?xml") && len(p.src) > p.pos+5 && isSpace(p.src[p.pos+5]) {
		if err := p.xmlDecl(); err != nil {
			return nil, err
		}
	}
	sawDoctype := false
	for {
		p.skipSpace()
		switch {
		case p.eof():
			return nil, p.fail("no element found")
		case p.has("<!--"):
			if err := p.comment(); err != nil {
				return nil, err
			}
		case p.has("<?"):
			if err := p.pi(); err != nil {
				return nil, err
			}
		case p.has("<!DOCTYPE"):
			if sawDoctype {
				return nil, p.fail("syntax error")
			}
			sawDoctype = true
			if err := p.doctype(); err != nil {
				return nil, err
			}
		case p.has("<"):
			root, err := p.element(nil)
			if err != nil {
				return nil, err
			}
			if err := p.epilog(); err != nil {
				return nil, err
			}
			return root, nil
		default:
			return nil, p.fail("syntax error")
		}
	}
}

func (p *xmlParser) epilog() error {
	for {
		p.skipSpace()
		switch {
		case p.eof():
			return nil
		case p.has("<!--"):
			if err := p.comment(); err != nil {
				return err
			}
		case p.has("<?"):
			if err := p.pi(); err != nil {
				return err
			}
		default:
			if !p.strict {
				// A client does not care what follows the answer.
				return nil
			}
			return p.fail("junk after document element")
		}
	}
}

func (p *xmlParser) xmlDecl() error {
	p.pos += len("<?xml")
	seen := 0
	for _, attr := range []string{"version", "encoding", "standalone"} {
		save := p.pos
		if !p.skipSpace() {
			break
		}
		if !p.has(attr) {
			p.pos = save
			continue
		}
		p.pos += len(attr)
		p.skipSpace()
		if !p.has("=") {
			return p.fail("XML declaration not well-formed")
		}
		p.pos++
		p.skipSpace()
		if p.eof() || (p.src[p.pos] != '"' && p.src[p.pos] != '\'') {
			return p.fail("XML declaration not well-formed")
		}
		q := p.src[p.pos]
		end := strings.IndexByte(p.src[p.pos+1:], q)
		if end < 0 {
			return p.fail("XML declaration not well-formed")
		}
		val := p.src[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		if !validDeclValue(attr, val) {
			return p.fail("XML declaration not well-formed")
		}
		if attr == "version" {
			seen++
		} else if seen == 0 {
			return p.fail("XML declaration not well-formed")
		}
	}
	if seen == 0 {
		return p.fail("XML declaration not well-formed")
	}
	p.skipSpace()
	if !p.has("?>") {
		return p.fail("XML declaration not well-formed")
	}
	p.pos += 2
	return nil
}

func validDeclValue(attr, v string) bool {
	if v == "" {
		return attr == "version" // expat accepts version=''
	}
	switch attr {
	case "version":
		for _, c := range v {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
				return false
			}
		}
	case "encoding":
		for i, c := range v {
			letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if i == 0 && !letter {
				return false
			}
			if !(letter || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return false
			}
		}
	case "standalone":
		return v == "yes" || v == "no"
	}
	return true
}

func (p *xmlParser) comment() error {
	start := p.pos
	p.pos += len("<!--")
	end := strings.Index(p.src[p.pos:], "--")
	if end < 0 {
		return p.fail("unclosed token")
	}
	body := p.src[p.pos : p.pos+end]
	p.pos += end
	if !p.has("-->") {
		if p.strict {
			return p.fail("not well-formed (invalid token)")
		}
		more := strings.Index(p.src[p.pos:], "-->")
		if more < 0 {
			return p.fail("unclosed token")
		}
		p.pos += more
	}
	p.pos += len("-->")
	return p.checkChars(body, start)
}

func (p *xmlParser) pi() error {
	p.pos += 2
	target, err := p.name()
	if err != nil {
		return err
	}
	if strings.EqualFold(target, "xml") {
		return p.fail("XML or text declaration not at start of entity")
	}
	if p.strict && strings.IndexByte(target, ':') >= 0 {
		return p.fail("not well-formed (invalid token)")
	}
	if p.has("?>") {
		p.pos += 2
		return nil
	}
	if !p.skipSpace() {
		return p.fail("not well-formed (invalid token)")
	}
	end := strings.Index(p.src[p.pos:], "?>")
	if end < 0 {
		return p.fail("unclosed token")
	}
	body := p.src[p.pos : p.pos+end]
	at := p.pos
	p.pos += end + 2
	return p.checkChars(body, at)
}

// doctype parses <!DOCTYPE ...>. Internal general entities with a plain
// text value are recorded so that references to them expand as expat
// expands them; anything fancier is recorded as unsupported.
func (p *xmlParser) doctype() error {
	p.pos += len("<!DOCTYPE")
	if !p.skipSpace() {
		return p.fail("syntax error")
	}
	if _, err := p.name(); err != nil {
		return err
	}
	p.skipSpace()
	if p.has("SYSTEM") || p.has("PUBLIC") {
		public := p.has("PUBLIC")
		p.pos += 6
		n := 1
		if public {
			n = 2
		}
		for i := 0; i < n; i++ {
			p.skipSpace()
			if _, err := p.quoted(); err != nil {
				return err
			}
		}
		p.skipSpace()
	}
	if p.has("[") {
		p.pos++
		if err := p.internalSubset(); err != nil {
			return err
		}
		p.skipSpace()
	}
	if !p.has(">") {
		return p.fail("syntax error")
	}
	p.pos++
	return nil
}

func (p *xmlParser) quoted() (string, error) {
	if p.eof() || (p.src[p.pos] != '"' && p.src[p.pos] != '\'') {
		return "", p.fail("syntax error")
	}
	q := p.src[p.pos]
	end := strings.IndexByte(p.src[p.pos+1:], q)
	if end < 0 {
		return "", p.fail("unclosed token")
	}
	v := p.src[p.pos+1 : p.pos+1+end]
	p.pos += end + 2
	return v, p.checkChars(v, p.pos)
}

func (p *xmlParser) internalSubset() error {
	for {
		p.skipSpace()
		switch {
		case p.eof():
			return p.fail("unclosed token")
		case p.has("]"):
			p.pos++
			return nil
		case p.has("<!--"):
			if err := p.comment(); err != nil {
				return err
			}
		case p.has("<?"):
			if err := p.pi(); err != nil {
				return err
			}
		case p.has("<!ENTITY"):
			if err := p.entityDecl(); err != nil {
				return err
			}
		case p.has("<!"):
			// ELEMENT, ATTLIST, NOTATION: skip to the closing '>' outside quotes.
			p.pos += 2
			for {
				if p.eof() {
					return p.fail("unclosed token")
				}
				c := p.src[p.pos]
				if c == '"' || c == '\'' {
					if _, err := p.quoted(); err != nil {
						return err
					}
					continue
				}
				p.pos++
				if c == '>' {
					break
				}
			}
		case p.has("%"):
			// A parameter-entity reference: skip it.
			end := strings.IndexByte(p.src[p.pos:], ';')
			if end < 0 {
				return p.fail("syntax error")
			}
			p.pos += end + 1
		default:
			return p.fail("syntax error")
		}
	}
}

func (p *xmlParser) entityDecl() error {
	p.pos += len("<!ENTITY")
	if !p.skipSpace() {
		return p.fail("syntax error")
	}
	parameter := false
	if p.has("%") {
		parameter = true
		p.pos++
		p.skipSpace()
	}
	name, err := p.name()
	if err != nil {
		return err
	}
	p.skipSpace()
	def := entityDef{}
	if p.has("SYSTEM") || p.has("PUBLIC") {
		def.complex = true
		for !p.eof() && p.src[p.pos] != '>' {
			c := p.src[p.pos]
			if c == '"' || c == '\'' {
				if _, err := p.quoted(); err != nil {
					return err
				}
				continue
			}
			p.pos++
		}
	} else {
		v, err := p.quoted()
		if err != nil {
			return err
		}
		// Character references are replaced when the entity is
		// declared; entity references when it is used.
		def.value, def.complex = expandCharRefs(v)
	}
	p.skipSpace()
	if !p.has(">") {
		return p.fail("syntax error")
	}
	p.pos++
	if parameter {
		return nil
	}
	if p.entities == nil {
		p.entities = map[string]entityDef{}
	}
	if _, dup := p.entities[name]; !dup { // the first declaration wins
		p.entities[name] = def
	}
	return nil
}

type nsScope struct {
	prefix, uri string
}

// element parses one element; ns is the namespace bindings in scope, the
// innermost last.
func (p *xmlParser) element(ns []nsScope) (*element, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, p.fail("nesting too deep")
	}
	p.pos++ // '<'
	qname, err := p.name()
	if err != nil {
		return nil, err
	}
	type attr struct{ name, value string }
	var attrs []attr
	seen := map[string]bool{}
	for {
		hadSpace := p.skipSpace()
		if p.eof() {
			return nil, p.fail("unclosed token")
		}
		if p.has("/>") || p.has(">") {
			break
		}
		if !hadSpace {
			return nil, p.fail("not well-formed (invalid token)")
		}
		an, err := p.name()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if !p.has("=") {
			return nil, p.fail("not well-formed (invalid token)")
		}
		p.pos++
		p.skipSpace()
		av, err := p.attrValue()
		if err != nil {
			return nil, err
		}
		if seen[an] {
			return nil, p.fail("duplicate attribute")
		}
		seen[an] = true
		attrs = append(attrs, attr{an, av})
	}
	// Namespace declarations first, then resolve names. Their number is
	// bounded so that resolving names stays cheap.
	for _, a := range attrs {
		if a.name == "xmlns" || strings.HasPrefix(a.name, "xmlns:") {
			if p.nsDecls++; p.nsDecls > maxNSDecls {
				return nil, p.fail("too many namespace declarations")
			}
		}
		switch {
		case a.name == "xmlns":
			ns = append(ns, nsScope{"", a.value})
		case strings.HasPrefix(a.name, "xmlns:"):
			prefix := a.name[len("xmlns:"):]
			if a.value == "" && p.strict {
				return nil, p.fail("must not undeclare prefix")
			}
			ns = append(ns, nsScope{prefix, a.value})
		}
	}
	tag, err := p.resolve(qname, ns, true)
	if err != nil {
		return nil, err
	}
	for _, a := range attrs {
		if a.name == "xmlns" || strings.HasPrefix(a.name, "xmlns:") {
			continue
		}
		if _, err := p.resolve(a.name, ns, false); err != nil {
			return nil, err
		}
	}
	el := &element{tag: tag}
	if p.has("/>") {
		p.pos += 2
		return el, nil
	}
	p.pos++ // '>'
	var text strings.Builder
	addText := func(s string) {
		if !el.sawChild {
			text.WriteString(s)
		}
	}
	for {
		if p.eof() {
			return nil, p.fail("no element found")
		}
		switch {
		case p.has("</"):
			p.pos += 2
			end, err := p.name()
			if err != nil {
				return nil, err
			}
			if end != qname {
				if p.strict {
					return nil, p.fail("mismatched tag")
				}
			}
			p.skipSpace()
			if !p.has(">") {
				return nil, p.fail("not well-formed (invalid token)")
			}
			p.pos++
			el.text = text.String()
			return el, nil
		case p.has("<!--"):
			if err := p.comment(); err != nil {
				return nil, err
			}
		case p.has("<![CDATA["):
			p.pos += len("<![CDATA[")
			end := strings.Index(p.src[p.pos:], "]]>")
			if end < 0 {
				return nil, p.fail("unclosed CDATA section")
			}
			s := p.src[p.pos : p.pos+end]
			if err := p.checkChars(s, p.pos); err != nil {
				return nil, err
			}
			p.pos += end + 3
			addText(s)
		case p.has("<?"):
			if err := p.pi(); err != nil {
				return nil, err
			}
		case p.has("<"):
			child, err := p.element(ns)
			if err != nil {
				return nil, err
			}
			el.sawChild = true
			el.children = append(el.children, child)
		case p.has("&"):
			s, err := p.reference()
			if err != nil {
				return nil, err
			}
			addText(s)
		default:
			start := p.pos
			end := strings.IndexAny(p.src[p.pos:], "<&")
			if end < 0 {
				end = len(p.src) - p.pos
			}
			s := p.src[start : start+end]
			if p.strict && strings.Contains(s, "]]>") {
				p.pos = start + strings.Index(s, "]]>")
				return nil, p.fail("not well-formed (invalid token)")
			}
			if err := p.checkChars(s, start); err != nil {
				return nil, err
			}
			p.pos += end
			addText(s)
		}
	}
}

// resolve turns a qualified name into ElementTree's "{uri}local" form.
func (p *xmlParser) resolve(qname string, ns []nsScope, isElement bool) (string, error) {
	prefix, local := "", qname
	if i := strings.IndexByte(qname, ':'); i >= 0 {
		prefix, local = qname[:i], qname[i+1:]
		if prefix == "" || local == "" || strings.IndexByte(local, ':') >= 0 {
			if !p.strict {
				return qname, nil
			}
			return "", p.fail("not well-formed (invalid token)")
		}
	}
	if prefix == "" && !isElement {
		return local, nil
	}
	if prefix == "xml" {
		return "{http://www.w3.org/XML/1998/namespace}" + local, nil
	}
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].prefix == prefix {
			if ns[i].uri == "" {
				return local, nil
			}
			return "{" + ns[i].uri + "}" + local, nil
		}
	}
	if prefix == "" {
		return local, nil
	}
	if !p.strict {
		return qname, nil
	}
	return "", p.fail("unbound prefix")
}

func (p *xmlParser) attrValue() (string, error) {
	if p.eof() || (p.src[p.pos] != '"' && p.src[p.pos] != '\'') {
		return "", p.fail("not well-formed (invalid token)")
	}
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.fail("unclosed token")
		}
		c := p.src[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '<':
			return "", p.fail("not well-formed (invalid token)")
		case c == '&':
			s, err := p.reference()
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		default:
			r, n := utf8.DecodeRuneInString(p.src[p.pos:])
			if p.strict && !isXMLChar(r) {
				return "", p.fail("not well-formed (invalid token)")
			}
			b.WriteString(p.src[p.pos : p.pos+n])
			p.pos += n
		}
	}
}

var predefined = map[string]string{"lt": "<", "gt": ">", "amp": "&", "apos": "'", "quot": "\""}

// reference parses &name; or &#N; / &#xH; at p.pos.
func (p *xmlParser) reference() (string, error) {
	start := p.pos
	p.pos++ // '&'
	if p.has("#") {
		p.pos++
		hex := false
		if p.has("x") {
			hex = true
			p.pos++
		}
		digits := p.pos
		for p.pos < len(p.src) && p.src[p.pos] != ';' {
			c := p.src[p.pos]
			ok := c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
			if !ok {
				p.pos = start
				return "", p.fail("not well-formed (invalid token)")
			}
			p.pos++
		}
		if p.eof() || p.pos == digits {
			p.pos = start
			return "", p.fail("not well-formed (invalid token)")
		}
		var n int64
		base := int64(10)
		if hex {
			base = 16
		}
		for _, c := range p.src[digits:p.pos] {
			var d int64
			switch {
			case c >= '0' && c <= '9':
				d = int64(c - '0')
			case c >= 'a' && c <= 'f':
				d = int64(c-'a') + 10
			default:
				d = int64(c-'A') + 10
			}
			n = n*base + d
			if n > 0x10FFFF {
				n = 0x110000
			}
		}
		p.pos++ // ';'
		if !isXMLChar(rune(n)) {
			if p.strict || n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) {
				p.pos = start
				return "", p.fail("reference to invalid character number")
			}
		}
		return string(rune(n)), nil
	}
	name, err := p.name()
	if err != nil {
		return "", err
	}
	if !p.has(";") {
		p.pos = start
		return "", p.fail("not well-formed (invalid token)")
	}
	p.pos++
	if v, ok := predefined[name]; ok {
		return v, nil
	}
	if _, ok := p.entities[name]; ok {
		if v, ok := p.expandEntity(name, 0); ok {
			return v, nil
		}
		p.pos = start
		return "", p.fail("unsupported or recursive entity reference")
	}
	if !p.strict {
		return p.src[start:p.pos], nil
	}
	p.pos = start
	return "", p.fail("undefined entity")
}

// expandCharRefs replaces &#N; and &#xH; in an entity value; complex is
// true when the value holds markup or a parameter-entity reference, which
// this parser does not expand.
func expandCharRefs(v string) (out string, complex bool) {
	if strings.ContainsAny(v, "<%") {
		return v, true
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if strings.HasPrefix(v[i:], "&#") {
			end := strings.IndexByte(v[i:], ';')
			if end < 0 {
				return v, true
			}
			sub := &xmlParser{src: v[i : i+end+1], strict: true}
			r, err := sub.reference()
			if err != nil {
				return v, true
			}
			b.WriteString(r)
			i += end + 1
			continue
		}
		b.WriteByte(v[i])
		i++
	}
	return b.String(), false
}

// expandEntity returns the text of an internal entity, expanding the
// entity and character references in its replacement text.
func (p *xmlParser) expandEntity(name string, depth int) (string, bool) {
	def, ok := p.entities[name]
	if !ok || def.complex || depth > 16 || p.expanding[name] {
		return "", false
	}
	if p.expanding == nil {
		p.expanding = map[string]bool{}
	}
	p.expanding[name] = true
	defer delete(p.expanding, name)
	v := def.value
	// The replacement text is parsed as content: no markup (which we do
	// not expand) and no "]]>".
	if strings.IndexByte(v, '<') >= 0 || (p.strict && strings.Contains(v, "]]>")) {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if v[i] != '&' {
			b.WriteByte(v[i])
			i++
			continue
		}
		end := strings.IndexByte(v[i:], ';')
		if end < 0 {
			return "", false
		}
		if p.budget--; p.budget < 0 {
			return "", false
		}
		ref := v[i+1 : i+end]
		i += end + 1
		switch {
		case strings.HasPrefix(ref, "#"):
			sub := &xmlParser{src: "&" + ref + ";", strict: true}
			r, err := sub.reference()
			if err != nil {
				return "", false
			}
			b.WriteString(r)
		case predefined[ref] != "":
			b.WriteString(predefined[ref])
		default:
			s, ok := p.expandEntity(ref, depth+1)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		if b.Len() > 1<<20 {
			return "", false
		}
	}
	return b.String(), true
}
