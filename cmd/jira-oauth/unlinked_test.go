package main

import (
	"os/exec"
	"strings"
	"testing"
)

// unlinked are packages that must stay out of the jira-oauth binary: their
// initialisers ran in every process, --version included, for the benefit
// of one rarely used path.
var unlinked = map[string]string{
	// The two small pages of login's callback and the sandbox's authorize
	// page escape by hand (internal/loopback and internal/jiratest, tested
	// against html/template).
	"html/template": "write pages with explicit escaping (see internal/loopback's page.html)",
	// The sandbox's Hostile mode records answers with its own recorder.
	"net/http/httptest": "it is a test package; record answers as internal/jiratest's answerRecorder does",
}

// TestPackagesNotLinked checks that no package in unlinked is linked into
// the jira-oauth binary.
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
		if advice, ok := unlinked[p]; ok {
			t.Errorf("jira-oauth links %s: %s", p, advice)
		}
	}
}
