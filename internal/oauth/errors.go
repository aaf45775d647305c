package oauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Operation names used as the Op of errors and as the prefix of their
// messages.
const (
	OpRequestToken = "request token"
	OpAccessToken  = "access token"
	OpRequest      = "request"
)

// timestampWindow is how far Jira lets oauth_timestamp stray from its clock.
const timestampWindow = 5 * time.Minute

// ProblemError is Jira refusing a request with an OAuth problem
// (oauth_problem in the WWW-Authenticate header or in the body).
type ProblemError struct {
	Op         string // OpRequestToken, OpAccessToken, OpRenew or OpRequest
	URL        string // the URL that was signed, without oauth parameters
	StatusCode int
	Problem    string // e.g. "signature_invalid"
	// Details holds every parameter Jira sent with the problem (header and
	// body), e.g. oauth_signature_base_string, oauth_acceptable_timestamps,
	// oauth_parameters_absent; secret values are "[redacted]".
	Details url.Values
	// SentBaseString is the base string we signed, secrets "[redacted]".
	SentBaseString string
	ConsumerKey    string
	ServerTime     time.Time // from the response's Date header; zero if absent
	LocalTime      time.Time // our clock when the response arrived
	// Command, if set, is the command line that runs args on the user's
	// config (with the --config they gave), for the advice; nil means
	// "jira-oauth " + args.
	Command func(args string) string
	// PublicKeyFile is the file holding the public key of the link, for
	// the advice; "" means jira_publickey.pem.
	PublicKeyFile string
}

// publicKeyFile is the public key file the advice names.
func (e *ProblemError) publicKeyFile() string {
	if e.PublicKeyFile != "" {
		return e.PublicKeyFile
	}
	return "jira_publickey.pem"
}

// cmd is the command line the advice tells the user to run.
func (e *ProblemError) cmd(args string) string {
	if e.Command != nil {
		return e.Command(args)
	}
	return "jira-oauth " + args
}

// startOver is the one remedy for a token that is gone: a new dance,
// login first, the step-by-step commands as the alternative.
func (e *ProblemError) startOver() string { return startOver(e.cmd) }

// startOver says how to get a new access token, with cmd's command lines.
func startOver(cmd func(args string) string) string {
	return fmt.Sprintf("run '%s' (or step by step: '%s', approve, '%s')", cmd("login"), cmd("requestToken"), cmd("accessToken CODE"))
}

// startOver is ProblemError.startOver for errors the client finds itself.
func (c *Client) startOver() string {
	return startOver(func(args string) string {
		if c.Command != nil {
			return c.Command(args)
		}
		return "jira-oauth " + args
	})
}

// Error returns one line: the operation, the problem and what to do.
func (e *ProblemError) Error() string {
	return fmt.Sprintf("%s: Jira refused the request (oauth_problem=%s): %s", opName(e.Op), oneLine(e.Problem, 60), e.Advice())
}

