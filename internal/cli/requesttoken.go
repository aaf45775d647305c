package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

// requestTokenLifetime is how long Jira keeps an unexchanged request token.
const requestTokenLifetime = 10 * time.Minute

type requestTokenOptions struct {
	app *app

	Callback string
	JSON     bool
}

func newCmdRequestToken(a *app, runF func(*requestTokenOptions) error) *cobra.Command {
	opts := &requestTokenOptions{app: a}
	cmd := &cobra.Command{
		Use:     "requestToken",
		Aliases: []string{"request-token"},
		Short:   "Get a request token and the URL where a user approves it",
		Long: `Ask Jira for a request token (signed with RSA-SHA1) and save it in the config.
The authorize URL is printed alone on stdout: open it, approve, and run
'jira-oauth accessToken CODE' with the verification code Jira shows.
Request tokens expire after 10 minutes.`,
		Example: `  jira-oauth requestToken
  jira-oauth requestToken --callback https://ci.example.com/oauth-done
  jira-oauth requestToken --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runRequestToken(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Callback, "callback", "oob", `where Jira sends the user after approval; "oob" shows a verification code instead`)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print {authorize_url, request_token, expires_at} as JSON")
	return cmd
}

func runRequestToken(cmd *cobra.Command, opts *requestTokenOptions) error {
	a := opts.app
	if opts.Callback != "oob" {
		u, err := url.Parse(opts.Callback)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErrorf(fmt.Sprintf("--callback %q is not an http(s) URL; give a full URL or \"oob\"", opts.Callback))
		}
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	client, err := a.oauthClient(cfg)
	if err != nil {
		return err
	}
	if err := a.checkSave(cmd.Context(), "request token"); err != nil {
		return err
	}
	issued := a.now()
	tmp, err := client.RequestToken(cmd.Context(), opts.Callback)
	if err != nil {
		return err
	}
	a.secrets.add(tmp.Secret)
	if err := checkRequestToken("request token", tmp); err != nil {
		return err
	}
	err = a.saveIssued(cmd.Context(), "request token", settings{
		{config.KeyRequestToken, tmp.Token},
		{config.KeyRequestTokenSecret, tmp.Secret},
		{config.KeyRequestTokenIssuedAt, formatTime(issued)},
	}, nil)
	if err != nil {
		return wrapOp("request token", err)
	}

	authorizeURL := client.AuthorizeURL(tmp.Token)
	expires := issued.Add(requestTokenLifetime)
	if opts.JSON {
		return writeJSON(a.stdout(), struct {
			AuthorizeURL string `json:"authorize_url"`
			RequestToken string `json:"request_token"`
			ExpiresAt    string `json:"expires_at"`
		}{authorizeURL, tmp.Token, formatTime(expires)})
	}
	if _, err := fmt.Fprintln(a.stdout(), authorizeURL); err != nil {
		return err // Main says the URL was lost; no "open the URL above"
	}
	next := "then run: " + config.Command(cfg.Path(), "accessToken <verification code>")
	if opts.Callback != "oob" {
		next = "Jira then redirects to " + opts.Callback + " with oauth_verifier; run: " + config.Command(cfg.Path(), "accessToken <oauth_verifier>")
	}
	fmt.Fprintf(a.stderr(), "Request token saved in %s (valid until %s).\nOpen the URL above in a browser, log in to Jira and approve the access;\n%s\n",
		cfg.Path(), expires.Local().Format(time.Kitchen), next)
	return nil
}

// formatTime is how times are stored in the config: RFC 3339, UTC.
func formatTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// writeJSON prints v as indented JSON with a final newline.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	// encoding/json escapes C0 controls but not C1 controls or bidi
	// overrides from Jira; termsafe's \uNNNN escapes keep it valid JSON.
	_, err = io.WriteString(w, termsafe.JSON(string(data))+"\n")
	return err
}
