package jiratest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestHostile: with Hostile on, escapes reach every part of an answer a
// client could show, and the dance itself still works.
func TestHostile(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.p.Hostile(true)

	// The dance works: token answers are left alone.
	e.login(t)

	// A REST answer: status line, headers, every JSON string.
	r, _ := e.c.request(call{method: "GET", url: e.url("/rest/api/2/myself")})
	resp, err := noRedirect.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Status, HostileText) {
		t.Errorf("status %q; want 200 ending in HostileText", resp.Status)
	}
	if resp.Header.Get("X-Hostile") != HostileHeaderText || !strings.HasSuffix(resp.Header.Get("X-AUSERNAME"), HostileHeaderText) {
		t.Errorf("headers %q; want X-Hostile and X-AUSERNAME with HostileHeaderText", resp.Header)
	}
	var user map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&user); err != nil {
		t.Fatal(err)
	}
	if user["displayName"] != "admin"+HostileText || user["name"] != "admin"+HostileText {
		t.Errorf("user %q; want every string ending in HostileText", user)
	}
	if user["active"] != true {
		t.Errorf("active %v; want true (only strings change)", user["active"])
	}

	// An OAuth refusal: in the header and the body, with advice.
	res := e.call(call{method: "POST", url: e.url("/plugins/servlet/oauth/access-token"),
		oauth: map[string]string{"oauth_token": "unknown", "oauth_verifier": "x"}})
	if res.status != http.StatusUnauthorized {
		t.Errorf("status %d; want 401", res.status)
	}
	f := res.form(t)
	if f.Get("oauth_problem") != "token_rejected"+HostileText || f.Get("oauth_problem_advice") != HostileText {
		t.Errorf("body %q; want oauth_problem and oauth_problem_advice with HostileText", res.body)
	}
	if h := res.header.Get("WWW-Authenticate"); !strings.Contains(h, `oauth_problem="token_rejected`+percentEncode(HostileText)+`"`) ||
		!strings.Contains(h, `oauth_problem_advice="`+percentEncode(HostileText)+`"`) {
		t.Errorf("WWW-Authenticate %q; want the escapes percent-encoded in oauth_problem and oauth_problem_advice", h)
	}

	// Off again: answers are Jira's own.
	e.p.Hostile(false)
	res = e.call(call{method: "GET", url: e.url("/rest/api/2/serverInfo")})
	if strings.Contains(res.body, "\x1b") || res.header.Get("X-Hostile") != "" {
		t.Errorf("after Hostile(false): %q %q", res.header, res.body)
	}
}

// TestHostileOAuth2: OAuth 2.0 token answers and a new PAT's raw token stay
// usable; OAuth 2.0 errors and everything else carry the escapes.
func TestHostileOAuth2(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	e.p.Hostile(true)
	a := e.login2(t)
	if strings.Contains(a.AccessToken+a.RefreshToken+a.Scope, "\x1b") {
		t.Fatalf("token answer %+v carries escapes", a)
	}
	res := e.token(t, refreshForm("unknown"))
	var oe map[string]string
	if err := json.Unmarshal([]byte(res.body), &oe); err != nil {
		t.Fatal(err)
	}
	if oe["error"] != "invalid_grant"+HostileText || oe["error_description"] == "" || !strings.HasSuffix(oe["error_description"], HostileText) {
		t.Errorf("OAuth 2.0 error %q; want both strings ending in HostileText", oe)
	}
	pat := wantPAT(t, e.bearer(t, http.MethodPost, "/rest/pat/latest/tokens", a.AccessToken, `{"name":"n"}`))
	if pat.Name != "n"+HostileText || strings.Contains(pat.RawToken, "\x1b") {
		t.Errorf("PAT answer %+v; want the name hostile, the raw token clean", pat)
	}
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", pat.RawToken, ""); res.status != http.StatusOK {
		t.Errorf("myself with the PAT: %d", res.status)
	}
}
