package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestHTMLTemplateNotLinked checks that html/template stays out of the
// jira-oauth binary: its initialiser and the escaper code it pulls in ran
// in every process, --version included, for the two small pages of login's
// callback and the sandbox's authorize page, which escape by hand
// (internal/loopback and internal/jiratest, tested against html/template).
func TestHTMLTemplateNotLinked(t *testing.T) {
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
		if p == "html/template" {
			t.Error("jira-oauth links html/template; write pages with explicit escaping (see internal/loopback's page.html)")
		}
	}
}
