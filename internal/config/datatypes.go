package config

import (
	"fmt"
	"math/big"
	"os/user"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/gosupervisor/gosupervisor/internal/signames"
)

// The converters of Supervisor's datatypes.py, with its error texts. Each
// returns the typed value or an error whose text is exactly the str() of
// the ValueError Supervisor raises.

func itoa(i int) string { return strconv.Itoa(i) }

func itoaBase(i, base int) string { return strconv.FormatInt(int64(i), base) }

var (
	truthy = map[string]bool{"yes": true, "true": true, "on": true, "1": true}
	falsy  = map[string]bool{"no": true, "false": true, "off": true, "0": true}
)

// Boolean is datatypes.boolean.
func Boolean(s string) (bool, error) {
	ss := pyLower(s)
	if truthy[ss] {
		return true, nil
	}
	if falsy[ss] {
		return false, nil
	}
	return false, fmt.Errorf("not a valid boolean value: %s", repr(s))
}

// ProcessOrGroupName is datatypes.process_or_group_name.
func ProcessOrGroupName(name string) (string, error) {
	s := pyStrip(name)
	for _, c := range []string{" ", ":", "/"} {
		if strings.Contains(s, c) {
			return "", fmt.Errorf("Invalid name: %s because of character: %s", repr(name), repr(c))
		}
	}
	return s, nil
}

// listOfStrings is datatypes.list_of_strings (nil for an unset value).
func listOfStrings(arg *string) []string {
	if arg == nil || *arg == "" {
		return nil
	}
	parts := strings.Split(*arg, ",")
	for i, p := range parts {
		parts[i] = pyStrip(p)
	}
	return parts
}

// ExitCodes is datatypes.list_of_exitcodes.
func ExitCodes(arg string) ([]int, error) {
	bad := fmt.Errorf("not a valid list of exit codes: %s", repr(arg))
	if arg == "" {
		return []int{}, nil
	}
	var out []int
	for _, p := range strings.Split(arg, ",") {
		_, b, err := pyInt(p, 10)
		if err != nil || b.Sign() < 0 || b.Cmp(big.NewInt(255)) > 0 {
			return nil, bad
		}
		out = append(out, int(b.Int64()))
	}
	return out, nil
}

// keyValueList is datatypes.dict_of_key_value_pairs; keys keep their
// order (the result feeds Python dicts whose order can show).
type keyValueList struct {
	keys []string
	vals map[string]string
}

func (kv *keyValueList) set(k, v string) {
	if _, ok := kv.vals[k]; !ok {
		kv.keys = append(kv.keys, k)
	}
	kv.vals[k] = v
}

// dictOfKeyValuePairs is datatypes.dict_of_key_value_pairs: non-POSIX
// shlex tokens taken as KEY = VALUE, skipping every fourth token.
func dictOfKeyValuePairs(arg string) (*keyValueList, error) {
	tokens, err := shlexTokens(arg)
	if err != nil {
		return nil, err
	}
	d := &keyValueList{vals: map[string]string{}}
	for i := 0; i < len(tokens); i += 4 {
		if i+3 > len(tokens) || tokens[i+1] != "=" {
			return nil, fmt.Errorf("Unexpected end of key/value pairs in value '%s'", arg)
		}
		d.set(tokens[i], strings.Trim(tokens[i+2], `'"`))
	}
	return d, nil
}

// logfileValue is the result of datatypes.logfile_name.
type logfileValue struct {
	none, auto, syslog bool
	path               string
}

// logfileName is datatypes.logfile_name for a str value.
func (pe *pathEnv) logfileName(val string) (logfileValue, error) {
	switch pyLower(val) {
	case "none", "off":
		return logfileValue{none: true}, nil
	case "auto":
		return logfileValue{auto: true}, nil
	case "syslog":
		return logfileValue{syslog: true}, nil
	}
	p, err := pe.existingDirpath(val)
	return logfileValue{path: p}, err
}

// existingDirpath is datatypes.existing_dirpath.
func (pe *pathEnv) existingDirpath(v string) (string, error) {
	nv, err := pe.expanduser(v)
	if err != nil {
		return "", err
	}
	dir := pyDirname(nv)
	if dir == "" || pe.isDir(dir) {
		return nv, nil
	}
	return "", fmt.Errorf("The directory named as part of the path %s does not exist", v)
}

// existingDirectory is datatypes.existing_directory.
func (pe *pathEnv) existingDirectory(v string) (string, error) {
	nv, err := pe.expanduser(v)
	if err != nil {
		return "", err
	}
	if pe.isDir(nv) {
		return nv, nil
	}
	return "", fmt.Errorf("%s is not an existing directory", v)
}

