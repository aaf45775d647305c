package main

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"strings"

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
