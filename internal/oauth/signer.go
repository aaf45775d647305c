package oauth

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dghubble/oauth1"
)

// SignatureMethod is the only signature method Jira's Application Links accept
// for a consumer that has a public key.
const SignatureMethod = "RSA-SHA1"

// formContentType is the media type whose body parameters are signed
// (RFC 5849 section 3.4.1.3.1).
const formContentType = "application/x-www-form-urlencoded"

// Signer signs HTTP requests with OAuth 1.0a RSA-SHA1 (RFC 5849) the way
// Jira Server and Data Center verify them.
type Signer struct {
	ConsumerKey string
	Key         *rsa.PrivateKey
	Now         func() time.Time // nil: time.Now
	Nonce       func() string    // nil: crypto/rand based
}

// param is one name/value pair of the signature base string, decoded.
type param struct{ name, value string }

// Sign adds the "Authorization: OAuth ..." header to req (oauth_consumer_key,
// oauth_nonce, oauth_signature_method=RSA-SHA1, oauth_timestamp,
// oauth_version=1.0, plus extra such as oauth_token / oauth_callback /
// oauth_verifier) and returns the signature base string.
//
// Query parameters and, for application/x-www-form-urlencoded bodies, body
// parameters are signed with duplicates kept. A form body is read through
// req.GetBody when it is set; otherwise req.Body is read and replaced by a
// replayable copy.
//
// The returned base string holds every signed value, including
// oauth_verifier: redact it before showing it to anyone.
func (s *Signer) Sign(req *http.Request, extra map[string]string) (baseString string, err error) {
	if s.Key == nil {
		return "", errors.New("sign: no private key")
	}
	if s.ConsumerKey == "" {
		return "", errors.New("sign: no consumer key")
	}
	if req.URL == nil || req.URL.Host == "" || req.URL.Scheme == "" {
		return "", errors.New("sign: request URL must be absolute")
	}
	oauthParams, err := s.oauthParams(extra)
	if err != nil {
		return "", err
	}
	params, err := requestParams(req)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	for name, value := range oauthParams {
		params = append(params, param{name, value})
	}
	base := signatureBase(req.Method, baseStringURI(req.URL), params)
	sig, err := (&oauth1.RSASigner{PrivateKey: s.Key}).Sign("", base)
	if err != nil {
		return "", fmt.Errorf("sign: rsa-sha1: %w", err)
	}
	oauthParams["oauth_signature"] = sig
	req.Header.Set("Authorization", authorizationHeader(oauthParams))
	return base, nil
}

// oauthParams returns the protocol parameters except oauth_signature.
func (s *Signer) oauthParams(extra map[string]string) (map[string]string, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	nonce := s.Nonce
	if nonce == nil {
		nonce = rand.Text
	}
	n := nonce()
	if n == "" {
		return nil, errors.New("sign: empty nonce")
	}
	p := map[string]string{
		"oauth_consumer_key":     s.ConsumerKey,
		"oauth_nonce":            n,
		"oauth_signature_method": SignatureMethod,
		"oauth_timestamp":        strconv.FormatInt(now().Unix(), 10),
		"oauth_version":          "1.0",
	}
	for name, value := range extra {
		if !strings.HasPrefix(name, "oauth_") {
			return nil, fmt.Errorf("sign: extra parameter %q is not an oauth_ parameter", name)
		}
		if _, ok := p[name]; ok || name == "oauth_signature" {
			return nil, fmt.Errorf("sign: extra parameter %q is set by the signer", name)
		}
		p[name] = value
	}
	return p, nil
}

// requestParams collects the query parameters and the form body parameters of
// req (RFC 5849 section 3.4.1.3.1), keeping duplicates.
func requestParams(req *http.Request) ([]param, error) {
	const percentHint = "percent-encode special characters in it, e.g. a literal % as %25"
	params, err := parseForm(req.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("the URL's query is malformed (%w): %s", err, percentHint)
	}
	if !isForm(req.Header.Get("Content-Type")) {
		return params, nil
	}
	body, err := replayBody(req)
	if err != nil {
		return nil, fmt.Errorf("cannot read the form body to sign it: %w", err)
	}
	bodyParams, err := parseForm(string(body))
	if err != nil {
		return nil, fmt.Errorf("the form body is malformed (%w): %s, or send it with another Content-Type", err, percentHint)
	}
	return append(params, bodyParams...), nil
}

