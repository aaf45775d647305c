package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

var update = flag.Bool("u", false, "rewrite the golden output in testdata/script")

// TestMain lets the test binary act as jira-oauth inside scripts, so the
// scripts drive the real main function in a separate process.
func TestMain(m *testing.M) {
	commands := map[string]func(){
		"jira-oauth":  func() { os.Exit(run()) },
		"fakebrowser": func() { os.Exit(fakeBrowser()) },
		"editbrowser": func() { os.Exit(editBrowser()) },
	}
	if _, isCommand := commands[strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")]; !isCommand {
		// The test process itself, not a jira-oauth a script runs: it
		// takes every processor back from internal/singleproc (imported
		// by this package), and runs as many tests at once as there are,
		// as testing would have (it sized -test.parallel when GOMAXPROCS
		// was 1; a -test.parallel given on the command line still wins).
		runtime.SetDefaultGOMAXPROCS()
		if f := flag.Lookup("test.parallel"); f != nil {
			f.Value.Set(strconv.Itoa(runtime.GOMAXPROCS(0))) //nolint:errcheck // a number
		}
	}
	testscript.Main(m, commands)
}

// providersKey is where Setup stores the script's own jiratest providers;
// the first is the one at $JIRA.
type providersKey struct{}

// proxiedBaseURL is the base URL the provider at $JIRA_PROXIED believes it
// has, as a Jira behind a reverse proxy whose jira_home points elsewhere.
const proxiedBaseURL = "https://jira.example.com/jira"

// TestScripts runs testdata/script/*.txtar: each script gets a fresh
// Jira-like provider, whose URL is in $JIRA.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		UpdateScripts:       *update,
		RequireUniqueNames:  true,
		RequireExplicitExec: false,
		Setup:               setupProviders,
		Condition: func(cond string) (bool, error) {
			// [requirejava]: CI wants the JVM checks to run, not skip.
			if cond == "requirejava" {
				return os.Getenv("JIRA_OAUTH_REQUIRE_JAVA") != "", nil
			}
			if cond == "unshare" { // safety_cmds_test.go
				return unshareCondition()
			}
			// [pythonjira]: Debian's python3-jira imports (or CI requires it).
			if cond == "pythonjira" {
				return pythonJira(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"applink":     cmdAppLink,
			"attachment":  cmdAttachment,
			"jiradata":    cmdJiraData,
			"approve":     cmdApprove,
			"approve-tls": cmdApproveTLS,
			"exits":       cmdExits,
			"advance":     cmdAdvance,
			// OAuth 2.0 and PATs: oauth2_cmds_test.go
			"refreshcount": cmdRefreshCount, "holdrefreshes": cmdHoldRefreshes, "releaserefreshes": cmdReleaseRefreshes, "livetokens": cmdLiveTokens, "livepats": cmdLivePATs, "noissued": cmdNoIssued, "oauth2client": cmdOAuth2Client,
			"age":         cmdAge,
			"expand":      cmdExpand,
			"hostile":     cmdHostile,
			"noescapes":   cmdNoEscapes,
			"waitsilent":  cmdWaitSilent,
			"mode":        cmdMode,
			"randfile":    cmdRandFile,
			"mkfifo":      cmdMkfifo,
			"nosecrets":   cmdNoSecrets,
			"oob-login":   cmdOOBLogin,
			"paste-login": cmdPasteLogin,
			"stripauth":   cmdStripAuth,
			"termblocked": cmdTermBlocked,
			"throttle":    cmdThrottle,
			"tokencalls":  cmdTokenCalls,
			"hugetokens":  cmdHugeTokens,
			"keypair":     cmdKeyPair,
			"waitissued":  cmdWaitIssued,
			"setenvfrom":  cmdSetenvFrom,
			"freeaddr":    cmdFreeAddr,
			"waitfile":    cmdWaitFile,
			"waitlisten":  cmdWaitListen,
			"recipe":      cmdRecipe,
		},
	})
}

