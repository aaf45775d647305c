package main

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// setenvfrom [-escaped] [-pkcs1] NAME FILE sets the script's environment
// variable NAME to the text of FILE: with -escaped its line breaks become
// literal \n (as a CI secret store may hold a PEM); with -pkcs1 FILE is a
// private key, written as an "RSA PRIVATE KEY" (PKCS#1) PEM.
func cmdSetenvFrom(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("setenvfrom does not support !")
	}
	escaped, pkcs1 := false, false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-escaped":
			escaped = true
		case "-pkcs1":
			pkcs1 = true
		default:
			ts.Fatalf("setenvfrom: unknown flag %s", args[0])
		}
		args = args[1:]
	}
	if len(args) != 2 {
		ts.Fatalf("usage: setenvfrom [-escaped] [-pkcs1] NAME FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	text := string(data)
	if pkcs1 {
		key, err := keys.Parse(text)
		ts.Check(err)
		text = string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	}
	if escaped {
		text = strings.ReplaceAll(strings.TrimSpace(text), "\n", `\n`)
	}
	ts.Setenv(args[0], text)
}

// pythonJiraPython is the interpreter that has Debian's python3-jira: the
// system one, not a pyenv shim earlier on PATH.
const pythonJiraPython = "/usr/bin/python3"

// pythonJira reports whether the python-jira tests run: when the system
// Python imports jira, or always when JIRA_OAUTH_REQUIRE_PYTHON_JIRA is
// set (CI), so that a missing package fails them instead of skipping.
func pythonJira() bool {
	if os.Getenv("JIRA_OAUTH_REQUIRE_PYTHON_JIRA") != "" {
		return true
	}
	return exec.Command(pythonJiraPython, "-c", "import jira").Run() == nil
}

// freeaddr VAR sets VAR to a loopback host:port that was free a moment
// ago, for a background 'jira-oauth proxy --addr $VAR'.
func cmdFreeAddr(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeaddr VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	addr := l.Addr().String()
	ts.Check(l.Close())
	ts.Setenv(args[0], addr)
}

// waitfile FILE waits (up to a minute) until FILE exists and is not empty:
// the proxy writes --token-file once it listens.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if fi, err := os.Stat(ts.MkAbs(args[0])); err == nil && fi.Size() > 0 {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile %s: still missing after a minute", args[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitlisten ADDR waits (up to a minute) until something accepts TCP
// connections on ADDR.
func cmdWaitListen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitlisten ADDR")
	}
	deadline := time.Now().Add(time.Minute)
	for {
		if c, err := net.Dial("tcp", args[0]); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitlisten %s: nothing listens after a minute", args[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
