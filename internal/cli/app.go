package cli

import (
	"context"
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

	secrets scrubber
}

// loadConfig reads the config file named by --config. Every command but
// keygen requires it to exist.
func (a *app) loadConfig() (*config.File, error) {
	cfg, err := config.Load(a.configPath)
	if err != nil {
		return nil, err
	}
	a.rememberSecrets(cfg)
	return cfg, nil
}

// rememberSecrets registers the secret values of cfg so that nothing
// printed by this invocation can carry them.
func (a *app) rememberSecrets(cfg *config.File) {
	for _, key := range config.SecretKeys {
		a.secrets.add(cfg.Get(key))
	}
}

// save writes cfg unless the user interrupted the command: a Ctrl-C must
// not be followed by a changed config.
func (a *app) save(ctx context.Context, cfg *config.File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return cfg.Save()
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
