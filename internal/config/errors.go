package config

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
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

// Error returns the one-line message: what is wrong with which file (and
// key), and what to do about it.
func (e *Error) Error() string {
	var fe *fileError
	switch {
	case e.Key == "" && errors.As(e.Err, &fe):
		return fmt.Sprintf("cannot %s %s: %v", fe.verb, e.Path, e.Err)
	case e.Key == "" && errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("config file %s not found: run '%s' to create it", e.Path, Command(e.Path, "keygen"))
	case errors.Is(e.Err, ErrNotSet):
		return fmt.Sprintf("%s is not set in %s: %s", e.Key, e.Path, notSetHint(e.Path, e.Key))
	case e.Key != "":
		return fmt.Sprintf("%s: %s: %v", e.Path, e.Key, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.Path, e.Err)
	}
}

// Unwrap returns the underlying error, so errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, keys.ErrEncrypted) work.
func (e *Error) Unwrap() error { return e.Err }

// notSetHint says how to fill in key of the config at path.
func notSetHint(path, key string) string {
	switch key {
	case KeyJiraHome:
		return fmt.Sprintf("run '%s'", Command(path, "config set jira_home https://jira.example.com"))
	case KeyConsumerKey:
		return fmt.Sprintf("run '%s' with the consumer key of Jira's Application Link", Command(path, "config set consumer_key KEY"))
	case KeyPrivateKey:
		return fmt.Sprintf("run '%s' to create a key pair", Command(path, "keygen"))
	case KeyRequestToken, KeyRequestTokenSecret:
		return fmt.Sprintf("run '%s' and approve the URL it prints first", Command(path, "requestToken"))
	case KeyAccessToken, KeySecret:
		return fmt.Sprintf("run '%s' first (or step by step: '%s', approve, '%s')", Command(path, "login"), Command(path, "requestToken"), Command(path, "accessToken CODE"))
	case KeyOAuth2AccessToken, KeyOAuth2RefreshToken:
		return fmt.Sprintf("auth_method is oauth2: run '%s' (or '%s' for a service account)", Command(path, "login --oauth2"), Command(path, "login --client-credentials"))
	case KeyPAT:
		return fmt.Sprintf("auth_method is pat: run '%s'", Command(path, "pat create --name NAME"))
	default:
		return fmt.Sprintf("run '%s'", Command(path, "config set "+key+" VALUE"))
	}
}

// defaultPath is the config jira-oauth uses without --config.
const defaultPath = "config.properties"

// Command is the jira-oauth command line that runs args on the config at
// path: with --config unless path is the default (or empty), so advice
// printed with it can be pasted as is. A path with spaces or other
// characters a shell would split or expand is double-quoted (advice
// quotes the whole command in single quotes).
func Command(path, args string) string {
	if path == "" || filepath.Clean(path) == defaultPath {
		return "jira-oauth " + args
	}
	return fmt.Sprintf("jira-oauth --config %s %s", doubleQuote(path), args)
}

// QuoteArg returns a path as one word of a command line that advice wraps
// in single quotes, as Command quotes --config's path.
func QuoteArg(path string) string { return doubleQuote(path) }

// doubleQuote returns path as one shell word: double-quoted when needed
// (advice wraps whole commands in single quotes, see shellQuote),
// with '"', '$' and '`' escaped. Backslashes are left alone (Windows
// paths).
func doubleQuote(path string) string {
	if !strings.ContainsAny(path, " \t\n'\"$`!*?[]{}()<>|&;#~") {
		return path
	}
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range path {
		if strings.ContainsRune("\"$`", r) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	sb.WriteByte('"')
	return sb.String()
}
