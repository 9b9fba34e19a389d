package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"jindu/auth"
	"jindu/db"
)

// pty is a pseudo-terminal: the test types on master; the command reads
// the other end as its standard input, a terminal.
type pty struct {
	master, tty *os.File
	shown       syncBuffer // what the terminal showed (its echo)
	done        chan struct{}
}

func openPTY(t *testing.T) *pty {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	var n int
	var ioErr error
	rc, _ := m.SyscallConn()
	rc.Control(func(fd uintptr) {
		if ioErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ioErr == nil {
			n, ioErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
		}
	})
	if ioErr != nil {
		m.Close()
		t.Skipf("no pseudo-terminal: %v", ioErr)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("no pseudo-terminal: %v", err)
	}
	p := &pty{master: m, tty: tty, done: make(chan struct{})}
	go func() { // collect what the terminal shows until it closes
		defer close(p.done)
		buf := make([]byte, 1024)
		for {
			n, err := m.Read(buf)
			p.shown.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { tty.Close(); m.Close() })
	return p
}

// echoOff reports whether the terminal echoes no more.
func (p *pty) echoOff() bool {
	var tio *unix.Termios
	rc, _ := p.tty.SyscallConn()
	rc.Control(func(fd uintptr) { tio, _ = unix.IoctlGetTermios(int(fd), unix.TCGETS) })
	return tio != nil && tio.Lflag&unix.ECHO == 0
}

// finish closes the terminal and returns all it showed.
func (p *pty) finish() string {
	p.tty.Close()
	<-p.done
	return p.shown.String()
}

// TestPasswordOnTerminal: on a terminal, `user add` and `user passwd` ask
// for the password twice, on standard error, with the echo off while it
// is typed; it never shows on the terminal; two different entries change
// nothing. --password-stdin is not needed there.
func TestPasswordOnTerminal(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "j.db")
	// Each answer is typed once its prompt is shown and the echo is off
	// (the prompts differ, so the second is not the first seen again).
	type answer struct{ prompt, text string }
	runOnTTY := func(answers []answer, args ...string) (int, string, string) {
		t.Helper()
		tty := openPTY(t)
		var out, errb syncBuffer
		done := make(chan int, 1)
		go func() { done <- run(context.Background(), args, tty.tty, &out, &errb) }()
		for _, a := range answers {
			waitFor(t, func() bool {
				return strings.Contains(errb.String(), a.prompt) && tty.echoOff()
			}, fmt.Sprintf("prompt %q with the echo off", a.prompt), &errb)
			if _, err := tty.master.WriteString(a.text + "\n"); err != nil {
				t.Fatal(err)
			}
		}
		var code int
		select {
		case code = <-done:
		case <-time.After(waitLimit):
			t.Fatalf("%v did not finish:\n%s", args, errb.String())
		}
		return code, errb.String(), tty.finish()
	}
	// A control: with the echo on, what is typed shows, and this test sees it.
	ctl := openPTY(t)
	if ctl.echoOff() {
		t.Fatal("a new terminal starts with the echo off")
	}
	ctl.master.WriteString("echo check\n")
	waitFor(t, func() bool { return strings.Contains(ctl.shown.String(), "echo check") }, "the terminal to echo", &ctl.shown)
	ctl.finish()

	const pw, pw2 = "typed on a terminal 1", "typed on a terminal 2"
	code, prompts, shown := runOnTTY([]answer{{"New password", pw}, {"Repeat", pw}},
		"user", "add", "--db", p, "--name", "tty", "--role", "viewer")
	if code != 0 {
		t.Fatalf("user add on a terminal: %d\n%s", code, prompts)
	}
	if strings.Contains(shown, "typed on a terminal") {
		t.Errorf("the password showed on the terminal: %q", shown)
	}
	code, prompts, shown = runOnTTY([]answer{{"New password", pw2}, {"Repeat", "something else entirely"}},
		"user", "passwd", "--db", p, "--name", "tty", "--password-stdin")
	if code != 1 || !strings.Contains(prompts, "differ") {
		t.Errorf("passwd with two different entries: %d\n%s", code, prompts)
	}
	if strings.Contains(shown, "typed on a terminal") || strings.Contains(shown, "something else") {
		t.Errorf("the password showed on the terminal: %q", shown)
	}
	d, err := db.Open(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, hash, err := d.UserByName(context.Background(), "tty")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := auth.VerifyPassword(hash, pw); !ok {
		t.Error("the password typed twice is not the account's, or the mismatched passwd changed it")
	}
}