// Advice says, in one line, what the problem usually means and what to
// check or run next.
func (e *ProblemError) Advice() string {
	switch e.Problem {
	case "signature_invalid":
		return e.signatureAdvice()
	case "consumer_key_unknown":
		return fmt.Sprintf("Jira has no incoming Application Link with consumer key %q: check consumer_key in the config and the Application Link's incoming authentication", e.ConsumerKey)
	case "timestamp_refused":
		return e.timestampAdvice()
	case "token_rejected":
		switch e.Op {
		case OpAccessToken:
			// atlassian-oauth answers a wrong verifier with token_rejected
			// and keeps the request token: a retry with the right code works.
			return fmt.Sprintf("Jira did not accept the verification code with the saved request token: the code may be mistyped; run '%s' again with the code exactly as Jira showed it. If it is right, the request token is unknown, already used or revoked: %s",
				e.cmd("accessToken CODE"), e.startOver())
		case OpRequest:
			return "Jira does not know the access token (unknown or revoked): " + e.startOver()
		case OpRenew:
			return "Jira does not know the access token (already renewed, revoked or unknown): " + e.startOver()
		}
		return "Jira does not know the token (unknown, already used or revoked): " + e.startOver()
	case "token_revoked":
		return "the access token was revoked in Jira: " + e.startOver()
	case "token_expired":
		if e.Op == OpAccessToken {
			return "the request token expired (request tokens live 10 minutes): " + e.startOver() + ", and approve within 10 minutes"
		}
		return "the access token expired: " + e.startOver()
	case "permission_unknown":
		return fmt.Sprintf("the request token is not approved yet: open the authorize URL that requestToken printed, approve access, then run '%s' with the code Jira shows", e.cmd("accessToken CODE"))
	case "permission_denied":
		if e.Op == OpRenew {
			return "the session has ended (oauth_authorization_expires_in passed), so the token cannot be renewed: " + e.startOver()
		}
		if e.Op == OpRequest {
			return fmt.Sprintf("Jira refused the access token for this call (its user lost access, or the Application Link no longer allows it): run '%s' again, or ask a Jira admin to check the link", e.cmd("login"))
		}
		return "the user denied access on Jira's authorize page: " + e.startOver() + ", and press Allow"
	case "nonce_used":
		return "Jira has seen this nonce before (a replayed request): retry; if it repeats, check that nothing (a proxy, retry logic) replays requests"
	case "parameter_absent":
		return fmt.Sprintf("Jira says the request lacks %s: a proxy may strip the Authorization header", e.paramList("oauth_parameters_absent", "some OAuth parameters"))
	case "parameter_rejected":
		if e.Op == OpRenew && e.Details.Get("oauth_parameters_rejected") == "oauth_session_handle" {
			return "Jira rejected the session handle (it belongs to another token): " + e.startOver()
		}
		return fmt.Sprintf("Jira rejected %s: a proxy may rewrite the request", e.paramList("oauth_parameters_rejected", "some parameters"))
	case "signature_method_rejected":
		return "Jira wants RSA-SHA1 for this consumer: the Application Link's incoming authentication must have a public key (paste " + e.publicKeyFile() + " there)"
	case "version_rejected":
		return "Jira accepts only oauth_version 1.0: something between us and Jira rewrote the request"
	}
	if a := e.Details.Get("oauth_problem_advice"); a != "" {
		return "Jira's advice: " + oneLine(a, 200)
	}
	return "look for the reason in Jira's atlassian-jira.log, and check consumer_key, private_key and jira_home"
}

func (e *ProblemError) paramList(field, fallback string) string {
	var names []string
	for _, v := range e.Details[field] {
		for n := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == '&' || r == ',' || r == ' ' }) {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return fallback
	}
	return oneLine(strings.Join(names, ", "), 200)
}

func (e *ProblemError) signatureAdvice() string {
	keyMismatch := fmt.Sprintf("the public key in the Application Link for consumer key %q does not match private_key (re-register %s)", e.ConsumerKey, e.publicKeyFile())
	theirs := e.Details.Get("oauth_signature_base_string")
	if theirs == "" || e.SentBaseString == "" {
		return "Jira could not verify the signature; the two usual causes: " + keyMismatch +
			", or jira_home is not the URL Jira sees (set it to Jira's base URL)"
	}
	tm, tu, tp, ok1 := splitBase(theirs)
	om, ou, op, ok2 := splitBase(e.SentBaseString)
	if !ok1 || !ok2 {
		return "Jira could not verify the signature and sent a base string this tool cannot read; the two usual causes: " + keyMismatch + ", or jira_home is not the URL Jira sees"
	}
	if tu != ou {
		hint := ""
		for _, marker := range []string{"/plugins/servlet/oauth/", "/rest/"} {
			if i := strings.Index(tu, marker); i > 0 {
				hint = " (" + oneLine(tu[:i], 200) + ")"
				break
			}
		}
		return fmt.Sprintf("Jira checked the signature for URL %s while we signed %s: set jira_home to Jira's base URL%s, or fix the proxy settings so Jira sees the public URL", oneLine(tu, 200), oneLine(ou, 200), hint)
	}
	if tm != om {
		return fmt.Sprintf("Jira saw method %s while we signed %s: something between us and Jira changes the request", oneLine(tm, 20), oneLine(om, 20))
	}
	if diff := differingNames(tp, op); len(diff) > 0 {
		return fmt.Sprintf("Jira saw different values for the parameters %s than we signed: something between us and Jira rewrites the query or body (a proxy re-encoding it?)", oneLine(listNames(diff), 200))
	}
	return "Jira computed the same base string, so the key is wrong: " + keyMismatch
}

