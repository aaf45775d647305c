package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

// patPath is Jira's personal access token API (Jira 8.14+).
const patPath = "/rest/pat/latest/tokens"

// patMaxDays is the longest lifetime Jira gives a personal access token.
const patMaxDays = 365

func newCmdPAT(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pat",
		Short: "Create, list and revoke personal access tokens (Jira 8.14+)",
		Long: `Personal access tokens are the simplest way off OAuth 1.0a: a token made
with any credential the config already has (an OAuth 1.0a link included)
is sent as "Authorization: Bearer" and acts as you.`,
		Args: exactArgs(0, "a subcommand: create, list or revoke"),
	}
	cmd.AddCommand(newCmdPATCreate(a, nil), newCmdPATList(a, nil), newCmdPATRevoke(a, nil))
	return cmd
}

type patCreateOptions struct {
	app *app

	Name     string
	Days     int
	NoSwitch bool
	Show     bool
}

func newCmdPATCreate(a *app, runF func(*patCreateOptions) error) *cobra.Command {
	opts := &patCreateOptions{app: a}
	cmd := &cobra.Command{
		Use:   "create --name NAME [--days N]",
		Short: "Make a personal access token and use it from now on",
		Long: `Ask Jira for a personal access token (POST /rest/pat/latest/tokens), using
whatever credential the config has, and save it as pat, pat_id and
pat_expires_at. auth_method becomes pat, so every later command uses the
token (--no-switch keeps the current method). The raw token is shown
once by Jira and never printed, unless --show prints it on stdout.`,
		Example: `  jira-oauth pat create --name ci-pipeline --days 90
  jira-oauth pat create --name laptop --no-switch
  jira-oauth pat create --name vault --show | vault kv put secret/jira token=-`,
		Args: exactArgs(0, "no arguments: give the name with --name"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkPATName(opts.Name); err != nil {
				return err
			}
			if opts.Days < 1 || opts.Days > patMaxDays {
				return usageErrorf(fmt.Sprintf("--days %d is out of range: give 1 to %d (Jira's longest lifetime of a personal access token)", opts.Days, patMaxDays))
			}
			if runF != nil {
				return runF(opts)
			}
			return runPATCreate(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "the token's name, as Jira lists it (required)")
	cmd.Flags().IntVar(&opts.Days, "days", 90, "days until the token expires (1 to 365)")
	cmd.Flags().BoolVar(&opts.NoSwitch, "no-switch", false, "save the token but keep the current auth_method")
	cmd.Flags().BoolVar(&opts.Show, "show", false, "also print the raw token on stdout (Jira shows it only once)")
	return cmd
}

// checkPATName refuses a name Jira would refuse, or that cannot be shown
// on one line.
func checkPATName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return usageErrorf("pat create: --name is required: name the token after where it is used, e.g. --name ci-pipeline")
	case len(name) > 255:
		return usageErrorf(fmt.Sprintf("pat create: --name has %d bytes; Jira takes at most 255", len(name)))
	case strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return usageErrorf("pat create: --name holds a control character: give a plain name")
	}
	return nil
}

// patInfo is one token as Jira's PAT API describes it.
type patInfo struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	CreatedAt  string `json:"createdAt"`
	ExpiringAt string `json:"expiringAt,omitempty"`
	RawToken   string `json:"rawToken,omitempty"`
}

