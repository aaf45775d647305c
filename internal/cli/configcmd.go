package cli

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
)

func newCmdConfig(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Read and change config.properties safely",
		Long: `Read and change values in config.properties without breaking its escaping,
comments or key order. Scripts can read values with 'config get' instead of
parsing the file.`,
		Args: exactArgs(0, "a subcommand: get, set or list"),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdConfigGet(a), newCmdConfigSet(a), newCmdConfigList(a), newCmdConfigRestore(a))
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
		Use:   "set KEY VALUE",
		Short: "Set one value (checked when jira-oauth knows the key)",
		Example: "  jira-oauth config set jira_home https://jira.example.com\n" +
			"  jira-oauth config set consumer_key my-ci-bot",
		Args: exactArgs(2, "two arguments, the key and the value"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, value := args[0], args[1]
			if key == "" {
				return usageErrorf("the key is empty")
			}
			// LoadForRepair: config set must work on a config too large for
			// the other commands, so the user can repair it.
			cfg, err := config.LoadForRepair(a.configPath)
			if err != nil {
				return err
			}
			a.rememberSecrets(cfg)
			a.warnPerm(cfg)
			if slices.Contains(config.SecretKeys, key) {
				a.secrets.add(value)
			}
			return a.update(cmd.Context(), false, func(f *config.File) error {
				f.Set(key, value)
				return checkValue(f, key)
			})
		},
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
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "also print private_key, secret and request_token_secret")
	return cmd
}
