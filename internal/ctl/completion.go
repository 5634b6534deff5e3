package ctl

import (
	"context"
	"sort"
	"strings"
	"time"
)

// completeDelims are the characters that end a word for completion:
// readline's defaults without ":", "*" and "-", so "group:*" and names with
// dashes are one word (Controller.exec_cmdloop).
const completeDelims = " \t\n`~!@#$%^&()=+[{]}\\|;'\",<>/?"

// completeTimeout bounds the getAllProcessInfo a Tab press makes.
const completeTimeout = 2 * time.Second

// Complete is Controller.complete: the words (each ending with a space)
// that can replace text, the word being completed, given the whole line.
// Process and group names come from the server, once per command line.
func (c *Controller) Complete(ctx context.Context, line, text string) []string {
	var matches []string
	words := pySplit(line)
	switch {
	case pyStrip(line) == "":
		matches = completeActionNames(text)
	case len(words) == 1 && !strings.HasSuffix(line, " "):
		matches = completeActionNames(text)
	default:
		action := words[0]
		cmd := lookupCommand(action)
		switch {
		// The reference tests `action in ('help')`, a substring test.
		case strings.Contains("help", action):
			matches = completeActionNames(text)
		case cmd != nil && cmd.complete == completeGroups:
			matches = c.completeGroupNames(ctx, text)
		case cmd != nil && cmd.complete == completeProcesses:
			matches = c.completeProcessNames(ctx, text)
		}
	}
	return dedupSorted(matches)
}

func dedupSorted(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func completeActionNames(text string) []string {
	var out []string
	for _, a := range vocab() {
		if strings.HasPrefix(a, text) {
			out = append(out, a+" ")
		}
	}
	return out
}

// completeInfos is _get_complete_info, cached until the next command.
func (c *Controller) completeInfos(ctx context.Context) []any {
	if !c.haveComplete {
		ctx, cancel := context.WithTimeout(ctx, completeTimeout)
		defer cancel()
		v, err := c.call(ctx, "getAllProcessInfo")
		if err != nil {
			return nil
		}
		items, err := pyIter(v, 333)
		if err != nil {
			return nil
		}
		c.completeInfo, c.haveComplete = items, true
	}
	return c.completeInfo
}

func (c *Controller) completeGroupNames(ctx context.Context, text string) []string {
	var out []string
	for _, info := range c.completeInfos(ctx) {
		g, err := getKey(info, "group", 334)
		if err != nil {
			return nil
		}
		if gs := pyStr(g); strings.HasPrefix(gs, text) {
			out = append(out, gs+" ")
		}
	}
	return out
}

func (c *Controller) completeProcessNames(ctx context.Context, text string) []string {
	var out []string
	for _, info := range c.completeInfos(ctx) {
		g, err1 := getKey(info, "group", 342)
		n, err2 := getKey(info, "name", 342)
		if err1 != nil || err2 != nil {
			return nil
		}
		gs, ns := pyStr(g), pyStr(n)
		var names []string
		if strings.Contains(text, ":") || ns != gs {
			names = []string{gs + ":" + ns, gs + ":*"}
		} else {
			names = []string{ns}
		}
		for _, p := range names {
			if strings.HasPrefix(p, text) {
				out = append(out, p+" ")
			}
		}
	}
	return out
}

// readlineCompleter adapts Complete to chzyer/readline.
type readlineCompleter struct {
	c   *Controller
	ctx func() context.Context
}

func (rc *readlineCompleter) Do(line []rune, pos int) ([][]rune, int) {
	if pos > len(line) {
		pos = len(line)
	}
	start := pos
	for start > 0 && !strings.ContainsRune(completeDelims, line[start-1]) {
		start--
	}
	text := string(line[start:pos])
	matches := rc.c.Complete(rc.ctx(), string(line), text)
	out := make([][]rune, 0, len(matches))
	n := len([]rune(text))
	for _, m := range matches {
		out = append(out, []rune(m)[n:])
	}
	return out, n
}
