package cli

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree for one invocation with args (nil:
// the whole tree). When args name one of the root's commands, only that
// command is built: the others' flags and texts cost about 2% of a
// `jira-oauth request`'s CPU (4% of --version's), and nothing needs them
// (help, completion and an unknown or missing command name get the whole
// tree).
func newRootCmd(a *app, args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "jira-oauth",
		Short: "Link applications to Jira Server / Data Center: OAuth 1.0a (RSA-SHA1), OAuth 2.0 and personal access tokens",
		Long: `jira-oauth links an application to Jira Server / Data Center with OAuth 1.0a
(RSA-SHA1), as Atlassian's Java tutorial client does, in one binary, and
moves it to OAuth 2.0 or a personal access token when you are ready:

  jira-oauth keygen                 make the key pair for the Application Link
  jira-oauth login                  the whole dance: approve in the browser
  jira-oauth requestToken           or in steps: open the URL it prints,
  jira-oauth accessToken CODE       then give the verification code
  jira-oauth whoami                 who the access token acts as
  jira-oauth request /rest/api/2/myself
  jira-oauth doctor                 what is wrong, and what to do
  jira-oauth login --oauth2         OAuth 2.0 (Jira 8.22+) instead
  jira-oauth pat create --name ci   a personal access token, over any link

Everything is kept in a Java-style config.properties (--config).`,
		Version:           currentVersion().String(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: a.resolveGlobalFlags,
	}
	root.SetVersionTemplate("jira-oauth {{.Version}}\n")
	flags := root.PersistentFlags()
	flags.StringVar(&a.configPath, "config", "", "config file (default ./config.properties, or $JIRA_OAUTH_CONFIG)")
	flags.DurationVar(&a.timeout, "timeout", 30*time.Second, "give up on a Jira call after this long (a Go duration: 10s, 2m)")
	flags.BoolVarP(&a.verbose, "verbose", "v", false, "show each HTTP exchange and the signature base string on stderr (never secrets)")
	flags.StringVar(&a.caFile, "ca-file", "", "PEM bundle of extra CA certificates to trust for Jira's TLS certificate (also: ca_file in the config)")
	flags.StringVar(&a.clientCert, "client-cert", "", "PEM client certificate, for a Jira behind mutual TLS (with --client-key)")
	flags.StringVar(&a.clientKey, "client-key", "", "PEM private key of --client-cert (unencrypted)")
	flags.BoolVar(&a.insecure, "insecure", false, "do not check Jira's TLS certificate (never saved; warns every time; prefer --ca-file)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf(fmt.Sprintf("%v; run '%s --help' for usage", err, cmd.CommandPath()))
	})

	name := commandName(args)
	if !slices.ContainsFunc(rootCommands, func(sub rootCommand) bool { return slices.Contains(sub.names, name) }) {
		name = "" // help, completion, a typo: the whole tree
	}
	for _, sub := range rootCommands {
		if name == "" || slices.Contains(sub.names, name) {
			root.AddCommand(sub.build(a))
		}
	}
	if name != "" {
		// Cobra's completion command (and its four children) serves only
		// a command line that names it, which gets the whole tree.
		root.CompletionOptions.DisableDefaultCmd = true
	}
	addCompletions(root)
	return root
}

// rootCommand is one command of the root: the names a command line may
// give for it (its name and aliases) and its constructor.
type rootCommand struct {
	names []string
	build func(*app) *cobra.Command
}

// rootCommands are the root's commands, in the order they were added.
// TestRootCommandNames checks names against what each command says.
var rootCommands = []rootCommand{
	{[]string{"keygen"}, func(a *app) *cobra.Command { return newCmdKeygen(a, nil) }},
	{[]string{"requestToken", "request-token"}, func(a *app) *cobra.Command { return newCmdRequestToken(a, nil) }},
	{[]string{"accessToken", "access-token"}, func(a *app) *cobra.Command { return newCmdAccessToken(a, nil) }},
	{[]string{"request"}, func(a *app) *cobra.Command { return newCmdRequest(a, nil) }},
	{[]string{"login"}, func(a *app) *cobra.Command { return newCmdLogin(a, nil) }},
	{[]string{"whoami"}, func(a *app) *cobra.Command { return newCmdWhoami(a, nil) }},
	{[]string{"status"}, func(a *app) *cobra.Command { return newCmdStatus(a, nil) }},
	{[]string{"renew"}, func(a *app) *cobra.Command { return newCmdRenew(a, nil) }},
	{[]string{"comment"}, func(a *app) *cobra.Command { return newCmdComment(a, nil) }},
	{[]string{"doctor"}, func(a *app) *cobra.Command { return newCmdDoctor(a, nil) }},
	{[]string{"config"}, newCmdConfig},
	{[]string{"sandbox"}, func(a *app) *cobra.Command { return newCmdSandbox(a, nil) }},
	{[]string{"export"}, func(a *app) *cobra.Command { return newCmdExport(a, nil) }},
	{[]string{"proxy"}, func(a *app) *cobra.Command { return newCmdProxy(a, nil) }},
	{[]string{"pat"}, newCmdPAT},
	{[]string{"logout"}, func(a *app) *cobra.Command { return newCmdLogout(a, nil) }},
	{[]string{"version"}, newCmdVersion},
}

// globalValueFlags are the root's flags that take a value, which a
// command line may give as a separate argument before the command name.
var globalValueFlags = []string{"--config", "--timeout", "--ca-file", "--client-cert", "--client-key"}

// commandName returns the command a command line names: its first
// argument that is neither a global flag nor a global flag's value. It
// returns "" when there is none, or when an argument before it is not a
// global flag (Cobra will say what is wrong, with the whole tree).
func commandName(args []string) string {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case slices.Contains(globalValueFlags, arg):
			i++ // its value
		case strings.HasPrefix(arg, "--") && arg != "--":
			flag, _, hasValue := strings.Cut(arg, "=")
			if !slices.Contains(globalBoolFlags, flag) && !(hasValue && slices.Contains(globalValueFlags, flag)) {
				return ""
			}
		case arg == "-v":
		case strings.HasPrefix(arg, "-"):
			return "" // "--", "-", "-h", combined short flags: let Cobra decide
		default:
			return arg
		}
	}
	return ""
}

// globalBoolFlags are the root's flags that take no value.
var globalBoolFlags = []string{"--verbose", "--insecure"}

// resolveGlobalFlags applies defaults that depend on the environment and
// checks the values of the global flags.
func (a *app) resolveGlobalFlags(cmd *cobra.Command, _ []string) error {
	a.startCommand(cmd)
	if a.configPath == "" {
		a.configPath = a.env.Getenv("JIRA_OAUTH_CONFIG")
	}
	if a.configPath == "" {
		a.configPath = defaultConfigPath
	}
	if a.timeout <= 0 {
		return usageErrorf(fmt.Sprintf("--timeout must be positive, got %s; for example --timeout 30s", a.timeout))
	}
	return a.checkSavableCmd(cmd) // before any call to Jira: envconfig.go
}

// exactArgs is cobra.ExactArgs with a message that says what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			name := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
			return usageErrorf(fmt.Sprintf("%s takes %s (got %d arguments); usage: %s", name, what, len(args), cmd.UseLine()))
		}
		return nil
	}
}
