package config

import (
	"fmt"
	"os"
	"strings"
)

// This file is a port of what Supervisor's UnhosedConfigParser is: Python
// 3.11's configparser.RawConfigParser with inline_comment_prefixes=(';',
// '#') and strict=False (docs/config.md says why it is not gopkg.in/ini.v1).
// Files are decoded as Python decodes them (UTF-8, universal newlines), and
// every rule of RawConfigParser._read is kept, including its error texts.

// readFile reads a config file; the fuzz test confines it to its temp dir.
var readFile = os.ReadFile

// iniSection is one section: its keys in insertion order.
type iniSection struct {
	name string
	keys []string
	vals map[string]string
}

func newSection(name string) *iniSection {
	return &iniSection{name: name, vals: map[string]string{}}
}

func (s *iniSection) set(k, v string) {
	if _, ok := s.vals[k]; !ok {
		s.keys = append(s.keys, k)
	}
	s.vals[k] = v
}

// iniParser holds what RawConfigParser holds: [DEFAULT], the sections in
// order, and (UnhosedConfigParser.section_to_file) the file each section
// was first read from by read().
type iniParser struct {
	defaults      *iniSection
	sections      []*iniSection
	byName        map[string]*iniSection
	sectionToFile map[string]string
}

func newParser() *iniParser {
	return &iniParser{
		defaults:      newSection("DEFAULT"),
		byName:        map[string]*iniSection{},
		sectionToFile: map[string]string{},
	}
}

func (p *iniParser) sectionNames() []string {
	names := make([]string, len(p.sections))
	for i, s := range p.sections {
		names[i] = s.name
	}
	return names
}

func (p *iniParser) hasSection(name string) bool {
	_, ok := p.byName[name]
	return ok
}

// get is RawConfigParser.get: the section's value, else [DEFAULT]'s.
func (p *iniParser) get(section, option string) (string, bool) {
	if s, ok := p.byName[section]; ok {
		if v, ok := s.vals[option]; ok {
			return v, true
		}
	}
	v, ok := p.defaults.vals[option]
	return v, ok
}

// options is RawConfigParser.options: the section's keys, then the
// [DEFAULT] keys it does not have.
func (p *iniParser) options(section string) []string {
	s := p.byName[section]
	keys := append([]string(nil), s.keys...)
	for _, k := range p.defaults.keys {
		if _, ok := s.vals[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// expandHere is UnhosedConfigParser.expand_here: a textual replacement of
// %(here)s in every value every section sees (including inherited
// [DEFAULT] values, which thereby become the section's own).
func (p *iniParser) expandHere(here string) {
	const hereFormat = "%(here)s"
	for _, s := range p.sections {
		for _, k := range p.options(s.name) {
			v, _ := p.get(s.name, k)
			if strings.Contains(v, hereFormat) {
				s.set(k, strings.ReplaceAll(v, hereFormat, here))
			}
		}
	}
}

// readMain reads the main config file as read_file(fp) does: source is the
// path as given. A decoding error is a ValueError Supervisor reports.
func (p *iniParser) readMain(data []byte, source string) error {
	return p.readBytes(data, source)
}

// readInclude is UnhosedConfigParser.read(filename): a file that cannot be
// opened is silently skipped; the sections it creates remember it.
func (p *iniParser) readInclude(path, filename string) error {
	data, err := readFile(path)
	if err != nil {
		return nil
	}
	before := map[string]bool{}
	for _, s := range p.sections {
		before[s.name] = true
	}
	err = p.readBytes(data, filename)
	for _, s := range p.sections {
		if !before[s.name] {
			p.sectionToFile[s.name] = filename
		}
	}
	return err
}

func (p *iniParser) readBytes(data []byte, source string) error {
	text, derr := pyDecodeUTF8(data)
	if derr != nil {
		// Lines Python had already decoded are parsed before the decoder
		// fails; only a missing section header among them can win.
		if err := p.parse(text, source, true); err != nil {
			if _, ok := err.(*missingSectionHeaderError); ok {
				return err
			}
		}
		return derr
	}
	return p.parse(text, source, false)
}

// missingSectionHeaderError is configparser.MissingSectionHeaderError.
type missingSectionHeaderError struct{ msg string }

func (e *missingSectionHeaderError) Error() string { return e.msg }

// parsingError is configparser.ParsingError with its list of bad lines.
type parsingError struct{ msg string }

func (e *parsingError) Error() string { return e.msg }

// splitLines splits text (newlines already translated) as iterating over a
// text file does: each line keeps its "\n".
func splitLines(text string) []string {
	var lines []string
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i+1])
		text = text[i+1:]
	}
	return lines
}

