package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

type statusOptions struct {
	app *app

	JSON        bool
	ShowSecrets bool
	Offline     bool
}

func newCmdStatus(a *app, runF func(*statusOptions) error) *cobra.Command {
	opts := &statusOptions{app: a}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what the config holds, without secrets, and check the access token with Jira",
		Long: `Show what the config holds: jira_home, the consumer
key, the public key fingerprint (SHA-256 of the public key, as 'openssl pkey
-pubout -outform DER | openssl dgst -sha256 -binary | base64' prints it),
and whether a request or access token is present, with when they were
issued and expire. Secrets are never shown unless --show-secrets.

Then, like 'gh auth status', it checks the token with Jira: one signed call
(GET /rest/api/2/myself). Exits 0 only when Jira accepts the token, so CI
can gate on it: 3 without a usable token in the config (no call is made),
4 when Jira refuses it (revoked, expired at Jira, unknown consumer), 5 when
Jira cannot be reached. --offline skips the call: it only reads the config
(exit 0 for an access token that has not expired).`,
		Example: `  jira-oauth status
  jira-oauth status --json
  jira-oauth status --offline
  jira-oauth status || jira-oauth login`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runStatus(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the status as JSON")
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "also print private_key, secret and request_token_secret")
	cmd.Flags().BoolVar(&opts.Offline, "offline", false, "only read the config; do not check the token with Jira")
	return cmd
}