// LogLevelByName is loggers.LevelsByDescription.
var LogLevelByName = map[string]LogLevel{
	"critical": LevelCritical,
	"error":    LevelError,
	"warn":     LevelWarn,
	"info":     LevelInfo,
	"debug":    LevelDebug,
	"trace":    LevelTrace,
	"blather":  LevelBlather,
}

// String is the level's 4-letter name in the main log (LevelsByName).
func (l LogLevel) String() string {
	switch l {
	case LevelCritical:
		return "CRIT"
	case LevelError:
		return "ERRO"
	case LevelWarn:
		return "WARN"
	case LevelInfo:
		return "INFO"
	case LevelDebug:
		return "DEBG"
	case LevelTrace:
		return "TRAC"
	case LevelBlather:
		return "BLAT"
	}
	return fmt.Sprintf("LogLevel(%d)", int(l))
}

// ParseLogLevel is datatypes.logging_level.
func ParseLogLevel(value string) (LogLevel, error) {
	if l, ok := LogLevelByName[pyLower(value)]; ok {
		return l, nil
	}
	return 0, fmt.Errorf("bad logging level name %s", repr(value))
}

// ByteSize is datatypes.byte_size: an int with an optional KB, MB or GB
// suffix (1024-based, any case).
func ByteSize(v string) (int64, error) {
	v = pyLower(v)
	mult := int64(1)
	num := v
	r := []rune(v)
	if len(r) >= 2 {
		switch string(r[len(r)-2:]) {
		case "kb":
			mult, num = 1<<10, string(r[:len(r)-2])
		case "mb":
			mult, num = 1<<20, string(r[:len(r)-2])
		case "gb":
			mult, num = 1<<30, string(r[:len(r)-2])
		}
	}
	n, b, err := pyInt(num, 10)
	if err != nil {
		return 0, err
	}
	p := new(big.Int).Mul(b, big.NewInt(mult))
	if !p.IsInt64() {
		return 0, errTooBig(p)
	}
	return n * mult, nil
}

// Octal is datatypes.octal_type.
func Octal(arg string) (int, error) {
	v, b, err := pyInt(arg, 8)
	if err != nil {
		return 0, fmt.Errorf("%s can not be converted to an octal type", arg)
	}
	if !b.IsInt64() {
		return 0, errTooBig(b)
	}
	return int(v), nil
}

// Signal is datatypes.signal_number.
func Signal(value string) (syscall.Signal, error) {
	if _, b, err := pyInt(value, 10); err == nil {
		if b.IsInt64() && b.Int64() >= 0 && b.Int64() < 256 {
			if s, err := signames.Parse(b.String()); err == nil {
				return s, nil
			}
		}
		return 0, fmt.Errorf("value %s is not a valid signal number", repr(value))
	}
	name := pyUpper(pyStrip(value))
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	// signames knows the names; ask it with a form it cannot misread.
	if strings.IndexFunc(name, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') }) < 0 {
		if s, err := signames.Parse(name); err == nil {
			return s, nil
		}
	}
	return 0, fmt.Errorf("value %s is not a valid signal name", repr(value))
}

// AutoRestartValue is datatypes.auto_restart.
func AutoRestartValue(value string) (AutoRestart, error) {
	v := pyLower(value)
	switch {
	case truthy[v]:
		return RestartAlways, nil
	case falsy[v]:
		return RestartNever, nil
	case v == "unexpected":
		return RestartUnexpected, nil
	}
	return 0, fmt.Errorf("invalid 'autorestart' value %s", repr(v))
}

// String is the autorestart value as written in a config file.
func (a AutoRestart) String() string {
	switch a {
	case RestartNever:
		return "false"
	case RestartAlways:
		return "true"
	}
	return "unexpected"
}

// portNumber is datatypes.port_number (an int from 1 to 65535).
func portNumber(s string) (int, error) {
	_, b, err := pyInt(s, 10)
	if err != nil {
		return 0, err
	}
	if b.Cmp(big.NewInt(1)) < 0 {
		return 0, fmt.Errorf("%s is below lower bound (1)", b.String())
	}
	if b.Cmp(big.NewInt(0xffff)) > 0 {
		return 0, fmt.Errorf("%s is above upper bound (65535)", b.String())
	}
	return int(b.Int64()), nil
}

