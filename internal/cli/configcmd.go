package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

func newCmdConfig(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Read and change config.properties safely",
		Long: `Read and change values in config.properties without breaking its escaping,
comments or key order. Scripts can read values with 'config get' instead of
parsing the file.`,
		Args: exactArgs(0, "a subcommand: get, set, unset or list"),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdConfigGet(a), newCmdConfigSet(a), newCmdConfigUnset(a), newCmdConfigList(a), newCmdConfigRestore(a))
	return cmd
}

func newCmdConfigGet(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "get KEY",
		Short:   "Print one value (secrets too: you asked for it)",
		Example: "  jira-oauth config get jira_home\n  ACCESS_TOKEN=$(jira-oauth config get access_token)",
		Args:    exactArgs(1, "one argument, the key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			value, ok := cfg.Lookup(args[0])
			if !ok {
				return &config.Error{Path: cfg.Path(), Key: args[0], Err: errors.New("is not set")}
			}
			_, err = fmt.Fprintln(a.stdout(), value)
			return err
		},
	}
}

func newCmdConfigSet(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "set KEY VALUE|-",
		Short: "Set one value (checked when jira-oauth knows the key); - reads it from stdin",
		Long: `Set one value in the config, under its lock, keeping the rest of the file
as it is. Values of the keys jira-oauth knows are checked (jira_home must be
an http(s) URL, private_key must parse); a key that looks like a typo of one
of them gets a warning ("did you mean jira_home?"), other keys of your own
are kept as they are.

A value given as - is read from stdin: one value, without its final line
end. Use it for secrets: a value on the command line is visible to other
users of the machine (ps, /proc/PID/cmdline) and stays in your shell's
history. For private_key, stdin may hold a PEM key or base64 over several
lines; it is saved as keygen saves it (one line of base64 PKCS#8, which
the Java client reads). Non-ASCII characters are written as \uXXXX, which Java reads alike.`,
		Example: "  jira-oauth config set jira_home https://jira.example.com\n" +
			"  jira-oauth config set consumer_key my-ci-bot\n" +
			"  jira-oauth config set private_key - < private_key.pem",
		Args: exactArgs(2, "two arguments, the key and the value (- reads it from stdin)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, value := args[0], args[1]
			if key == "" {
				return usageErrorf("the key is empty")
			}
			// LoadForRepair: config set must work on a config too large for
			// the other commands, so the user can repair it.
			if _, err := a.checkLoaded(config.LoadForRepair(a.context(), a.configPath)); err != nil {
				return err
			}
			if value == "-" {
				var err error
				if value, err = a.readValue(cmd.Context(), key); err != nil {
					return err
				}
			}
			if slices.Contains(config.SecretKeys, key) {
				a.secrets.add(value)
			}
			a.warnTypo(key)
			return a.update(cmd.Context(), false, func(f *config.File) error {
				f.Set(key, value)
				return checkValue(f, key)
			})
		},
	}
}

// maxValueBytes bounds a value read from stdin: a config is at most
// config.MaxSize, and an RSA key in PEM a few KB.
const maxValueBytes = 64 << 10

