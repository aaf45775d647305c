package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
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
	// JiraHome is the jira_home the access token came from, when saved;
	// JiraHomeChanged: jira_home is another server now.
	JiraHome        string `json:"jira_home,omitempty"`
	JiraHomeChanged bool   `json:"jira_home_changed,omitempty"`
}

// keyStatus describes private_key without revealing it.
type keyStatus struct {
	Present     bool   `json:"present"`
	Bits        int    `json:"bits,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

type statusReport struct {
	Config       string      `json:"config"`
	Mode         string      `json:"mode"`
	JiraHome     string      `json:"jira_home"`
	ConsumerKey  string      `json:"consumer_key"`
	PrivateKey   keyStatus   `json:"private_key"`
	RequestToken tokenStatus `json:"request_token"`
	AccessToken  tokenStatus `json:"access_token"`
	// AuthMethod is auth_method (oauth1 when absent); OAuth2 and PAT
	// describe the tokens of the other methods, when present.
	AuthMethod  string       `json:"auth_method"`
	OAuth2      *tokenStatus `json:"oauth2_access_token,omitempty"`
	PAT         *tokenStatus `json:"pat,omitempty"`
	Usable      bool         `json:"usable"`
	Jira        *jiraCheck   `json:"jira,omitempty"`
	Environment []string     `json:"environment,omitempty"`
	// Problem says why the config is damaged (too large, a token value
	// no Jira sends), and how to repair it.
	Problem string            `json:"problem,omitempty"`
	Secrets map[string]string `json:"secrets,omitempty"`
}

// jiraCheck is status's signed call: whether Jira accepts the token.
type jiraCheck struct {
	Accepted bool   `json:"accepted"`
	User     string `json:"user,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	a := opts.app
	// status must work on a config too large for the other commands, to
	// say what is wrong with it.
	cfg, err := a.loadConfigForRepair()
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
		r.AccessToken.JiraHome = strings.TrimSpace(cfg.Get(config.KeyAccessTokenJiraHome))
		r.AccessToken.JiraHomeChanged = r.AccessToken.JiraHome != "" && r.AccessToken.JiraHome != strings.TrimSpace(r.JiraHome)
		r.AccessToken.Renewable = token(cfg, config.KeySessionHandle) != ""
		if t, err := time.Parse(time.RFC3339, r.AccessToken.SessionExpiresAt); err == nil && now.After(t) {
			r.AccessToken.Renewable = false
		}
	}
	keyOK := r.PrivateKey.Present && r.PrivateKey.Problem == ""
	problem := damage(cfg)
	if problem != nil {
		r.Problem = problem.Error()
	}
	r.Usable = r.AccessToken.Present && !r.AccessToken.Expired && keyOK && !r.AccessToken.JiraHomeChanged && problem == nil
	method, methodErr := cfg.AuthMethod()
	r.AuthMethod = method
	if methodErr != nil {
		r.AuthMethod = cfg.Get(config.KeyAuthMethod)
		r.Usable = false
	}
	bearerErr := bearerStatus(cfg, &r, now) // auth.go
	if method != config.AuthOAuth1 {
		r.Usable = bearerErr == nil && problem == nil
	}
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
	case problem != nil:
		return problem
	case liveErr != nil:
		return liveErr
	case methodErr != nil:
		return methodErr
	case method != config.AuthOAuth1:
		return bearerErr
	case !r.AccessToken.Present:
		return cfg.NotSet(config.KeyAccessToken)
	case !keyOK:
		_, err := cfg.PrivateKey()
		if err == nil {
			err = cfg.NotSet(config.KeyPrivateKey)
		}
		return err
	case r.AccessToken.Expired:
		hint := fmt.Sprintf("run '%s'", a.command("login"))
		if r.AccessToken.Renewable {
			hint = fmt.Sprintf("run '%s'", a.command("renew"))
		}
		return &config.Error{Path: cfg.Path(), Key: config.KeyAccessToken,
			Err: fmt.Errorf("expired on %s: %s", r.AccessToken.ExpiresAt, hint)}
	case r.AccessToken.JiraHomeChanged:
		return &config.Error{Path: cfg.Path(), Key: config.KeyAccessToken,
			Err: fmt.Errorf("was issued by %s, but jira_home is now %s: run '%s' for a token of the new server, or set jira_home back", r.AccessToken.JiraHome, strings.TrimSpace(r.JiraHome), config.Command(cfg.Path(), "login"))}
	}
	return nil
}