// setupProviders gives each script its own Jira-like providers:
//
//	$JIRA          plain HTTP ($JIRA_JAVA: the same, escaped as Java stores it)
//	$JIRA_TLS      HTTPS with a certificate from a test CA ($WORK/jira-ca.pem);
//	               $JIRA_MTLS, $PROXY and more: see setupNetwork
//	$JIRA_PROXIED  a Jira whose Base URL is proxiedBaseURL, not the URL used
//	$JIRA_SILENT   accepts connections and never answers (timeouts)
//	$OAUTH2_...    OAuth 2.0 clients on every provider: see setupOAuth2
func setupProviders(env *testscript.Env) error {
	// Under -race each run of the binary would sleep a second at exit
	// waiting for late race reports; the scripts run it hundreds of times.
	// Races are still reported (exit code 66 fails the script).
	env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var providers []*jiratest.Provider
	start := func(opts jiratest.Options) *httptest.Server {
		p := jiratest.New(opts)
		providers = append(providers, p)
		server := httptest.NewServer(p)
		env.Defer(server.Close)
		return server
	}
	plain := start(jiratest.Options{})
	env.Setenv("JIRA", plain.URL)
	env.Setenv("JIRA_UPPER", strings.Replace(plain.URL, "http://", "HTTP://", 1)) // request HTTP://...
	env.Setenv("JIRA_JAVA", strings.ReplaceAll(plain.URL, ":", `\:`))
	// TLS, mutual TLS, proxy, trickle: network_cmds_test.go. Its provider
	// ($JIRA_TLS, $JIRA_MTLS) stays second, for approve-tls.
	tlsProvider, err := setupNetwork(env)
	if err != nil {
		return err
	}
	providers = append(providers, tlsProvider)
	env.Setenv("JIRA_PROXIED", start(jiratest.Options{BaseURL: proxiedBaseURL}).URL)
	silent, err := silentServer(env)
	if err != nil {
		return err
	}
	env.Setenv("JIRA_SILENT", silent)
	env.Values[providersKey{}] = providers
	if err := setupOAuth2(env, providers); err != nil { // oauth2_cmds_test.go
		return err
	}
	return nil
}

// silent is a server that accepts connections and never answers.
type silent struct {
	mu    sync.Mutex
	conns []net.Conn
	cond  *sync.Cond
}

// silentKey is where Setup stores the script's *silent.
type silentKey struct{}

// silentServer listens on loopback, accepts connections and never
// answers, until the script ends. It returns its http:// URL.
func silentServer(env *testscript.Env) (string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	s := &silent{}
	s.cond = sync.NewCond(&s.mu)
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, conn)
			s.cond.Broadcast()
			s.mu.Unlock()
		}
	}()
	env.Defer(func() {
		listener.Close()
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, c := range s.conns {
			c.Close()
		}
	})
	env.Values[silentKey{}] = s
	return "http://" + listener.Addr().String(), nil
}

// waitsilent N waits until $JIRA_SILENT has accepted N connections, so a
// script knows a background command is in the middle of its call.
func cmdWaitSilent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitsilent N")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	s := ts.Value(silentKey{}).(*silent)
	deadline := time.AfterFunc(30*time.Second, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cond.Broadcast()
	})
	defer deadline.Stop()
	start := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.conns) < n {
		if time.Since(start) >= 30*time.Second {
			ts.Fatalf("no connection to $JIRA_SILENT after 30s")
		}
		s.cond.Wait()
	}
}

// provider is the script's provider at $JIRA.
func provider(ts *testscript.TestScript) *jiratest.Provider {
	return ts.Value(providersKey{}).([]*jiratest.Provider)[0]
}

// applink CONSUMER_KEY PEM_FILE registers an incoming Application Link
// on every provider of the script, as a Jira admin would.
func cmdAppLink(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: applink CONSUMER_KEY PUBLIC_KEY_PEM")
	}
	pub, err := keys.ParsePublic([]byte(ts.ReadFile(args[1])))
	ts.Check(err)
	for _, p := range ts.Value(providersKey{}).([]*jiratest.Provider) {
		p.AddConsumer(args[0], "script link", pub)
	}
}

