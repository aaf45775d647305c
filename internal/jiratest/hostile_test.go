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
