package supervisor

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
)

// autoChildLog creates and names an AUTO child log the way
// options.get_autochildlog_name does with tempfile.mkstemp:
// <dir>/<name>-<channel>---<identifier>-<8 random characters>.log.
func autoChildLog(dir, name, channel, identifier string) (string, error) {
	const chars = "abcdefghijklmnopqrstuvwxyz0123456789_"
	prefix := name + "-" + channel + "---" + identifier + "-"
	for attempt := 0; attempt < 100; attempt++ {
		var b [8]byte
		rand.Read(b[:])
		for i := range b {
			b[i] = chars[int(b[i])%len(chars)]
		}
		path := filepath.Join(dir, prefix+string(b[:])+".log")
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		f.Close()
		return path, nil
	}
	return "", os.ErrExist
}
