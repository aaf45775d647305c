package jiratest

import (
	"net/http"
	"testing"
	"time"
)

// dance runs the dance and returns the access-token response form values.
func (e *env) dance(t *testing.T) (token, sessionHandle string) {
	t.Helper()
	rt := e.requestToken(t, "oob")
	res := e.accessTokenCall(rt, e.approve(t, rt))
	if res.status != http.StatusOK {
		t.Fatalf("access-token: got %d %q; want 200", res.status, res.body)
	}
	f := res.form(t)
	return f.Get("oauth_token"), f.Get("oauth_session_handle")
}

func renewCall(e *env, token, handle string) call {
	return call{method: "POST", url: e.url("/plugins/servlet/oauth/access-token"),
		oauth: map[string]string{"oauth_token": token, "oauth_session_handle": handle}}
}

func TestRenewSwapsTheAccessToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	old, handle := e.dance(t)
	e.p.Advance(time.Hour)
	res := e.call(renewCall(e, old, handle))
	if res.status != http.StatusOK {
		t.Fatalf("renew: got %d %q; want 200", res.status, res.body)
	}
	f := res.form(t)
	renewed := f.Get("oauth_token")
	if renewed == "" || renewed == old || f.Get("oauth_token_secret") == "" {
		t.Fatalf("renew: got %q; want a new token and secret", res.body)
	}
	if got := f.Get("oauth_session_handle"); got != handle {
		t.Errorf("renew: session handle %q; want the same %q", got, handle)
	}
	if got, want := f.Get("oauth_authorization_expires_in"), "160830000"; got != want {
		t.Errorf("renew: oauth_authorization_expires_in %s; want %s (the session started an hour ago)", got, want)
	}
	if got, want := f.Get("oauth_expires_in"), "157680000"; got != want {
		t.Errorf("renew: oauth_expires_in %s; want %s (a fresh five years)", got, want)
	}

	myself := call{method: "GET", url: e.url("/rest/api/2/myself")}
	e.c.token = old
	wantProblem(t, e.call(myself), http.StatusUnauthorized, "token_rejected")
	e.c.token = renewed
	if res := e.call(myself); res.status != http.StatusOK {
		t.Errorf("myself with the renewed token: got %d %q; want 200", res.status, res.body)
	}
	// The old token cannot be renewed a second time.
	wantProblem(t, e.call(renewCall(e, old, handle)), http.StatusUnauthorized, "token_rejected")
}

func TestRenewRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(e *env, token, handle string) call
		status  int
		problem string
	}{
		{"wrong session handle", func(e *env, token, handle string) call {
			return renewCall(e, token, handle+"x")
		}, http.StatusBadRequest, "parameter_rejected"},
		{"unknown token", func(e *env, token, handle string) call {
			return renewCall(e, token+"x", handle)
		}, http.StatusUnauthorized, "token_rejected"},
		{"session ended", func(e *env, token, handle string) call {
			e.p.AgeTokens(160833600*time.Second + time.Second)
			return renewCall(e, token, handle)
		}, http.StatusUnauthorized, "permission_denied"},
		{"bad signature", func(e *env, token, handle string) call {
			c := renewCall(e, token, handle)
			c.oauth["oauth_signature"] = "AAAA"
			return c
		}, http.StatusUnauthorized, "signature_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, Options{})
			token, handle := e.dance(t)
			wantProblem(t, e.call(tt.prepare(e, token, handle)), tt.status, tt.problem)
		})
	}
}

func TestRESTNamesTheUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{User: "ci-bot"})
	e.login(t)
	myself := call{method: "GET", url: e.url("/rest/api/2/myself")}
	res := e.call(myself)
	if got := res.header.Get("X-AUSERNAME"); res.status != http.StatusOK || got != "ci-bot" {
		t.Errorf("signed myself: got %d, X-AUSERNAME %q; want 200, ci-bot", res.status, got)
	}

	e.p.StripAuthorization(true)
	res = e.call(myself)
	if got := res.header.Get("X-AUSERNAME"); res.status != http.StatusUnauthorized || got != "anonymous" {
		t.Errorf("stripped myself: got %d, X-AUSERNAME %q; want 401, anonymous", res.status, got)
	}
	if res.header.Get("WWW-Authenticate") != "" {
		t.Errorf("stripped myself: got WWW-Authenticate %q; an anonymous call has no oauth_problem", res.header.Get("WWW-Authenticate"))
	}
	res = e.call(call{method: "GET", url: e.url("/rest/api/2/serverInfo")})
	if got := res.header.Get("X-AUSERNAME"); res.status != http.StatusOK || got != "anonymous" {
		t.Errorf("stripped serverInfo: got %d, X-AUSERNAME %q; want 200, anonymous", res.status, got)
	}

	e.p.StripAuthorization(false)
	if res := e.call(myself); res.status != http.StatusOK {
		t.Errorf("myself after StripAuthorization(false): got %d; want 200", res.status)
	}
}

func TestCommentWithoutPermission(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.login(t)
	res := e.call(call{method: "POST", url: e.url("/rest/api/2/issue/OPS-1/comment"),
		ctype: "application/json", body: `{"body":"hello"}`})
	if res.status != http.StatusForbidden {
		t.Fatalf("comment on OPS-1: got %d %q; want 403", res.status, res.body)
	}
	if len(e.p.Comments("OPS-1")) != 0 {
		t.Error("a refused comment was stored")
	}
}
