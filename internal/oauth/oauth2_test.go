package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// RFC 7636 appendix B.
func TestPKCEChallengeKnownAnswer(t *testing.T) {
	t.Parallel()
	got := PKCEChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
	if want := "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; got != want {
		t.Errorf("PKCEChallenge = %q; want %q", got, want)
	}
	v, c, err := NewPKCE()
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 43 || PKCEChallenge(v) != c {
		t.Errorf("NewPKCE = %q, %q: want a 43-character verifier and its challenge", v, c)
	}
}

// tokenServer answers the token endpoint as Jira does and records the
// forms it got.
func tokenServer(t *testing.T, answer func(form url.Values) (int, string)) (*OAuth2, *[]url.Values) {
	t.Helper()
	var forms []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			http.Error(w, "JSON gets a 500 at Jira", http.StatusInternalServerError)
			return
		}
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		form.Set("_path", r.URL.Path)
		forms = append(forms, form)
		status, body := answer(form)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	home, _ := url.Parse(srv.URL + "/jira")
	return &OAuth2{JiraHome: home, ClientID: "cid", ClientSecret: "csecret", RedirectURI: "http://localhost:8765/cb", Scope: "WRITE"}, &forms
}

func TestOAuth2Requests(t *testing.T) {
	t.Parallel()
	c, forms := tokenServer(t, func(url.Values) (int, string) {
		return 200, `{"access_token":"at","refresh_token":"rt","token_type":"bearer","expires_in":3600}`
	})
	ctx := context.Background()
	tok, err := c.Exchange(ctx, "the-code", "the-verifier")
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at" || tok.RefreshToken != "rt" || tok.ExpiresIn != time.Hour {
		t.Errorf("Exchange = %+v", tok)
	}
	if _, err := c.Refresh(ctx, "rt"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ClientCredentials(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Revoke(ctx, "rt", "refresh_token"); err != nil {
		t.Fatal(err)
	}
	want := []map[string]string{
		{"_path": "/jira/rest/oauth2/latest/token", "grant_type": "authorization_code", "code": "the-code", "code_verifier": "the-verifier", "redirect_uri": c.RedirectURI},
		// Jira wants redirect_uri on refreshes too.
		{"_path": "/jira/rest/oauth2/latest/token", "grant_type": "refresh_token", "refresh_token": "rt", "redirect_uri": c.RedirectURI},
		{"_path": "/jira/rest/oauth2/latest/token", "grant_type": "client_credentials", "scope": "WRITE"},
		{"_path": "/jira/rest/oauth2/latest/revoke", "token": "rt", "token_type_hint": "refresh_token"},
	}
	if len(*forms) != len(want) {
		t.Fatalf("%d requests; want %d", len(*forms), len(want))
	}
	for i, w := range want {
		got := (*forms)[i]
		// The client secret goes with every request.
		w["client_id"], w["client_secret"] = "cid", "csecret"
		for k, v := range w {
			if got.Get(k) != v {
				t.Errorf("request %d: %s = %q; want %q", i, k, got.Get(k), v)
			}
		}
	}
}

func TestOAuth2Errors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status     int
		body, want string
	}{
		{400, `{"error":"invalid_grant","error_description":"used"}`, "oauth2 refresh: Jira refused with invalid_grant (used): the refresh token was used already (refresh tokens rotate"},
		{401, `{"error":"invalid_client"}`, "oauth2 refresh: Jira refused with invalid_client: check oauth2_client_id and oauth2_client_secret"},
		{400, `{"error":"invalid_scope","error_description":"x\u001b[2Jy"}`, "oauth2 refresh: Jira refused with invalid_scope (x [2Jy): oauth2_scope must be"},
		{404, `<html>`, "oauth2 refresh: Jira refused (HTTP 404): is jira_home right"},
		{200, `<html>`, "oauth2 refresh: Jira refused (HTTP 200) (the answer holds no access_token"},
	} {
		c, _ := tokenServer(t, func(url.Values) (int, string) { return tc.status, tc.body })
		_, err := c.Refresh(context.Background(), "rt")
		var oe *OAuth2Error
		if !errors.As(err, &oe) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%d %s: error %v; want *OAuth2Error starting %q", tc.status, tc.body, err, tc.want)
		}
	}
}

// countingSource hands out token N and refreshes to N+1, counting.
type countingSource struct {
	cur       atomic.Int64
	refreshes atomic.Int64
}

func (s *countingSource) Token(context.Context) (string, error) {
	return fmt.Sprint("t", s.cur.Load()), nil
}

func (s *countingSource) Refresh(_ context.Context, stale string) (string, error) {
	s.refreshes.Add(1)
	if stale == fmt.Sprint("t", s.cur.Load()) {
		s.cur.Add(1)
	}
	return fmt.Sprint("t", s.cur.Load()), nil
}

func TestBearerRefreshesOnceOn401(t *testing.T) {
	t.Parallel()
	var live atomic.Value
	live.Store("t1")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+live.Load().(string) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	home, _ := url.Parse(srv.URL)
	src := &countingSource{}
	c := &Client{JiraHome: home, Auth: &BearerAuth{Source: src, What: "the token"}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/x", nil)

	// t0 is stale, t1 live: one refresh, then success.
	resp, err := c.Do(context.Background(), req, "")
	if err != nil || resp.StatusCode != 200 || src.refreshes.Load() != 1 {
		t.Fatalf("Do = %v, %v after %d refreshes; want 200 after 1", resp, err, src.refreshes.Load())
	}
	// A token Jira refuses even when fresh: one refresh, then the error.
	live.Store("never")
	_, err = c.Do(context.Background(), req, "")
	var be *BearerRefusedError
	if !errors.As(err, &be) || src.refreshes.Load() != 2 {
		t.Errorf("Do = %v after %d refreshes; want *BearerRefusedError after 2", err, src.refreshes.Load())
	}
}
