package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"time"
)

// ErrPortInUse is returned by ListenRedirect when another program holds
// the redirect URI's port.
var ErrPortInUse = errors.New("the port is in use by another program")

// CodeReceiver receives an OAuth 2.0 authorization code on the exact
// redirect URI registered in Jira (http://localhost:PORT/PATH): Jira
// compares redirect URIs exactly, port included, so the port cannot be
// chosen freely as for OAuth 1.0a. It listens on 127.0.0.1 and, where
// the host has it, ::1, since localhost may resolve to either.
type CodeReceiver struct {
	// Ignored, if set, is told about each request that was refused.
	Ignored func(reason string)

	path      string
	state     string
	listeners []net.Listener
	server    *http.Server

	mu     sync.Mutex
	done   bool
	result chan result
}

// ListenRedirect listens on the port of redirectURI (an http://localhost
// URL) for the redirect that carries state and the code.
func ListenRedirect(redirectURI, state string) (*CodeReceiver, error) {
	u, err := url.Parse(redirectURI)
	if err != nil || u.Scheme != "http" || u.Hostname() != "localhost" || u.Port() == "" {
		return nil, fmt.Errorf("cannot listen for %q: only an http://localhost:PORT/... redirect URI can reach this machine", redirectURI)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	r := &CodeReceiver{path: path, state: state, result: make(chan result, 1)}
	l4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", u.Port()))
	if err != nil {
		return nil, listenErr(u.Port(), err)
	}
	r.listeners = append(r.listeners, l4)
	if l6, err := net.Listen("tcp6", net.JoinHostPort("::1", u.Port())); err == nil {
		r.listeners = append(r.listeners, l6)
	} else if errors.Is(err, syscall.EADDRINUSE) {
		l4.Close()
		return nil, listenErr(u.Port(), err)
	} // else: no IPv6 loopback here; 127.0.0.1 alone is fine
	r.server = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	for _, l := range r.listeners {
		go r.server.Serve(l) //nolint:errcheck // Serve returns ErrServerClosed on Close.
	}
	return r, nil
}

// listenErr explains a failed listen on port.
func listenErr(port string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot listen on localhost:%s, the port of the redirect URI: %w", port, ErrPortInUse)
	}
	return fmt.Errorf("cannot listen on localhost:%s, the port of the redirect URI: %v", port, err)
}

// Wait blocks until the redirect arrives and returns its code, or an
// error for Jira's error parameter (ErrDenied for access_denied), or
// ctx's error.
func (r *CodeReceiver) Wait(ctx context.Context) (code string, err error) {
	return waitResult(ctx, r.result)
}

// Close stops the server, waiting briefly for the last page to go out.
func (r *CodeReceiver) Close() error { return shutdown(r.server) }

// ServeHTTP answers the redirect.
func (r *CodeReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if !redirectRequest(w, req, r.path) {
		return
	}
	code, problem, err := CodeFromQuery(req.URL.Query(), r.state)
	if problem != "" {
		if r.Ignored != nil {
			r.Ignored(problem)
		}
		writePage(w, http.StatusBadRequest, page{Title: "Not this login",
			Message: "jira-oauth ignored this request: " + problem + ". Finish the login you started in the terminal."})
		return
	}
	r.mu.Lock()
	first := !r.done
	r.done = true
	r.mu.Unlock()
	if !first {
		writePage(w, http.StatusConflict, page{Title: "Already done", Message: "This login has already finished. You can close this tab."})
		return
	}
	r.result <- result{verifier: code, err: err}
	if err != nil {
		writePage(w, http.StatusOK, page{Title: "Access denied", Message: "jira-oauth got no access. You can close this tab."})
		return
	}
	writePage(w, http.StatusOK, page{Title: "jira-oauth is approved", Message: "You can close this tab and return to the terminal."})
}

// CodeFromQuery reads the query of an OAuth 2.0 redirect: the code, or
// Jira's error (ErrDenied for access_denied), or a problem that makes it
// no redirect of this login (state is not want, or there is no code).
func CodeFromQuery(q url.Values, want string) (code, problem string, err error) {
	switch {
	case !equal(q.Get("state"), want):
		return "", "a redirect with a wrong state parameter (not from this login)", nil
	case q.Get("error") == "access_denied":
		return "", "", ErrDenied
	case q.Get("error") != "":
		return "", "", fmt.Errorf("the redirect carries Jira's error %q", q.Get("error"))
	case q.Get("code") == "":
		return "", "a redirect without a code", nil
	}
	return q.Get("code"), "", nil
}
