package config

import (
	"fmt"
	"io"
	"strings"
)

// Namespec is options.make_namespec: "group:process", or "process" alone
// when the two names are the same.
func Namespec(group, process string) string {
	if group == process {
		return process
	}
	return group + ":" + process
}

// WriteCheck writes the report of `supervisord --check-config` (ours, not
// Supervisor's): the files read, the parse warnings, the main paths, the
// servers, then every group in start order with its processes. The layout
// is stable; docs/compat.md describes it.
func WriteCheck(w io.Writer, cfg *Config) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Config file: %s\n", cfg.Path)
	for _, info := range cfg.Infos {
		const pre, post = `Included extra file "`, `" during parsing`
		if strings.HasPrefix(info, pre) && strings.HasSuffix(info, post) {
			fmt.Fprintf(&b, "Included file: %s\n", info[len(pre):len(info)-len(post)])
		}
	}
	for _, warn := range cfg.Warnings {
		fmt.Fprintf(&b, "Warning: %s\n", warn)
	}
	s := cfg.Supervisord
	fmt.Fprintf(&b, "Log file: %s\n", s.Logfile)
	fmt.Fprintf(&b, "Pid file: %s\n", s.Pidfile)
	fmt.Fprintf(&b, "Child log directory: %s\n", s.Childlogdir)
	for _, sc := range cfg.Servers {
		auth := ""
		if sc.Username != "" {
			auth = " (authentication required)"
		}
		if sc.Unix {
			fmt.Fprintf(&b, "Server [%s]: unix://%s%s\n", sc.Section, sc.File, auth)
		} else {
			host := sc.Host
			if host == "" {
				host = "*"
			}
			fmt.Fprintf(&b, "Server [%s]: http://%s:%d%s\n", sc.Section, host, sc.Port, auth)
		}
	}
	nprocs := 0
	for _, g := range cfg.Groups {
		nprocs += len(g.Processes)
		switch g.Kind {
		case KindEventListener:
			fmt.Fprintf(&b, "Event listener pool %s (priority %d, events %s, buffer_size %d): %s\n",
				g.Name, g.Priority, strings.Join(g.Events, ","), g.BufferSize, plural(len(g.Processes), "process", "processes"))
		case KindFCGI:
			fmt.Fprintf(&b, "FastCGI group %s (priority %d, socket %s): %s\n",
				g.Name, g.Priority, g.Socket.URL, plural(len(g.Processes), "process", "processes"))
		default:
			fmt.Fprintf(&b, "Group %s (priority %d): %s\n", g.Name, g.Priority, plural(len(g.Processes), "process", "processes"))
		}
		for _, p := range g.Processes {
			start := "autostart"
			if !p.Autostart {
				start = "manual start"
			}
			fmt.Fprintf(&b, "  %s (priority %d, %s): %s\n", Namespec(g.Name, p.Name), p.Priority, start, p.Command)
		}
	}
	fmt.Fprintf(&b, "The configuration is valid: %s, %s.\n",
		plural(len(cfg.Groups), "group", "groups"), plural(nprocs, "process", "processes"))
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
