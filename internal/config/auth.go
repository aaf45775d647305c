package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// AuthMethod returns auth_method: AuthOAuth1 when it is absent (every
// config written before OAuth 2.0 and PATs), else AuthOAuth2 or AuthPAT.
func (f *File) AuthMethod() (string, error) {
	switch s := strings.ToLower(strings.TrimSpace(f.Get(KeyAuthMethod))); s {
	case "", AuthOAuth1:
		return AuthOAuth1, nil
	case AuthOAuth2, AuthPAT:
		return s, nil
	}
	return "", f.err(KeyAuthMethod, fmt.Errorf("%q is not a method: want %s (the default), %s or %s",
		f.Get(KeyAuthMethod), AuthOAuth1, AuthOAuth2, AuthPAT))
}

// OAuth2Scopes are the scopes Jira Data Center's OAuth 2.0 provider knows.
func OAuth2Scopes() []string { return []string{"READ", "WRITE", "ADMIN", "SYSTEM_ADMIN"} }

// CheckOAuth2Scope reports whether scope is one Jira Data Center grants.
// Cloud scopes such as read:jira-work are refused with a hint.
func CheckOAuth2Scope(scope string) error {
	for _, s := range OAuth2Scopes() {
		if scope == s {
			return nil
		}
	}
	hint := ""
	if strings.Contains(scope, ":") {
		hint = " (that is a Jira Cloud scope; Jira Data Center has one scope per link)"
	}
	return fmt.Errorf("%q is not a Jira Data Center scope%s: want READ, WRITE, ADMIN or SYSTEM_ADMIN", scope, hint)
}

// OAuth2Scope returns oauth2_scope, DefaultOAuth2Scope when it is absent.
func (f *File) OAuth2Scope() (string, error) {
	s := strings.TrimSpace(f.Get(KeyOAuth2Scope))
	if s == "" {
		return DefaultOAuth2Scope, nil
	}
	if err := CheckOAuth2Scope(s); err != nil {
		return "", f.err(KeyOAuth2Scope, err)
	}
	return s, nil
}

// CheckRedirectURI reports whether uri is one Jira accepts for an
// incoming link: https, or http on the host localhost with a port (Jira
// compares redirect URIs exactly, port included, and allows plain http
// only for localhost, not 127.0.0.1).
func CheckRedirectURI(uri string) error {
	const want = "want the URI registered in Jira's incoming link, like http://localhost:8765/callback"
	u, err := url.Parse(uri)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return errors.New("is not an absolute URL: " + want)
	case u.User != nil || u.Fragment != "" || strings.Contains(uri, "#"):
		return errors.New("must not hold a user name or a fragment: " + want)
	case u.Scheme == "https":
		return nil
	case u.Scheme != "http":
		return fmt.Errorf("%q is neither https nor http://localhost: %s", u.Redacted(), want)
	case u.Hostname() != "localhost":
		return fmt.Errorf("%q: Jira allows plain http only for the host localhost (not %s): %s", u.Redacted(), u.Hostname(), want)
	case u.Port() == "":
		return fmt.Errorf("%q has no port: login listens on exactly the registered port: %s", u.Redacted(), want)
	}
	return nil
}

// OAuth2RedirectURI returns oauth2_redirect_uri, checked by
// CheckRedirectURI.
func (f *File) OAuth2RedirectURI() (string, error) {
	s := strings.TrimSpace(f.Get(KeyOAuth2RedirectURI))
	if s == "" {
		return "", f.err(KeyOAuth2RedirectURI, ErrNotSet)
	}
	if err := CheckRedirectURI(s); err != nil {
		return "", f.err(KeyOAuth2RedirectURI, err)
	}
	return s, nil
}
