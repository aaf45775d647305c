package oauth

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/dghubble/oauth1"
)

// maxTracedBody is how much of a token endpoint's body --verbose prints.
const maxTracedBody = 4 << 10

// tracer writes the --verbose transcript of an exchange, like curl -v:
// "> " request lines, "< " response lines, "* " notes. Every line goes
// through redaction; write errors are ignored (tracing must not fail a
// request).
type tracer struct {
	w       io.Writer
	secrets scrubber
}

func (t *tracer) on() bool { return t != nil && t.w != nil }

func (t *tracer) printf(prefix, format string, args ...any) {
	if !t.on() {
		return
	}
	text := fmt.Sprintf(format, args...)
	for line := range strings.SplitSeq(text, "\n") {
		fmt.Fprintf(t.w, "%s%s\n", prefix, t.secrets.scrub(strings.TrimRight(line, "\r")))
	}
}

// request traces the signed request; bodySize < 0 means no body line.
func (t *tracer) request(req *http.Request, base string, bodySize int64) {
	if !t.on() {
		return
	}
	t.printf("> ", "%s %s", req.Method, req.URL.Redacted())
	t.headers("> ", req.Header)
	t.printf("* ", "signature base string: %s", redactBaseString(base))
	if bodySize >= 0 {
		t.printf("* ", "request body: %d bytes", bodySize)
	}
}

// response traces the answer; with showBody the (redacted) body is printed,
// otherwise only its size.
func (t *tracer) response(resp *http.Response, body []byte, showBody bool) {
	if !t.on() {
		return
	}
	t.printf("< ", "%s %s", resp.Proto, resp.Status)
	t.headers("< ", resp.Header)
	if !showBody {
		t.printf("* ", "response body: %d bytes", len(body))
		return
	}
	t.printf("<", "")
	shown := body[:min(len(body), maxTracedBody)]
	t.printf("< ", "%s", strings.ToValidUTF8(redactForm(string(shown)), "?"))
	if more := len(body) - len(shown); more > 0 {
		t.printf("* ", "... %d more bytes", more)
	}
}

// tooLarge traces an answer whose body is over limit and was not read.
func (t *tracer) tooLarge(resp *http.Response, limit int64) {
	if !t.on() {
		return
	}
	t.printf("< ", "%s %s", resp.Proto, resp.Status)
	t.headers("< ", resp.Header)
	t.printf("* ", "response body: more than %s; not read", formatBytes(limit))
}

func (t *tracer) headers(prefix string, h http.Header) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, value := range h[name] {
			t.printf(prefix, "%s: %s", name, traceHeaderValue(name, value))
		}
	}
}

// traceHeaderValue shows a header value with secrets redacted: cookies
// entirely, OAuth parameters by name.
func traceHeaderValue(name, value string) string {
	switch http.CanonicalHeaderKey(name) {
	case "Cookie", "Set-Cookie", "Proxy-Authorization":
		return redacted
	case "Authorization", "Www-Authenticate":
		params, ok := parseAuthParams(value)
		if !ok {
			if strings.HasPrefix(strings.ToLower(value), "basic ") || strings.HasPrefix(strings.ToLower(value), "bearer ") {
				return strings.Fields(value)[0] + " " + redacted
			}
			return value
		}
		names := make([]string, 0, len(params))
		for n := range params {
			names = append(names, n)
		}
		slices.Sort(names)
		var parts []string
		for _, n := range names {
			for _, v := range params[n] {
				switch {
				case secretParam(n):
					v = redacted
				case n == "oauth_signature_base_string":
					v = redactBaseString(v)
				default:
					v = oauth1.PercentEncode(v)
				}
				parts = append(parts, fmt.Sprintf("%s=%q", n, v))
			}
		}
		return "OAuth " + strings.Join(parts, ", ")
	}
	return value
}
