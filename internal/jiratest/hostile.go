package jiratest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Escape sequences a hostile server (or anything between the client and
// Jira) puts in its answers, to check that a client shows none of them raw
// on a terminal. HostileText goes where any byte can: the status line and
// bodies (it clears the screen, sets the window title, turns text red and
// reverses it). HostileHeaderText goes into header values, where
// net/http's client refuses C0 controls but lets bytes 0x80-0xFF through:
// C1 controls (an 8-bit CSI, raw and UTF-8 encoded) and a bidi override.
const (
	HostileText       = "\x1b]0;hostile title\x07\x1b[2J\x1b[31mred\u009b7m\u202eesrever\r\b\x7f"
	HostileHeaderText = "\u009b2J\x9b31m\u202eesrever\u2066"
)

// Hostile makes every answer carry escape sequences wherever the HTTP
// message allows: in the status line's reason phrase, in an extra
// X-Hostile header and in X-AUSERNAME, appended to every string value of a
// JSON body (user fields, serverInfo, errorMessages), as an
// oauth_problem_advice and in the oauth_problem name of every OAuth
// refusal (header and body), in every string of an OAuth 2.0 error
// ({"error","error_description"}), and at the end of any other non-token
// body. Successful token answers (OAuth 1.0a and 2.0) and a new PAT's
// rawToken are left alone so that logins still work.
// Real Jira does not do this; a compromised one, or a proxy, can.
func (p *Provider) Hostile(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hostile = on
}

func (p *Provider) isHostile() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hostile
}

// serveHostile serves r as usual into an answerRecorder, then sends the answer
// with escape sequences added, written by hand on the hijacked connection
// (net/http writes only its own reason phrases).
func (p *Provider) serveHostile(w http.ResponseWriter, r *http.Request) {
	rec := &answerRecorder{header: http.Header{}}
	p.serve(rec, r)
	if rec.status == 0 {
		rec.WriteHeader(http.StatusOK)
	}
	body := hostileBody(rec.sent, rec.status, rec.body.Bytes())

	h := rec.sent.Clone()
	h.Del("Content-Length")
	h.Set("X-Hostile", HostileHeaderText)
	if u := h.Get("X-AUSERNAME"); u != "" && u != "anonymous" {
		h.Set("X-AUSERNAME", u+HostileHeaderText)
	}
	if auth := h.Values("WWW-Authenticate"); len(auth) > 0 {
		for i, v := range auth {
			auth[i] = hostileChallenge(v)
		}
	}

	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "jiratest: Hostile needs a hijackable connection (HTTP/1.1)", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %03d %s %s\r\n", rec.status, http.StatusText(rec.status), HostileText)
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range h[name] {
			fmt.Fprintf(buf, "%s: %s\r\n", name, strings.NewReplacer("\r", " ", "\n", " ").Replace(v))
		}
	}
	fmt.Fprintf(buf, "Content-Length: %d\r\nConnection: close\r\n\r\n", len(body))
	if r.Method != http.MethodHead {
		_, _ = buf.Write(body)
	}
	_ = buf.Flush()
}

// answerRecorder is the http.ResponseWriter serveHostile serves into: the
// status, the header as it was when the status was written, and the body,
// with Content-Type sniffed from the first write when the handler set
// none, as net/http's server does. (net/http/httptest's ResponseRecorder
// does the same, but linking that test package would put its initialiser
// into every jira-oauth process.)
type answerRecorder struct {
	header http.Header // what the handler writes to
	sent   http.Header // header at WriteHeader
	status int
	body   bytes.Buffer
}

func (r *answerRecorder) Header() http.Header { return r.header }

func (r *answerRecorder) WriteHeader(status int) {
	if r.status != 0 {
		return
	}
	r.status = status
	r.sent = r.header.Clone()
}

func (r *answerRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		if _, typed := r.header["Content-Type"]; !typed && r.header.Get("Transfer-Encoding") == "" {
			r.header.Set("Content-Type", http.DetectContentType(b))
		}
		r.WriteHeader(http.StatusOK)
	}
	return r.body.Write(b)
}

// hostileBody adds HostileText to a body: to every string of a JSON body,
// as oauth_problem_advice (and in oauth_problem) to a form with an
// oauth_problem, at the end of any other text but a token answer.
func hostileBody(h http.Header, status int, body []byte) []byte {
	mediaType, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	switch {
	case strings.HasSuffix(mediaType, "json"):
		var v any
		if json.Unmarshal(body, &v) != nil {
			break
		}
		m, isObject := v.(map[string]any)
		if _, ok := m["access_token"]; isObject && ok && status/100 == 2 {
			return body // an OAuth 2.0 token answer: the login goes on
		}
		rawPAT, hasPAT := m["rawToken"]
		v = hostileJSON(v)
		if isObject && hasPAT && status/100 == 2 {
			m["rawToken"] = rawPAT // a new PAT stays usable; its name and dates do not
		}
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		if enc.Encode(v) == nil {
			return out.Bytes()
		}
	case mediaType == "application/x-www-form-urlencoded" || mediaType == "text/plain":
		form, err := url.ParseQuery(string(body))
		if err == nil && form.Get("oauth_problem") != "" {
			form.Set("oauth_problem", form.Get("oauth_problem")+HostileText)
			form.Set("oauth_problem_advice", HostileText)
			return []byte(form.Encode())
		}
		if err == nil && form.Get("oauth_token") != "" && status/100 == 2 {
			return body // a token: the dance goes on
		}
	}
	return append(body, HostileText...)
}

// hostileJSON appends HostileText to every string in v (not to keys).
func hostileJSON(v any) any {
	switch v := v.(type) {
	case string:
		return v + HostileText
	case []any:
		for i := range v {
			v[i] = hostileJSON(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = hostileJSON(v[k])
		}
	}
	return v
}

// hostileChallenge adds HostileText, percent-encoded as OAuth parameters
// are, to the oauth_problem of a WWW-Authenticate challenge and as an
// oauth_problem_advice.
func hostileChallenge(v string) string {
	enc := percentEncode(HostileText)
	const key = `oauth_problem="`
	if i := strings.Index(v, key); i >= 0 {
		if j := strings.IndexByte(v[i+len(key):], '"'); j >= 0 {
			at := i + len(key) + j
			v = v[:at] + enc + v[at:]
		}
	}
	return v + `, oauth_problem_advice="` + enc + `"`
}
