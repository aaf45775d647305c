package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree for one invocation.
func newRootCmd(a *app) *cobra.Command {
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

	root.AddCommand(
		newCmdKeygen(a, nil),
		newCmdRequestToken(a, nil),
		newCmdAccessToken(a, nil),
		newCmdRequest(a, nil),
		newCmdLogin(a, nil),
		newCmdWhoami(a, nil),
		newCmdStatus(a, nil),
		newCmdRenew(a, nil),
		newCmdComment(a, nil),
		newCmdDoctor(a, nil),
		newCmdConfig(a),
		newCmdSandbox(a, nil),
		newCmdExport(a, nil),
		newCmdProxy(a, nil),
		newCmdPAT(a),
		newCmdLogout(a, nil),
		newCmdVersion(a),
	)
	addCompletions(root)
	return root
}

// resolveGlobalFlags applies defaults that depend on the environment and
// checks the values of the global flags.
func (a *app) resolveGlobalFlags(cmd *cobra.Command, _ []string) error {
	a.listenForSignals(cmd)
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
