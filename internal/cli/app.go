package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// defaultConfigPath is where config.properties lives when neither
// --config nor JIRA_OAUTH_CONFIG says otherwise (as the Java client).
const defaultConfigPath = "config.properties"

// app holds one invocation's environment and global flag values. It is
// created by Main and shared by the commands of that invocation only.
type app struct {
	env Env

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

	// runCtx is the context Env.Signals made for the running command, and
	// stopSignals ends it; both nil until a command runs (signals.go).
	runCtx      context.Context
	stopSignals context.CancelFunc
}

// loadConfig reads the config file named by --config. Every command but
// keygen requires it to exist. A config other users can read gets a
// warning on stderr (once per invocation), not a silent change of mode.
func (a *app) loadConfig() (*config.File, error) {
	cfg, err := config.Load(a.configPath)
	if err != nil {
		return nil, err
	}
	a.rememberSecrets(cfg)
	a.warnPerm(cfg)
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
	if err := ctx.Err(); err != nil {
		return err
	}
	return config.UpdateContext(ctx, a.configPath, func(f *config.File) error {
		if !f.Exists() && !create {
			_, err := config.Load(a.configPath)
			if err == nil {
				err = &config.Error{Path: a.configPath, Err: errors.New("appeared while this command ran; nothing was saved: run it again")}
			}
			return err
		}
		a.rememberSecrets(f)
		return change(f)
	})
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
		client.Trace = a.secrets.writer(a.env.Stderr)
	}
	// REST calls (request, whoami, comment) retry 429 and 503 answers;
	// token exchanges never do (oauth.Client does not retry them).
	client.Retry = oauth.DefaultRetry()
	client.Retry.Notify = func(line string) {
		fmt.Fprintf(a.secrets.writer(a.stderr()), "jira-oauth: %s\n", line)
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
			a.warnInsecure()
		}
		return &http.Client{Transport: a.env.Transport, Timeout: a.timeout}, nil
	}
	transport, err := a.transport(cfg)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: transport, Timeout: a.timeout}, nil
}

// stdout and stderr are the invocation's streams.
func (a *app) stdout() io.Writer { return a.env.Stdout }
func (a *app) stderr() io.Writer { return a.env.Stderr }

// now is the invocation's clock.
func (a *app) now() time.Time { return a.env.Now() }
