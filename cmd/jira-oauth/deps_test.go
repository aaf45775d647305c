package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDocToolsNotLinked checks that what only generates documentation
// (cobra/doc and its Markdown and YAML libraries, used by internal/docgen)
// stays out of the jira-oauth binary: every page a binary maps costs at
// start-up.
func TestDocToolsNotLinked(t *testing.T) {
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
		for _, banned := range []string{"github.com/spf13/cobra/doc", "github.com/cpuguy83/go-md2man", "github.com/russross/blackfriday", "go.yaml.in/yaml", "github.com/jira-oauth/jira-oauth/internal/docgen"} {
			if strings.HasPrefix(p, banned) {
				t.Errorf("jira-oauth links %s", p)
			}
		}
	}
}
