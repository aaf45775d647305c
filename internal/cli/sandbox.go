package cli

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

type sandboxOptions struct {
	app *app

	Addr        string
	ConsumerKey string
	PublicKey   string
	AutoApprove bool
	User        string
	// SearchIssues is how many issues LOAD-1... /rest/api/2/search finds
	// besides the seed issues, to try request --paginate.
	SearchIssues int
	// OAuth2ClientID, OAuth2ClientSecret, OAuth2RedirectURIs and
	// OAuth2ServiceAccount register an OAuth 2.0 client (issue 11).
	OAuth2ClientID, OAuth2ClientSecret string
	OAuth2RedirectURIs                 []string
	OAuth2ServiceAccount               string
}

func newCmdSandbox(a *app, runF func(*sandboxOptions) error) *cobra.Command {
	opts := &sandboxOptions{app: a}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local Jira-like OAuth provider for trying the dance (NOT Jira)",
		Long: `Run jiratest, a local test provider that answers like Jira's OAuth 1.0a
endpoints (and a few REST resources) so you can try the dance and test CI
scripts without a Jira. It is NOT Jira and listens on loopback only.

It registers one incoming Application Link: the consumer key (--consumer-key,
else consumer_key from the config) with the public key (--public-key, else
the public key file keygen wrote beside the config). It prints its URL on stdout, then logs
each request on stderr until Ctrl-C.

Besides the OAuth endpoints it serves /rest/api/2/myself, issues DEMO-1 and
DEMO-2 with their comments and attachments (upload with request -F), a paged
/rest/api/2/search (the seed issues plus --search-issues issues LOAD-1...,
at most 100 a page) and an agile board list (/rest/agile/1.0/board), so that
request --paginate has pages to follow.

With --oauth2-client-id and --oauth2-client-secret it also registers an
OAuth 2.0 client, as Jira's incoming link "External application": its
redirect URIs (--oauth2-redirect-uri, repeatable) must be https or
http://localhost:PORT/..., as Jira requires, and authorize requests must
name one exactly. --oauth2-service-account USER makes it a Jira 11 service
account (client_credentials, acting as USER). Personal access tokens
(/rest/pat/latest/tokens) work with any credential. Without a consumer key
in the flags or the config, an OAuth 2.0 client alone is enough.`,
		Example: `  jira-oauth sandbox --auto-approve
  jira-oauth sandbox --addr 127.0.0.1:8080 --consumer-key demo --public-key jira_publickey.pem
  jira-oauth sandbox --auto-approve --oauth2-client-id demo2 --oauth2-client-secret s3cret \
      --oauth2-redirect-uri http://localhost:8765/callback`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runSandbox(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	cmd.Flags().StringVar(&opts.ConsumerKey, "consumer-key", "", "consumer key of the Application Link (default: consumer_key in the config)")
	cmd.Flags().StringVar(&opts.PublicKey, "public-key", "", "PEM public key of the Application Link (default: the public key file keygen wrote beside the config)")
	cmd.Flags().BoolVar(&opts.AutoApprove, "auto-approve", false, "approve every request token (and OAuth 2.0 authorize request) as soon as its authorize URL is opened")
	cmd.Flags().StringVar(&opts.User, "user", "admin", "the Jira user who approves and whom /rest/api/2/myself returns")
	cmd.Flags().IntVar(&opts.SearchIssues, "search-issues", 250, "issues LOAD-1...LOAD-N that /rest/api/2/search finds, for trying --paginate")
	cmd.Flags().StringVar(&opts.OAuth2ClientID, "oauth2-client-id", "", "register an OAuth 2.0 client with this client_id")
	cmd.Flags().StringVar(&opts.OAuth2ClientSecret, "oauth2-client-secret", "", "the OAuth 2.0 client's client_secret")
	cmd.Flags().StringArrayVar(&opts.OAuth2RedirectURIs, "oauth2-redirect-uri", nil, "a redirect URI of the OAuth 2.0 client: https, or http://localhost:PORT/... (repeatable)")
	cmd.Flags().StringVar(&opts.OAuth2ServiceAccount, "oauth2-service-account", "", "make the OAuth 2.0 client a service account acting as this user (client_credentials)")
	return cmd
}

func runSandbox(ctx context.Context, opts *sandboxOptions) error {
	a := opts.app
	a.catchSignals() // Ctrl-C and SIGTERM stop it cleanly
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return usageErrorf(fmt.Sprintf("--addr %q is not host:port, e.g. 127.0.0.1:8080", opts.Addr))
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageErrorf(fmt.Sprintf("--addr %q is not a loopback address: the sandbox is a test provider and listens on 127.0.0.1 or ::1 only", opts.Addr))
	}
	o2client, err := sandboxOAuth2Client(opts)
	if err != nil {
		return err
	}
	consumerKey, pubPath := opts.ConsumerKey, opts.PublicKey
	if consumerKey == "" || pubPath == "" {
		cfg, err := config.LoadContext(ctx, a.configPath)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if consumerKey == "" && cfg != nil {
			consumerKey = cfg.Get(config.KeyConsumerKey)
		}
		if pubPath == "" {
			pubPath = publicKeyPath(a.configPath)
		}
	}
	if consumerKey == "" && o2client == nil {
		return usageErrorf("no consumer key: pass --consumer-key or set consumer_key in " + a.configPath + " (or register an OAuth 2.0 client with --oauth2-client-id)")
	}
	var pub *rsa.PublicKey
	if consumerKey != "" {
		pemData, err := readFileLimited(ctx, pubPath, maxPublicKey, "public key")
		var tooLarge *fileTooLargeError
		if errors.As(err, &tooLarge) {
			return usageErrorf("--public-key " + tooLarge.Error())
		}
		if err != nil {
			return usageErrorf(fmt.Sprintf("cannot read the public key %s: run '%s' first or pass --public-key", pubPath, a.command("keygen")))
		}
		pub, err = keys.ParsePublic(pemData)
		if err != nil {
			return usageErrorf(fmt.Sprintf("--public-key %s: %v", pubPath, err))
		}
	}

	a.serveConcurrently()
	listener, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	logw := a.stderr()
	provider := jiratest.New(jiratest.Options{
		AutoApprove: opts.AutoApprove,
		User:        opts.User,
		Logf: func(format string, args ...any) {
			fmt.Fprintf(logw, format+"\n", args...)
		},
	})
	if pub != nil {
		provider.AddConsumer(consumerKey, "jira-oauth sandbox link", pub)
	}
	if o2client != nil {
		if err := provider.AddOAuth2Client(*o2client); err != nil { // checked by sandboxOAuth2Client
			listener.Close()
			return fmt.Errorf("sandbox: %w", err)
		}
	}
	provider.SetSearchIssues(opts.SearchIssues)
	server := &http.Server{Handler: provider, ReadHeaderTimeout: 10 * time.Second}

	baseURL := "http://" + listener.Addr().String()
	// A script reads the URL from stdout: a sandbox nobody can find is
	// of no use, so a failed write stops it (Main says why).
	if _, err := fmt.Fprintln(a.stdout(), baseURL); err != nil {
		listener.Close()
		return err
	}
	fmt.Fprintf(logw, "jira-oauth sandbox: a LOCAL TEST provider, not Jira, at %s\n", baseURL)
	if pub != nil {
		fmt.Fprintf(logw, "Application Link: consumer key %q, public key %s (%s); user %q%s.\n",
			consumerKey, pubPath, keys.Fingerprint(pub), opts.User, autoApproveNote(opts.AutoApprove))
	}
	if o2client != nil {
		fmt.Fprintln(logw, oauth2ClientNote(o2client, opts))
	}
	fmt.Fprintf(logw, "Point the client at it: %s\nCtrl-C stops it.\n",
		config.Command(a.configPath, "config set jira_home "+baseURL))

	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("sandbox: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	fmt.Fprintln(logw, "jira-oauth sandbox: stopped")
	return nil
}

// sandboxOAuth2Client is the OAuth 2.0 client the flags register, nil
// without --oauth2-client-id; it refuses what Jira would refuse.
func sandboxOAuth2Client(opts *sandboxOptions) (*jiratest.OAuth2Client, error) {
	if opts.OAuth2ClientID == "" {
		if opts.OAuth2ClientSecret != "" || len(opts.OAuth2RedirectURIs) > 0 || opts.OAuth2ServiceAccount != "" {
			return nil, usageErrorf("--oauth2-client-secret, --oauth2-redirect-uri and --oauth2-service-account need --oauth2-client-id")
		}
		return nil, nil
	}
	if opts.OAuth2ClientSecret == "" {
		return nil, usageErrorf("--oauth2-client-id needs --oauth2-client-secret: the client secret is checked on every token request")
	}
	if len(opts.OAuth2RedirectURIs) == 0 && opts.OAuth2ServiceAccount == "" {
		return nil, usageErrorf("--oauth2-client-id needs --oauth2-redirect-uri, e.g. http://localhost:8765/callback (or --oauth2-service-account USER)")
	}
	c := &jiratest.OAuth2Client{
		ID: opts.OAuth2ClientID, Secret: opts.OAuth2ClientSecret, Name: "jira-oauth sandbox OAuth 2.0 link",
		RedirectURIs: opts.OAuth2RedirectURIs, ServiceAccount: opts.OAuth2ServiceAccount,
	}
	for _, u := range c.RedirectURIs {
		if err := jiratest.CheckRedirectURI(u); err != nil {
			return nil, usageErrorf(fmt.Sprintf("--oauth2-redirect-uri %q: Jira accepts only https or http://localhost[:PORT]/... (not 127.0.0.1), without a fragment", u))
		}
	}
	return c, nil
}

// oauth2ClientNote describes the OAuth 2.0 client in the start-up text,
// without its secret.
func oauth2ClientNote(c *jiratest.OAuth2Client, opts *sandboxOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "OAuth 2.0 client: client_id %q (secret as given, not shown)", c.ID)
	if len(c.RedirectURIs) > 0 {
		b.WriteString(", redirect URI")
		if len(c.RedirectURIs) > 1 {
			b.WriteString("s")
		}
		for i, u := range c.RedirectURIs {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %q", u)
		}
		fmt.Fprintf(&b, "; user %q", opts.User)
		if opts.AutoApprove {
			b.WriteString(", approving every authorize request automatically")
		}
	}
	if c.ServiceAccount != "" {
		fmt.Fprintf(&b, "; service account %q (client_credentials)", c.ServiceAccount)
	}
	b.WriteString(".")
	return b.String()
}

func autoApproveNote(auto bool) string {
	if auto {
		return ", approving every request token automatically"
	}
	return ""
}
