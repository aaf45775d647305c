package config

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// JiraHome returns jira_home as an absolute http or https URL without user
// info, query or fragment, and without a trailing slash. A context path
// (https://host/jira) is kept.
func (f *File) JiraHome() (*url.URL, error) {
	s := strings.TrimSpace(f.Get(KeyJiraHome))
	if s == "" {
		return nil, f.err(KeyJiraHome, ErrNotSet)
	}
	const want = "want the base URL of Jira, like https://jira.example.com"
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, f.err(KeyJiraHome, errors.New("is not a valid URL: "+want))
	case u.User != nil:
		return nil, f.err(KeyJiraHome, errors.New("must not contain a user name or password (OAuth signs the requests instead): "+want))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, f.err(KeyJiraHome, fmt.Errorf("%q is not an http or https URL: %s", u.Redacted(), want))
	case u.Host == "" || u.Opaque != "" || u.Hostname() == "":
		return nil, f.err(KeyJiraHome, fmt.Errorf("%q has no host name: %s", u.Redacted(), want))
	case u.RawQuery != "" || u.ForceQuery || strings.Contains(s, "#"):
		return nil, f.err(KeyJiraHome, errors.New("must not contain a query (?...) or fragment (#...): "+want))
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// ConsumerKey returns consumer_key, without surrounding white space (which
// Java keeps, and which is never part of a consumer key).
func (f *File) ConsumerKey() (string, error) {
	s := strings.TrimSpace(f.Get(KeyConsumerKey))
	if s == "" {
		return "", f.err(KeyConsumerKey, ErrNotSet)
	}
	return s, nil
}

// PrivateKey parses private_key with keys.Parse. Its errors wrap the keys
// sentinels (errors.Is(err, keys.ErrEncrypted)) and never include the key.
func (f *File) PrivateKey() (*rsa.PrivateKey, error) {
	s := f.Get(KeyPrivateKey)
	if strings.TrimSpace(s) == "" {
		return nil, f.err(KeyPrivateKey, ErrNotSet)
	}
	k, err := keys.Parse(s)
	if err != nil {
		return nil, f.err(KeyPrivateKey, err)
	}
	return k, nil
}

func (f *File) err(key string, err error) error {
	if err == ErrNotSet {
		return f.NotSet(key)
	}
	return &Error{Path: f.where(key), Key: key, Err: err}
}