// tokenStatus describes a saved token; times are RFC 3339 UTC or "".
type tokenStatus struct {
	Present   bool   `json:"present"`
	IssuedAt  string `json:"issued_at,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
	Expired   bool   `json:"expired"`
	// SessionExpiresAt is when renew stops working (access token only).
	SessionExpiresAt string `json:"session_expires_at,omitempty"`
	Renewable        bool   `json:"renewable,omitempty"`
}

// keyStatus describes private_key without revealing it.
type keyStatus struct {
	Present     bool   `json:"present"`
	Bits        int    `json:"bits,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

type statusReport struct {
	Config       string            `json:"config"`
	Mode         string            `json:"mode"`
	JiraHome     string            `json:"jira_home"`
	ConsumerKey  string            `json:"consumer_key"`
	PrivateKey   keyStatus         `json:"private_key"`
	RequestToken tokenStatus       `json:"request_token"`
	AccessToken  tokenStatus       `json:"access_token"`
	Usable       bool              `json:"usable"`
	Jira         *jiraCheck        `json:"jira,omitempty"`
	Environment  []string          `json:"environment,omitempty"`
	Secrets      map[string]string `json:"secrets,omitempty"`
}

// jiraCheck is status's signed call: whether Jira accepts the token.
type jiraCheck struct {
	Accepted bool   `json:"accepted"`
	User     string `json:"user,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	a := opts.app
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	now := a.now()
	r := statusReport{
		Config:      cfg.Path(),
		JiraHome:    cfg.Get(config.KeyJiraHome),
		ConsumerKey: cfg.Get(config.KeyConsumerKey),
	}
	if cfg.Exists() {
		r.Mode = fmt.Sprintf("%04o", cfg.Perm())
	}
	if cfg.Get(config.KeyPrivateKey) != "" {
		r.PrivateKey.Present = true
		if key, err := keys.Parse(cfg.Get(config.KeyPrivateKey)); err != nil {
			r.PrivateKey.Problem = err.Error()
		} else {
			r.PrivateKey.Bits = key.N.BitLen()
			r.PrivateKey.Fingerprint = keys.Fingerprint(&key.PublicKey)
		}
	}
	if token(cfg, config.KeyRequestToken) != "" {
		issued := cfg.Get(config.KeyRequestTokenIssuedAt)
		r.RequestToken = tokenStatus{Present: true, IssuedAt: issued}
		if t, err := time.Parse(time.RFC3339, issued); err == nil {
			r.RequestToken.ExpiresAt = formatTime(t.Add(requestTokenLifetime))
			r.RequestToken.Expired = now.After(t.Add(requestTokenLifetime))
		}
	}
	if token(cfg, config.KeyAccessToken) != "" {
		r.AccessToken = tokenStatus{
			Present:          true,
			IssuedAt:         cfg.Get(config.KeyAccessTokenIssuedAt),
			ExpiresAt:        cfg.Get(config.KeyAccessTokenExpiresAt),
			SessionExpiresAt: cfg.Get(config.KeySessionExpiresAt),
		}
		if t, err := time.Parse(time.RFC3339, r.AccessToken.ExpiresAt); err == nil {
			r.AccessToken.Expired = now.After(t)
		}
		r.AccessToken.Renewable = token(cfg, config.KeySessionHandle) != ""
		if t, err := time.Parse(time.RFC3339, r.AccessToken.SessionExpiresAt); err == nil && now.After(t) {
			r.AccessToken.Renewable = false
		}
	}
	keyOK := r.PrivateKey.Present && r.PrivateKey.Problem == ""
	r.Usable = r.AccessToken.Present && !r.AccessToken.Expired && keyOK
	_, r.Environment = cfg.Overlaid()
	var liveErr error
	if r.Usable && !opts.Offline {
		r.Jira, liveErr = checkWithJira(ctx, a, cfg)
		r.Usable = r.Jira.Accepted
	}
	if opts.ShowSecrets {
		r.Secrets = map[string]string{}
		for _, key := range config.SecretKeys {
			if v := cfg.Get(key); v != "" {
				r.Secrets[key] = v
			}
		}
	}

	if opts.JSON {
		if err := writeJSON(a.stdout(), r); err != nil {
			return err
		}
	} else {
		printStatus(a, r)
	}
	switch {
	case liveErr != nil:
		return liveErr
	case !r.AccessToken.Present:
		return cfg.NotSet(config.KeyAccessToken)
	case !keyOK:
		_, err := cfg.PrivateKey()
		if err == nil {
			err = cfg.NotSet(config.KeyPrivateKey)
		}
		return err
	case r.AccessToken.Expired:
		hint := "run 'jira-oauth login'"
		if r.AccessToken.Renewable {
			hint = "run 'jira-oauth renew'"
		}
		return &config.Error{Path: cfg.Path(), Key: config.KeyAccessToken,
			Err: fmt.Errorf("expired on %s: %s", r.AccessToken.ExpiresAt, hint)}
	}
	return nil
}

func printStatus(a *app, r statusReport) {
	w := a.stdout()
	orNone := func(s string) string {
		if s == "" {
			return "(not set)"
		}
		return s
	}
	mode := ""
	switch {
	case r.Mode != "":
		mode = " (mode " + r.Mode + ")"
	case r.Config == stdinConfig:
		mode = " (stdin)"
	default:
		mode = " (no such file: the environment gives the values)"
	}
	fmt.Fprintf(w, "config:        %s%s\n", r.Config, mode)
	fmt.Fprintf(w, "jira_home:     %s\n", orNone(r.JiraHome))
	fmt.Fprintf(w, "consumer_key:  %s\n", orNone(r.ConsumerKey))
	switch {
	case !r.PrivateKey.Present:
		fmt.Fprintf(w, "private key:   (not set)\n")
	case r.PrivateKey.Problem != "":
		fmt.Fprintf(w, "private key:   unusable: %s\n", oneLine(r.PrivateKey.Problem))
	default:
		fmt.Fprintf(w, "private key:   RSA %d bits, public key fingerprint %s\n", r.PrivateKey.Bits, r.PrivateKey.Fingerprint)
	}
	fmt.Fprintf(w, "request token: %s\n", describeToken(r.RequestToken))
	access := describeToken(r.AccessToken)
	if r.AccessToken.Present {
		switch {
		case r.AccessToken.Renewable && r.AccessToken.SessionExpiresAt != "":
			access += "; renewable until " + r.AccessToken.SessionExpiresAt
		case r.AccessToken.Renewable:
			access += "; renewable"
		}
	}
	fmt.Fprintf(w, "access token:  %s\n", access)
	if len(r.Environment) > 0 {
		fmt.Fprintf(w, "environment:   %s\n", strings.Join(r.Environment, ", "))
	}
	switch {
	case r.Jira == nil:
	case r.Jira.Accepted:
		fmt.Fprintf(w, "jira:          accepts the access token (user %s)\n", noControl(r.Jira.User))
	default:
		fmt.Fprintf(w, "jira:          %s\n", noControl(r.Jira.Problem))
	}
	for _, key := range config.SecretKeys {
		if v, ok := r.Secrets[key]; ok {
			fmt.Fprintf(w, "%s=%s\n", key, v)
		}
	}
}

func describeToken(t tokenStatus) string {
	if !t.Present {
		return "none"
	}
	s := "present"
	if t.IssuedAt != "" {
		s += ", issued " + t.IssuedAt
	}
	switch {
	case t.Expired:
		s += ", EXPIRED " + t.ExpiresAt
	case t.ExpiresAt != "":
		s += ", expires " + t.ExpiresAt
	}
	return s
}

// checkWithJira makes status's one signed call (GET /rest/api/2/myself)
// and returns what Jira said, and the error status exits with when Jira
// refuses the token (exit 4) or cannot be reached (exit 5).
func checkWithJira(ctx context.Context, a *app, cfg *config.File) (*jiraCheck, error) {
	client, err := a.oauthClient(cfg)
	if err != nil {
		return &jiraCheck{Problem: "not checked: " + oneLine(err.Error())}, err
	}
	s := &restSession{cfg: cfg, client: client, accessToken: token(cfg, config.KeyAccessToken)}
	user, err := s.myself(ctx, "status")
	if err != nil {
		return &jiraCheck{Problem: "refused or unreachable: " + oneLine(a.secrets.scrub(err.Error()))}, err
	}
	return &jiraCheck{Accepted: true, User: user.Name}, nil
}

// noControl replaces control characters in text that came from Jira, so
// that it cannot drive the terminal.
func noControl(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}