// splitBase splits a base string into method, decoded base string URI and
// encoded parameters; ok=false when it is not a well-formed base string.
func splitBase(base string) (method, uri string, params []param, ok bool) {
	method, encodedURI, pairs, ok := splitBaseString(base)
	if !ok {
		return "", "", nil, false
	}
	uri, err := url.PathUnescape(encodedURI)
	if err != nil {
		return "", "", nil, false
	}
	params, ok = baseParams(pairs)
	return method, uri, params, ok
}

func (e *ProblemError) timestampAdvice() string {
	var skew time.Duration
	known := false
	if !e.ServerTime.IsZero() && !e.LocalTime.IsZero() {
		skew = e.LocalTime.Sub(e.ServerTime).Round(time.Second)
		known = true
	} else if r := e.Details.Get("oauth_acceptable_timestamps"); r != "" && !e.LocalTime.IsZero() {
		lo, hi, ok := strings.Cut(r, "-")
		first, err1 := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		last, err2 := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		if ok && err1 == nil && err2 == nil && first <= last {
			skew = time.Duration(e.LocalTime.Unix()-(first+last)/2) * time.Second
			known = true
		}
	}
	if !known {
		return "Jira refused our timestamp: this machine's clock and Jira's differ by more than 5 minutes; sync them (NTP)"
	}
	dir := "ahead of"
	abs := skew
	if skew < 0 {
		dir, abs = "behind", -skew
	}
	if abs <= timestampWindow {
		return fmt.Sprintf("Jira refused our timestamp although your clock is only %s %s Jira's (Jira accepts 5 minutes): check that nothing delays requests, and sync both clocks (NTP)", abs, dir)
	}
	return fmt.Sprintf("your clock is %s %s Jira's; Jira accepts 5 minutes: sync this machine's clock (NTP) or Jira's", abs, dir)
}

// splitBaseString splits a signature base string into its method, its
// base string URI and its parameters as encoded "name%3Dvalue" pairs. It
// checks only the structure (three '&'-separated parts); see baseParams.
func splitBaseString(base string) (method, encodedURI string, pairs []string, ok bool) {
	parts := strings.SplitN(base, "&", 3)
	if len(parts) != 3 {
		return "", "", nil, false
	}
	if parts[2] != "" {
		pairs = strings.Split(parts[2], "%26")
	}
	return parts[0], parts[1], pairs, true
}

// baseParams splits encoded base string pairs into names and values, still
// encoded. It reports ok=false unless every pair is "name%3Dvalue" with a
// name made of percent-encoded characters only: an un-encoded base string
// (a sloppy proxy's) would otherwise yield a whole base string, secrets
// and all, as one "name".
func baseParams(pairs []string) (params []param, ok bool) {
	for _, pair := range pairs {
		n, v, found := strings.Cut(pair, "%3D")
		if !found || !isEncodedName(n) {
			return nil, false
		}
		params = append(params, param{n, v})
	}
	return params, true
}

// isEncodedName reports whether n is a plausible percent-encoded parameter
// name: non-empty, short, and only unreserved characters and '%'.
func isEncodedName(n string) bool {
	if n == "" || len(n) > 200 {
		return false
	}
	for _, c := range []byte(n) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~%", c) >= 0) {
			return false
		}
	}
	return true
}

// maxListedNames caps how many parameter names an advice lists.
const maxListedNames = 8

// listNames joins names for a message, at most maxListedNames of them.
func listNames(names []string) string {
	if len(names) > maxListedNames {
		return fmt.Sprintf("%s and %d more", strings.Join(names[:maxListedNames], ", "), len(names)-maxListedNames)
	}
	return strings.Join(names, ", ")
}

