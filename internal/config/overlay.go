package config

import (
	"fmt"
	"strings"
)

// EnvPrefix starts the name of the environment variable that gives a
// key's value: JIRA_OAUTH_ plus the key in upper case (EnvName).
const EnvPrefix = "JIRA_OAUTH_"

// AllKeys returns every key jira-oauth reads or writes, in the order a
// listing shows them. Each one can come from the environment (EnvName).
func AllKeys() []string {
	return []string{
		KeyJiraHome, KeyConsumerKey, KeyPrivateKey,
		KeyRequestToken, KeyRequestTokenSecret, KeyRequestTokenIssuedAt,
		KeyAccessToken, KeySecret, KeyAccessTokenIssuedAt, KeyAccessTokenExpiresAt, KeyAccessTokenJiraHome,
		KeySessionHandle, KeySessionExpiresAt, KeyCAFile,
		KeyAuthMethod, KeyOAuth2ClientID, KeyOAuth2ClientSecret, KeyOAuth2RedirectURI, KeyOAuth2Scope,
		KeyOAuth2AccessToken, KeyOAuth2RefreshToken, KeyOAuth2ExpiresAt,
		KeyPAT, KeyPATID, KeyPATExpiresAt,
	}
}

// EnvName returns the environment variable that overrides key:
// EnvName("jira_home") is "JIRA_OAUTH_JIRA_HOME".
func EnvName(key string) string { return EnvPrefix + strings.ToUpper(key) }

// overlaid is a value that came from somewhere other than the file.
type overlaid struct {
	value  string
	origin string // where it came from, as errors name it ("JIRA_OAUTH_SECRET")
}

// Overlay makes key read as value, in memory only: Get, Lookup and the
// typed getters return it instead of the file's value, and Bytes and Save
// never write it. Errors about the key name origin (the environment
// variable it came from) instead of the file. Commands that read the
// config therefore never need to know where a value came from.
func (f *File) Overlay(key, value, origin string) {
	if f.overlay == nil {
		f.overlay = map[string]overlaid{}
	}
	if _, ok := f.overlay[key]; !ok {
		f.overlaid = append(f.overlaid, key)
	}
	f.overlay[key] = overlaid{value: value, origin: origin}
}

// Overlaid returns the keys set by Overlay, in the order they were set,
// with the origin of each.
func (f *File) Overlaid() (keys, origins []string) {
	for _, k := range f.overlaid {
		keys = append(keys, k)
		origins = append(origins, f.overlay[k].origin)
	}
	return keys, origins
}

// lookupOverlay returns the overlaid value of key, if any.
func (f *File) lookupOverlay(key string) (string, bool) {
	o, ok := f.overlay[key]
	return o.value, ok
}

// where is what errors about key name: the file, or the origin of an
// overlaid value.
func (f *File) where(key string) string {
	if o, ok := f.overlay[key]; ok {
		return o.origin
	}
	return f.path
}

// NotSet returns the error for a required key without a value: the usual
// one (ErrNotSet, with the command that fills it in), or, when there is no
// config file and the other values come from the environment (a CI job),
// one that names the variable to set.
func (f *File) NotSet(key string) error {
	if !f.exists && len(f.entries) == 0 && len(f.overlay) > 0 {
		return &Error{Path: EnvName(key), Err: fmt.Errorf("is not set, and there is no config file %s: the other values come from the environment, so set %s there too", f.path, EnvName(key))}
	}
	return &Error{Path: f.path, Key: key, Err: ErrNotSet}
}
