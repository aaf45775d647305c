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

	"github.com/jira-oauth/jira-oauth/internal/ctxio"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
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
	// Fields are -F name=value and name=@file: a multipart/form-data body.
	Fields []string
	// AllowOtherHost lets an absolute URL outside jira_home's origin
	// receive the signed request (and so the access token).
	AllowOtherHost bool

	Include  bool   // -i: status line and headers before the body
	Output   string // -o FILE: the body into FILE ("-": stdout)
	Raw      bool   // --raw: the body as received, also on a terminal
	JQ       string // --jq EXPR
	Silent   bool   // -s: nothing on stdout
	Paginate bool   // --paginate
	MaxPages int    // --max-pages
}

// defaultMaxPages is --max-pages' default.
const defaultMaxPages = 1000

func newCmdRequest(a *app, runF func(*requestOptions) error) *cobra.Command {
	opts := &requestOptions{app: a}
	cmd := &cobra.Command{
		Use:   "request URL|PATH",
		Short: "Make a signed call to Jira's REST API",
		Long: `Make a call signed with the saved access token and print the body. PATH is
relative to jira_home; a query is encoded as typed ('?jql=project = DEMO').
Exits 0 only on a 2xx answer.

On a terminal JSON is pretty-printed; otherwise (a pipe, a file) the body is
written exactly as Jira sent it, as with --raw. -o FILE writes the body
byte-exact into FILE (atomically: FILE is replaced only by a complete body of
a 2xx answer); -i adds the status line and headers; -s prints nothing.
--jq EXPR filters the JSON answer with a jq expression (strings print without
quotes; with -o, the file gets what --jq prints).

-d takes text, @file, or - for stdin; a body is sent as application/json
unless -H sets another Content-Type, and makes the default method POST.
-F name=@file (or name=value, repeatable) sends multipart/form-data, streamed
from the file, as Jira's attachment upload wants (part name "file").
Every request but a GET carries X-Atlassian-Token: no-check, which Jira's
XSRF check asks for, unless -H sets it.

--paginate follows Jira's paging (startAt/maxResults/total with the items
under issues, comments, values, worklogs...; or the agile isLast/values) and
prints one JSON document holding every item, with maxResults and total the
item count and startAt the first page's; POST /rest/api/2/search pages by rewriting the body's
startAt. It stops on the last or an empty page, and after --max-pages pages
fails rather than print a partial list.

A full URL must have jira_home's scheme, host and port (the request carries
the access token) unless --allow-other-host. GET, HEAD, PUT and DELETE
answered 429 or 503 are retried up to 3 times (POST only on 429); a -F body
from stdin (name=@-) is sent once and never retried.`,
		Example: `  jira-oauth request /rest/api/2/myself
  jira-oauth request '/rest/api/2/search?jql=project = DEMO' --paginate --jq '.issues[].key'
  jira-oauth request -X POST -d '{"body":"Built by CI"}' /rest/api/2/issue/DEMO-1/comment
  jira-oauth request -F file=@build.log /rest/api/2/issue/DEMO-1/attachments
  jira-oauth request -o logo.png /secure/attachment/10200/logo.png
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
	cmd.Flags().StringVarP(&opts.Method, "request", "X", "", "HTTP method (default GET, or POST with -d or -F)")
	cmd.Flags().StringVarP(&opts.Data, "data", "d", "", "request body: text, @file, or - for stdin")
	cmd.Flags().StringArrayVarP(&opts.Fields, "form", "F", nil, "multipart/form-data field 'name=value', or 'name=@file' to upload a file (repeatable)")
	cmd.Flags().StringArrayVarP(&opts.Headers, "header", "H", nil, "extra header 'Name: value' (repeatable)")
	cmd.Flags().BoolVar(&opts.AllowOtherHost, "allow-other-host", false, "send the signed request (and the access token) to a URL outside jira_home's scheme, host and port")
	cmd.Flags().BoolVarP(&opts.Include, "include", "i", false, "print the status line and response headers before the body")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the body to FILE (atomically, byte-exact) instead of stdout; - for stdout")
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "print the body exactly as received, also on a terminal")
	cmd.Flags().StringVar(&opts.JQ, "jq", "", "filter the JSON answer with a jq expression, e.g. '.issues[].key'")
	cmd.Flags().BoolVarP(&opts.Silent, "silent", "s", false, "print no body; the exit code tells")
	cmd.Flags().BoolVar(&opts.Paginate, "paginate", false, "follow Jira's paging and print one JSON document with every item")
	cmd.Flags().IntVar(&opts.MaxPages, "max-pages", defaultMaxPages, "with --paginate, the most pages to fetch")
	return cmd
}

func runRequest(cmd *cobra.Command, opts *requestOptions) error {
	a := opts.app
	ctx := cmd.Context()
	header, err := parseHeaders(opts.Headers)
	if err != nil {
		return err
	}
	method := strings.ToUpper(opts.Method)
	if strings.IndexFunc(method, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return usageErrorf(fmt.Sprintf("-X %q is not an HTTP method: use GET, POST, PUT, DELETE or another method name", opts.Method))
	}
	if opts.DataSet && len(opts.Fields) > 0 {
		return usageErrorf("-d and -F cannot be used together: -d sends one body, -F a multipart form; choose one")
	}
	if cmd.Flags().Changed("max-pages") && !opts.Paginate {
		return usageErrorf("--max-pages works only with --paginate: add --paginate, or drop --max-pages")
	}
	if method == "" {
		method = http.MethodGet
		if opts.DataSet || len(opts.Fields) > 0 {
			method = http.MethodPost
		}
	}
	if opts.Output != "" && opts.Output != "-" {
		a.catchSignals() // Ctrl-C must not leave a temporary file behind
	}
	if err := checkOutputFlags(opts, method); err != nil {
		return err
	}
	jq, err := compileJQ(opts.JQ)
	if err != nil {
		return err
	}
	var body []byte
	var form *multipartBody
	switch {
	case opts.DataSet:
		if body, err = readData(ctx, opts.Data, a.env.Stdin); err != nil {
			return err
		}
		if header.Get("Content-Type") == "" {
			header.Set("Content-Type", "application/json")
		}
	case len(opts.Fields) > 0:
		if form, err = newMultipartBody(opts.Fields, a.env.Stdin); err != nil {
			return err
		}
		if header.Get("Content-Type") != "" {
			return usageErrorf("-H Content-Type cannot be used with -F: the multipart body sets its own Content-Type with the boundary")
		}
		header.Set("Content-Type", form.contentType())
	}
	// Jira's XSRF check refuses multipart and form posts without this
	// header (403 "XSRF check failed"); it is harmless on JSON calls.
	if _, set := header["X-Atlassian-Token"]; !set && (method != http.MethodGet || form != nil) {
		header.Set("X-Atlassian-Token", "no-check")
	}
	if header.Get("Accept") == "" {
		header.Set("Accept", "application/json")
	}
	var pager *pager
	if opts.Paginate {
		if pager, err = newPager(method, body, opts.MaxPages); err != nil {
			return err
		}
	}

	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	client, err := a.authClient(cfg) // the config's auth_method: auth.go
	if err != nil {
		return err
	}
	if form != nil && form.usesStdin() {
		// stdin can be read once: such an upload is never retried.
		client.Retry = nil
	}
	target, err := resolveTarget(client.JiraHome, opts.Target)
	if err != nil {
		return err
	}
	if err := checkOrigin(client.JiraHome, target, opts.AllowOtherHost); err != nil {
		return err
	}
	send := func(target *url.URL, body []byte) (*oauth.Response, error) {
		req, err := http.NewRequestWithContext(ctx, method, target.String(), bytes.NewReader(body))
		if err != nil {
			return nil, usageErrorf(fmt.Sprintf("cannot make a %s request to %s: %v", method, target.Redacted(), err))
		}
		switch {
		case form != nil:
			// Streamed: each attempt reopens the files (see multipartBody).
			req.Body, req.GetBody, req.ContentLength = http.NoBody, form.open, form.length
		case body == nil:
			req.Body, req.GetBody, req.ContentLength = nil, nil, 0
		}
		for name, values := range header {
			req.Header[name] = values
		}
		resp, err := client.Do(ctx, req, "")
		var changed *fileChangedError
		if errors.As(err, &changed) {
			return nil, changed // our file, not the network
		}
		if err != nil {
			return nil, err
		}
		if isAnonymous(resp) {
			return nil, &anonymousError{op: "request"}
		}
		return resp, nil
	}
	out := &requestOutput{ctx: ctx, opts: opts, stdout: a.stdout(), stdoutTTY: isTerminal(a.env.Stdout), jq: jq}
	if pager != nil {
		progress := io.Discard
		if isTerminal(a.env.Stderr) {
			progress = a.stderr()
		}
		merged, single, err := pager.run(target, body, send, progress)
		switch {
		case err != nil:
			return err
		case single != nil:
			return out.write(single)
		}
		return out.writeJSONDocument(merged)
	}
	resp, err := send(target, body)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if err := out.writeFailure(resp); err != nil {
			return err
		}
		msg := fmt.Sprintf("request: Jira answered %s for %s %s", resp.Status, method, target.Redacted())
		if location := resp.Header.Get("Location"); resp.StatusCode < 400 && location != "" {
			msg += fmt.Sprintf(", redirecting to %s: signed requests cannot follow redirects; if Jira moved (http to https, another host), set jira_home to its base URL", location)
		}
		return errors.New(msg)
	}
	return out.write(resp)
}

// resolveTarget turns the argument of request into an absolute URL: a path
// is taken relative to jira_home (keeping its context path, e.g. /jira).
func resolveTarget(home *url.URL, target string) (*url.URL, error) {
	target = encodeQuery(target)
	if lower := strings.ToLower(target); strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		u, err := url.Parse(target)
		if err != nil || u.Host == "" {
			return nil, usageErrorf(fmt.Sprintf("%q is not a valid URL: give a full http(s) URL or a path such as /rest/api/2/myself", target))
		}
		return u, nil
	}
	if head, _, _ := strings.Cut(target, "?"); strings.Contains(head, "://") {
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
		if strings.IndexFunc(name, func(r rune) bool { return !headerTokenChar(r) }) >= 0 {
			return nil, usageErrorf(fmt.Sprintf("-H %q: the header name %q may hold only letters, digits and !#$%%&'*+-.^_`|~", line, name))
		}
		if strings.EqualFold(name, "Authorization") {
			return nil, usageErrorf("-H Authorization is not allowed: jira-oauth signs the request itself")
		}
		value = strings.TrimSpace(value)
		if strings.IndexFunc(value, func(r rune) bool { return r != '\t' && (r < ' ' || r == 0x7f) }) >= 0 {
			return nil, usageErrorf(fmt.Sprintf("-H %q: the value of %s holds a control character (a line break?): give it on one line", line, name))
		}
		header.Add(name, value)
	}
	return header, nil
}

// headerTokenChar reports whether r may appear in a header name (RFC 9110
// section 5.6.2: tchar).
func headerTokenChar(r rune) bool {
	return r < 0x7f && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
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

// writeBody prints a response body for a terminal, pretty-printing JSON
// and ending it with a newline.
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
