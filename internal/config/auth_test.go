package config

import (
	"strings"
	"testing"
)

func TestAuthMethod(t *testing.T) {
	t.Parallel()
	for value, want := range map[string]string{"": AuthOAuth1, "oauth1": AuthOAuth1, " OAuth2 ": AuthOAuth2, "pat": AuthPAT, "basic": ""} {
		f := New("c.properties")
		if value != "" {
			f.Set(KeyAuthMethod, value)
		}
		got, err := f.AuthMethod()
		if got != want || (want == "") != (err != nil) {
			t.Errorf("auth_method=%q: %q, %v; want %q", value, got, err, want)
		}
	}
}

func TestCheckRedirectURI(t *testing.T) {
	t.Parallel()
	for uri, want := range map[string]string{
		"http://localhost:8765/callback":  "",
		"https://ci.example.com/o2/cb":    "",
		"https://ci.example.com:8443/":    "",
		"http://127.0.0.1:8765/callback":  "plain http only for the host localhost (not 127.0.0.1)",
		"http://[::1]:8765/callback":      "plain http only for the host localhost",
		"http://localhost/callback":       "has no port",
		"ftp://localhost:1/x":             "neither https nor http://localhost",
		"localhost:8765/callback":         "is not an absolute URL",
		"/callback":                       "is not an absolute URL",
		"http://u:p@localhost:1/cb":       "must not hold a user name",
		"http://localhost:1/cb#frag":      "must not hold a user name or a fragment",
		"http://jira.example.com:8080/cb": "plain http only for the host localhost",
	} {
		err := CheckRedirectURI(uri)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckRedirectURI(%q) = %v; want %q", uri, err, want)
		}
	}
}

func TestOAuth2Scope(t *testing.T) {
	t.Parallel()
	f := New("c.properties")
	if s, err := f.OAuth2Scope(); s != DefaultOAuth2Scope || err != nil {
		t.Errorf("no oauth2_scope: %q, %v; want WRITE", s, err)
	}
	for _, s := range OAuth2Scopes() {
		if err := CheckOAuth2Scope(s); err != nil {
			t.Errorf("CheckOAuth2Scope(%q) = %v", s, err)
		}
	}
	for scope, want := range map[string]string{"write": "is not a Jira Data Center scope", "read:jira-work": "Jira Cloud scope", "": "is not"} {
		if err := CheckOAuth2Scope(scope); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckOAuth2Scope(%q) = %v; want %q", scope, err, want)
		}
	}
}