func runPATCreate(ctx context.Context, opts *patCreateOptions) error {
	a := opts.app
	s, err := a.restSession()
	if err != nil {
		return err
	}
	if err := a.checkSave(ctx, "pat create"); err != nil {
		return err
	}
	resp, err := s.call(ctx, http.MethodPost, patPath, map[string]any{"name": opts.Name, "expirationDuration": opts.Days})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pat create: Jira answered %s: %s", restErrorText(resp), patAdvice(resp.StatusCode))
	}
	var t patInfo
	if err := json.Unmarshal(resp.Body, &t); err != nil || t.RawToken == "" || t.ID == 0 {
		return fmt.Errorf("pat create: %w (no id and rawToken)", errNotJSON)
	}
	a.secrets.add(t.RawToken)
	if err := checkIssued("pat create", []issuedValue{{"rawToken", t.RawToken}}, nil); err != nil {
		return err
	}
	expires := ""
	if et, err := parseJiraTime(t.ExpiringAt); err == nil {
		expires = et.UTC().Format(time.RFC3339)
	}
	values := settings{{config.KeyPAT, t.RawToken}, {config.KeyPATID, strconv.FormatInt(t.ID, 10)}, {config.KeyPATExpiresAt, expires}}
	before, _ := s.cfg.AuthMethod()
	if !opts.NoSwitch {
		values = append(values, setting{config.KeyAuthMethod, config.AuthPAT})
	}
	if err := a.saveIssued(ctx, "pat create", values, nil); err != nil {
		return err
	}
	if opts.Show {
		fmt.Fprintln(a.stdout(), t.RawToken)
	}
	what := fmt.Sprintf("Personal access token %q (id %d", termsafe.String(t.Name), t.ID)
	if expires != "" {
		what += ", expires " + expires
	}
	what += ") saved in " + s.cfg.Path()
	switch {
	case opts.NoSwitch:
		fmt.Fprintf(a.stderr(), "%s; auth_method stays %s (set it to pat to use the token: '%s').\n", what, before, config.Command(s.cfg.Path(), "config set auth_method pat"))
	case before == config.AuthPAT:
		fmt.Fprintf(a.stderr(), "%s; it replaces the previous token there (revoke that one with 'pat revoke' if it is no longer used).\n", what)
	default:
		fmt.Fprintf(a.stderr(), "%s; auth_method is now pat (was %s): commands send this token from now on.\n", what, before)
	}
	return nil
}

// parseJiraTime reads the times of Jira's PAT API.
func parseJiraTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}

// patAdvice explains a refusal of the PAT API.
func patAdvice(status int) string {
	switch status {
	case http.StatusNotFound:
		return "this Jira has no personal access tokens (they came with Jira 8.14)"
	case http.StatusForbidden:
		return "Jira does not let this user (or this token's scope) manage personal access tokens"
	}
	return "nothing was saved"
}

type patListOptions struct {
	app  *app
	JSON bool
}

