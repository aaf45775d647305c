package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// initBudget is what one package's initialisers may allocate at start-up.
type initBudget struct {
	allocs, bytes int
}

// modulePath is the prefix of our packages in inittrace's output.
const modulePath = "github.com/jira-oauth/jira-oauth/"

// ourInitBudget is what a package of ours may allocate before main: a few
// sentinel errors (errors.New is one allocation) and a small map. A regular
// expression, a parsed template or a table costs tens to hundreds of
// allocations: build those on first use (sync.OnceValue). Measured with
// go1.26: at most 4 allocs, 504 bytes (internal/jiratest, since its page
// needs no template).
var ourInitBudget = initBudget{allocs: 8, bytes: 768}

// thirdPartyInitBudget is the same for other modules' packages (not the
// standard library, which we cannot change). Measured with go1.26: cobra
// 14 allocs / 1192 bytes, pflag 1 / 256, the rest none. A new dependency
// that does more at init costs every command, --version included: it
// needs a good reason and an entry in initBudgets.
var thirdPartyInitBudget = initBudget{allocs: 8, bytes: 1024}

// initBudgets are packages allowed more than the default.
var initBudgets = map[string]initBudget{
	"github.com/spf13/cobra": {allocs: 24, bytes: 2048},
	// Our copy of gojq (request --jq) builds its tables on first use:
	// upstream's init built jq's builtins, 2,278 allocations and 219 KB,
	// about 0.3 ms of every start. Nothing at all is allowed back.
	modulePath + "internal/gojq": {allocs: 0, bytes: 0},
	// singleproc sets GOMAXPROCS to 1 unless $GOMAXPROCS is set: reading
	// it makes syscall copy the environment into a map, which the process
	// would do at its first os.Getenv anyway. It grows with the number of
	// variables (9 allocations and 3.4 KB for 35, 15 and 27 KB for 335).
	modulePath + "internal/singleproc": {allocs: 40, bytes: 64 << 10},
}

// initCost is one line of GODEBUG=inittrace=1:
// "init PKG @0.5 ms, 0.01 ms clock, 328 bytes, 4 allocs".
type initCost struct {
	pkg           string
	bytes, allocs int
}

// parseInitTrace returns the init lines of inittrace output.
func parseInitTrace(out string) ([]initCost, error) {
	var costs []initCost
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "init ") {
			continue
		}
		f := strings.Fields(line)
		// init PKG @T ms, C ms clock, B bytes, A allocs
		if len(f) != 11 || f[8] != "bytes," || f[10] != "allocs" {
			return nil, fmt.Errorf("unexpected inittrace line %q", line)
		}
		b, err1 := strconv.Atoi(f[7])
		a, err2 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("unexpected inittrace line %q", line)
		}
		costs = append(costs, initCost{pkg: f[1], bytes: b, allocs: a})
	}
	return costs, nil
}

// overBudget returns a message for each package of ours or of another
// module whose initialisers allocate more than their budget.
func overBudget(costs []initCost) []string {
	var msgs []string
	for _, c := range costs {
		first, _, _ := strings.Cut(c.pkg, "/")
		if !strings.Contains(first, ".") {
			continue // the standard library (vendor/golang.org/... included)
		}
		budget, ok := initBudgets[c.pkg]
		switch {
		case ok:
		case strings.HasPrefix(c.pkg, modulePath):
			budget = ourInitBudget
		default:
			budget = thirdPartyInitBudget
		}
		if c.allocs > budget.allocs || c.bytes > budget.bytes {
			msgs = append(msgs, fmt.Sprintf("init %s: %d allocs, %d bytes; budget %d allocs, %d bytes: build templates, regexps and tables on first use (sync.OnceValue)",
				c.pkg, c.allocs, c.bytes, budget.allocs, budget.bytes))
		}
	}
	return msgs
}

// TestInitCost runs the real binary with GODEBUG=inittrace=1 and checks
// what each package initialiser of ours (and of our dependencies)
// allocates: counts and bytes, not time, so the test is not flaky on a
// busy machine.
func TestInitCost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "jira-oauth")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("jira-oauth --version: %v\n%s", err, stderr.String())
	}
	costs, err := parseInitTrace(stderr.String())
	if err != nil {
		t.Fatal(err)
	}
	var ours int
	for _, c := range costs {
		if strings.HasPrefix(c.pkg, modulePath) {
			ours++
		}
	}
	if ours == 0 {
		t.Fatalf("inittrace listed no package of ours; got:\n%s", stderr.String())
	}
	for _, msg := range overBudget(costs) {
		t.Error(msg)
	}
}

// TestInitBudgetTable checks the rules of overBudget on lines inittrace
// printed for real initialisers.
func TestInitBudgetTable(t *testing.T) {
	t.Parallel()
	const trace = `init internal/bytealg @0.005 ms, 0 ms clock, 0 bytes, 0 allocs
init html/template @2.7 ms, 0.046 ms clock, 17944 bytes, 90 allocs
init vendor/golang.org/x/net/http2/hpack @2.2 ms, 0.039 ms clock, 7344 bytes, 8 allocs
init github.com/spf13/cobra @2.6 ms, 0.011 ms clock, 1192 bytes, 14 allocs
init github.com/jira-oauth/jira-oauth/internal/keys @1.9 ms, 0.008 ms clock, 328 bytes, 4 allocs
init github.com/jira-oauth/jira-oauth/internal/cli @2.2 ms, 0.016 ms clock, 6920 bytes, 89 allocs
init github.com/example/heavy @2.2 ms, 0.2 ms clock, 90000 bytes, 900 allocs
`
	costs, err := parseInitTrace(trace)
	if err != nil {
		t.Fatal(err)
	}
	if len(costs) != 7 {
		t.Fatalf("parsed %d lines; want 7", len(costs))
	}
	got := overBudget(costs)
	if len(got) != 2 || !strings.Contains(got[0], "internal/cli: 89 allocs") || !strings.Contains(got[1], "heavy: 900 allocs") {
		t.Errorf("overBudget = %q; want internal/cli (a regexp at init) and example/heavy over budget", got)
	}
	if _, err := parseInitTrace("init x @1 ms, garbled\n"); err == nil {
		t.Error("a garbled line parsed")
	}
}
