package config

import (
	"errors"
	"os"
	"os/user"
	"regexp"
	"sort"
	"strings"
)

// Supervisor handles paths with Python's posixpath and glob modules, which
// differ from path/filepath at the edges (dirname does not clean, "//x"
// keeps its two slashes, glob skips dot files and takes "[!...]"). These
// are ports of the functions it uses.

func pyIsAbs(p string) bool { return strings.HasPrefix(p, "/") }

// pySplit is posixpath.split.
func pySplit(p string) (head, tail string) {
	i := strings.LastIndexByte(p, '/') + 1
	head, tail = p[:i], p[i:]
	if head != "" && head != strings.Repeat("/", len(head)) {
		head = strings.TrimRight(head, "/")
	}
	return head, tail
}

// pyDirname is posixpath.dirname.
func pyDirname(p string) string {
	head, _ := pySplit(p)
	return head
}

// pyJoin is posixpath.join.
func pyJoin(a string, rest ...string) string {
	path := a
	for _, b := range rest {
		switch {
		case strings.HasPrefix(b, "/"):
			path = b
		case path == "" || strings.HasSuffix(path, "/"):
			path += b
		default:
			path += "/" + b
		}
	}
	return path
}

// pyNormpath is posixpath.normpath.
func pyNormpath(path string) string {
	if path == "" {
		return "."
	}
	initial := 0
	if strings.HasPrefix(path, "/") {
		initial = 1
		if strings.HasPrefix(path, "//") && !strings.HasPrefix(path, "///") {
			initial = 2
		}
	}
	var comps []string
	for _, c := range strings.Split(path, "/") {
		if c == "" || c == "." {
			continue
		}
		if c != ".." || (initial == 0 && len(comps) == 0) || (len(comps) > 0 && comps[len(comps)-1] == "..") {
			comps = append(comps, c)
		} else if len(comps) > 0 {
			comps = comps[:len(comps)-1]
		}
	}
	out := strings.Repeat("/", initial) + strings.Join(comps, "/")
	if out == "" {
		return "."
	}
	return out
}

// pathEnv is what the path helpers need from the process: the working
// directory and the environment (for HOME).
type pathEnv struct {
	cwd string
	env map[string]string
}

// abspath is posixpath.abspath.
func (pe *pathEnv) abspath(p string) string {
	if !pyIsAbs(p) {
		p = pyJoin(pe.cwd, p)
	}
	return pyNormpath(p)
}

// errNullByte is the ValueError Python raises for a NUL in a path or a
// user name it hands to the system.
var errNullByte = errors.New("embedded null byte")

// expanduser is posixpath.expanduser.
func (pe *pathEnv) expanduser(path string) (string, error) {
	if !strings.HasPrefix(path, "~") {
		return path, nil
	}
	i := strings.IndexByte(path[1:], '/')
	if i < 0 {
		i = len(path)
	} else {
		i++
	}
	var home string
	if i == 1 {
		if h, ok := pe.env["HOME"]; ok {
			home = h
		} else {
			u, err := user.LookupId(itoa(os.Getuid()))
			if err != nil {
				return path, nil
			}
			home = u.HomeDir
		}
	} else {
		if strings.Contains(path[1:i], "\x00") {
			return "", errNullByte
		}
		u, err := user.Lookup(path[1:i])
		if err != nil {
			return path, nil
		}
		home = u.HomeDir
	}
	home = strings.TrimRight(home, "/")
	if out := home + path[i:]; out != "" {
		return out, nil
	}
	return "/", nil
}

// normalizePath is options.normalize_path.
func (pe *pathEnv) normalizePath(p string) (string, error) {
	e, err := pe.expanduser(p)
	if err != nil {
		return "", err
	}
	return pe.abspath(e), nil
}

// fsPath resolves a relative path against the recorded working directory
// for a file system call, as the Python process would.
func (pe *pathEnv) fsPath(p string) string {
	if p == "" || pyIsAbs(p) {
		return p
	}
	return pyJoin(pe.cwd, p)
}

func (pe *pathEnv) isDir(p string) bool {
	if p == "" {
		return false
	}
	st, err := os.Stat(pe.fsPath(p))
	return err == nil && st.IsDir()
}

func (pe *pathEnv) exists(p string) bool {
	if p == "" {
		return false
	}
	_, err := os.Stat(pe.fsPath(p))
	return err == nil
}

func (pe *pathEnv) lexists(p string) bool {
	if p == "" {
		return false
	}
	_, err := os.Lstat(pe.fsPath(p))
	return err == nil
}

// readDir lists a directory for glob; the fuzz test confines it.
var readDir = os.ReadDir

var magicCheck = regexp.MustCompile(`[*?\[]`)

func hasMagic(s string) bool { return magicCheck.MatchString(s) }

// glob is glob.glob(pathname) (not recursive, dot files hidden). Its only
// error is Python's for a NUL in a directory it has to list.
func (pe *pathEnv) glob(pathname string) ([]string, error) {
	return pe.iglob(pathname, false)
}

