package sample

import (
	"os"
	"testing"
)

// TestRootCopy checks that the repository root's supervisord.conf.example
// is the embedded file.
func TestRootCopy(t *testing.T) {
	root, err := os.ReadFile("../../supervisord.conf.example")
	if err != nil {
		t.Fatal(err)
	}
	if string(root) != Config {
		t.Fatal("supervisord.conf.example differs from internal/sample/supervisord.conf.example: copy the canonical one over it")
	}
}