// readValue reads the value of 'config set KEY -' from stdin: one value,
// without its final line end. A private_key may be PEM (kept as it is) or
// base64 over several lines (joined into one); any other value is one line.
func (a *app) readValue(ctx context.Context, key string) (string, error) {
	if isTerminal(a.env.Stdin) {
		fmt.Fprintf(a.stderr(), "Reading the value of %s from stdin (end with Ctrl-D).\n", key)
	}
	data, err := readAll(ctx, io.LimitReader(a.env.Stdin, maxValueBytes+1))
	if err != nil {
		return "", fmt.Errorf("config set %s -: reading stdin: %w", key, err)
	}
	if len(data) > maxValueBytes {
		return "", usageErrorf(fmt.Sprintf("config set %s -: stdin holds over %d KiB: give one value", key, maxValueBytes>>10))
	}
	value := strings.TrimSuffix(strings.TrimSuffix(string(data), "\n"), "\r")
	if key == config.KeyPrivateKey {
		value = strings.TrimSpace(value)
		if !strings.Contains(value, "-----BEGIN") {
			value = strings.Join(strings.Fields(value), "")
		}
		// Saved as keygen saves it, one line of base64 PKCS#8: the form
		// Atlassian's Java client reads (it cannot read PEM). A value that
		// is no key is kept, for checkValue to refuse with its reason.
		if k, err := keys.Parse(value); err == nil {
			if oneLine, err := keys.EncodePrivate(k); err == nil {
				value = oneLine
			}
		}
	} else if strings.ContainsAny(value, "\r\n") {
		return "", usageErrorf(fmt.Sprintf("config set %s -: stdin holds more than one line: give one value (only private_key may span lines)", key))
	}
	if strings.TrimSpace(value) == "" {
		return "", usageErrorf(fmt.Sprintf("config set %s -: stdin is empty: pipe the value in, e.g. jira-oauth config set %s - < file", key, key))
	}
	return value, nil
}

func newCmdConfigUnset(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "unset KEY",
		Short: "Remove one key (every line of it); a key that is not set is not an error",
		Long: `Remove a key from the config, under its lock, keeping the rest of the file
as it is. A key set on several lines loses them all. Unsetting a key that is
not set changes nothing, says so on stderr and exits 0, so scripts can run
it twice.`,
		Example: "  jira-oauth config unset ca_file",
		Args:    exactArgs(1, "one argument, the key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key := args[0]
			if key == "" {
				return usageErrorf("the key is empty")
			}
			// As config set: unset must work on a config too large for the
			// other commands, to repair it.
			if _, err := a.loadConfigForRepair(); err != nil {
				return err
			}
			found := false
			err := a.update(cmd.Context(), false, func(f *config.File) error {
				_, found = f.Lookup(key)
				f.Delete(key)
				return nil
			})
			if err != nil {
				return err
			}
			if !found {
				hint := ""
				if s := keySuggestion(key); s != "" {
					hint = " (did you mean " + s + "?)"
				}
				fmt.Fprintf(a.stderr(), "%s is not set in %s%s; nothing changed.\n", key, a.configPath, hint)
			}
			return nil
		},
	}
}

// warnTypo warns when key is not one jira-oauth knows but looks like a
// typo of one; keys of the user's own (ci_job) get no warning.
func (a *app) warnTypo(key string) {
	if s := keySuggestion(key); s != "" {
		fmt.Fprintf(a.stderr(), "jira-oauth: warning: %s is not a key jira-oauth uses: did you mean %s? (set anyway)\n", key, s)
	}
}

// checkValue validates a value jira-oauth knows the meaning of, so a typo
// is caught when it is made rather than at the next Jira call.
func checkValue(cfg *config.File, key string) error {
	var err error
	switch key {
	case config.KeyJiraHome:
		_, err = cfg.JiraHome()
	case config.KeyConsumerKey:
		_, err = cfg.ConsumerKey()
	case config.KeyPrivateKey:
		_, err = cfg.PrivateKey()
	}
	return err
}

type configListOptions struct {
	ShowSecrets bool
}

func newCmdConfigList(a *app) *cobra.Command {
	opts := &configListOptions{}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "Print every key=value; secrets are hidden unless --show-secrets",
		Example: "  jira-oauth config list\n  jira-oauth config list --show-secrets",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := a.loadConfig()
			if err != nil {
				return err
			}
			for _, key := range cfg.Keys() {
				value := cfg.Get(key)
				if !opts.ShowSecrets && value != "" && slices.Contains(config.SecretKeys, key) {
					value = "(hidden: --show-secrets prints it)"
				}
				fmt.Fprintf(a.stdout(), "%s=%s\n", key, value)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "also print the secrets: private_key, token secrets, OAuth 2.0 client secret and tokens, pat")
	return cmd
}
