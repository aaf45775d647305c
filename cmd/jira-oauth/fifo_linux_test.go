package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// mkfifo PATH makes a FIFO (named pipe).
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo PATH")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o600))
}

// termblocked [-writer] CODE FIFO COMMAND [ARGS...] starts COMMAND, waits
// until it is blocked on FIFO (in open(2), waiting for a writer; with
// -writer the script holds the FIFO open for writing and never writes, so
// it waits in read(2) once it has the FIFO open), sends it one SIGTERM
// and checks its exit code, or with CODE "killed" that SIGTERM ended it
// (the default handling, which a command that only reads keeps). It is a
// hang guard, not a timer: a command still running 30s after the signal
// is killed and the script fails.
func cmdTermBlocked(ts *testscript.TestScript, neg bool, args []string) {
	writer := len(args) > 0 && args[0] == "-writer"
	if writer {
		args = args[1:]
	}
	if neg || len(args) < 3 {
		ts.Fatalf("usage: termblocked [-writer] CODE FIFO COMMAND [ARGS...]")
	}
	killed := args[0] == "killed"
	want, err := strconv.Atoi(args[0])
	if !killed {
		ts.Check(err)
	}
	fifo := ts.MkAbs(args[1])
	if writer {
		// O_RDWR opens a FIFO without waiting for a reader (Linux).
		w, err := os.OpenFile(fifo, os.O_RDWR, 0)
		ts.Check(err)
		defer w.Close()
	}
	cmd := exec.Command(args[2], args[3:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, name := range []string{"GORACE", "JIRA_OAUTH_CONFIG", "HOME", "TMPDIR", "JIRA"} {
		cmd.Env = append(cmd.Env, name+"="+ts.Getenv(name))
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	ts.Check(cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	report := func() {
		fmt.Fprint(ts.Stdout(), stdout.String())
		fmt.Fprint(ts.Stderr(), stderr.String())
	}

	pid := cmd.Process.Pid
	openatSeen := make(map[string]int)
	for start := time.Now(); !blockedOn(pid, fifo, writer, openatSeen); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-exited:
			report()
			ts.Fatalf("%s ended before it blocked on %s: %v", args[2], args[1], err)
		default:
		}
		if time.Since(start) > 30*time.Second {
			cmd.Process.Kill()
			<-exited
			report()
			ts.Fatalf("%s did not block on %s within 30s", args[2], args[1])
		}
	}
	ts.Check(cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err = <-exited:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-exited
		report()
		ts.Fatalf("%s still running 30s after SIGTERM (it ignores the signal while blocked on %s)", args[2], args[1])
	}
	report()
	if killed {
		var exitErr *exec.ExitError
		var ws syscall.WaitStatus
		if errors.As(err, &exitErr) {
			ws, _ = exitErr.Sys().(syscall.WaitStatus)
		}
		if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
			ts.Fatalf("%s ended with %v after SIGTERM; want it ended by the signal", args[2], err)
		}
		return
	}
	if got := exitStatus(ts, args[2], err); got != want {
		ts.Fatalf("%s exited %d after SIGTERM; want %d", args[2], got, want)
	}
}

// blockedOn reports whether process pid waits on fifo: with a writer,
// once it has fifo open (it then blocks reading); without, while one of
// its threads waits in the kernel's FIFO open for a writer. openatSeen
// carries state from one poll to the next (see inOpenat).
func blockedOn(pid int, fifo string, writer bool, openatSeen map[string]int) bool {
	proc := "/proc/" + strconv.Itoa(pid)
	if resolved, err := filepath.EvalSymlinks(fifo); err == nil {
		fifo = resolved
	}
	if writer {
		fds, _ := filepath.Glob(proc + "/fd/*")
		for _, fd := range fds {
			if target, err := os.Readlink(fd); err == nil && target == fifo {
				return true
			}
		}
		return false
	}
	// wchan names the kernel function a thread sleeps in: wait_for_partner
	// (fifo_open on older kernels) for a FIFO open waiting for a writer.
	tasks, _ := filepath.Glob(proc + "/task/*")
	for _, task := range tasks {
		if data, err := os.ReadFile(task + "/wchan"); err == nil {
			if w := string(data); strings.Contains(w, "wait_for_partner") || strings.Contains(w, "fifo_open") {
				return true
			}
		}
	}
	return inOpenat(tasks, openatSeen)
}

// inOpenat reports whether a thread has been inside openat(2) for 20
// polls in a row (the start-up opens of the runtime take microseconds;
// the FIFO is the only file these commands open that can block), for
// kernels that hide wchan. openatSeen counts the polls, per thread.
func inOpenat(tasks []string, openatSeen map[string]int) bool {
	for _, task := range tasks {
		data, err := os.ReadFile(task + "/syscall")
		nr, _, _ := strings.Cut(string(data), " ")
		if err != nil || nr != openatSyscall() {
			delete(openatSeen, task)
			continue
		}
		openatSeen[task]++
		if openatSeen[task] >= 20 {
			return true
		}
	}
	return false
}

// openatSyscall is the number of openat(2) as /proc/PID/syscall shows it.
func openatSyscall() string {
	switch runtime.GOARCH {
	case "amd64":
		return "257"
	case "386":
		return "295"
	default: // arm64, riscv64, loong64: the generic table
		return "56"
	}
}
