package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/ctxio"
)

// maxRequestBody bounds what -d reads from a file or stdin.
const maxRequestBody = 32 << 20

type requestOptions struct {
	app *app

	Target  string
	Method  string
	Data    string
	DataSet bool
	Headers []string
	// AllowOtherHost lets an absolute URL outside jira_home's origin
	// receive the signed request (and so the access token).
	AllowOtherHost bool
}

func newCmdRequest(a *app, runF func(*requestOptions) error) *cobra.Command {
	opts := &requestOptions{app: a}
	cmd := &cobra.Command{
		Use:   "request URL|PATH",
		Short: "Make a signed call to Jira's REST API",
		Long: `Make a call signed with the saved access token and print the body (JSON is
pretty-printed). PATH is relative to jira_home. Exits 0 only on a 2xx answer.
-d takes text, @file, or - for stdin; a body is sent as application/json
unless -H sets another Content-Type, and makes the default method POST.
A full URL must have jira_home's scheme, host and port (the request carries
the access token) unless --allow-other-host. GET, HEAD, PUT and DELETE
answered 429 or 503 are retried up to 3 times (POST only on 429).`,
		Example: `  jira-oauth request /rest/api/2/myself
  jira-oauth request 'https://jira.example.com/rest/api/2/search?jql=project=DEMO'
  jira-oauth request -X POST -d '{"body":"Built by CI"}' /rest/api/2/issue/DEMO-1/comment
  echo '{"body":"from stdin"}' | jira-oauth request -d - /rest/api/2/issue/DEMO-1/comment
  jira-oauth request -X PUT -H 'Content-Type: application/json' -d @issue.json /rest/api/2/issue/DEMO-1`,
		Args: exactArgs(1, "one argument, a URL or a path such as /rest/api/2/myself"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			opts.DataSet = cmd.Flags().Changed("data")
			if runF != nil {
				return runF(opts)
			}
			return runRequest(cmd, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Method, "request", "X", "", "HTTP method (default GET, or POST with -d)")
	cmd.Flags().StringVarP(&opts.Data, "data", "d", "", "request body: text, @file, or - for stdin")
	cmd.Flags().StringArrayVarP(&opts.Headers, "header", "H", nil, "extra header 'Name: value' (repeatable)")
	cmd.Flags().BoolVar(&opts.AllowOtherHost, "allow-other-host", false, "send the signed request (and the access token) to a URL outside jira_home's scheme, host and port")
	return cmd
}

func runRequest(cmd *cobra.Command, opts *requestOptions) error {
	a := opts.app
	header, err := parseHeaders(opts.Headers)
	if err != nil {
		return err
	}
	method := strings.ToUpper(opts.Method)
	if strings.IndexFunc(method, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return usageErrorf(fmt.Sprintf("-X %q is not an HTTP method: use GET, POST, PUT, DELETE or another method name", opts.Method))
	}
	if method == "" {
		method = http.MethodGet
		if opts.DataSet {
			method = http.MethodPost
		}
	}
	var body []byte
	if opts.DataSet {
		if body, err = readData(cmd.Context(), opts.Data, a.env.Stdin); err != nil {
			return err
		}
		if header.Get("Content-Type") == "" {
			header.Set("Content-Type", "application/json")
		}
	}

	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	accessToken := token(cfg, config.KeyAccessToken)
	if accessToken == "" {
		return &config.Error{Path: cfg.Path(), Key: config.KeyAccessToken, Err: config.ErrNotSet}
	}
	client, err := a.oauthClient(cfg)
	if err != nil {
		return err
	}
	target, err := resolveTarget(client.JiraHome, opts.Target)
	if err != nil {
		return err
	}
	if err := checkOrigin(client.JiraHome, target, opts.AllowOtherHost); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(cmd.Context(), method, target.String(), bytes.NewReader(body))
	if err != nil {
		return usageErrorf(fmt.Sprintf("cannot make a %s request to %s: %v", method, target, err))
	}
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = nil, nil, 0
	}
	for name, values := range header {
		req.Header[name] = values
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}

	resp, err := client.Do(cmd.Context(), req, accessToken)
	if err != nil {
		return err
	}
	if err := writeBody(a.stdout(), resp.Header.Get("Content-Type"), resp.Body); err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("request: Jira answered %s for %s %s", resp.Status, method, target.Redacted())
		if location := resp.Header.Get("Location"); resp.StatusCode < 400 && location != "" {
			msg += fmt.Sprintf(", redirecting to %s: signed requests cannot follow redirects; if Jira moved (http to https, another host), set jira_home to its base URL", location)
		}
		return errors.New(msg)
	}
	return nil
}

