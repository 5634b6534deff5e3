package ctl

import (
	"bufio"
	"bytes"
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
	"golang.org/x/sys/unix"
)

// plainInput reads lines from a stream that is not a terminal, as
// Python's input() does then: the prompt is written to stdout, the line's
// newline removed. A goroutine reads ahead one line (Python's stdin buffer
// reads ahead too) so Ctrl-C, a cancelled ctx, can end a wait.
type plainInput struct {
	out    *bufio.Writer
	stdin  *os.File // nil when not a file
	stderr io.Writer
	r      *bufio.Reader
	lines  chan lineResult
	once   sync.Once
}

// errEOFReadingLine is the end of input without a terminal; Python's
// input() then raises EOFError("EOF when reading a line").
var errEOFReadingLine = fmt.Errorf("EOF when reading a line: %w", io.EOF)

type lineResult struct {
	line string
	err  error
}

// NewPlainInput reads lines from r, writing prompts to out (and those of
// getpass to stderr).
func NewPlainInput(r io.Reader, out *bufio.Writer, stderr io.Writer) Input {
	p := &plainInput{out: out, stderr: stderr, r: bufio.NewReader(r), lines: make(chan lineResult)}
	if f, ok := r.(*os.File); ok {
		p.stdin = f
	}
	return p
}

