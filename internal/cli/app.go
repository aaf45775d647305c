package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

// defaultConfigPath is where config.properties lives when neither
// --config nor JIRA_OAUTH_CONFIG says otherwise (as the Java client).
const defaultConfigPath = "config.properties"

// app holds one invocation's environment and global flag values. It is
// created by Main and shared by the commands of that invocation only.
type app struct {
	env Env
	ctx context.Context // Main's; the running command's is runCtx (signals.go)

	configPath string
	timeout    time.Duration
	verbose    bool
	caFile     string
	clientCert string
	clientKey  string
	insecure   bool

	warnedInsecure bool

	secrets    scrubber
	warnedPerm bool // the config's permission warning was printed
	// warnedInPlace: the config was rewritten in place, and we said so.
	warnedInPlace bool

	warnedRawUTF8 bool // the config's raw UTF-8 warning was printed

	// runCtx is the running command's context and stopRun ends it; both
	// nil until a command runs. catching: Ctrl-C and SIGTERM end runCtx
	// (signals.go).
	runCtx    context.Context
	stopRun   context.CancelFunc
	catchOnce sync.Once
	catching  atomic.Bool
}

// loadConfig reads the config file named by --config. Every command but
// keygen requires it to exist. A config other users can read gets a
// warning on stderr (once per invocation), not a silent change of mode.
func (a *app) loadConfig() (*config.File, error) {
	return a.checkLoaded(a.readConfig()) // the file, stdin or the environment: envconfig.go
}

// loadConfigForRepair is loadConfig for status, which must also read a
// config too large for the other commands, to say how to repair it.
func (a *app) loadConfigForRepair() (*config.File, error) {
	return a.checkLoaded(a.readConfigWith(config.LoadForRepair))
}

// checkLoaded registers the secrets of a config just read and prints its
// warnings (mode, raw UTF-8), once per invocation.
func (a *app) checkLoaded(cfg *config.File, err error) (*config.File, error) {
	if err != nil {
		return nil, err
	}
	a.rememberSecrets(cfg)
	a.warnPerm(cfg)
	a.warnRawUTF8(cfg)
	return cfg, nil
}

// warnPerm prints cfg's permission warning, once per invocation.
func (a *app) warnPerm(cfg *config.File) {
	if w := cfg.PermWarning(); w != "" && !a.warnedPerm {
		a.warnedPerm = true
		fmt.Fprintf(a.stderr(), "jira-oauth: warning: %s\n", w)
	}
}

// rememberSecrets registers the secret values of cfg so that nothing
// printed by this invocation can carry them.
func (a *app) rememberSecrets(cfg *config.File) {
	for _, key := range config.SecretKeys {
		a.secrets.add(cfg.Get(key))
	}
}

// update applies change to the config under its lock (config.Update): the
// file is read afresh, so what another process saved since this command
// loaded it is kept, and it is saved only if change returns nil. Nothing
// is saved after Ctrl-C. Only keygen may create the file (create); for
// the others a config deleted meanwhile is an error, not a new file.
func (a *app) update(ctx context.Context, create bool, change func(*config.File) error) error {
	a.catchSignals()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := a.checkSavable("this command"); err != nil {
		return err
	}
	var saved *config.File
	err := config.UpdateContext(ctx, a.configPath, func(f *config.File) error {
		if !f.Exists() && !create {
			_, err := config.Load(a.configPath)
			if err == nil {
				err = &config.Error{Path: a.configPath, Err: errors.New("appeared while this command ran; nothing was saved: run it again")}
			}
			return err
		}
		a.rememberSecrets(f)
		saved = f
		return change(f)
	})
	if err == nil && saved != nil {
		a.warnNotAtomic(saved)
	}
	return err
}

// warnNotAtomic says, once per invocation, that f was saved by rewriting
// it in place (a single-file bind mount), which a crash can damage.
func (a *app) warnNotAtomic(f *config.File) {
	if why := f.NotAtomic(); why != nil && !a.warnedInPlace {
		a.warnedInPlace = true
		fmt.Fprintf(a.stderr(), "jira-oauth: warning: %s was rewritten in place, not replaced atomically (%v: a single-file bind mount?); a crash while saving could damage it\n", f.Path(), why)
	}
}

// oauthClient builds the signing client for the link described by cfg.
func (a *app) oauthClient(cfg *config.File) (*oauth.Client, error) {
	home, err := cfg.JiraHome()
	if err != nil {
		return nil, err
	}
	consumerKey, err := cfg.ConsumerKey()
	if err != nil {
		return nil, err
	}
	key, err := cfg.PrivateKey()
	if err != nil {
		return nil, err
	}
	httpClient, err := a.httpClient(cfg)
	if err != nil {
		return nil, err
	}
	client := &oauth.Client{
		JiraHome: home,
		Signer:   &oauth.Signer{ConsumerKey: consumerKey, Key: key, Now: a.env.Now},
		HTTP:     httpClient,
	}
	if a.verbose {
		client.Trace = a.secrets.writer(termsafe.Writer(a.env.Stderr))
	}
	// REST calls (request, whoami, comment) retry 429 and 503 answers;
	// token exchanges never do (oauth.Client does not retry them).
	client.Command = a.command
	client.PublicKeyFile = publicKeyPath(a.configPath)
	client.Retry = oauth.DefaultRetry()
	client.Retry.Notify = func(line string) {
		fmt.Fprintf(a.secrets.writer(a.stderr()), "jira-oauth: %s\n", termsafe.String(line))
	}
	return client, nil
}

// httpClient returns an HTTP client with the --timeout and the TLS and
// proxy settings of transport. Env.Transport, when set, replaces the
// transport (tests); --insecure still warns.
// (oauth.Client never follows redirects: a signature covers one URL.)
func (a *app) httpClient(cfg *config.File) (*http.Client, error) {
	if a.env.Transport != nil {
		if a.insecure {
			a.warnInsecure(cfg)
		}
		return &http.Client{Transport: a.env.Transport, Timeout: a.timeout}, nil
	}
	transport, err := a.transport(cfg)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: transport, Timeout: a.timeout}, nil
}

// command is the jira-oauth command line that runs args on the config
// the user gave (--config or JIRA_OAUTH_CONFIG), for advice.
func (a *app) command(args string) string { return config.Command(a.configPath, args) }

// context is the invocation's context (Background when a test builds an
// app by hand).
func (a *app) context() context.Context {
	switch {
	case a.runCtx != nil: // the command's, which Ctrl-C and SIGTERM may end (signals.go)
		return a.runCtx
	case a.ctx != nil:
		return a.ctx
	}
	return context.Background()
}

// stdout and stderr are the invocation's streams.
func (a *app) stdout() io.Writer { return a.env.Stdout }
func (a *app) stderr() io.Writer { return a.env.Stderr }

// now is the invocation's clock.
func (a *app) now() time.Time { return a.env.Now() }