// parse is RawConfigParser._read. With partial set, only complete lines
// are looked at and nothing is stored (used to order a decoding error
// against a missing section header).
func (p *iniParser) parse(text, source string, partial bool) error {
	lines := splitLines(text)
	if partial && len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines = lines[:len(lines)-1]
	}
	type pending struct {
		sect *iniSection
		key  string
	}
	var (
		cursect     *iniSection
		sectname    string
		optname     string
		haveOpt     bool // optname is not None
		indentLevel = 0
		errs        *parsingError
		values      = map[pending][]string{}
		order       []pending
	)
	_ = sectname
	maxsize := int(^uint(0) >> 1)
	for i, lineStr := range lines {
		lineno := i + 1
		line := []rune(lineStr)
		commentStart := maxsize
		// Inline comments: Python looks for each prefix in turn, one
		// occurrence per round, and stops at the first round that finds
		// one preceded by whitespace (or at the line start).
		type pref struct {
			r   rune
			idx int
		}
		prefixes := []pref{{';', -1}, {'#', -1}}
		for commentStart == maxsize && len(prefixes) > 0 {
			var next []pref
			for _, pr := range prefixes {
				idx := runeIndexFrom(line, pr.r, pr.idx+1)
				if idx == -1 {
					continue
				}
				next = append(next, pref{pr.r, idx})
				if idx == 0 || (idx > 0 && pyIsSpace(line[idx-1])) {
					if idx < commentStart {
						commentStart = idx
					}
				}
			}
			prefixes = next
		}
		stripped := pyStrip(lineStr)
		if strings.HasPrefix(stripped, "#") || strings.HasPrefix(stripped, ";") {
			commentStart = 0
		}
		hasComment := commentStart != maxsize
		var value string
		if hasComment {
			value = pyStrip(string(line[:commentStart]))
		} else {
			value = stripped
		}
		if value == "" {
			// empty_lines_in_values=True: a blank line (not a comment)
			// belongs to the value being read.
			if !hasComment && cursect != nil && optname != "" && haveOpt {
				k := pending{cursect, optname}
				if _, ok := values[k]; ok {
					values[k] = append(values[k], "")
				}
			}
			continue
		}
		curIndent := 0
		for j, r := range line {
			if !pyIsSpace(r) {
				curIndent = j
				break
			}
		}
		if cursect != nil && optname != "" && curIndent > indentLevel {
			k := pending{cursect, optname}
			if _, ok := values[k]; ok {
				values[k] = append(values[k], value)
			}
			continue
		}
		indentLevel = curIndent
		if header, ok := matchSectionHeader(value); ok {
			sectname = header
			if partial {
				cursect = newSection(header)
			} else if s, ok := p.byName[header]; ok {
				cursect = s
			} else if header == "DEFAULT" {
				cursect = p.defaults
			} else {
				cursect = newSection(header)
				p.sections = append(p.sections, cursect)
				p.byName[header] = cursect
			}
			optname, haveOpt = "", false
			continue
		}
		if cursect == nil {
			return &missingSectionHeaderError{fmt.Sprintf("File contains no section headers.\nfile: %s, line: %d\n%s",
				repr(source), lineno, repr(lineStr))}
		}
		name, val, ok := matchOption(value)
		if !ok {
			errs = addParsingError(errs, source, lineno, lineStr)
			continue
		}
		if name == "" {
			errs = addParsingError(errs, source, lineno, lineStr)
		}
		optname = pyLower(strings.TrimRightFunc(name, pyIsSpace))
		haveOpt = true
		k := pending{cursect, optname}
		if _, ok := values[k]; !ok {
			order = append(order, k)
		}
		values[k] = []string{pyStrip(val)}
		if !partial {
			cursect.set(optname, "")
		}
	}
	if !partial {
		for _, k := range order {
			k.sect.vals[k.key] = strings.TrimRightFunc(strings.Join(values[k], "\n"), pyIsSpace)
		}
	}
	if errs != nil {
		return errs
	}
	return nil
}

func addParsingError(e *parsingError, source string, lineno int, line string) *parsingError {
	if e == nil {
		e = &parsingError{msg: "Source contains parsing errors: " + repr(source)}
	}
	e.msg += fmt.Sprintf("\n\t[line %2d]: %s", lineno, repr(line))
	return e
}

func runeIndexFrom(line []rune, r rune, from int) int {
	for i := from; i < len(line); i++ {
		if line[i] == r {
			return i
		}
	}
	return -1
}

// matchSectionHeader is SECTCRE.match: "[", the longest run of characters
// up to a "]" (at least one), and anything after it is ignored.
func matchSectionHeader(value string) (string, bool) {
	if !strings.HasPrefix(value, "[") {
		return "", false
	}
	j := strings.LastIndexByte(value, ']')
	if j < 2 {
		return "", false
	}
	return value[1:j], true
}

// matchOption is OPTCRE.match: the key is everything before the first "="
// or ":", the value everything after it, less the whitespace around.
func matchOption(value string) (name, val string, ok bool) {
	i := strings.IndexAny(value, "=:")
	if i < 0 {
		return "", "", false
	}
	return value[:i], strings.TrimLeftFunc(value[i+1:], pyIsSpace), true
}
