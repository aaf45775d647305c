package jiratest

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

var errNotAbsolute = errors.New("not an absolute http(s) URL")

// message is an incoming OAuth request as the provider sees it: the
// parameters from the Authorization header, the query and a form body
// (RFC 5849 section 3.4.1.3.1), and the base string URI Jira would compute.
type message struct {
	method  string
	uri     string  // base string URI (logical: Options.BaseURL applied)
	params  []param // all pairs, header first, realm removed
	hasAuth bool    // an "Authorization: OAuth" header was present
}

// get returns the first value of name and whether it is present.
func (m *message) get(name string) (string, bool) {
	for _, p := range m.params {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// baseString computes the signature base string over every parameter except
// oauth_signature.
func (m *message) baseString() string {
	signed := make([]param, 0, len(m.params))
	for _, p := range m.params {
		if p.name != "oauth_signature" {
			signed = append(signed, p)
		}
	}
	return signatureBaseString(m.method, m.uri, signed)
}

// readMessage collects the OAuth parameters of r. body is the already-read
// request body; it is a parameter source only for
// application/x-www-form-urlencoded requests.
func readMessage(r *http.Request, body []byte, uri string) (*message, *problem) {
	m := &message{method: r.Method, uri: uri}
	for _, h := range r.Header.Values("Authorization") {
		ps, ok, err := parseAuthorization(h)
		if !ok {
			continue
		}
		if err != nil || m.hasAuth {
			return nil, newProblem(problemParameterRejected, "oauth_parameters_rejected", "Authorization")
		}
		m.hasAuth = true
		for _, p := range ps {
			if p.name != "realm" {
				m.params = append(m.params, p)
			}
		}
	}
	q, err := parseForm(r.URL.RawQuery)
	if err != nil {
		return nil, newProblem(problemParameterRejected, "oauth_parameters_rejected", "query")
	}
	m.params = append(m.params, q...)
	if isFormBody(r) {
		b, err := parseForm(string(body))
		if err != nil {
			return nil, newProblem(problemParameterRejected, "oauth_parameters_rejected", "body")
		}
		m.params = append(m.params, b...)
	}
	return m, nil
}

func isFormBody(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// rawPath returns the request path exactly as it came on the request line.
func rawPath(r *http.Request) string {
	ru := r.RequestURI
	if ru == "" || ru == "*" {
		return r.URL.EscapedPath()
	}
	if !strings.HasPrefix(ru, "/") { // absolute-form request target
		if u, err := url.ParseRequestURI(ru); err == nil {
			return u.EscapedPath()
		}
		return r.URL.EscapedPath()
	}
	if i := strings.IndexByte(ru, '?'); i >= 0 {
		ru = ru[:i]
	}
	return ru
}
