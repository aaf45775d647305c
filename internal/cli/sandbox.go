package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
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
request --paginate has pages to follow.`,
		Example: `  jira-oauth sandbox --auto-approve
  jira-oauth sandbox --addr 127.0.0.1:8080 --consumer-key demo --public-key jira_publickey.pem`,
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
	cmd.Flags().BoolVar(&opts.AutoApprove, "auto-approve", false, "approve every request token as soon as its authorize URL is opened")
	cmd.Flags().StringVar(&opts.User, "user", "admin", "the Jira user who approves and whom /rest/api/2/myself returns")
	cmd.Flags().IntVar(&opts.SearchIssues, "search-issues", 250, "issues LOAD-1...LOAD-N that /rest/api/2/search finds, for trying --paginate")
	return cmd
}

func runSandbox(ctx context.Context, opts *sandboxOptions) error {
	a := opts.app
	host, _, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return usageErrorf(fmt.Sprintf("--addr %q is not host:port, e.g. 127.0.0.1:8080", opts.Addr))
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageErrorf(fmt.Sprintf("--addr %q is not a loopback address: the sandbox is a test provider and listens on 127.0.0.1 or ::1 only", opts.Addr))
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
	if consumerKey == "" {
		return usageErrorf("no consumer key: pass --consumer-key or set consumer_key in " + a.configPath)
	}
	pemData, err := readFileLimited(ctx, pubPath, maxPublicKey, "public key")
	var tooLarge *fileTooLargeError
	if errors.As(err, &tooLarge) {
		return usageErrorf("--public-key " + tooLarge.Error())
	}
	if err != nil {
		return usageErrorf(fmt.Sprintf("cannot read the public key %s: run '%s' first or pass --public-key", pubPath, a.command("keygen")))
	}
	pub, err := keys.ParsePublic(pemData)
	if err != nil {
		return usageErrorf(fmt.Sprintf("--public-key %s: %v", pubPath, err))
	}

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
	provider.AddConsumer(consumerKey, "jira-oauth sandbox link", pub)
	provider.SetSearchIssues(opts.SearchIssues)
	server := &http.Server{Handler: provider, ReadHeaderTimeout: 10 * time.Second}

	baseURL := "http://" + listener.Addr().String()
	// A script reads the URL from stdout: a sandbox nobody can find is
	// of no use, so a failed write stops it (Main says why).
	if _, err := fmt.Fprintln(a.stdout(), baseURL); err != nil {
		listener.Close()
		return err
	}
	fmt.Fprintf(logw, "jira-oauth sandbox: a LOCAL TEST provider, not Jira, at %s\n"+
		"Application Link: consumer key %q, public key %s (%s); user %q%s.\n"+
		"Point the client at it: %s\nCtrl-C stops it.\n",
		baseURL, consumerKey, pubPath, keys.Fingerprint(pub), opts.User, autoApproveNote(opts.AutoApprove),
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

func autoApproveNote(auto bool) string {
	if auto {
		return ", approving every request token automatically"
	}
	return ""
}