// InetAddress is datatypes.inet_address: "[host:]port"; host "" or "*"
// means every interface.
func InetAddress(s string) (host string, port int, err error) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, s = s[:i], s[i+1:]
		if s == "" {
			return "", 0, fmt.Errorf("no port number specified in %s", repr(s))
		}
		port, err = portNumber(s)
		if err != nil {
			return "", 0, err
		}
		host = pyLower(host)
	} else {
		port, err = portNumber(s)
		if err != nil {
			return "", 0, fmt.Errorf("not a valid port number: %s ", repr(s))
		}
	}
	if host == "" || host == "*" {
		host = ""
	}
	return host, port, nil
}

// NameToUID is datatypes.name_to_uid: a user name or a numeric uid that
// exists in the password database.
func NameToUID(name string) (int, error) {
	if _, b, err := pyInt(name, 10); err == nil {
		if b.IsInt64() && b.Int64() >= 0 && b.Int64() <= 0xffffffff {
			if _, err := user.LookupId(b.String()); err == nil {
				return int(b.Int64()), nil
			}
		}
		return 0, fmt.Errorf("Invalid user id %s", name)
	}
	if strings.Contains(name, "\x00") {
		return 0, errNullByte
	}
	u, err := user.Lookup(name)
	if err != nil || name == "" {
		return 0, fmt.Errorf("Invalid user name %s", name)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return 0, fmt.Errorf("Invalid user name %s", name)
	}
	return uid, nil
}

// nameToGID is datatypes.name_to_gid.
func nameToGID(name string) (int, error) {
	if _, b, err := pyInt(name, 10); err == nil {
		if b.IsInt64() && b.Int64() >= 0 && b.Int64() <= 0xffffffff {
			if _, err := user.LookupGroupId(b.String()); err == nil {
				return int(b.Int64()), nil
			}
		}
		return 0, fmt.Errorf("Invalid group id %s", name)
	}
	if strings.Contains(name, "\x00") {
		return 0, errNullByte
	}
	g, err := user.LookupGroup(name)
	if err != nil || name == "" {
		return 0, fmt.Errorf("Invalid group name %s", name)
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return 0, fmt.Errorf("Invalid group name %s", name)
	}
	return gid, nil
}

// gidForUID is datatypes.gid_for_uid.
func gidForUID(uid int) (int, error) {
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(u.Gid)
}

// colonSeparatedUserGroup is datatypes.colon_separated_user_group.
func colonSeparatedUserGroup(arg string) (uid, gid int, err error) {
	bad := fmt.Errorf("Invalid user:group definition %s", arg)
	parts := strings.SplitN(arg, ":", 2)
	uid, err = NameToUID(parts[0])
	if err != nil {
		return 0, 0, bad
	}
	gid = -1
	if len(parts) == 2 {
		gid, err = nameToGID(parts[1])
		if err != nil {
			return 0, 0, bad
		}
	}
	return uid, gid, nil
}

// ValidURL is datatypes.url: a value with a scheme and a netloc or a path
// (supervisorctl -s).
func ValidURL(value string) (string, error) {
	scheme, netloc, path := urlSplit(value)
	if scheme != "" && (netloc != "" || path != "") {
		return value, nil
	}
	return "", fmt.Errorf("value %s is not a URL", repr(value))
}

var schemeChars = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+\-.]*$`)

// urlSplit is the part of urllib.parse.urlparse datatypes.url looks at.
func urlSplit(url string) (scheme, netloc, path string) {
	url = strings.TrimLeft(url, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	url = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(url)
	if i := strings.IndexByte(url, ':'); i > 0 && schemeChars.MatchString(url[:i]) {
		scheme, url = strings.ToLower(url[:i]), url[i+1:]
	}
	if strings.HasPrefix(url, "//") {
		rest := url[2:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		netloc, url = rest[:end], rest[end:]
	}
	if i := strings.IndexByte(url, '#'); i >= 0 {
		url = url[:i]
	}
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url = url[:i]
	}
	if i := strings.LastIndexByte(url, '/'); i >= 0 {
		if j := strings.IndexByte(url[i:], ';'); j >= 0 {
			url = url[:i+j]
		}
	} else if j := strings.IndexByte(url, ';'); j >= 0 {
		url = url[:j]
	}
	return scheme, netloc, url
}

// ProfileOptions is datatypes.profile_options: the sort keys (lower-cased)
// and whether "callers" was asked for.
func ProfileOptions(value string) (sortOptions []string, callers bool) {
	sortOptions = []string{}
	for _, x := range listOfStrings(&value) {
		x = pyLower(x)
		if x == "callers" {
			callers = true
		} else {
			sortOptions = append(sortOptions, x)
		}
	}
	return sortOptions, callers
}