// resolveTarget turns the argument of request into an absolute URL: a path
// is taken relative to jira_home (keeping its context path, e.g. /jira).
func resolveTarget(home *url.URL, target string) (*url.URL, error) {
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			return nil, usageErrorf(fmt.Sprintf("%q is not a valid URL: give a full http(s) URL or a path such as /rest/api/2/myself", target))
		}
		return u, nil
	}
	if strings.Contains(target, "://") {
		return nil, usageErrorf(fmt.Sprintf("%q: only http and https URLs are supported", target))
	}
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	u, err := url.Parse(strings.TrimSuffix(home.String(), "/") + target)
	if err != nil {
		return nil, usageErrorf(fmt.Sprintf("%q is not a valid path: %v", target, err))
	}
	return u, nil
}

// checkOrigin refuses a target outside jira_home's origin (scheme, host
// and port): the access token must go to Jira only, unless the user says
// otherwise with --allow-other-host.
func checkOrigin(home, target *url.URL, allowOtherHost bool) error {
	if allowOtherHost || origin(home) == origin(target) {
		return nil
	}
	return usageErrorf(fmt.Sprintf("request: %s is not jira_home's origin %s: the access token is sent only to Jira; give a path such as /rest/api/2/myself, or pass --allow-other-host to send it to %s",
		origin(target), origin(home), origin(target)))
}

// origin returns scheme://host[:port] of u, lower case, without a default
// port, so that https://jira and https://jira:443 are one origin.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || port == defaultPorts[scheme] {
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		return scheme + "://" + host
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// parseHeaders reads -H 'Name: value' arguments.
func parseHeaders(lines []string) (http.Header, error) {
	header := http.Header{}
	for _, line := range lines {
		name, value, ok := strings.Cut(line, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, usageErrorf(fmt.Sprintf("-H %q is not a header: write it as 'Name: value'", line))
		}
		if strings.EqualFold(name, "Authorization") {
			return nil, usageErrorf("-H Authorization is not allowed: jira-oauth signs the request itself")
		}
		header.Add(name, strings.TrimSpace(value))
	}
	return header, nil
}

// readData returns the body given by -d: text, @file, or - for stdin.
func readData(ctx context.Context, data string, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	source := "-d"
	switch {
	case data == "-":
		r, source = stdin, "stdin"
	case strings.HasPrefix(data, "@"):
		f, err := ctxio.Open(ctx, data[1:])
		if err != nil {
			return nil, usageErrorf(fmt.Sprintf("-d %s: cannot read the file: %v", data, errors.Unwrap(err)))
		}
		defer f.Close()
		r, source = f, data[1:]
	default:
		return []byte(data), nil
	}
	body, err := readAll(ctx, io.LimitReader(r, maxRequestBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the request body from %s: %w", source, err)
	}
	if len(body) > maxRequestBody {
		return nil, usageErrorf(fmt.Sprintf("the request body from %s is over %d MiB", source, maxRequestBody>>20))
	}
	return body, nil
}

// readAll is io.ReadAll that gives up when ctx is done, so Ctrl-C stops a
// command waiting for stdin (the reading goroutine ends with the process).
func readAll(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(r)
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// writeBody prints a response body, pretty-printing JSON.
func writeBody(w io.Writer, contentType string, body []byte) error {
	if len(body) == 0 {
		return nil
	}
	mediaType, _, _ := mime.ParseMediaType(contentType)
	if mediaType == "application/json" || strings.HasSuffix(mediaType, "+json") {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, body, "", "  "); err == nil {
			pretty.WriteByte('\n')
			_, err := w.Write(pretty.Bytes())
			return err
		}
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	if body[len(body)-1] != '\n' {
		_, err := io.WriteString(w, "\n")
		return err
	}
	return nil
}
