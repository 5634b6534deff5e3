package ctl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"github.com/chzyer/readline"
)

// plainInput reads lines from a stream that is not a terminal, as
// Python's input() does then: the prompt is written to stdout, the line's
// newline removed. A goroutine reads ahead one line (Python's stdin buffer
// reads ahead too) so Ctrl-C, a cancelled ctx, can end a wait.
type plainInput struct {
	out   *bufio.Writer
	r     *bufio.Reader
	lines chan lineResult
	once  sync.Once
}

type lineResult struct {
	line string
	err  error
}

// NewPlainInput reads lines from r, writing prompts to out.
func NewPlainInput(r io.Reader, out *bufio.Writer) Input {
	return &plainInput{out: out, r: bufio.NewReader(r), lines: make(chan lineResult)}
}

func (p *plainInput) reader() {
	for {
		s, err := p.r.ReadString('\n')
		if err != nil && s == "" {
			for {
				p.lines <- lineResult{err: io.EOF}
			}
		}
		p.lines <- lineResult{line: strings.TrimSuffix(s, "\n")}
	}
}

func (p *plainInput) ReadLine(ctx context.Context, prompt string) (string, error) {
	p.out.WriteString(prompt)
	p.out.Flush()
	p.once.Do(func() { go p.reader() })
	select {
	case r := <-p.lines:
		return r.line, r.err
	case <-ctx.Done():
		return "", errInterrupted
	}
}

func (p *plainInput) ReadPassword(ctx context.Context, prompt string) (string, error) {
	return readPassword(ctx, prompt, p.out, p)
}

// readPassword is getpass.getpass: the prompt on the terminal and the
// answer read there without echo; without a terminal, a warning and the
// answer read from stdin.
func readPassword(ctx context.Context, prompt string, out *bufio.Writer, fallback Input) (string, error) {
	out.Flush()
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Warning: Password input may be echoed.")
		return fallback.ReadLine(ctx, prompt)
	}
	defer tty.Close()
	fd := int(tty.Fd())
	old, err := tcget(fd)
	if err == nil {
		noecho := *old
		noecho.Lflag &^= syscall.ECHO
		tcset(fd, &noecho)
		defer tcset(fd, old)
	}
	tty.WriteString(prompt)
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := bufio.NewReader(tty).ReadString('\n')
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		tty.WriteString("\n")
		if r.err != nil && r.s == "" {
			return "", io.EOF
		}
		return strings.TrimSuffix(r.s, "\n"), nil
	case <-ctx.Done():
		tty.WriteString("\n")
		return "", errInterrupted
	}
}

func tcget(fd int) (*syscall.Termios, error) {
	var t syscall.Termios
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TCGETS, uintptr(unsafe.Pointer(&t))); e != 0 {
		return nil, e
	}
	return &t, nil
}

func tcset(fd int, t *syscall.Termios) {
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TCSETS, uintptr(unsafe.Pointer(t)))
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := tcget(int(f.Fd()))
	return err == nil
}

// readlineInput reads lines with line editing, history and completion on
// a terminal, as Python's input() does with GNU readline loaded.
type readlineInput struct {
	rl      *readline.Instance
	out     *bufio.Writer
	history []string
}

func newReadlineInput(stdin io.ReadCloser, stdout io.Writer, out *bufio.Writer, completer readline.AutoCompleter) (*readlineInput, error) {
	rl, err := readline.NewEx(&readline.Config{
		Stdin:                  stdin,
		Stdout:                 stdout,
		Stderr:                 stdout,
		AutoComplete:           completer,
		HistoryLimit:           1 << 20,
		DisableAutoSaveHistory: true,
		// Ctrl-C and Ctrl-D end the line with a bare newline, which is
		// what the reference prints for them.
		InterruptPrompt: "\n",
		EOFPrompt:       "\n",
	})
	if err != nil {
		return nil, err
	}
	return &readlineInput{rl: rl, out: out}, nil
}

// loadHistory is readline.read_history_file; a missing file is no error.
func (r *readlineInput) loadHistory(path string) {
	for _, l := range readHistoryFile(path) {
		r.history = append(r.history, l)
		r.rl.SaveHistory(l)
	}
}

// addHistory is what Python's readline-backed input() does with each
// line: add it unless empty or equal to the last entry.
func (r *readlineInput) addHistory(line string) {
	if line == "" || (len(r.history) > 0 && r.history[len(r.history)-1] == line) {
		return
	}
	r.history = append(r.history, line)
	r.rl.SaveHistory(line)
}

func (r *readlineInput) ReadLine(ctx context.Context, prompt string) (string, error) {
	r.out.Flush()
	r.rl.SetPrompt(prompt)
	line, err := r.rl.Readline()
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", errInterrupted
	case err != nil:
		return "", io.EOF
	}
	r.addHistory(line)
	return line, nil
}

func (r *readlineInput) ReadPassword(ctx context.Context, prompt string) (string, error) {
	r.out.Flush()
	b, err := r.rl.ReadPassword(prompt)
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", errInterrupted
	case err != nil:
		return "", io.EOF
	}
	return string(b), nil
}

// echoesEnd: readline already printed the newline for Ctrl-C and Ctrl-D.
func (r *readlineInput) echoesEnd() bool { return true }

func (r *readlineInput) Close() { r.rl.Close() }
