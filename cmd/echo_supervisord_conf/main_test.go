package main

import (
	"bytes"
	"os"
	"testing"
)

func TestPrintsTheSample(t *testing.T) {
	var out bytes.Buffer
	if code := run(&out); code != 0 {
		t.Fatalf("exit %d", code)
	}
	root, err := os.ReadFile("../../supervisord.conf.example")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(root) {
		t.Error("the output is not supervisord.conf.example")
	}
}