func (pe *pathEnv) iglob(pathname string, dironly bool) ([]string, error) {
	dirname, basename := pySplit(pathname)
	if !hasMagic(pathname) {
		if basename != "" {
			if pe.lexists(pathname) {
				return []string{pathname}, nil
			}
		} else if pe.isDir(dirname) {
			return []string{pathname}, nil
		}
		return nil, nil
	}
	if dirname == "" {
		return pe.glob1("", basename, dironly)
	}
	var dirs []string
	if dirname != pathname && hasMagic(dirname) {
		var err error
		if dirs, err = pe.iglob(dirname, true); err != nil {
			return nil, err
		}
	} else {
		dirs = []string{dirname}
	}
	var out []string
	for _, d := range dirs {
		var names []string
		if hasMagic(basename) {
			var err error
			if names, err = pe.glob1(d, basename, dironly); err != nil {
				return nil, err
			}
		} else {
			names = pe.glob0(d, basename)
		}
		for _, n := range names {
			out = append(out, pyJoin(d, n))
		}
	}
	return out, nil
}

func (pe *pathEnv) glob1(dirname, pattern string, dironly bool) ([]string, error) {
	dir := dirname
	if dir == "" {
		dir = "."
	}
	if strings.Contains(dir, "\x00") {
		return nil, errNullByte // os.scandir raises ValueError, which glob does not catch
	}
	entries, err := readDir(pe.fsPath(dir))
	if err != nil && len(entries) == 0 {
		return nil, nil
	}
	re := fnmatchRegexp(pattern)
	var out []string
	for _, e := range entries {
		name := e.Name()
		if dironly {
			isDir := e.IsDir()
			if e.Type()&os.ModeSymlink != 0 {
				isDir = pe.isDir(pyJoin(dir, name))
			}
			if !isDir {
				continue
			}
		}
		if !strings.HasPrefix(pattern, ".") && strings.HasPrefix(name, ".") {
			continue
		}
		if re != nil && re.MatchString(name) {
			out = append(out, name)
		}
	}
	return out, nil
}

func (pe *pathEnv) glob0(dirname, basename string) []string {
	if basename != "" {
		p := basename
		if dirname != "" {
			p = pyJoin(dirname, basename)
		}
		if pe.lexists(p) {
			return []string{basename}
		}
	} else if pe.isDir(dirname) {
		return []string{basename}
	}
	return nil
}

// fnmatchRegexp is fnmatch.translate, written for Go's regexp syntax.
func fnmatchRegexp(pat string) *regexp.Regexp {
	p := []rune(pat)
	var res strings.Builder
	i, n := 0, len(p)
	lastStar := false
	for i < n {
		c := p[i]
		i++
		if c == '*' {
			if !lastStar {
				res.WriteString(".*")
			}
			lastStar = true
			continue
		}
		lastStar = false
		switch c {
		case '?':
			res.WriteString(".")
		case '[':
			j := i
			if j < n && p[j] == '!' {
				j++
			}
			if j < n && p[j] == ']' {
				j++
			}
			for j < n && p[j] != ']' {
				j++
			}
			if j >= n {
				res.WriteString(`\[`)
				continue
			}
			var chunks []string
			stuffRaw := string(p[i:j])
			if !strings.Contains(stuffRaw, "-") {
				chunks = []string{stuffRaw}
			} else {
				k := i + 1
				if p[i] == '!' {
					k = i + 2
				}
				for {
					k = runeFind(p, '-', k, j)
					if k < 0 {
						break
					}
					chunks = append(chunks, string(p[i:k]))
					i = k + 1
					k = k + 3
				}
				chunk := string(p[i:j])
				if chunk != "" {
					chunks = append(chunks, chunk)
				} else {
					chunks[len(chunks)-1] += "-"
				}
				for k := len(chunks) - 1; k > 0; k-- {
					a, b := []rune(chunks[k-1]), []rune(chunks[k])
					if len(a) > 0 && len(b) > 0 && a[len(a)-1] > b[0] {
						chunks[k-1] = string(a[:len(a)-1]) + string(b[1:])
						chunks = append(chunks[:k], chunks[k+1:]...)
					}
				}
			}
			i = j + 1
			// Rebuild the class for Go: every member literal is escaped,
			// the "-" of each range kept.
			var body strings.Builder
			neg := false
			for ci, ch := range chunks {
				r := []rune(ch)
				if ci == 0 && len(r) > 0 && r[0] == '!' {
					neg = true
					r = r[1:]
				}
				if ci > 0 {
					body.WriteByte('-')
				}
				for _, x := range r {
					body.WriteString(classEscape(x))
				}
			}
			stuff := body.String()
			all := strings.Join(chunks, "-")
			switch {
			case all == "":
				res.WriteString(`[^\x00-\x{10FFFF}]`)
			case all == "!":
				res.WriteString(".")
			case neg:
				res.WriteString("[^" + stuff + "]")
			default:
				res.WriteString("[" + stuff + "]")
			}
		default:
			res.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re, err := regexp.Compile(`^(?s:` + res.String() + `)$`)
	if err != nil {
		return nil
	}
	return re
}

func classEscape(r rune) string {
	if r < 0x80 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
		return `\x{` + strings.ToUpper(itoaBase(int(r), 16)) + `}`
	}
	return string(r)
}

func runeFind(p []rune, r rune, from, to int) int {
	for k := from; k < to && k < len(p); k++ {
		if k >= 0 && p[k] == r {
			return k
		}
	}
	return -1
}

// sortedStrings sorts as Python sorts a list of str.
func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
