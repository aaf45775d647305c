package oauth

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Transport is an http.RoundTripper that signs every request it sends with
// an access token, afresh for each attempt (new nonce and timestamp), and
// retries 429 and 503 answers as Client.Do does (Retry). Answers, Jira's
// OAuth refusals included, are returned unchanged with their body
// unread, so a reverse proxy can stream them.
//
// The request body is read once into memory (at most MaxResponseBody
// bytes), since signing a form and retrying both need it again.
type Transport struct {
	Signer      *Signer
	AccessToken string
	// Base sends the signed requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Retry, if set, retries 429 and 503 (see RetryPolicy); nil means one
	// attempt. The request's context bounds the attempts and waits.
	Retry *RetryPolicy
	// Auth, if set, authorises the requests instead of Signer and
	// AccessToken (an OAuth 2.0 or personal access token); a 401 that it
	// can cure (a refreshed token) is sent once more.
	Auth Authorizer
}

// RoundTrip signs req with the access token and sends it, retrying as
// Retry says. req itself is not modified.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(req.Body, MaxResponseBody+1))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: reading the request body: %w", OpRequest, err)
		}
		if len(b) > MaxResponseBody {
			return nil, fmt.Errorf("%s: the request body is larger than %s", OpRequest, formatBytes(MaxResponseBody))
		}
		body = b
	}
	ctx := req.Context()
	refreshed := false
	for retry := 0; ; retry++ {
		r := req.Clone(ctx)
		r.Body, r.GetBody, r.ContentLength = nil, nil, 0
		if body != nil {
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			r.Body, _ = r.GetBody()
			r.ContentLength = int64(len(body))
		}
		r.Header.Del("Authorization")
		auth := t.Auth
		if auth == nil {
			auth = &SignerAuth{Signer: t.Signer, AccessToken: t.AccessToken}
		}
		if _, err := auth.Authorize(ctx, r); err != nil {
			return nil, &AuthorizeError{Err: err}
		}
		resp, err := t.base().RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && !refreshed && t.Auth != nil {
			refreshed = true
			resp.Request = r
			again, err := t.Auth.Unauthorized(ctx, resp)
			if err != nil || again {
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
				resp.Body.Close()
			}
			if err != nil {
				// The refresh failed (the message may name a recovery
				// file): the caller must hear of it, not get Jira's 401.
				return nil, &AuthorizeError{Err: err}
			}
			if again {
				retry--
				continue
			}
		}
		deadline, _ := ctx.Deadline()
		wait, ok := t.Retry.next(req.Method, retry, &Response{StatusCode: resp.StatusCode, Status: resp.Status, Header: resp.Header}, time.Now(), deadline)
		if !ok {
			return resp, nil
		}
		// Drain a little so the connection can be reused, then wait.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if err := t.Retry.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: waiting to retry: %w", OpRequest, err)
		}
	}
}

// AuthorizeError is the Authorizer failing to authorise a request (a
// refresh of its token that failed): its message is the Authorizer's.
type AuthorizeError struct{ Err error }

func (e *AuthorizeError) Error() string { return e.Err.Error() }

// Unwrap returns the Authorizer's error.
func (e *AuthorizeError) Unwrap() error { return e.Err }

// AuthorizationFailed tells a caller that does not import this package
// (the proxy) that Jira was not what failed.
func (e *AuthorizeError) AuthorizationFailed() bool { return true }

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}
