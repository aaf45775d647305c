package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
	"github.com/jira-oauth/jira-oauth/internal/proxy"
)

type proxyOptions struct {
	app *app

	Addr      string
	TokenFile string
}

func newCmdProxy(a *app, runF func(*proxyOptions) error) *cobra.Command {
	opts := &proxyOptions{app: a}
	cmd := &cobra.Command{
		Use:   "proxy [--addr 127.0.0.1:PORT] [--token-file FILE]",
		Short: "Run a local proxy that signs every request to Jira with the access token",
		Long: `Listen on loopback and forward each request to the same path under jira_home,
signed with the access token (afresh for each request), so that any HTTP
client (curl, a Python script, jira-cli) can use the OAuth link without
implementing it. Answers stream back unchanged; 429 and 503 answers are
retried as 'jira-oauth request' retries them.

The first line on stdout is the proxy's base URL. Callers must present the
proxy's token, random for each run: 'Authorization: Bearer TOKEN', or Basic
auth with TOKEN as the password (any user name). The token is written to
--token-file (created 0600), or else printed as the second line on stdout.
Anything else gets 401 and never reaches Jira. The caller's Authorization
header is removed before signing. Absolute URLs (curl -x), CONNECT and
paths with '.' or '..' segments are refused: nothing leaves jira_home.

One line per request on stderr: method, path, status, milliseconds.
Ctrl-C or SIGTERM stops it after the requests in flight are answered.`,
		Example: `  rm -f proxy.token; jira-oauth proxy --addr 127.0.0.1:8181 --token-file proxy.token & PROXY_PID=$!
  while [ ! -s proxy.token ]; do kill -0 $PROXY_PID || exit 1; sleep 0.1; done
  curl -H "Authorization: Bearer $(cat proxy.token)" http://127.0.0.1:8181/rest/api/2/myself`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runProxy(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free port)")
	cmd.Flags().StringVar(&opts.TokenFile, "token-file", "", "write the proxy's token to this file (mode 0600) instead of stdout")
	return cmd
}

// shutdownGrace is how long the proxy waits, after Ctrl-C, for requests in
// flight beyond --timeout (which bounds each of them).
const shutdownGrace = 5 * time.Second

func runProxy(ctx context.Context, opts *proxyOptions) error {
	a := opts.app
	a.catchSignals() // Ctrl-C and SIGTERM stop it cleanly
	if err := checkLoopback(opts.Addr); err != nil {
		return err
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	client, err := a.authClient(cfg) // the config's auth_method: auth.go
	if err != nil {
		return err
	}
	// The transport of request and whoami (TLS, proxies), keeping
	// connections to Jira alive for as many callers as come at once.
	sender := client.HTTP.Transport
	if t, ok := sender.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = 64
	}
	tok, err := proxy.NewToken()
	if err != nil {
		return err
	}
	// A token file left by an earlier run goes first, so that the file's
	// appearing means this run is ready (a script waits for it).
	if opts.TokenFile != "" {
		if err := os.Remove(opts.TokenFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return usageErrorf(fmt.Sprintf("--token-file %s: cannot remove the old one: %v", opts.TokenFile, errors.Unwrap(err)))
		}
	}
	a.serveConcurrently()
	listener, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return usageErrorf(fmt.Sprintf("--addr %s: cannot listen: %v", opts.Addr, err))
	}
	defer listener.Close()

	logw := a.secrets.writer(a.stderr())
	retry := oauth.DefaultRetry()
	retry.Notify = func(line string) { fmt.Fprintf(logw, "jira-oauth proxy: %s\n", line) }
	handler := &proxy.Handler{
		Target: client.JiraHome,
		Token:  tok,
		Transport: &oauth.Transport{
			Auth:  client.Auth,
			Base:  sender,
			Retry: retry,
		},
		Timeout: a.timeout,
		Log:     func(line string) { fmt.Fprintf(logw, "jira-oauth proxy: %s\n", line) },
	}
	server := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 20,
	}

	// The token file is written once the proxy listens and before its URL
	// is printed: a script waiting for either finds both ready.
	if opts.TokenFile != "" {
		if err := config.WriteFileAtomic(opts.TokenFile, []byte(tok+"\n"), 0o600); err != nil {
			return fmt.Errorf("--token-file %s: %w", opts.TokenFile, err)
		}
	}
	baseURL := "http://" + listener.Addr().String()
	out := baseURL + "\n"
	if opts.TokenFile == "" {
		out += tok + "\n"
	}
	if _, err := fmt.Fprint(a.stdout(), out); err != nil {
		return err
	}
	fmt.Fprintf(logw, "jira-oauth proxy: %s signs requests for %s; Ctrl-C stops it\n", baseURL, client.JiraHome)

	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("proxy: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.timeout+shutdownGrace)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("proxy: stopping: %w", err)
	}
	fmt.Fprintln(logw, "jira-oauth proxy: stopped")
	return nil
}

// checkLoopback refuses an --addr that is not on loopback: the proxy signs
// with the user's token, so only this machine may reach it.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf(fmt.Sprintf("--addr %q is not host:port, e.g. 127.0.0.1:8181", addr))
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageErrorf(fmt.Sprintf("--addr %q is not a loopback address: the proxy signs with your access token, so it listens on 127.0.0.1 or ::1 only", addr))
	}
	return nil
}
