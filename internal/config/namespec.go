package config

import "strings"

// SplitNamespec is Supervisor's options.split_namespec, which every
// interface uses to address processes: "name" is process name of group
// name, "group:name" a process of a group, and "group:" or "group:*" the
// whole group, for which hasProcess is false and process is "".
func SplitNamespec(namespec string) (group, process string, hasProcess bool) {
	g, p, found := strings.Cut(namespec, ":")
	if !found {
		return namespec, namespec, true
	}
	if p == "" || p == "*" {
		return g, "", false
	}
	return g, p, true
}
