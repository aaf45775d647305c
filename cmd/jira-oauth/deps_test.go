package main

import (
	"os/exec"
	"strings"
	"testing"
)

// unlinked are packages (and, ending in "/", module prefixes) that must
// stay out of the jira-oauth binary, with what to do instead: every
// package's initialiser runs, and every page a binary maps costs, at the
// start of every process, --version included.
var unlinked = map[string]string{
	// What only generates documentation (internal/docgen).
	"github.com/spf13/cobra/doc":                       "only internal/docgen may use it",
	"github.com/cpuguy83/go-md2man/":                   "only internal/docgen may use it",
	"github.com/russross/blackfriday/":                 "only internal/docgen may use it",
	"go.yaml.in/yaml/":                                 "only internal/docgen may use it",
	"github.com/jira-oauth/jira-oauth/internal/docgen": "it generates documentation at build time",
	// The two small pages of login's callback and the sandbox's authorize
	// page escape by hand (internal/loopback and internal/jiratest, tested
	// against html/template).
	"html/template": "write pages with explicit escaping (see internal/loopback's page)",
	// The sandbox's Hostile mode records answers with its own recorder.
	"net/http/httptest": "it is a test package; record answers as internal/jiratest's answerRecorder does",
}

// TestPackagesNotLinked checks that nothing in unlinked is linked into the
// jira-oauth binary.
func TestPackagesNotLinked(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 20 {
		t.Fatalf("go list -deps listed only %q", deps)
	}
	for _, p := range deps {
		for banned, advice := range unlinked {
			if p == banned || strings.HasSuffix(banned, "/") && strings.HasPrefix(p, banned) {
				t.Errorf("jira-oauth links %s: %s", p, advice)
			}
		}
	}
}
