package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// tempNameChars are tempfile._RandomNameSequence.characters.
const tempNameChars = "abcdefghijklmnopqrstuvwxyz0123456789_"

func randomName(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	for i := range b {
		b[i] = tempNameChars[int(b[i])%len(tempNameChars)]
	}
	return string(b)
}

// gettempdir is tempfile.gettempdir(), the default childlogdir: the first
// of $TMPDIR, $TEMP, $TMP, /tmp, /var/tmp, /usr/tmp and the working
// directory where a file can be created, made absolute.
func gettempdir(pe *pathEnv) (string, error) {
	var dirs []string
	for _, name := range []string{"TMPDIR", "TEMP", "TMP"} {
		if v := pe.env[name]; v != "" {
			dirs = append(dirs, v)
		}
	}
	dirs = append(dirs, "/tmp", "/var/tmp", "/usr/tmp", pe.cwd)
	for _, dir := range dirs {
		dir = pe.abspath(dir)
		for i := 0; i < 100; i++ {
			name := filepath.Join(dir, randomName(8))
			f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				if errors.Is(err, syscall.EEXIST) {
					continue
				}
				break
			}
			_, werr := f.Write([]byte("blat"))
			f.Close()
			os.Remove(name)
			if werr != nil {
				break
			}
			return dir, nil
		}
	}
	return "", fmt.Errorf("[Errno 2] No usable temporary directory found in %s", pyList(dirs))
}

// pyList is str() of a Python list of str.
func pyList(items []string) string {
	s := "["
	for i, it := range items {
		if i > 0 {
			s += ", "
		}
		s += repr(it)
	}
	return s + "]"
}
