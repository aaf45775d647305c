package oauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTransportRetries: 429 is retried for any method, 503 only for
// idempotent ones; each attempt carries the whole body and a fresh
// signature; the caller's Authorization never goes out.
func TestTransportRetries(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		method    string
		first     int
		wantCalls int
		wantCode  int
	}{
		{http.MethodGet, 503, 2, 200},
		{http.MethodPost, 429, 2, 200},
		{http.MethodPost, 503, 1, 503},
		{http.MethodGet, 404, 1, 404},
	} {
		var bodies, nonces []string
		base := transportFunc(func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			auth := r.Header.Get("Authorization")
			if !strings.HasPrefix(auth, "OAuth ") || !strings.Contains(auth, `oauth_token="tok"`) {
				t.Errorf("%s: Authorization %q; want our signature with the access token", tt.method, auth)
			}
			_, after, _ := strings.Cut(auth, `oauth_nonce="`)
			nonce, _, _ := strings.Cut(after, `"`)
			nonces = append(nonces, nonce)
			code := 200
			if len(bodies) == 1 {
				code = tt.first
			}
			return &http.Response{StatusCode: code, Status: http.StatusText(code), Header: http.Header{}, Body: io.NopCloser(strings.NewReader("x")), Request: r}, nil
		})
		tr := &Transport{Signer: &Signer{ConsumerKey: "ck", Key: testKey()}, AccessToken: "tok", Base: base,
			Retry: &RetryPolicy{Max: 3, Backoff: time.Millisecond, Sleep: func(context.Context, time.Duration) error { return nil }}}
		req, _ := http.NewRequest(tt.method, "https://jira.example.com/rest/api/2/issue/DEMO-1/comment", strings.NewReader(`{"body":"hi"}`))
		req.Header.Set("Authorization", "Bearer caller-token")
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.wantCode || len(bodies) != tt.wantCalls {
			t.Errorf("%s after %d: %d in %d calls; want %d in %d", tt.method, tt.first, resp.StatusCode, len(bodies), tt.wantCode, tt.wantCalls)
		}
		for i, b := range bodies {
			if b != `{"body":"hi"}` {
				t.Errorf("%s: attempt %d sent body %q", tt.method, i+1, b)
			}
		}
		if len(nonces) == 2 && nonces[0] == nonces[1] {
			t.Errorf("%s: the retry reused nonce %q", tt.method, nonces[0])
		}
		if req.Header.Get("Authorization") != "Bearer caller-token" {
			t.Errorf("RoundTrip changed the caller's request")
		}
	}
}

// failingSource hands out one token and fails to refresh it.
type failingSource struct{ err error }

func (s failingSource) Token(context.Context) (string, error)           { return "stale", nil }
func (s failingSource) Refresh(context.Context, string) (string, error) { return "", s.err }

// TestTransportRefreshError: a refresh that fails after Jira's 401 is
// returned (an *AuthorizeError wrapping the refresh's error), not
// swallowed for the 401.
func TestTransportRefreshError(t *testing.T) {
	t.Parallel()
	refreshErr := errors.New("refresh: Jira issued a new token, but saving it failed")
	calls := 0
	base := transportFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		return &http.Response{StatusCode: 401, Status: "401 Unauthorized", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("x")), Request: r}, nil
	})
	tr := &Transport{Auth: &BearerAuth{Source: failingSource{refreshErr}}, Base: base}
	req, _ := http.NewRequest(http.MethodGet, "https://jira.example.com/rest/api/2/myself", nil)
	resp, err := tr.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("RoundTrip answered %d; want the refresh's error", resp.StatusCode)
	}
	var ae *AuthorizeError
	if !errors.As(err, &ae) || !errors.Is(err, refreshErr) || err.Error() != refreshErr.Error() {
		t.Errorf("RoundTrip: %v (%T); want an *AuthorizeError wrapping %q", err, err, refreshErr)
	}
	if calls != 1 {
		t.Errorf("%d calls to Jira; want 1", calls)
	}
}
