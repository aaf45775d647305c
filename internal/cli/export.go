package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

type exportOptions struct {
	app *app

	Format string
}

// exportFormats are the values of export --format, in the order help lists them.
const exportFormats = "env, json, python-jira, pem or properties"

func newCmdExport(a *app, runF func(*exportOptions) error) *cobra.Command {
	opts := &exportOptions{app: a}
	cmd := &cobra.Command{
		Use:   "export --format env|json|python-jira|pem|properties",
		Short: "Print the link's credentials in the form another client wants (secrets included)",
		Long: `Print the config's credentials on stdout in the form another client takes.
The output holds the private key and the token secret: it is printed because
you asked for it, with a reminder on stderr. Keep it out of logs.

  env          JIRA_OAUTH_<KEY>=value lines: for 'set -a; . FILE' and CI
               secret stores; jira-oauth reads them back from the environment
  json         every value, and the private key also as PEM (private_key_pem)
  python-jira  the keyword arguments of pycontribs/jira: JIRA(**json.load(f));
               its "oauth" object is also what atlassian-python-api takes
  pem          the private key as PKCS#8 PEM (openssl, dghubble/oauth1, Jenkins)
  properties   the Java client's keys only: consumer_key, private_key,
               jira_home, access_token, secret`,
		Example: `  jira-oauth export --format env > jira.env
  jira-oauth export --format python-jira > jira.json
  jira-oauth export --format pem > jira_privatekey.pem`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runExport(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "output format: "+exportFormats)
	return cmd
}

func runExport(_ context.Context, opts *exportOptions) error {
	a := opts.app
	switch opts.Format {
	case "env", "json", "python-jira", "pem", "properties":
	case "":
		return usageErrorf("export needs --format: " + exportFormats + "; for example 'jira-oauth export --format env'")
	default:
		return usageErrorf(fmt.Sprintf("--format %q is not a format export knows: use %s", opts.Format, exportFormats))
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	method, err := cfg.AuthMethod()
	if err != nil {
		return err
	}
	// An OAuth 2.0 or PAT config may have no key: env and json export it
	// without one (the other formats are OAuth 1.0a's).
	var der, keyPEM string
	bearerOnly := method != config.AuthOAuth1 && strings.TrimSpace(cfg.Get(config.KeyPrivateKey)) == "" &&
		(opts.Format == "env" || opts.Format == "json")
	if !bearerOnly {
		key, err := cfg.PrivateKey()
		if err != nil {
			return err
		}
		if der, err = keys.EncodePrivate(key); err != nil { // one-line base64 PKCS#8, as config stores it
			return err
		}
		keyPEM = pemPKCS8(der)
	}

	var out string
	switch opts.Format {
	case "pem":
		out = keyPEM
	case "env":
		out = exportEnv(cfg, der)
	case "json":
		values := map[string]string{}
		for _, k := range append(config.AllKeys(), cfg.Keys()...) {
			if v := strings.TrimSpace(cfg.Get(k)); v != "" {
				values[k] = v
			}
		}
		if der != "" {
			values[config.KeyPrivateKey] = der
			values["private_key_pem"] = keyPEM
		}
		var b strings.Builder
		if err := writeJSON(&b, values); err != nil {
			return err
		}
		out = b.String()
	case "python-jira", "properties":
		home, err := cfg.JiraHome()
		if err != nil {
			return err
		}
		consumerKey, err := cfg.ConsumerKey()
		if err != nil {
			return err
		}
		accessToken, secret, err := accessCredentials(cfg)
		if err != nil {
			return err
		}
		if opts.Format == "properties" {
			f := config.New("")
			f.Set(config.KeyConsumerKey, consumerKey)
			f.Set(config.KeyPrivateKey, der)
			f.Set(config.KeyJiraHome, home.String())
			f.Set(config.KeyAccessToken, accessToken)
			f.Set(config.KeySecret, secret)
			out = string(f.Bytes())
			break
		}
		var b strings.Builder
		if err := writeJSON(&b, pythonJira{Server: home.String(), OAuth: pythonJiraOAuth{
			AccessToken:       accessToken,
			AccessTokenSecret: secret,
			ConsumerKey:       consumerKey,
			KeyCert:           keyPEM,
			SignatureMethod:   "RSA-SHA1",
		}}); err != nil {
			return err
		}
		out = b.String()
	}
	what := "the private key and the token secret"
	if bearerOnly {
		what = "the client secret and the tokens"
	}
	fmt.Fprintf(a.stderr(), "jira-oauth: the output holds %s: keep it secret (a CI secret, a file only you can read), never in a log or a repository\n", what)
	_, err = fmt.Fprint(a.stdout(), out)
	return err
}

// pythonJira is the keyword arguments of pycontribs/jira's JIRA().
type pythonJira struct {
	Server string          `json:"server"`
	OAuth  pythonJiraOAuth `json:"oauth"`
}

// pythonJiraOAuth is JIRA(oauth=...): the names pycontribs/jira and
// atlassian-python-api read.
type pythonJiraOAuth struct {
	AccessToken       string `json:"access_token"`
	AccessTokenSecret string `json:"access_token_secret"`
	ConsumerKey       string `json:"consumer_key"`
	KeyCert           string `json:"key_cert"`
	SignatureMethod   string `json:"signature_method"`
}

// accessCredentials returns the access token and its secret, which every
// client export needs.
func accessCredentials(cfg *config.File) (accessToken, secret string, err error) {
	if accessToken = token(cfg, config.KeyAccessToken); accessToken == "" {
		return "", "", cfg.NotSet(config.KeyAccessToken)
	}
	if secret = token(cfg, config.KeySecret); secret == "" {
		return "", "", cfg.NotSet(config.KeySecret)
	}
	return accessToken, secret, nil
}

// pemPKCS8 wraps the base64 PKCS#8 DER that keys.EncodePrivate returns in
// a "PRIVATE KEY" PEM block.
func pemPKCS8(b64 string) string {
	var b strings.Builder
	b.WriteString("-----BEGIN PRIVATE KEY-----\n")
	for len(b64) > 64 {
		b.WriteString(b64[:64] + "\n")
		b64 = b64[64:]
	}
	b.WriteString(b64 + "\n-----END PRIVATE KEY-----\n")
	return b.String()
}

// exportEnv returns JIRA_OAUTH_<KEY>=value lines for every value of cfg,
// with the private key as one-line base64 PKCS#8 (der). A value with
// characters a shell would read otherwise is single-quoted.
func exportEnv(cfg *config.File, der string) string {
	var b strings.Builder
	for _, k := range config.AllKeys() {
		v := strings.TrimSpace(cfg.Get(k))
		if k == config.KeyPrivateKey {
			v = der
		}
		if v != "" {
			fmt.Fprintf(&b, "%s=%s\n", config.EnvName(k), envQuote(v))
		}
	}
	return b.String()
}

// envQuote returns s as a POSIX shell word: as is when it is only
// characters that need no quoting, else single-quoted.
func envQuote(s string) string {
	safe := func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_./-+,:@%=", r)
	}
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !safe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