func newCmdPATList(a *app, runF func(*patListOptions) error) *cobra.Command {
	opts := &patListOptions{app: a}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your personal access tokens (never their values)",
		Long: `List the personal access tokens Jira holds for you: id, name, creation
and expiry; the one the config holds is marked with *.`,
		Example: `  jira-oauth pat list
  jira-oauth pat list --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runPATList(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print Jira's list as JSON")
	return cmd
}

// listPATs asks Jira for the user's tokens.
func (s *restSession) listPATs(ctx context.Context, op string) ([]patInfo, error) {
	resp, err := s.call(ctx, http.MethodGet, patPath, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: Jira answered %s: %s", op, restErrorText(resp), patAdvice(resp.StatusCode))
	}
	var list []patInfo
	if err := decodeJSON(op, resp, &list); err != nil {
		return nil, err
	}
	return list, nil
}

func runPATList(ctx context.Context, opts *patListOptions) error {
	a := opts.app
	s, err := a.restSession()
	if err != nil {
		return err
	}
	list, err := s.listPATs(ctx, "pat list")
	if err != nil {
		return err
	}
	if opts.JSON {
		for i := range list {
			list[i].RawToken = ""
		}
		return writeJSON(a.stdout(), list)
	}
	if len(list) == 0 {
		fmt.Fprintln(a.stderr(), "No personal access tokens.")
		return nil
	}
	current := token(s.cfg, config.KeyPATID)
	tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tNAME\tCREATED\tEXPIRES")
	for _, t := range list {
		mark := " "
		if strconv.FormatInt(t.ID, 10) == current {
			mark = "*"
		}
		expires := t.ExpiringAt
		if expires == "" {
			expires = "never"
		}
		fmt.Fprintf(tw, "%s %d\t%s\t%s\t%s\n", mark, t.ID, termsafe.String(t.Name), termsafe.String(t.CreatedAt), termsafe.String(expires))
	}
	return tw.Flush()
}

type patRevokeOptions struct {
	app    *app
	Target string
}

func newCmdPATRevoke(a *app, runF func(*patRevokeOptions) error) *cobra.Command {
	opts := &patRevokeOptions{app: a}
	cmd := &cobra.Command{
		Use:   "revoke ID|NAME",
		Short: "Revoke a personal access token",
		Long: `Revoke a personal access token at Jira, by id or by name (a name shared by
several tokens is refused: give the id). When it is the token the config
holds, pat, pat_id and pat_expires_at are removed from the config.`,
		Example: `  jira-oauth pat revoke 12
  jira-oauth pat revoke ci-pipeline`,
		Args: exactArgs(1, "the token's id or name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			if strings.TrimSpace(opts.Target) == "" {
				return usageErrorf("pat revoke: give the token's id or name (see 'jira-oauth pat list')")
			}
			if runF != nil {
				return runF(opts)
			}
			return runPATRevoke(cmd.Context(), opts)
		},
	}
	return cmd
}

func runPATRevoke(ctx context.Context, opts *patRevokeOptions) error {
	a := opts.app
	s, err := a.restSession()
	if err != nil {
		return err
	}
	list, err := s.listPATs(ctx, "pat revoke")
	if err != nil {
		return err
	}
	var found []patInfo
	for _, t := range list {
		if strconv.FormatInt(t.ID, 10) == opts.Target || t.Name == opts.Target {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return fmt.Errorf("pat revoke: you have no live personal access token with the id or name %q: see '%s'", termsafe.String(opts.Target), config.Command(s.cfg.Path(), "pat list"))
	case 1:
	default:
		return usageErrorf(fmt.Sprintf("pat revoke: %d tokens are named %q: give the id (see '%s')", len(found), termsafe.String(opts.Target), config.Command(s.cfg.Path(), "pat list")))
	}
	id := strconv.FormatInt(found[0].ID, 10)
	if token(s.cfg, config.KeyPATID) == id {
		a.catchSignals() // the config's own token: forgotten once revoked
	}
	if err := s.revokePAT(ctx, "pat revoke", id); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr(), "Personal access token %q (id %s) revoked.\n", termsafe.String(found[0].Name), id)
	if token(s.cfg, config.KeyPATID) != id {
		return nil
	}
	return a.forgetPAT(ctx, id)
}

// revokePAT deletes token id at Jira.
func (s *restSession) revokePAT(ctx context.Context, op, id string) error {
	resp, err := s.call(ctx, http.MethodDelete, patPath+"/"+id, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: Jira answered %s: %s", op, restErrorText(resp), patAdvice(resp.StatusCode))
	}
	return nil
}

// forgetPAT removes the PAT with id from the config (if it is still the
// one there); auth_method pat goes back to the default when an OAuth 1.0a
// access token remains.
func (a *app) forgetPAT(ctx context.Context, id string) error {
	msg := ""
	err := a.update(ctx, false, func(f *config.File) error {
		if token(f, config.KeyPATID) != id {
			return nil
		}
		f.Delete(config.KeyPAT)
		f.Delete(config.KeyPATID)
		f.Delete(config.KeyPATExpiresAt)
		msg = fmt.Sprintf("Removed it from %s.", f.Path())
		if method, _ := f.AuthMethod(); method == config.AuthPAT {
			if token(f, config.KeyAccessToken) != "" {
				f.Delete(config.KeyAuthMethod)
				msg += " auth_method is oauth1 again (the OAuth 1.0a access token)."
			} else {
				msg += fmt.Sprintf(" auth_method is still pat: make a new token with '%s'.", config.Command(f.Path(), "pat create --name NAME"))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pat revoke: Jira revoked the token, but %w", err)
	}
	if msg != "" {
		fmt.Fprintln(a.stderr(), msg)
	}
	return nil
}