// damage says what makes cfg unusable for the other commands, and how to
// repair it: a file larger than config.MaxSize, or a token value longer
// than any Jira sends (both left by older versions that saved whatever
// Jira's answer held). It names the largest value.
func damage(cfg *config.File) error {
	big, size := "", 0
	for _, key := range cfg.Keys() {
		if n := len(cfg.Get(key)); n > size {
			big, size = key, n
		}
	}
	tooLong := size > maxTokenLen && slices.Contains(restorable, big)
	if !cfg.Oversized() && !tooLong {
		return nil
	}
	fix := fmt.Sprintf("run '%s' and then login", config.Command(cfg.Path(), "config set "+big+" \"\""))
	if big == config.KeyPrivateKey {
		fix = fmt.Sprintf("run '%s'", config.Command(cfg.Path(), "keygen --force"))
	}
	what := fmt.Sprintf("%s holds %d bytes (%s)", big, size, jiraTokenNB)
	if !slices.Contains(restorable, big) {
		what = fmt.Sprintf("its largest value, %s, holds %d bytes", big, size)
	}
	if cfg.Oversized() {
		return &config.Error{Path: cfg.Path(), Err: fmt.Errorf("is larger than the %d bytes the other commands read: %s: %s", config.MaxSize, what, fix)}
	}
	return &config.Error{Path: cfg.Path(), Key: big, Err: fmt.Errorf("holds %d bytes, more than the %d a token may have (%s): %s", size, maxTokenLen, jiraTokenNB, fix)}
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
	if r.AccessToken.JiraHomeChanged {
		access += "; jira_home changed since the token was saved (it is from " + r.AccessToken.JiraHome + ")"
	}
	fmt.Fprintf(w, "access token:  %s\n", access)
	if r.AuthMethod != config.AuthOAuth1 {
		fmt.Fprintf(w, "auth_method:   %s\n", r.AuthMethod)
	}
	if r.OAuth2 != nil {
		s := describeToken(*r.OAuth2)
		if r.OAuth2.Renewable {
			s += "; refreshed automatically"
		}
		fmt.Fprintf(w, "oauth2 token:  %s\n", s)
	}
	if r.PAT != nil {
		fmt.Fprintf(w, "pat:           %s\n", describeToken(*r.PAT))
	}
	if r.Problem != "" {
		fmt.Fprintf(w, "problem:       %s\n", r.Problem)
	}
	if len(r.Environment) > 0 {
		fmt.Fprintf(w, "environment:   %s\n", strings.Join(r.Environment, ", "))
	}
	switch {
	case r.Jira == nil:
	case r.Jira.Accepted:
		fmt.Fprintf(w, "jira:          accepts the access token (user %s)\n", termsafe.String(r.Jira.User))
	default:
		fmt.Fprintf(w, "jira:          %s\n", termsafe.String(r.Jira.Problem))
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
	client, err := a.authClient(cfg)
	if err != nil {
		return &jiraCheck{Problem: "not checked: " + oneLine(err.Error())}, err
	}
	s := &restSession{cfg: cfg, client: client}
	user, err := s.myself(ctx, "status")
	if err != nil {
		return &jiraCheck{Problem: "refused or unreachable: " + oneLine(a.secrets.scrub(err.Error()))}, err
	}
	return &jiraCheck{Accepted: true, User: user.Name}, nil
}
