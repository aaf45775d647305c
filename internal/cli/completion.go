package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
)

// configKeys are the keys jira-oauth knows, offered by shell completion
// for every config subcommand that takes a key.
func configKeys() []string {
	return []string{
		config.KeyJiraHome,
		config.KeyConsumerKey,
		config.KeyPrivateKey,
		config.KeyCAFile,
		config.KeyRequestToken,
		config.KeyRequestTokenSecret,
		config.KeyRequestTokenIssuedAt,
		config.KeyAccessToken,
		config.KeySecret,
		config.KeyAccessTokenIssuedAt,
		config.KeyAccessTokenExpiresAt,
		config.KeySessionHandle,
		config.KeySessionExpiresAt,
		config.KeyAuthMethod,
		config.KeyOAuth2ClientID,
		config.KeyOAuth2ClientSecret,
		config.KeyOAuth2RedirectURI,
		config.KeyOAuth2Scope,
		config.KeyOAuth2AccessToken,
		config.KeyOAuth2RefreshToken,
		config.KeyOAuth2ExpiresAt,
		config.KeyPAT,
		config.KeyPATID,
		config.KeyPATExpiresAt,
	}
}

// httpMethods are what request -X completes to.
var httpMethods = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}

// keySizes are what keygen --bits completes to (keygen accepts these).
var keySizes = []string{"2048", "3072", "4096"}

// addCompletions wires shell completion into the finished command tree:
// it works on the tree rather than in each command's file so that a new
// config subcommand taking a KEY (get, set, unset, ...) completes key
// names without more code. Completion runs only under cobra's hidden
// __complete command; building the functions costs nothing at start-up.
func addCompletions(root *cobra.Command) {
	for _, cmd := range root.Commands() {
		switch cmd.Name() {
		case "config":
			for _, sub := range cmd.Commands() {
				if sub.ValidArgsFunction == nil {
					sub.ValidArgsFunction = completeKeyArgs(sub.Use)
				}
			}
		case "keygen":
			_ = cmd.RegisterFlagCompletionFunc("bits", cobra.FixedCompletions(keySizes, cobra.ShellCompDirectiveNoFileComp))
		case "request":
			_ = cmd.RegisterFlagCompletionFunc("request", cobra.FixedCompletions(httpMethods, cobra.ShellCompDirectiveNoFileComp))
		}
	}
}

// completeKeyArgs completes config keys where the usage line use (such as
// "get KEY", "set KEY VALUE" or "unset KEY...") has a KEY, and nothing
// elsewhere (values are not files). Keys already given are not offered
// again.
func completeKeyArgs(use string) cobra.CompletionFunc {
	words := strings.Fields(use)[1:]
	return func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if !keyAt(words, len(args)) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var keys []cobra.Completion
		for _, k := range configKeys() {
			if !contains(args, k) {
				keys = append(keys, k)
			}
		}
		return keys, cobra.ShellCompDirectiveNoFileComp
	}
}

// keyAt reports whether argument i of a usage line's words is a key: the
// word there is KEY (or [KEY]), or the last word is a repeated key
// ("KEY..." or "[KEY...]").
func keyAt(words []string, i int) bool {
	name := func(w string) string { return strings.Trim(w, "[]") }
	if i < len(words) {
		return strings.TrimSuffix(name(words[i]), "...") == "KEY"
	}
	return len(words) > 0 && name(words[len(words)-1]) == "KEY..."
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CommandTree returns the whole command tree (cobra's completion and help
// commands included) bound to an environment that does nothing, for
// programs that generate documentation from it: man pages and completion
// scripts (internal/docgen). The jira-oauth binary does not use it.
func CommandTree() *cobra.Command {
	a := &app{env: Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}}
	root := newRootCmd(a, nil)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}
