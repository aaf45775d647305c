package cli

import (
	"context"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

type whoamiOptions struct {
	app *app

	JSON bool
}

func newCmdWhoami(a *app, runF func(*whoamiOptions) error) *cobra.Command {
	opts := &whoamiOptions{app: a}
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the Jira user the access token acts as",
		Long: `Ask Jira who the saved access token acts as (GET /rest/api/2/myself) and
print the user name, display name and e-mail address.

Jira can serve a call whose OAuth header never reached it (a proxy that
strips Authorization) as the anonymous user instead of refusing it;
whoami detects that and fails (exit 4) rather than printing anonymous data.`,
		Example: `  jira-oauth whoami
  jira-oauth whoami --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runWhoami(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print {name, key, display_name, email, jira_home} as JSON")
	return cmd
}

// jiraUser is the part of /rest/api/2/myself that whoami shows.
type jiraUser struct {
	Name        string `json:"name"`
	Key         string `json:"key"`
	DisplayName string `json:"displayName"`
	Email       string `json:"emailAddress"`
}

// myself asks Jira who the access token acts as.
func (s *restSession) myself(ctx context.Context, op string) (jiraUser, error) {
	var user jiraUser
	resp, err := s.call(ctx, http.MethodGet, "/rest/api/2/myself", nil)
	if err != nil {
		return user, err
	}
	if isAnonymous(resp) {
		return user, &anonymousError{op: op, config: s.cfg.Path()}
	}
	if resp.StatusCode != http.StatusOK {
		return user, fmt.Errorf("%s: Jira answered %s for /rest/api/2/myself: check jira_home", op, restErrorText(resp))
	}
	if err := decodeJSON(op, resp, &user); err != nil {
		return user, err
	}
	if user.Name == "" {
		return user, &anonymousError{op: op, config: s.cfg.Path()}
	}
	return user, nil
}

func runWhoami(ctx context.Context, opts *whoamiOptions) error {
	a := opts.app
	s, err := a.restSession()
	if err != nil {
		return err
	}
	user, err := s.myself(ctx, "whoami")
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(a.stdout(), struct {
			Name        string `json:"name"`
			Key         string `json:"key"`
			DisplayName string `json:"display_name"`
			Email       string `json:"email"`
			JiraHome    string `json:"jira_home"`
		}{user.Name, user.Key, user.DisplayName, user.Email, s.client.JiraHome.String()})
	}
	line := user.Name
	if user.DisplayName != "" && user.DisplayName != user.Name {
		line += " (" + user.DisplayName + ")"
	}
	if user.Email != "" {
		line += " <" + user.Email + ">"
	}
	fmt.Fprintf(a.stdout(), "%s on %s\n", termsafe.String(line), s.client.JiraHome)
	return nil
}
