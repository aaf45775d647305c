package oauth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRenew(t *testing.T) {
	t.Parallel()
	calls := 0
	c, trace := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		calls++
		if r.Method != http.MethodPost || r.URL.Path != "/jira/plugins/servlet/oauth/access-token" || !in.sigOK ||
			in.oauth.Get("oauth_token") != "at1" || in.oauth.Get("oauth_session_handle") != "sh1" || in.oauth.Has("oauth_verifier") {
			w.WriteHeader(400)
			return
		}
		w.Write([]byte("oauth_token=at2&oauth_token_secret=ats2&oauth_expires_in=157680000&oauth_session_handle=sh1&oauth_authorization_expires_in=100"))
	})
	got, err := c.Renew(context.Background(), "at1", "ats1-secret", "sh1")
	if err != nil {
		t.Fatal(err)
	}
	want := Credentials{Token: "at2", Secret: "ats2", SessionHandle: "sh1", ExpiresIn: 157680000 * time.Second, AuthorizationExpiresIn: 100 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if calls != 1 {
		t.Errorf("Jira got %d calls; want 1", calls)
	}
	if strings.Contains(trace.String(), "ats1-secret") {
		t.Errorf("trace holds the access token secret:\n%s", trace)
	}
}

func TestRenewProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body       string
		wantAdvice string
	}{
		{"oauth_problem=permission_denied", "the session has ended"},
		{"oauth_problem=token_rejected", "already renewed"},
		{"oauth_problem=parameter_rejected&oauth_parameters_rejected=oauth_session_handle", "rejected the session handle"},
	}
	for _, tt := range tests {
		c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
			w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
			w.WriteHeader(401)
			w.Write([]byte(tt.body))
		})
		_, err := c.Renew(context.Background(), "at1", "ats1", "sh1")
		var perr *ProblemError
		if !errors.As(err, &perr) || perr.Op != OpRenew {
			t.Fatalf("%s: got %v; want a renew ProblemError", tt.body, err)
		}
		if !strings.Contains(perr.Advice(), tt.wantAdvice) {
			t.Errorf("%s: advice %q; want it to contain %q", tt.body, perr.Advice(), tt.wantAdvice)
		}
	}
}

func TestRenewNeedsTokenAndHandle(t *testing.T) {
	t.Parallel()
	calls := 0
	c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) { calls++ })
	if _, err := c.Renew(context.Background(), "", "s", "sh"); err == nil || !strings.Contains(err.Error(), "no access token") {
		t.Errorf("no access token: got %v", err)
	}
	if _, err := c.Renew(context.Background(), "at", "s", ""); err == nil || !strings.Contains(err.Error(), "no session handle") {
		t.Errorf("no session handle: got %v", err)
	}
	if calls != 0 {
		t.Errorf("Jira got %d calls; want 0", calls)
	}
}
