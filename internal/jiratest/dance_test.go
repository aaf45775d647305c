package jiratest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestDanceWithApprove(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	rt := e.requestToken(t, "oob")
	v := e.approve(t, rt)
	res := e.accessTokenCall(rt, v)
	if res.status != http.StatusOK {
		t.Fatalf("access-token: got %d %q; want 200", res.status, res.body)
	}
	f := res.form(t)
	for k, want := range map[string]string{"oauth_expires_in": "157680000", "oauth_authorization_expires_in": "160833600"} {
		if got := f.Get(k); got != want {
			t.Errorf("got %s=%q; want %q", k, got, want)
		}
	}
	for _, k := range []string{"oauth_token", "oauth_token_secret", "oauth_session_handle"} {
		if f.Get(k) == "" {
			t.Errorf("got no %s in %q", k, res.body)
		}
	}
	me := e.call(call{method: "GET", url: e.url("/rest/api/2/myself"), oauth: map[string]string{"oauth_token": f.Get("oauth_token")}})
	if me.status != http.StatusOK {
		t.Fatalf("myself: got %d %q; want 200", me.status, me.body)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(me.body), &got); err != nil {
		t.Fatal(err)
	}
	if got["name"] != "admin" || got["active"] != true || got["self"] != e.srv.URL+"/rest/api/2/user?username=admin" {
		t.Errorf("got myself %v; want name admin, active, self under %s", got, e.srv.URL)
	}
}

var verifierRE = regexp.MustCompile(`Your verification code is '<span id="oauth-verifier">([A-Za-z0-9]+)</span>'`)

func TestDanceThroughAuthorizePage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{User: "alice"})
	rt := e.requestToken(t, "oob")

	page := do(t, nil, mustRequest(t, "GET", e.url("/plugins/servlet/oauth/authorize?oauth_token="+url.QueryEscape(rt)), ""))
	if page.status != http.StatusOK || !strings.Contains(page.body, "Welcome to JIRA") ||
		!strings.Contains(page.body, "Test App</strong> would like to access your account") ||
		!strings.Contains(page.body, `name="approve" value="Allow"`) {
		t.Fatalf("authorize page: got %d %q; want 200 with Allow/Deny form", page.status, page.body)
	}
	form := url.Values{"oauth_token": {rt}, "approve": {"Allow"}}.Encode()
	r := mustRequest(t, "POST", e.url("/plugins/servlet/oauth/authorize"), form)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	done := do(t, nil, r)
	m := verifierRE.FindStringSubmatch(done.body)
	if done.status != http.StatusOK || m == nil {
		t.Fatalf("after Allow: got %d %q; want the verification code page", done.status, done.body)
	}
	at := e.accessTokenCall(rt, m[1])
	if at.status != http.StatusOK {
		t.Fatalf("access-token: got %d %q; want 200", at.status, at.body)
	}
	me := e.call(call{method: "GET", url: e.url("/rest/api/2/myself"), oauth: map[string]string{"oauth_token": at.form(t).Get("oauth_token")}})
	if !strings.Contains(me.body, `"name":"alice"`) {
		t.Errorf("myself: got %q; want user alice", me.body)
	}
}

func mustRequest(t testing.TB, method, u, body string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return r
}
