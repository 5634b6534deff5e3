package ctl

import (
	"context"
	"strings"
)

func init() {
	register(&command{
		name:    "open",
		summary: "Connect to a remote supervisord process",
		run:     simple(doOpen),
		help: helpLines(
			"open <url>\tConnect to a remote supervisord process.",
			"\t\t(for UNIX domain socket, use unix:///socket/path)"),
		vocab: true,
	})
}

// urlScheme is urlparse(url).scheme.
func urlScheme(url string) string {
	url = strings.TrimLeft(url, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	url = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(url)
	i := strings.IndexByte(url, ':')
	if i <= 0 {
		return ""
	}
	for j := 0; j < i; j++ {
		b := url[j]
		alpha := (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
		if j == 0 && !alpha {
			return ""
		}
		if !alpha && !(b >= '0' && b <= '9') && b != '+' && b != '-' && b != '.' {
			return ""
		}
	}
	return strings.ToLower(url[:i])
}

func doOpen(c *Controller, ctx context.Context, arg string) error {
	url := pyStrip(arg)
	if s := urlScheme(url); s != "unix" && s != "http" {
		c.output("ERROR: url must be http:// or unix://")
		c.ExitStatus = exitGeneric
		return nil
	}
	c.Opts.ServerURL = url
	old := c.ExitStatus
	if err := doStatus(c, ctx, ""); err != nil {
		return err
	}
	c.ExitStatus = old
	return nil
}
