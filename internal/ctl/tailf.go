package ctl

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// tailf is _tailf: follow a log over a streaming GET until the server
// closes it or the user presses Ctrl-C. Failures go to stderr as the
// reference's http_client.Listener.error prints them; the exit status
// does not change.
func (c *Controller) tailf(ctx context.Context, path string) error {
	c.output("==> Press Ctrl-C to exit <==")
	// Python's stdout is line-buffered on a terminal and block-buffered
	// otherwise, where the line waits for the first data (which flushes
	// it) or the exit: after an error on stderr.
	if c.StdoutTTY {
		c.flush()
	}
	var mu sync.Mutex
	c.follow(ctx, path, &mu, true)
	if ctx.Err() != nil {
		c.output("")
	}
	return nil
}

// follow copies one stream to stdout, holding mu for each write, until
// it ends or ctx is done. With flush, what Stdout holds is written before
// the first data; without, the caller owns Stdout and flushed it.
func (c *Controller) follow(ctx context.Context, path string, mu *sync.Mutex, flush bool) {
	url := c.Opts.ServerURL + path
	cl, err := c.supervisor()
	if err != nil {
		c.streamError(url, err)
		return
	}
	body, err := cl.Stream(ctx, path)
	if err != nil {
		if ctx.Err() == nil {
			c.streamError(url, err)
		}
		return
	}
	defer body.Close()
	stop := context.AfterFunc(ctx, func() { body.Close() })
	defer stop()
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			mu.Lock()
			if flush {
				c.Stdout.Flush()
			}
			_, werr := c.rawStdout.Write(buf[:n])
			mu.Unlock()
			if werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (c *Controller) streamError(url string, err error) {
	var se *StreamStatusError
	if errors.As(err, &se) {
		fmt.Fprintf(c.Stderr, "%s Cannot read, status code %d\n", url, se.Status)
		return
	}
	class, msg, _, _ := asPyException(err).pyInfo()
	fmt.Fprintf(c.Stderr, "%s Cannot connect, error: <class '%s'> (%s)\n", url, class, msg)
}
