package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

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
created if it is missing, and made readable only by you if others could read
it. The public key is written beside the config (jira_publickey.pem for
config.properties, NAME_publickey.pem for NAME.properties) and printed on
stdout: paste it into Jira's incoming Application Link. An existing key is
only replaced with --force, and the new public key must then be registered
in Jira in place of the old one.`,
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
	// LoadForRepair: keygen --force must work on a config too large for
	// the other commands, so the user can start again.
	cfg, err := config.LoadForRepair(a.context(), a.configPath)
	if errors.Is(err, fs.ErrNotExist) {
		cfg, err = config.New(a.configPath), nil
	}
	if err != nil {
		return err
	}
	a.rememberSecrets(cfg)
	// Check the values before the slow key generation; they are set (and
	// private_key checked again) under the lock below.
	alreadySet := func(f *config.File) error {
		if f.Get(config.KeyPrivateKey) != "" && !opts.Force {
			return &config.Error{Path: f.Path(), Key: config.KeyPrivateKey,
				Err: fmt.Errorf("is already set; keep it, or run '%s' to replace it (then register the new public key in Jira's Application Link)", config.Command(f.Path(), "keygen --force"))}
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
	if err := os.MkdirAll(filepath.Dir(cfg.Path()), 0o700); err != nil {
		return fmt.Errorf("keygen: %w", err)
	}
	a.catchSignals()
	if err := config.CheckSave(ctx, a.configPath); err != nil {
		return fmt.Errorf("keygen: %w", err)
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

	// Under the config's lock, write the public key file first, then the
	// private key: a failed save puts the old public key back, so the pair
	// on disk always matches (a kill in between leaves the new public key
	// with the old private key, which keygen --force then replaces).
	pubPath := publicKeyPath(cfg.Path())
	var (
		oldPub    []byte
		oldPubErr error
		wrotePub  bool
		tightened fs.FileMode // the mode the config had when keygen made it 0600
	)
	err = a.update(ctx, true, func(f *config.File) error {
		if err := alreadySet(f); err != nil {
			return err
		}
		config.RemoveStaleTemps(pubPath)
		oldPub, oldPubErr = readFileLimited(ctx, pubPath, maxPublicKey, "public key") // bounded, as every read
		if err := config.WriteFileAtomic(pubPath, publicPEM, 0o644); err != nil {
			return fmt.Errorf("writing the public key to %s failed (%w); nothing was saved", pubPath, err)
		}
		wrotePub = true
		if opts.ConsumerKey != "" {
			f.Set(config.KeyConsumerKey, opts.ConsumerKey)
		}
		if opts.JiraHome != "" {
			f.Set(config.KeyJiraHome, opts.JiraHome)
		}
		f.Set(config.KeyPrivateKey, encoded)
		// The file now holds a private key: like ssh-keygen, never leave
		// it readable by others (before it is written, not after).
		if f.PermWarning() != "" {
			if err := os.Chmod(f.Path(), 0o600); err != nil {
				return fmt.Errorf("%s is open to group/others (mode %04o) and making it 0600 failed (%w): nothing was saved; run 'chmod 600 %s' first", f.Path(), f.Perm(), err, f.Path())
			}
			tightened = f.Perm()
		}
		cfg = f
		return nil
	})
	if err != nil {
		if wrotePub {
			restorePublicKey(pubPath, oldPub, oldPubErr)
		}
		return wrapOp("keygen", err)
	}
	if tightened != 0 {
		what := "readable"
		if tightened&0o044 == 0 {
			what = "writable"
		}
		fmt.Fprintf(a.stderr(), "jira-oauth: %s was %s by group/others (mode %04o) and now holds a private key: made it 0600\n", cfg.Path(), what, tightened)
	}
	// %v, not %w: this line says more than the generic stdout error Main
	// would put in its place (the pair is saved; only the printing failed).
	if _, err := a.stdout().Write(publicPEM); err != nil {
		return fmt.Errorf("keygen: the key pair is saved (private_key in %s, public key in %s), but printing the public key failed: %v", cfg.Path(), pubPath, err)
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

// publicKeyPath is where keygen writes the public key of the config at
// configPath, beside it: jira_publickey.pem for config.properties (the
// name Atlassian's guide uses), NAME_publickey.pem for NAME.properties,
// so that two configs in one folder never share (and overwrite) one file.
func publicKeyPath(configPath string) string {
	base := filepath.Base(configPath)
	name := "jira_publickey.pem"
	if base != defaultConfigPath {
		name = strings.TrimSuffix(base, ".properties") + "_publickey.pem"
	}
	return filepath.Join(filepath.Dir(configPath), name)
}

// restorePublicKey puts back the public key file keygen replaced before
// its config save failed (or removes the one it created), so that the
// pair on disk still matches.
func restorePublicKey(path string, old []byte, readErr error) {
	if readErr != nil {
		_ = os.Remove(path)
		return
	}
	_ = config.WriteFileAtomic(path, old, 0o644)
}
