// Package loopback receives the OAuth 1.0a callback in the user's browser
// on a local port, so that login needs no copy-and-paste of a verifier.
//
// A Receiver listens on 127.0.0.1 only (never on other interfaces) on a
// free port. Its callback URL carries a random state value; Jira appends
// oauth_token and oauth_verifier when it redirects the browser there. A
// callback whose state or token does not match is answered with an error
// page and otherwise ignored, so a stray or forged request cannot end the
// login or inject a verifier.
package loopback

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// CallbackPath is the path of the callback URL.
const CallbackPath = "/callback"

// ErrDenied is returned by Wait when the user pressed Deny in Jira
// (Jira redirects with oauth_verifier=denied).
var ErrDenied = errors.New("access was denied on Jira's authorize page")

// Receiver is a one-shot HTTP server for the OAuth callback.
type Receiver struct {
	// Ignored, if set, is told about each callback that was refused
	// (wrong state or token, no verifier); Wait goes on waiting.
	Ignored func(reason string)

	listener net.Listener
	server   *http.Server
	state    string

	mu     sync.Mutex
	token  string // the request token the callback must carry
	done   bool   // a result was sent: later callbacks are refused
	result chan result
}

type result struct {
	verifier string
	err      error
}

// Listen starts a Receiver on 127.0.0.1 on a free port.
func Listen() (*Receiver, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot listen on 127.0.0.1 for Jira's callback (%v): use --oob to copy the code by hand", err)
	}
	state := make([]byte, 16)
	if _, err := rand.Read(state); err != nil {
		l.Close()
		return nil, err
	}
	r := &Receiver{listener: l, state: hex.EncodeToString(state), result: make(chan result, 1)}
	r.server = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go r.server.Serve(l) //nolint:errcheck // Serve returns ErrServerClosed on Close.
	return r, nil
}

// CallbackURL is the oauth_callback to send with the request token.
func (r *Receiver) CallbackURL() string {
	return "http://" + r.listener.Addr().String() + CallbackPath + "?state=" + r.state
}

// Expect sets the request token the callback must carry. Call it before
// the user can reach Jira's authorize page.
func (r *Receiver) Expect(requestToken string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.token = requestToken
}

// Wait blocks until a matching callback arrives and returns its verifier,
// or ErrDenied, or ctx's error.
func (r *Receiver) Wait(ctx context.Context) (verifier string, err error) {
	return waitResult(ctx, r.result)
}

// Close stops the server. It waits briefly for the final page to reach
// the browser.
func (r *Receiver) Close() error { return shutdown(r.server) }

// redirectRequest sets the headers of every answer (nothing cached, no
// Referer to other sites) and refuses what is not a GET of path; it
// reports whether req is the redirect to handle.
func redirectRequest(w http.ResponseWriter, req *http.Request, path string) bool {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if req.URL.Path != path {
		http.NotFound(w, req)
		return false
	}
	if req.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return false
	}
	return true
}

// waitResult is a receiver's Wait: its one result, or ctx's error.
func waitResult(ctx context.Context, results <-chan result) (string, error) {
	select {
	case res := <-results:
		return res.verifier, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// shutdown is a receiver's Close: it stops server, waiting briefly for
// the final page to reach the browser.
func shutdown(server *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return server.Shutdown(ctx)
}

// ServeHTTP answers the callback.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if !redirectRequest(w, req, CallbackPath) {
		return
	}
	q := req.URL.Query()
	r.mu.Lock()
	token := r.token
	r.mu.Unlock()
	switch {
	case !equal(q.Get("state"), r.state):
		r.refuse(w, "a callback with a wrong state parameter (not from this login)")
		return
	case token == "" || !equal(q.Get("oauth_token"), token):
		r.refuse(w, "a callback for another request token (not from this login)")
		return
	case q.Get("oauth_verifier") == "":
		r.refuse(w, "a callback without oauth_verifier")
		return
	}
	verifier := q.Get("oauth_verifier")
	res := result{verifier: verifier}
	pg := page{Title: "jira-oauth is approved", Message: "You can close this tab and return to the terminal."}
	if verifier == "denied" {
		res = result{err: ErrDenied}
		pg = page{Title: "Access denied", Message: "jira-oauth got no access. You can close this tab."}
	}
	r.mu.Lock()
	first := !r.done
	r.done = true
	r.mu.Unlock()
	if !first {
		writePage(w, http.StatusConflict, page{Title: "Already done", Message: "This login has already finished. You can close this tab."})
		return
	}
	r.result <- res // buffered for the one result
	writePage(w, http.StatusOK, pg)
}

func (r *Receiver) refuse(w http.ResponseWriter, reason string) {
	if r.Ignored != nil {
		r.Ignored(reason)
	}
	writePage(w, http.StatusBadRequest, page{Title: "Not this login",
		Message: "jira-oauth ignored this request: " + reason + ". Finish the login you started in the terminal."})
}

func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// page is what the browser shows: Title and Message are text, escaped
// when the page is written.
type page struct{ Title, Message string }

// html returns the page: each field escaped by escapeHTML, so no value can
// become markup. The bytes are those html/template wrote for the same
// page (a test compares them), without linking html/template into every
// jira-oauth process.
func (pg page) html() string {
	title, msg := escapeHTML(pg.Title), escapeHTML(pg.Message)
	return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>` + title + `</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>` + title + `</h1>
<p>` + msg + `</p>
</body></html>
`
}

// escapeHTML escapes s for HTML text and quoted attribute values exactly
// as html/template does: &, <, >, both quotes and + become entities, NUL
// becomes U+FFFD. Every other byte (UTF-8 included) is kept.
func escapeHTML(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case 0:
			esc = "\uFFFD"
		case '"':
			esc = "&#34;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '+':
			esc = "&#43;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		if last == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func writePage(w http.ResponseWriter, status int, pg page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, pg.html())
}
