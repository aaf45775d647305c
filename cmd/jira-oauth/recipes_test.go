package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// readmePath is the README whose recipes the scripts run.
const readmePath = "../../README.md"

// recipeBlock returns the language and text of the fenced block after
// "<!-- recipe: NAME -->" in the README, and the text after it.
func recipeBlock(name string) (lang, block, after string, err error) {
	data, err := os.ReadFile(readmePath)
	if err != nil {
		return "", "", "", err
	}
	_, rest, ok := strings.Cut(string(data), "<!-- recipe: "+name+" -->\n")
	if !ok {
		return "", "", "", fmt.Errorf("README has no recipe %q", name)
	}
	fence, rest, ok := strings.Cut(rest, "\n")
	if !ok || !strings.HasPrefix(fence, "```") {
		return "", "", "", fmt.Errorf("recipe %q: no code block right after its marker", name)
	}
	block, after, ok = strings.Cut(rest, "```\n")
	if !ok {
		return "", "", "", fmt.Errorf("recipe %q: unterminated code block", name)
	}
	return strings.TrimPrefix(fence, "```"), block, after, nil
}

// recipe NAME FILE writes the commands of the README's recipe NAME to
// FILE as a shell script, as written. For a YAML recipe (a CI wrapper that
// cannot run here) it takes the commands from it (GitHub's "run: |",
// GitLab's "script:" items), and the script first keeps, of the
// credentials in ./jira.env (export --format env: the CI secrets), only
// the JIRA_OAUTH_* variables the YAML passes. For a recipe followed by a
// table of `keys`, FILE.keys lists them, one a line, sorted as written.
func cmdRecipe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: recipe NAME FILE")
	}
	lang, block, after, err := recipeBlock(args[0])
	ts.Check(err)
	var script strings.Builder
	script.WriteString("set -e\n")
	switch lang {
	case "sh":
		script.WriteString(block)
	case "yaml":
		vars := regexp.MustCompile(`(?m)^\s+(JIRA_OAUTH_[A-Z_]+):`).FindAllStringSubmatch(block, -1)
		names := []string{}
		for _, v := range vars {
			names = append(names, v[1])
		}
		// No names in the YAML: they are the project's CI variables, all of them.
		script.WriteString("set -a; . ./jira.env; set +a\n")
		if len(names) > 0 {
			fmt.Fprintf(&script, "for v in $(env | sed -n 's/^\\(JIRA_OAUTH_[A-Z_]*\\)=.*/\\1/p'); do\n  case \" %s \" in *\" $v \"*) ;; *) unset \"$v\" ;; esac\ndone\n", strings.Join(names, " "))
		}
		commands := yamlCommands(block)
		if len(commands) == 0 {
			ts.Fatalf("recipe %s: no commands found in its YAML", args[0])
		}
		script.WriteString(strings.Join(commands, "\n") + "\n")
	default:
		ts.Fatalf("recipe %s: a %q block; want sh or yaml", args[0], lang)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(script.String()), 0o644))
	if table, _, ok := strings.Cut(after, "\n\n"); ok && strings.HasPrefix(strings.TrimSpace(after), "|") {
		var keys []string
		for _, m := range regexp.MustCompile("(?m)^\\|[^|]*\\| `([a-z_]+)` \\|$").FindAllStringSubmatch(table, -1) {
			keys = append(keys, m[1])
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[1]+".keys"), []byte(strings.Join(keys, "\n")+"\n"), 0o644))
	}
}

// yamlCommands returns the shell commands of a CI YAML snippet: the lines
// of a "run: |" block (GitHub Actions) or the "- " items of "script:"
// (GitLab CI).
func yamlCommands(block string) []string {
	lines := strings.Split(block, "\n")
	var commands []string
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		indent := len(lines[i]) - len(strings.TrimLeft(lines[i], " "))
		switch trimmed {
		case "run: |", "script:":
			for j := i + 1; j < len(lines); j++ {
				l := lines[j]
				if strings.TrimSpace(l) == "" {
					continue
				}
				if len(l)-len(strings.TrimLeft(l, " ")) <= indent {
					break
				}
				c := strings.TrimSpace(l)
				if trimmed == "script:" {
					c = strings.TrimPrefix(c, "- ")
				}
				commands = append(commands, c)
				i = j
			}
		}
	}
	return commands
}