func (p *plainInput) reader() {
	for {
		s, err := p.r.ReadString('\n')
		if err != nil && s == "" {
			for {
				p.lines <- lineResult{err: errEOFReadingLine}
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
	return readPassword(ctx, prompt, p.out, p.stdin, p.stderr, func() (string, error) {
		p.once.Do(func() { go p.reader() })
		select {
		case r := <-p.lines:
			if r.err != nil {
				return "", io.EOF
			}
			return r.line, nil
		case <-ctx.Done():
			return "", errInterrupted
		}
	})
}

// getpassWarning is what Python's warnings module prints when getpass
// cannot turn echo off.
// Python shows a warning once per place it is raised from.
const getpassWarning = "/usr/lib/python3.11/getpass.py:91: GetPassWarning: Can not control echo on the terminal.\n" +
	"  passwd = fallback_getpass(prompt, stream)\n"

var getpassWarned sync.Once

// errEOFGetpass is the end of input while getpass read a password.
var errEOFGetpass = fmt.Errorf("getpass: %w", io.EOF)

// readPassword is getpass.getpass: the prompt and the answer on the
// controlling terminal with echo off; failing that on stdin if it is a
// terminal; failing that a warning on stderr and the answer read from
// stdin (readStdin) in the open.
func readPassword(ctx context.Context, prompt string, out *bufio.Writer, stdin *os.File, stderr io.Writer, readStdin func() (string, error)) (string, error) {
	out.Flush()
	if tty, err := os.OpenFile("/dev/tty", os.O_RDWR|syscall.O_NOCTTY, 0); err == nil {
		defer tty.Close()
		return readNoEcho(ctx, tty, tty, prompt)
	}
	if stdin != nil && isTerminal(stdin) {
		return readNoEcho(ctx, stdin, stderr, prompt)
	}
	getpassWarned.Do(func() { io.WriteString(stderr, getpassWarning) })
	io.WriteString(stderr, "Warning: Password input may be echoed.\n"+prompt)
	s, err := readStdin()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return "", errEOFGetpass
		}
		return "", err
	}
	io.WriteString(stderr, "\n")
	return s, nil
}

// readNoEcho reads a line from the terminal in with echo off, the prompt
// and the final newline written to w.
func readNoEcho(ctx context.Context, in *os.File, w io.Writer, prompt string) (string, error) {
	fd := int(in.Fd())
	if old, err := tcget(fd); err == nil {
		noecho := *old
		noecho.Lflag &^= syscall.ECHO
		tcset(fd, &noecho)
		defer tcset(fd, old)
	}
	io.WriteString(w, prompt)
	ch := make(chan lineResult, 1)
	go func() {
		var b []byte
		buf := make([]byte, 1)
		for {
			n, err := in.Read(buf)
			if n == 1 {
				if buf[0] == '\n' {
					break
				}
				b = append(b, buf[0])
			}
			if err != nil {
				if len(b) == 0 {
					ch <- lineResult{err: io.EOF}
					return
				}
				break
			}
		}
		ch <- lineResult{line: string(b)}
	}()
	select {
	case r := <-ch:
		io.WriteString(w, "\n")
		return r.line, r.err
	case <-ctx.Done():
		io.WriteString(w, "\n")
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
	rl    *readline.Instance
	stdin *interruptibleStdin
	// interrupted: the last read ended with Ctrl-C, for which readline
	// printed a newline already.
	interrupted bool
	out         *bufio.Writer
	history     []string
}

func newReadlineInput(stdin *os.File, stdout io.Writer, out *bufio.Writer, completer readline.AutoCompleter) (*readlineInput, error) {
	// Readline's password mode shows each key as a NUL byte; getpass
	// shows nothing.
	stdout = noNUL{stdout}
	in, err := newInterruptibleStdin(stdin)
	if err != nil {
		return nil, err
	}
	rl, err := readline.NewEx(&readline.Config{
		Stdin:                  in,
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
		in.Close()
		return nil, err
	}
	return &readlineInput{rl: rl, stdin: in, out: out}, nil
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
	// Between two reads the terminal is in cooked mode, so a Ctrl-C
	// typed then is a SIGINT, which cancels ctx: it must end this read as
	// the key itself would (fg reads line after line in one context).
	if ctx.Err() != nil {
		return "", errInterrupted
	}
	r.out.Flush()
	r.rl.SetPrompt(prompt)
	r.stdin.clear()
	stop := context.AfterFunc(ctx, r.stdin.interrupt)
	line, err := r.rl.Readline()
	stop()
	r.interrupted = errors.Is(err, readline.ErrInterrupt)
	switch {
	case r.interrupted:
		return "", errInterrupted
	case err != nil:
		return "", io.EOF
	}
	r.addHistory(line)
	return line, nil
}

// ReadPassword reads through readline's own password mode: a second
// reader of the terminal (getpass's /dev/tty) would race readline's for
// the keys typed.
func (r *readlineInput) ReadPassword(ctx context.Context, prompt string) (string, error) {
	r.out.Flush()
	r.stdin.clear()
	b, err := r.rl.ReadPassword(prompt)
	r.interrupted = errors.Is(err, readline.ErrInterrupt)
	switch {
	case r.interrupted:
		return "", errInterrupted
	case err != nil:
		return "", io.EOF
	}
	return string(b), nil
}

// echoesEnd: readline already printed the newline for Ctrl-C and Ctrl-D.
func (r *readlineInput) echoesEnd() bool { return true }

// echoedInterrupt reports (once) whether the last read ended with Ctrl-C.
func (r *readlineInput) echoedInterrupt() bool {
	i := r.interrupted
	r.interrupted = false
	return i
}

func (r *readlineInput) Close() {
	r.rl.Close()
	r.stdin.Close()
}

// interruptibleStdin is the terminal as readline reads it, with a way to
// end a read in progress as if Ctrl-C had been typed. readline only reads
// while a line is being edited, and its own WriteStdin is seen only after
// the next key, so the interrupt is a pipe polled beside the terminal.
type interruptibleStdin struct {
	tty  int
	intr [2]int // the interrupt pipe: read end, write end
}

func newInterruptibleStdin(tty *os.File) (*interruptibleStdin, error) {
	s := &interruptibleStdin{tty: int(tty.Fd())}
	if err := unix.Pipe2(s.intr[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *interruptibleStdin) Read(p []byte) (int, error) {
	for {
		fds := []unix.PollFd{{Fd: int32(s.tty), Events: unix.POLLIN}, {Fd: int32(s.intr[0]), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, -1); err != nil {
			if err == unix.EINTR {
				continue
			}
			return 0, err
		}
		if fds[1].Revents != 0 {
			s.clear()
			p[0] = readline.CharInterrupt
			return 1, nil
		}
		n, err := unix.Read(s.tty, p)
		switch {
		case err == unix.EINTR || err == unix.EAGAIN:
			continue
		case err != nil:
			return 0, err
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// interrupt ends the read in progress, or the next one.
func (s *interruptibleStdin) interrupt() { unix.Write(s.intr[1], []byte{0}) }

// clear drops an interrupt that came after the read it was meant for.
func (s *interruptibleStdin) clear() {
	var b [16]byte
	for {
		if n, _ := unix.Read(s.intr[0], b[:]); n <= 0 {
			return
		}
	}
}

func (s *interruptibleStdin) Close() error {
	unix.Close(s.intr[0])
	return unix.Close(s.intr[1])
}

// noNUL drops NUL bytes on their way to the terminal.
type noNUL struct{ w io.Writer }

func (n noNUL) Write(p []byte) (int, error) {
	if bytes.IndexByte(p, 0) < 0 {
		return n.w.Write(p)
	}
	_, err := n.w.Write(bytes.ReplaceAll(p, []byte{0}, nil))
	return len(p), err
}