// differingNames returns the (decoded) names whose values differ between a
// and b, or that only one of them has. Values are never returned.
func differingNames(a, b []param) []string {
	values := func(ps []param) map[string][]string {
		m := map[string][]string{}
		for _, p := range ps {
			m[p.name] = append(m[p.name], p.value)
		}
		for _, v := range m {
			slices.Sort(v)
		}
		return m
	}
	ma, mb := values(a), values(b)
	var names []string
	for n, va := range ma {
		if !slices.Equal(va, mb[n]) {
			names = append(names, n)
		}
	}
	for n := range mb {
		if _, ok := ma[n]; !ok {
			names = append(names, n)
		}
	}
	for i, n := range names {
		if d, err := url.PathUnescape(n); err == nil {
			if d2, err := url.PathUnescape(d); err == nil {
				d = d2
			}
			names[i] = d
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// HTTPError is an answer from a token endpoint that is not a token and not
// an OAuth problem: a wrong jira_home, a failing Jira, a login page.
type HTTPError struct {
	Op          string
	URL         string
	StatusCode  int
	Status      string // e.g. "404 Not Found"
	ContentType string
	Location    string // redirect target, for 3xx
	Excerpt     string // the first characters of the body, one line, secrets redacted
}

// Error returns one line saying what came back and what to check.
func (e *HTTPError) Error() string {
	op := opName(e.Op)
	status := e.Status
	if status == "" {
		status = fmt.Sprintf("%d %s", e.StatusCode, httpStatusText(e.StatusCode))
	}
	switch {
	case e.StatusCode == 407:
		return fmt.Sprintf("%s: a proxy answered %s for %s: it wants credentials; put them in HTTPS_PROXY/HTTP_PROXY (http://user:password@proxy:port), or add Jira's host to NO_PROXY", op, status, e.URL)
	case e.StatusCode == 404:
		return fmt.Sprintf("%s: Jira answered %s at %s: check jira_home (should be Jira's base URL, e.g. https://jira.example.com)", op, status, e.URL)
	case e.StatusCode >= 300 && e.StatusCode < 400:
		return fmt.Sprintf("%s: Jira answered %s at %s, redirecting to %s: set jira_home to the base URL Jira redirects to (signed requests cannot follow redirects)", op, status, e.URL, oneLine(e.Location, 200))
	case e.StatusCode >= 500:
		return fmt.Sprintf("%s: Jira answered %s at %s: Jira is failing or still starting; check Jira's logs and try again later", op, status, e.URL)
	case e.StatusCode >= 200 && e.StatusCode < 300:
		return fmt.Sprintf("%s: expected a form-encoded token from %s but got %s (%s): %s", op, e.URL, e.describeBody(), status, e.pageAdvice())
	case e.StatusCode == 401 || e.StatusCode == 403:
		return fmt.Sprintf("%s: Jira answered %s at %s without an oauth_problem, with %s: %s", op, status, e.URL, e.describeBody(), e.pageAdvice())
	}
	return fmt.Sprintf("%s: Jira answered %s at %s with %s: check jira_home (should be Jira's base URL, e.g. https://jira.example.com)", op, status, e.URL, e.describeBody())
}

func (e *HTTPError) isHTML() bool {
	return strings.Contains(strings.ToLower(e.ContentType), "html") || strings.HasPrefix(strings.TrimSpace(e.Excerpt), "<")
}

func (e *HTTPError) describeBody() string {
	ct := oneLine(e.ContentType, 100)
	if ct == "" {
		ct = "no content type"
	}
	if e.Excerpt == "" {
		return ct + ", empty body"
	}
	return fmt.Sprintf("%s %q", ct, e.Excerpt)
}

func (e *HTTPError) pageAdvice() string {
	if e.isHTML() {
		return "an HTML page, probably a login or SSO page of a proxy in front of Jira: set jira_home to a URL that reaches Jira itself"
	}
	return "check that jira_home is Jira's base URL and reaches Jira itself, not a proxy"
}

func httpStatusText(code int) string {
	if code == 0 {
		return "(no status)"
	}
	return http.StatusText(code)
}

// NetworkError is a failure to get any answer from Jira: connection refused,
// DNS, TLS, timeout. A cause with an Advice() string method gives the
// advice.
type NetworkError struct {
	Op  string
	URL string
	Err error
}

// Error returns one line: what failed, what to check, and the cause.
func (e *NetworkError) Error() string {
	cause := e.Err
	var ue *url.Error
	if errors.As(cause, &ue) {
		cause = ue.Err
	}
	return fmt.Sprintf("%s: cannot reach Jira at %s: %s (%v)", opName(e.Op), e.URL, e.Advice(), cause)
}

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }

// Advice says what the network failure usually means and what to check.
func (e *NetworkError) Advice() string {
	host, hostPort := "", ""
	if u, err := url.Parse(e.URL); err == nil {
		host = u.Hostname()
		port := u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
		hostPort = net.JoinHostPort(host, port)
	}
	var (
		dnsErr      *net.DNSError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
		netErr      net.Error
	)
	var (
		proxyRefused *ProxyRefusedError
		opErr        *net.OpError
		advised      interface{ Advice() string }
	)
	switch {
	case errors.As(e.Err, &advised):
		// The cause knows best, e.g. a bad proxy setting in the CLI.
		return advised.Advice()
	case errors.As(e.Err, &proxyRefused):
		return fmt.Sprintf("the proxy %s answered %s to CONNECT %s: check HTTPS_PROXY and the proxy's rules, or add the host to NO_PROXY", proxyRefused.Proxy, oneLine(proxyRefused.Status, 60), hostPort)
	case errors.As(e.Err, &opErr) && opErr.Op == "proxyconnect":
		return "cannot reach the proxy from HTTPS_PROXY/HTTP_PROXY: check those variables, or add the host to NO_PROXY"
	case e.Err != nil && strings.Contains(e.Err.Error(), "tls: certificate required"):
		// Go sends no certificate when none comes from a CA the server
		// names, so this is also the answer to an untrusted --client-cert.
		return "Jira asks for a client certificate (mutual TLS) and got none it accepts: pass --client-cert and --client-key, with a certificate from a CA Jira trusts"
	case e.Err != nil && (strings.Contains(e.Err.Error(), "tls: bad certificate") || strings.Contains(e.Err.Error(), "tls: unknown certificate authority")):
		return "Jira refused our client certificate: check that --client-cert is one Jira's TLS front end trusts"
	case errors.As(e.Err, &dnsErr):
		name := dnsErr.Name
		if name == "" {
			name = host
		}
		return fmt.Sprintf("cannot resolve host %s: check jira_home", name)
	case errors.Is(e.Err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing is listening at %s: check jira_home and that Jira is up", hostPort)
	case errors.As(e.Err, &unknownAuth):
		return "Jira's TLS certificate is not trusted: pass --ca-file with your company CA bundle (Go's answer to Java's PKIX error)"
	case errors.As(e.Err, &hostErr):
		names := ""
		if hostErr.Certificate != nil {
			names = strings.Join(hostErr.Certificate.DNSNames, ", ")
		}
		if names == "" {
			names = "other names"
		}
		return fmt.Sprintf("Jira's TLS certificate is not valid for %s (it covers %s): use a host name the certificate covers in jira_home", host, names)
	case errors.As(e.Err, &invalidErr):
		if invalidErr.Reason == x509.Expired {
			return "Jira's TLS certificate has expired or is not yet valid: renew it, or check this machine's clock"
		}
		return "Jira's TLS certificate is invalid: check the certificate chain Jira serves"
	case errors.As(e.Err, &recordErr), e.Err != nil && strings.Contains(e.Err.Error(), "server gave HTTP response to HTTPS client"):
		return fmt.Sprintf("%s does not speak TLS: if Jira serves plain HTTP there, jira_home must start with http://", hostPort)
	case errors.Is(e.Err, context.DeadlineExceeded), errors.Is(e.Err, os.ErrDeadlineExceeded),
		errors.As(e.Err, &netErr) && netErr.Timeout():
		return "no answer within the timeout: raise --timeout or check the network"
	case errors.Is(e.Err, syscall.ECONNRESET):
		return "the connection was reset: check the scheme and port in jira_home, and any firewall or proxy in between"
	case errors.Is(e.Err, io.EOF), errors.Is(e.Err, io.ErrUnexpectedEOF):
		return "Jira closed the connection without answering: check the scheme (http/https) and port in jira_home"
	}
	return "check jira_home and the network"
}

// ProxyRefusedError is a proxy answering CONNECT, the start of a tunnel to
// an https jira_home, with a status other than 200.
type ProxyRefusedError struct {
	Proxy  string // the proxy URL, password redacted
	Status string // e.g. "403 Forbidden"
}

// Error returns one line naming the proxy and its answer.
func (e *ProxyRefusedError) Error() string {
	return fmt.Sprintf("proxy %s answered %s", e.Proxy, oneLine(e.Status, 60))
}

func opName(op string) string {
	if op == "" {
		return "oauth"
	}
	return op
}
