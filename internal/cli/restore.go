package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
)

func newCmdConfigRestore(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Put back the tokens of a recovery file that a failed save left",
		Long: `When Jira issued a token but the config could not be saved (the disk was
full), jira-oauth writes the new credentials to a recovery file, readable
only by you: next to the config (CONFIG.recovered-TIME), else in your cache
folder, else in the temp folder, and its error names the file. Once the
config can be written again, restore puts the tokens back into the config
and removes the file. Only token keys are restored; a key with an empty
value is removed from the config.`,
		Example: "  jira-oauth config restore config.properties.recovered-20261201T024913Z",
		Args:    exactArgs(1, "one argument, the recovery file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigRestore(cmd, a, args[0])
		},
	}
}

func runConfigRestore(cmd *cobra.Command, a *app, file string) error {
	rec, err := config.LoadContext(a.context(), file)
	if errors.Is(err, fs.ErrNotExist) {
		return &config.Error{Path: file, Err: errors.New("no such recovery file: give the path that the failed save's error named")}
	}
	if err != nil {
		return err
	}
	a.rememberSecrets(rec)
	var values settings
	for _, key := range rec.Keys() {
		if !slices.Contains(restorable, key) {
			return &config.Error{Path: file, Key: key, Err: errors.New("is not a token key: this is not a jira-oauth recovery file; give the file a failed save named")}
		}
		values = append(values, setting{key, rec.Get(key)})
	}
	if len(values) == 0 {
		return &config.Error{Path: file, Err: errors.New("holds no token: this is not a jira-oauth recovery file; give the file a failed save named")}
	}
	a.secrets.add(rec.Get(config.KeySecret))
	a.secrets.add(rec.Get(config.KeyRequestTokenSecret))
	if _, err := a.loadConfigForRepair(); err != nil {
		return err
	}
	from := strings.TrimSpace(rec.Get(config.KeyAccessTokenJiraHome))
	err = a.update(cmd.Context(), false, func(f *config.File) error {
		if home := strings.TrimSpace(f.Get(config.KeyJiraHome)); from != "" && home != from {
			return &config.Error{Path: f.Path(), Key: config.KeyJiraHome,
				Err: fmt.Errorf("is %s, but the token in %s is from %s: nothing was restored; set jira_home back first, or run login", home, file, from)}
		}
		values.apply(f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("config restore: %w", err)
	}
	if err := os.Remove(file); err != nil {
		fmt.Fprintf(a.stderr(), "Restored the tokens of %s into %s; remove %s yourself (%v).\n", file, a.configPath, file, err)
		return nil
	}
	fmt.Fprintf(a.stderr(), "Restored the tokens of %s into %s, and removed %s.\n", file, a.configPath, file)
	return nil
}
