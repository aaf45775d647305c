package config

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrNotSet is wrapped by an *Error when a required key is missing or empty.
var ErrNotSet = errors.New("is not set")

// Error is a problem with the config file or one of its values. Its message
// is one line naming the file (and the key) and saying what to do; the CLI
// maps it to exit code 3 with errors.As. It never contains a secret value.
type Error struct {
	Path string // the config file, as given to Load, Parse or New
	Key  string // the key concerned; "" for the file as a whole
	Err  error
}

func (e *Error) Error() string {
	switch {
	case e.Key == "" && errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("config file %s not found: run 'jira-oauth keygen' to create it", e.Path)
	case errors.Is(e.Err, ErrNotSet):
		return fmt.Sprintf("%s is not set in %s: %s", e.Key, e.Path, notSetHint(e.Key))
	case e.Key != "":
		return fmt.Sprintf("%s: %s: %v", e.Path, e.Key, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.Path, e.Err)
	}
}

// Unwrap returns the underlying error, so errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, keys.ErrEncrypted) work.
func (e *Error) Unwrap() error { return e.Err }

// notSetHint says how to fill in key.
func notSetHint(key string) string {
	switch key {
	case KeyJiraHome:
		return "run 'jira-oauth config set jira_home https://jira.example.com'"
	case KeyConsumerKey:
		return "run 'jira-oauth config set consumer_key KEY' with the consumer key of Jira's Application Link"
	case KeyPrivateKey:
		return "run 'jira-oauth keygen' to create a key pair"
	case KeyRequestToken, KeyRequestTokenSecret:
		return "run 'jira-oauth requestToken' first"
	case KeyAccessToken, KeySecret:
		return "run 'jira-oauth requestToken' and 'jira-oauth accessToken' first"
	default:
		return fmt.Sprintf("run 'jira-oauth config set %s VALUE'", key)
	}
}
