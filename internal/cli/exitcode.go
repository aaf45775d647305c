package cli

import (
	"context"
	"errors"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// Exit codes. Scripts can tell apart what to fix: the command line, the
// config file, the Jira side of the link, or the network.
const (
	ExitOK          = 0   // success
	ExitFailure     = 1   // anything else, including a non-2xx answer to request
	ExitUsage       = 2   // bad flags or arguments
	ExitConfig      = 3   // config.properties missing, unreadable or incomplete
	ExitOAuth       = 4   // Jira refused the OAuth request (oauth_problem=...)
	ExitNetwork     = 5   // Jira could not be reached (connection, DNS, TLS, timeout)
	ExitInterrupted = 130 // Ctrl-C or SIGTERM
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(msg string) error { return &usageError{msg: msg} }

// deniedError is the user pressing Deny on Jira's authorize page, found
// out by any command (login's callback, accessToken's "denied" code): it
// exits like Jira's permission_denied, with ExitOAuth.
type deniedError struct{ msg string }

func (e *deniedError) Error() string { return e.msg }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var (
		usage   *usageError
		cfg     *config.Error
		problem *oauth.ProblemError
		network *oauth.NetworkError
		anon    *anonymousError
		denied  *deniedError
		bearer  *oauth.BearerRefusedError
		o2      *oauth.OAuth2Error
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &problem), errors.As(err, &anon), errors.As(err, &denied),
		errors.As(err, &bearer), errors.As(err, &o2):
		return ExitOAuth
	case errors.As(err, &network):
		return ExitNetwork
	case errors.As(err, &cfg):
		return ExitConfig
	default:
		return ExitFailure
	}
}
