package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
)

// stdinConfig is the --config value that reads the config from stdin.
const stdinConfig = "-"

// readConfig reads the config the invocation uses: the file named by
// --config (or stdin for --config -), with every key that has a
// non-empty JIRA_OAUTH_<KEY> environment variable overlaid from it
// (precedence: flag > environment > file). When the environment gives at
// least one key, the file need not exist; none is created.
func (a *app) readConfig() (*config.File, error) {
	return a.readConfigWith(config.LoadContext)
}

// readConfigWith is readConfig with load reading the file (config.LoadContext,
// or config.LoadForRepair for the commands that must work on a config
// too large for the others).
func (a *app) readConfigWith(load func(ctx context.Context, path string) (*config.File, error)) (*config.File, error) {
	var (
		cfg *config.File
		err error
	)
	if a.configPath == stdinConfig {
		cfg, err = a.readStdinConfig()
	} else {
		cfg, err = load(a.context(), a.configPath)
		if errors.Is(err, fs.ErrNotExist) && len(a.envKeys()) > 0 {
			cfg, err = config.New(a.configPath), nil
		}
	}
	if err != nil {
		return nil, err
	}
	for _, key := range a.envKeys() {
		name := config.EnvName(key)
		cfg.Overlay(key, a.env.Getenv(name), name)
	}
	return cfg, nil
}

// readStdinConfig parses config.properties text from stdin.
func (a *app) readStdinConfig() (*config.File, error) {
	data, err := io.ReadAll(io.LimitReader(a.env.Stdin, config.MaxSize+1))
	if err != nil {
		return nil, &config.Error{Path: stdinConfig, Err: fmt.Errorf("cannot read the config from stdin: %w", err)}
	}
	if len(data) > config.MaxSize {
		return nil, &config.Error{Path: stdinConfig, Err: fmt.Errorf("the config on stdin is larger than %d bytes: is it the right file?", config.MaxSize)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &config.Error{Path: stdinConfig, Err: errors.New("--config - reads the config from stdin, which is empty: pipe the config in (and give no other input on stdin, such as -d - or a comment's text)")}
	}
	return config.Parse(stdinConfig, data)
}

// envKeys returns the config keys that have a non-empty JIRA_OAUTH_<KEY>
// environment variable, in config.AllKeys order.
func (a *app) envKeys() []string {
	var keys []string
	for _, key := range config.AllKeys() {
		if strings.TrimSpace(a.env.Getenv(config.EnvName(key))) != "" {
			keys = append(keys, key)
		}
	}
	return keys
}

// isSavingCommand reports the commands that write the config file, by
// their path below the root command.
func isSavingCommand(name string) bool {
	switch name {
	case "keygen", "requestToken", "accessToken", "login", "renew", "config set", "config unset",
		"pat create", "logout": // (a PAT Jira made but we could not save would be lost)
		return true
	}
	return false
}

// checkSavable fails when the config of this invocation cannot be saved
// to: it comes from stdin (--config -), or some keys come from the
// environment, which a saved file would silently disagree with. The save
// path calls it (app.update), and the saving commands call it before
// anything else (resolveGlobalFlags), so they fail before any call to Jira.
func (a *app) checkSavable(command string) error {
	if a.configPath == stdinConfig {
		return &config.Error{Path: stdinConfig, Err: fmt.Errorf("%s saves to the config, which --config - reads from stdin and never writes: use --config FILE", command)}
	}
	keys := a.envKeys()
	if len(keys) == 0 {
		return nil
	}
	names := make([]string, len(keys))
	for i, key := range keys {
		names[i] = config.EnvName(key)
	}
	come, them := "come", "them"
	if len(names) == 1 {
		come, them = "comes", "it"
	}
	return &config.Error{Path: a.configPath, Err: fmt.Errorf(
		"%s saves to this file, but %s %s from the environment and cannot be saved there: unset %s to use the file alone",
		command, strings.Join(names, ", "), come, them)}
}

// checkSavableCmd is checkSavable for cmd when cmd is a saving command.
func (a *app) checkSavableCmd(cmd *cobra.Command) error {
	name := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
	if !isSavingCommand(name) {
		return nil
	}
	return a.checkSavable(name)
}

// configSource says where the values of cfg come from, for doctor: the
// file and its mode, stdin, and the environment variables.
func configSource(cfg *config.File) string {
	var s string
	switch {
	case cfg.Exists():
		s = fmt.Sprintf("%s (mode %04o)", cfg.Path(), cfg.Perm())
	case cfg.Path() == stdinConfig:
		s = "stdin (--config -)"
	default:
		s = cfg.Path() + " does not exist"
	}
	if _, names := cfg.Overlaid(); len(names) > 0 {
		s += "; from the environment: " + strings.Join(names, ", ")
	}
	return s
}
