package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// publicKeyFile is written beside the config: the key an admin pastes
// into the incoming Application Link.
const publicKeyFile = "jira_publickey.pem"

type keygenOptions struct {
	app *app

	Bits        int
	Force       bool
	ConsumerKey string
	JiraHome    string
}

func newCmdKeygen(a *app, runF func(*keygenOptions) error) *cobra.Command {
	opts := &keygenOptions{app: a}
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Make the RSA key pair for the Application Link",
		Long: `Make an RSA key pair. The private key goes into the config as private_key
(one line of base64 PKCS#8, as Atlassian's client reads it); the config is
created if it is missing. The public key is printed on stdout and written to
jira_publickey.pem beside the config: paste it into Jira's incoming
Application Link. An existing key is only replaced with --force.`,
		Example: `  jira-oauth keygen --consumer-key my-ci-bot --jira-home https://jira.example.com
  jira-oauth keygen --bits 4096 --force`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runKeygen(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Bits, "bits", 2048, "key size: 2048, 3072 or 4096")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing private_key (the Application Link must then get the new public key)")
	cmd.Flags().StringVar(&opts.ConsumerKey, "consumer-key", "", "also set consumer_key, the key of the incoming Application Link")
	cmd.Flags().StringVar(&opts.JiraHome, "jira-home", "", "also set jira_home, Jira's base URL")
	return cmd
}

func runKeygen(ctx context.Context, opts *keygenOptions) error {
	a := opts.app
	switch opts.Bits {
	case 2048, 3072, 4096:
	default:
		return usageErrorf(fmt.Sprintf("--bits %d is not supported: use 2048, 3072 or 4096", opts.Bits))
	}
	cfg, err := config.Load(a.configPath)
	if errors.Is(err, fs.ErrNotExist) {
		cfg, err = config.New(a.configPath), nil
	}
	if err != nil {
		return err
	}
	a.rememberSecrets(cfg)
	if cfg.Exists() {
		a.warnPerm(cfg)
	}
	// Check the values before the slow key generation; they are set (and
	// private_key checked again) under the lock below.
	alreadySet := func(f *config.File) error {
		if f.Get(config.KeyPrivateKey) != "" && !opts.Force {
			return &config.Error{Path: f.Path(), Key: config.KeyPrivateKey,
				Err: fmt.Errorf("is already set; keep it, or run '%s' to replace it (then update the Application Link)", config.Command(f.Path(), "keygen --force"))}
		}
		return nil
	}
	if err := alreadySet(cfg); err != nil {
		return err
	}
	if opts.JiraHome != "" {
		probe := config.New(a.configPath)
		probe.Set(config.KeyJiraHome, opts.JiraHome)
		if _, err := probe.JiraHome(); err != nil {
			return usageErrorf("--jira-home: " + err.Error())
		}
	}

	key, err := keys.Generate(opts.Bits)
	if err != nil {
		return err
	}
	encoded, err := keys.EncodePrivate(key)
	if err != nil {
		return err
	}
	a.secrets.add(encoded)
	publicPEM, err := keys.PublicPEM(&key.PublicKey)
	if err != nil {
		return err
	}

	// Save the private key first, then show the public key, then write
	// it beside the config: whatever fails, the user never holds a public
	// key whose private key was not saved, nor loses the public key.
	if err := os.MkdirAll(filepath.Dir(cfg.Path()), 0o700); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	err = a.update(ctx, true, func(f *config.File) error {
		if err := alreadySet(f); err != nil {
			return err
		}
		if opts.ConsumerKey != "" {
			f.Set(config.KeyConsumerKey, opts.ConsumerKey)
		}
		if opts.JiraHome != "" {
			f.Set(config.KeyJiraHome, opts.JiraHome)
		}
		f.Set(config.KeyPrivateKey, encoded)
		cfg = f
		return nil
	})
	if err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	if _, err := a.stdout().Write(publicPEM); err != nil {
		return err
	}
	pubPath := filepath.Join(filepath.Dir(cfg.Path()), publicKeyFile)
	if err := config.WriteFileAtomic(pubPath, publicPEM, 0o644); err != nil {
		return fmt.Errorf("keygen: the private key is saved in %s, but writing %s failed (%w): copy the public key printed above", cfg.Path(), pubPath, err)
	}
	consumerKey := cfg.Get(config.KeyConsumerKey)
	if consumerKey == "" {
		consumerKey = "<consumer_key>"
	}
	fmt.Fprintf(a.stderr(), `Saved a %d-bit private key in %s (private_key) and the public key in %s.
Public key fingerprint: %s
Next: in Jira, Administration > Applications > Application links, create an incoming
link with consumer key %s and paste the public key above; then run '%s'.
`, opts.Bits, cfg.Path(), pubPath, keys.Fingerprint(&key.PublicKey), consumerKey, config.Command(cfg.Path(), "requestToken"))
	return nil
}
