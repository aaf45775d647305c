package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"
)

type commentOptions struct {
	app *app

	Issue string
	Text  string
	File  string
}

func newCmdComment(a *app, runF func(*commentOptions) error) *cobra.Command {
	opts := &commentOptions{app: a}
	cmd := &cobra.Command{
		Use:   "comment ISSUE-KEY [TEXT | -]",
		Short: "Add a comment to a Jira issue and print its URL",
		Long: `Add a comment to an issue as the user of the access token, and print the
comment's URL. The text comes from the argument, from --file, or from
stdin with "-". It is sent as is (Jira wiki markup).`,
		Example: `  jira-oauth comment DEMO-1 'Deployed build 42 to staging'
  jira-oauth comment DEMO-1 --file release-notes.txt
  git log -1 --format=%B | jira-oauth comment DEMO-1 -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageErrorf(fmt.Sprintf("comment takes an issue key and the text (got %d arguments); usage: %s", len(args), cmd.UseLine()))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Issue = args[0]
			if !issueKeyPattern().MatchString(opts.Issue) {
				return usageErrorf(fmt.Sprintf("%q is not an issue key: give one like DEMO-1 (project key, dash, number)", opts.Issue))
			}
			switch {
			case len(args) == 2 && opts.File != "":
				return usageErrorf("give the text either as an argument or with --file, not both")
			case len(args) == 1 && opts.File == "":
				return usageErrorf("no comment text: give it as an argument, with --file FILE, or on stdin with -")
			case len(args) == 2:
				opts.Text = args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return runComment(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "read the comment text from this file")
	return cmd
}

// issueKeyPattern matches a Jira issue key (PROJECT-123) or an issue id.
var issueKeyPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_]*-[1-9][0-9]*|[1-9][0-9]*)$`)
})

func runComment(ctx context.Context, opts *commentOptions) error {
	a := opts.app
	text, err := commentText(ctx, a, opts)
	if err != nil {
		return err
	}
	s, err := a.restSession()
	if err != nil {
		return err
	}
	issue := strings.ToUpper(opts.Issue)
	resp, err := s.call(ctx, http.MethodPost, "/rest/api/2/issue/"+url.PathEscape(issue)+"/comment", map[string]string{"body": text})
	if err != nil {
		return err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("comment: Jira has no issue %s, or the user of the access token cannot see it (404): check the key and run '%s'", issue, a.command("whoami"))
	case resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("comment: no permission to comment on %s (%s): ask a Jira admin for the Add Comments permission", issue, restErrorText(resp))
	case isAnonymous(resp):
		return &anonymousError{op: "comment", config: s.cfg.Path()}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Errorf("comment: Jira answered %s for %s", restErrorText(resp), issue)
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := decodeJSON("comment", resp, &created); err != nil {
		return err
	}
	if created.ID == "" {
		return errors.New("comment: Jira's answer has no comment id: is jira_home Jira's base URL?")
	}
	// Jira's permalink to a comment.
	link := fmt.Sprintf("%s/browse/%s?focusedCommentId=%s&page=com.atlassian.jira.plugin.system.issuetabpanels%%3Acomment-tabpanel#comment-%s",
		strings.TrimSuffix(s.client.JiraHome.String(), "/"), url.PathEscape(issue), url.QueryEscape(created.ID), url.QueryEscape(created.ID))
	fmt.Fprintln(a.stdout(), link)
	return nil
}

// maxCommentBytes bounds a comment read from a file or stdin; Jira's own
// limit (jira.text.field.character.limit) is 32767 characters by default.
const maxCommentBytes = 1 << 20

// commentText reads the comment from the argument, --file or stdin.
func commentText(ctx context.Context, a *app, opts *commentOptions) (string, error) {
	var text string
	switch {
	case opts.File != "":
		data, err := readFileLimited(ctx, opts.File, maxCommentBytes, "comment")
		var tooLarge *fileTooLargeError
		if errors.As(err, &tooLarge) {
			return "", usageErrorf(fmt.Sprintf("--file %s is over 1 MiB: Jira refuses comments that long", opts.File))
		}
		if err != nil {
			return "", usageErrorf(fmt.Sprintf("--file %s: cannot read it: %v", opts.File, errors.Unwrap(err)))
		}
		if len(data) > maxCommentBytes {
			return "", usageErrorf(fmt.Sprintf("--file %s is over 1 MiB: Jira refuses comments that long", opts.File))
		}
		text = string(data)
	case opts.Text == "-":
		data, err := readData(ctx, "-", a.env.Stdin)
		if err != nil {
			return "", err
		}
		if len(data) > maxCommentBytes {
			return "", usageErrorf("the comment on stdin is over 1 MiB: Jira refuses comments that long")
		}
		text = string(data)
	default:
		text = opts.Text
	}
	text = strings.TrimRight(text, "\r\n")
	if strings.TrimSpace(text) == "" {
		return "", usageErrorf("the comment text is empty: give the text to post")
	}
	return text, nil
}
