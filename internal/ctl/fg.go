package ctl

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/gosupervisor/gosupervisor/internal/faults"
)

func init() {
	register(&command{
		name:    "fg",
		summary: "Connect to a process in foreground mode",
		run:     simple(doFg),
		help: helpLines(
			"fg <process>\tConnect to a process in foreground mode",
			"\t\tCtrl-C to exit"),
		vocab:    true,
		complete: completeProcesses,
	})
}

const stateRunning = 20

func doFg(c *Controller, ctx context.Context, arg string) error {
	if ok, err := c.upcheck(ctx); !ok {
		return err
	}
	names := pySplit(arg)
	switch {
	case len(names) == 0:
		c.output("ERROR: no process name supplied")
		c.ExitStatus = exitGeneric
		lookupCommand("fg").help(c)
		return nil
	case len(names) > 1:
		c.output("ERROR: too many process names supplied")
		c.ExitStatus = exitGeneric
		return nil
	}
	name := names[0]
	info, err := c.call(ctx, "getProcessInfo", name)
	if err != nil {
		var f *Fault
		if !errors.As(err, &f) {
			return err
		}
		if f.Code == int(faults.BadName) {
			c.output("ERROR: bad process name supplied")
			c.ExitStatus = exitGeneric
		} else {
			c.output("ERROR: " + fmtFault(f))
		}
		return nil
	}
	if running, err := isRunning(info, 1365); err != nil || !running {
		if err == nil {
			c.output("ERROR: process not running")
			c.ExitStatus = exitGeneric
		}
		return err
	}
	c.output("==> Press Ctrl-C to exit <==")
	c.flush()

	// The reference streams stdout and stderr in a thread while the
	// main one sends each line typed to the process's stdin.
	sctx, stop := context.WithCancel(ctx)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ch := range []string{"stdout", "stderr"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.follow(sctx, "/logtail/"+name+"/"+ch, &mu, false)
		}()
	}
	defer func() {
		stop()
		wg.Wait()
	}()
	exiting := func(msgs ...string) {
		stop()
		wg.Wait()
		for _, m := range msgs {
			c.output(m)
		}
	}
	for {
		line, err := c.Input.ReadLine(ctx, "")
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, errInterrupted) {
				exiting("Exiting foreground")
				return nil
			}
			return err
		}
		if _, err := c.call(ctx, "sendProcessStdin", name, line+"\n"); err != nil {
			var f *Fault
			if !errors.As(err, &f) {
				if errors.Is(err, errInterrupted) {
					exiting("Exiting foreground")
					return nil
				}
				return err
			}
			if f.Code == int(faults.NotRunning) {
				exiting("Process got killed", "Exiting foreground")
			} else {
				exiting("ERROR: "+fmtFault(f), "Exiting foreground")
			}
			return nil
		}
		info, err := c.call(ctx, "getProcessInfo", name)
		if err != nil {
			if errors.Is(err, errInterrupted) {
				exiting("Exiting foreground")
				return nil
			}
			return err
		}
		running, err := isRunning(info, 1393)
		if err != nil {
			return err
		}
		if !running {
			exiting("Process got killed", "Exiting foreground")
			return nil
		}
	}
}

func isRunning(info any, line int) (bool, error) {
	state, err := getKey(info, "state", line)
	if err != nil {
		return false, err
	}
	return pyEqInt(state, stateRunning), nil
}

// fmtFault is str() of an xmlrpc.client.Fault.
func fmtFault(f *Fault) string {
	_, msg, _, _ := f.pyInfo()
	return msg
}
