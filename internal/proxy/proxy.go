package proxy

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// NewToken returns a random token for one run of the proxy: 32 bytes from
// crypto/rand, base64url without padding.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("proxy token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Handler forwards authorised requests to Target through Transport.
type Handler struct {
	// Target is jira_home: scheme, host and an optional context path,
	// without a trailing slash.
	Target *url.URL
	// Token is what callers must present.
	Token string
	// Transport signs and sends the forwarded requests (oauth.Transport).
	Transport http.RoundTripper
	// Timeout bounds each forwarded request, answer included; 0: none.
	Timeout time.Duration
	// Log receives one line per request: method, path, status, duration,
	// and why the request failed when Transport failed (a refresh of the
	// token, Jira unreachable). It never receives the token, a query
	// string or a header.
	Log func(line string)

	once sync.Once
	rp   *httputil.ReverseProxy
}

// Handler is an http.Handler.
var _ http.Handler = (*Handler)(nil)

// reverseProxy builds the ReverseProxy on first use.
func (h *Handler) reverseProxy() *httputil.ReverseProxy {
	h.once.Do(func() {
		h.rp = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(h.Target)
				pr.Out.Header.Del("Authorization")
				pr.Out.Header.Del("Proxy-Authorization")
			},
			Transport: h.Transport,
			// Flush as soon as Jira sends: answers stream through.
			FlushInterval: -1,
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				if rec, ok := w.(*statusWriter); ok {
					rec.err = err
				}
				status := http.StatusBadGateway
				if r.Context().Err() == context.DeadlineExceeded {
					status = http.StatusGatewayTimeout
				}
				var large requestTooLarge
				if errors.As(err, &large) && large.RequestTooLarge() {
					http.Error(w, "jira-oauth proxy: the request was not sent: "+oneLine(err.Error()), http.StatusRequestEntityTooLarge)
					return
				}
				var auth authorizationFailure
				if errors.As(err, &auth) && auth.AuthorizationFailed() {
					http.Error(w, "jira-oauth proxy: the request could not be authorised: "+oneLine(err.Error()), status)
					return
				}
				http.Error(w, "jira-oauth proxy: Jira did not answer: "+oneLine(err.Error()), status)
			},
		}
	})
	return h.rp
}

// ServeHTTP checks the caller and the target, then forwards the request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusWriter{ResponseWriter: w}
	defer func() {
		if h.Log != nil {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			line := fmt.Sprintf("%s %s %d %dms", printable(r.Method), printable(r.URL.Path), status, time.Since(start).Milliseconds())
			if rec.err != nil {
				line += ": " + oneLine(rec.err.Error())
			}
			h.Log(line)
		}
	}()
	if reason, status := h.refuse(r); reason != "" {
		if status == http.StatusUnauthorized {
			rec.Header().Set("WWW-Authenticate", `Bearer realm="jira-oauth proxy"`)
		}
		http.Error(rec, "jira-oauth proxy: "+reason, status)
		return
	}
	if h.Timeout > 0 {
		ctx, cancel := context.WithTimeout(r.Context(), h.Timeout)
		defer cancel()
		r = r.WithContext(ctx)
	}
	h.reverseProxy().ServeHTTP(rec, r)
}

// refuse says why r must not reach Jira, with the status to answer; ""
// when it may.
func (h *Handler) refuse(r *http.Request) (reason string, status int) {
	switch {
	case r.Method == http.MethodConnect:
		return "CONNECT is refused: this proxy forwards only to jira_home", http.StatusMethodNotAllowed
	case !strings.HasPrefix(r.RequestURI, "/") || r.URL.IsAbs() || r.URL.Host != "":
		return "only paths are forwarded (under jira_home), not absolute URLs: use the proxy's URL as the base URL, not as an HTTP proxy", http.StatusBadRequest
	case !h.authorised(r):
		return "missing or wrong token: send 'Authorization: Bearer TOKEN' (or Basic auth with the token as password)", http.StatusUnauthorized
	case escapes(r.URL):
		return "the path has '.' or '..' segments or backslashes, which could leave jira_home's context path: send the plain path", http.StatusBadRequest
	}
	return "", 0
}

// authorised reports whether r carries the token: "Bearer TOKEN", or
// Basic auth with TOKEN as the password (any user name).
func (h *Handler) authorised(r *http.Request) bool {
	if h.Token == "" {
		return false
	}
	got := ""
	if _, pass, ok := r.BasicAuth(); ok {
		got = pass
	} else if scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		got = strings.TrimSpace(value)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(h.Token)) == 1
}

// escapes reports a path that could resolve outside the folder it seems
// to be in: a "." or ".." segment (also percent-encoded: u.Path is
// decoded), or a backslash, which some servers read as a slash.
func escapes(u *url.URL) bool {
	for _, p := range []string{u.Path, u.RawPath} {
		if strings.Contains(p, `\`) || strings.Contains(strings.ToLower(p), "%5c") {
			return true
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == "." || seg == ".." {
				return true
			}
		}
	}
	// %2F in a segment decodes to "/" in u.Path; ".." around it is caught
	// above. A "%2e" that decodes to "." is in u.Path as ".".
	return false
}

// statusWriter remembers the status written, and passes Flush on so
// ReverseProxy can stream.
type statusWriter struct {
	http.ResponseWriter
	status int
	err    error // Transport's, for the log line
}

// authorizationFailure is an error of Transport's authoriser
// (oauth.AuthorizeError), not of Jira.
type authorizationFailure interface {
	AuthorizationFailed() bool
}

// requestTooLarge is an error of Transport's for a request it would not
// send for its size (oauth.FormTooLargeError): 413, not 502.
type requestTooLarge interface {
	RequestTooLarge() bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what is buffered to the client.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// printable replaces control characters, so a log line is one line and
// cannot drive the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

// oneLine folds s onto one printable line.
func oneLine(s string) string {
	return printable(strings.Join(strings.Fields(s), " "))
}