// approve [deny] approves (or denies) the request token saved in the
// script's config ($JIRA_OAUTH_CONFIG or config.properties), as the user in the browser would, and puts the
// verification code in $VERIFIER and the token in $REQUEST_TOKEN.
func cmdApprove(ts *testscript.TestScript, neg bool, args []string) {
	approveOn(ts, neg, args, provider(ts))
}

// approve-tls is approve on the provider at $JIRA_TLS.
func cmdApproveTLS(ts *testscript.TestScript, neg bool, args []string) {
	approveOn(ts, neg, args, ts.Value(providersKey{}).([]*jiratest.Provider)[1])
}

// scriptConfig is the config the script's commands use: $JIRA_OAUTH_CONFIG
// or config.properties.
func scriptConfig(ts *testscript.TestScript) string {
	if path := ts.Getenv("JIRA_OAUTH_CONFIG"); path != "" {
		return ts.MkAbs(path)
	}
	return ts.MkAbs("config.properties")
}

func approveOn(ts *testscript.TestScript, neg bool, args []string, p *jiratest.Provider) {
	cfg, err := config.Load(scriptConfig(ts))
	ts.Check(err)
	token := cfg.Get(config.KeyRequestToken)
	if len(args) == 1 && args[0] == "deny" {
		err := p.Deny(token)
		if neg != (err != nil) {
			ts.Fatalf("deny %s: %v", token, err)
		}
		return
	}
	verifier, err := p.Approve(token)
	if neg {
		if err == nil {
			ts.Fatalf("approve succeeded; want an error")
		}
		return
	}
	ts.Check(err)
	ts.Setenv("VERIFIER", verifier)
	ts.Setenv("REQUEST_TOKEN", token)
}

// advance DURATION moves the provider's clock (token expiry, clock skew).
func cmdAdvance(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: advance DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	provider(ts).Advance(d)
}

// age DURATION makes the provider's tokens older, as if time had passed on
// both sides (no clock skew).
func cmdAge(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: age DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	provider(ts).AgeTokens(d)
}

// expand FILE replaces $VARIABLES in FILE with their values, for
// fixtures that must hold the script's provider URL.
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: expand FILE")
	}
	path := ts.MkAbs(args[0])
	ts.Check(os.WriteFile(path, []byte(os.Expand(ts.ReadFile(args[0]), ts.Getenv)), 0o600))
}

// mode PATH PERM checks a file's permission bits, e.g. mode config.properties 0600.
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mode PATH PERM")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode().Perm(); got != os.FileMode(want) {
		ts.Fatalf("%s has mode %#o; want %#o", args[0], got, want)
	}
}

// exits CODE COMMAND [ARGS...] runs a command and checks its exact exit
// code (testscript's ! only says "non-zero").
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	if got := exitStatus(ts, args[1], err); got != want {
		ts.Fatalf("%s exited %d; want %d", args[1], got, want)
	}
}

// exitStatus is the exit code of a process that ended with err (from
// ts.Exec or exec.Cmd.Wait): 0 for nil; it fails the script when the
// process could not run at all.
func exitStatus(ts *testscript.TestScript, name string, err error) int {
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", name, err)
	}
	return 0
}

// nosecrets fails if the last command's stdout or stderr contains a
// secret held in the script's config (private key, token secrets) or
// $VERIFIER.
func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("nosecrets does not support !")
	}
	secrets := map[string]string{"$VERIFIER": ts.Getenv("VERIFIER")}
	if cfg, err := config.Load(scriptConfig(ts)); err == nil {
		for _, key := range config.SecretKeys {
			secrets[key] = cfg.Get(key)
		}
	}
	for _, stream := range []string{"stdout", "stderr"} {
		text := ts.ReadFile(stream)
		for name, secret := range secrets {
			if len(secret) >= 6 && strings.Contains(text, secret) {
				ts.Fatalf("%s contains the secret %s", stream, name)
			}
			// A PEM or base64 key could be printed in part: look for a chunk.
			if len(secret) > 64 && strings.Contains(text, secret[20:60]) {
				ts.Fatalf("%s contains part of the secret %s", stream, name)
			}
		}
	}
}