// isForm reports whether a Content-Type names a form-urlencoded body.
func isForm(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == formContentType
}

// MaxFormBody bounds a form-urlencoded body the signer reads to sign it
// (its parameters are part of the signature): the same 32 MiB that
// request -d reads.
const MaxFormBody = 32 << 20

// FormTooLargeError is the error of signing a form-urlencoded body over
// MaxFormBody bytes. Nothing was sent.
type FormTooLargeError struct{}

func (FormTooLargeError) Error() string {
	return fmt.Sprintf("the form body is over %d MiB, which is more than jira-oauth reads to sign it: send it with another Content-Type (application/json), or in parts", MaxFormBody>>20)
}

// RequestTooLarge reports that the request was refused for its size (the
// proxy answers 413 for it).
func (FormTooLargeError) RequestTooLarge() bool { return true }

// replayBody returns the body of req, at most MaxFormBody bytes, without
// consuming it for the sender.
func replayBody(req *http.Request) ([]byte, error) {
	var body io.ReadCloser
	switch {
	case req.GetBody != nil:
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		body = rc
	case req.Body == nil || req.Body == http.NoBody:
		return nil, nil
	default:
		body = req.Body
	}
	b, err := io.ReadAll(io.LimitReader(body, MaxFormBody+1))
	body.Close()
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFormBody {
		return nil, FormTooLargeError{}
	}
	if req.GetBody == nil {
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(b))), nil }
		req.Body, _ = req.GetBody()
		req.ContentLength = int64(len(b))
	}
	return b, nil
}

// parseForm decodes "a=1&b=2&a=3" keeping duplicates and order. Unlike
// url.ParseQuery it accepts ';' as an ordinary character, as Java servlets do.
// A "+" decodes to a space (RFC 5849 section 3.4.1.3.1).
func parseForm(s string) ([]param, error) {
	var out []param
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err := url.QueryUnescape(name)
		if err != nil {
			return nil, fmt.Errorf("parameter name %q: %w", name, err)
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return nil, fmt.Errorf("value of parameter %q: %w", n, err)
		}
		out = append(out, param{n, v})
	}
	return out, nil
}

// normalizedParams encodes and sorts params (by encoded name, then encoded
// value) and joins them (RFC 5849 section 3.4.1.3.2).
func normalizedParams(params []param) string {
	enc := make([]param, len(params))
	for i, p := range params {
		enc[i] = param{oauth1.PercentEncode(p.name), oauth1.PercentEncode(p.value)}
	}
	slices.SortFunc(enc, func(a, b param) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var sb strings.Builder
	for i, p := range enc {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(p.name)
		sb.WriteByte('=')
		sb.WriteString(p.value)
	}
	return sb.String()
}

// signatureBase joins method, base string URI and parameters
// (RFC 5849 section 3.4.1.1).
func signatureBase(method, uri string, params []param) string {
	return strings.ToUpper(method) + "&" + oauth1.PercentEncode(uri) + "&" + oauth1.PercentEncode(normalizedParams(params))
}

// baseStringURI returns scheme://host[:port]/path with scheme and host in
// lower case, the port dropped when it is the scheme's default, and the path
// as escaped on the wire (RFC 5849 section 3.4.1.2).
func baseStringURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6 literal
	}
	port := u.Port()
	if port != "" && !(scheme == "http" && port == "80") && !(scheme == "https" && port == "443") {
		host += ":" + port
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// authorizationHeader formats the protocol parameters (RFC 5849 section
// 3.5.1), sorted by name so that the header is deterministic.
func authorizationHeader(oauthParams map[string]string) string {
	names := make([]string, 0, len(oauthParams))
	for name := range oauthParams {
		names = append(names, name)
	}
	slices.Sort(names)
	var sb strings.Builder
	sb.WriteString("OAuth ")
	for i, name := range names {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%s=\"%s\"", oauth1.PercentEncode(name), oauth1.PercentEncode(oauthParams[name]))
	}
	return sb.String()
}
