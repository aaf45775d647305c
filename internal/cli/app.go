package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
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
	return client, nil
}

// httpClient returns an HTTP client with the --timeout, trusting the
// system roots plus the PEM bundle of --ca-file (or ca_file in cfg).
// (oauth.Client never follows redirects: a signature covers one URL.)
func (a *app) httpClient(cfg *config.File) (*http.Client, error) {
	transport := a.env.Transport
	if transport == nil {
		base := http.DefaultTransport.(*http.Transport).Clone()
		caFile, fromConfig := a.caFile, false
		if caFile == "" && cfg != nil {
			caFile, fromConfig = cfg.Get(config.KeyCAFile), true
			if caFile != "" && !filepath.IsAbs(caFile) {
				caFile = filepath.Join(filepath.Dir(cfg.Path()), caFile)
			}
		}
		if caFile != "" {
			pool, err := certPool(caFile)
			switch {
			case err != nil && fromConfig:
				return nil, &config.Error{Path: cfg.Path(), Key: config.KeyCAFile, Err: err}
			case err != nil:
				return nil, usageErrorf("--ca-file: " + err.Error())
			}
			base.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		transport = base
	}
	return &http.Client{Transport: transport, Timeout: a.timeout}, nil
}

// certPool returns the system roots plus the certificates in the PEM file.
func certPool(path string) (*x509.CertPool, error) {
	pemData, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("CA bundle %s not found: give the path of a PEM file with your Jira's CA certificates", path)
		}
		return nil, fmt.Errorf("cannot read CA bundle: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("%s has no PEM certificate (-----BEGIN CERTIFICATE-----): export Jira's CA certificate as PEM", path)
	}
	return pool, nil
}

// stdout and stderr are the invocation's streams.
func (a *app) stdout() io.Writer { return a.env.Stdout }
func (a *app) stderr() io.Writer { return a.env.Stderr }

// now is the invocation's clock.
func (a *app) now() time.Time { return a.env.Now() }
