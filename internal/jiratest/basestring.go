package jiratest

import (
	"net/url"
	"slices"
	"strings"
)

// baseStringURI normalises the scheme, authority and path of a request URL
// for the signature base string (RFC 5849 section 3.4.1.2): scheme and host
// lower-cased, the default port (80 for http, 443 for https) dropped, the
// path kept exactly as given (an empty path becomes "/"), no query or
// fragment.
func baseStringURI(scheme, host, rawPath string) string {
	scheme = strings.ToLower(scheme)
	host = strings.ToLower(host)
	if h, port, ok := splitPort(host); ok {
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			host = h
		}
	}
	if rawPath == "" {
		rawPath = "/"
	}
	return scheme + "://" + host + rawPath
}

// splitPort splits "host:port" (or "[v6]:port"); ok is false without a port.
func splitPort(hostport string) (host, port string, ok bool) {
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 || strings.IndexByte(hostport[i:], ']') >= 0 {
		return hostport, "", false
	}
	return hostport[:i], hostport[i+1:], true
}

// normalizeParameters builds the normalized request parameters string
// (RFC 5849 section 3.4.1.3.2): every pair percent-encoded, sorted by encoded
// name then encoded value (byte order), joined as name=value with '&'. The
// caller has already removed oauth_signature and the header's realm.
func normalizeParameters(ps []param) string {
	enc := make([]param, len(ps))
	for i, p := range ps {
		enc[i] = param{percentEncode(p.name), percentEncode(p.value)}
	}
	slices.SortFunc(enc, func(a, b param) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// signatureBaseString joins the upper-cased method, the base string URI and
// the normalized parameters, each percent-encoded, with '&'
// (RFC 5849 section 3.4.1.1).
func signatureBaseString(method, uri string, ps []param) string {
	return percentEncode(strings.ToUpper(method)) + "&" +
		percentEncode(uri) + "&" +
		percentEncode(normalizeParameters(ps))
}

// parseBaseURL parses Options.BaseURL into its origin (scheme://host) and
// path prefix (no trailing slash).
func parseBaseURL(s string) (scheme, host, prefix string, err error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil {
		return "", "", "", err
	}
	if u.Scheme == "" || u.Host == "" {
		return "", "", "", &url.Error{Op: "parse", URL: s, Err: errNotAbsolute}
	}
	return u.Scheme, u.Host, u.EscapedPath(), nil
}
