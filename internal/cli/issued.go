package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// No token is ever lost. A command that saves what Jira issues first proves
// that it can save (checkSave: before any call to Jira), checks what Jira
// sent against sane limits (checkIssued: before anything is written), and
// when the save still fails (the disk filled up meanwhile) writes the new
// credentials to a recovery file that 'config restore' puts back.

// Limits on what Jira sends that we would save. Jira's tokens, secrets and
// session handles have 32 characters, and its lifetimes are five years;
// anything far beyond that is not Jira (a proxy's page, a hostile server)
// and would make the config too large for every command to read.
const (
	maxTokenLen = 256                       // oauth_token, oauth_token_secret, oauth_session_handle
	maxLifetime = 20 * 365 * 24 * time.Hour // oauth_expires_in, oauth_authorization_expires_in
	maxLifeText = "20 years"                // maxLifetime, for messages
	jiraTokenNB = "a Jira token has 32 characters"
)

// issuedValue is one value Jira sent that a command would save.
type issuedValue struct {
	param string // its OAuth parameter name, for the message
	value string
}

// checkIssued refuses values from Jira that no Jira sends: longer than
// maxTokenLen or holding anything but printable ASCII, or lifetimes beyond
// maxLifetime. op names the command in the message.
func checkIssued(op string, values []issuedValue, lifetimes map[string]time.Duration) error {
	const remedy = "nothing was saved: check that jira_home is Jira's base URL (a proxy or another server answered?)"
	for _, v := range values {
		if len(v.value) > maxTokenLen {
			return fmt.Errorf("%s: Jira's answer holds an %s of %d bytes, more than the %d accepted (%s); %s", op, v.param, len(v.value), maxTokenLen, jiraTokenNB, remedy)
		}
		for i := 0; i < len(v.value); i++ {
			if c := v.value[i]; c <= ' ' || c >= 0x7f {
				return fmt.Errorf("%s: Jira's answer holds an %s with a byte 0x%02x, which no Jira token has; %s", op, v.param, c, remedy)
			}
		}
	}
	for _, param := range []string{"oauth_expires_in", "oauth_authorization_expires_in"} {
		if d, ok := lifetimes[param]; ok && d > maxLifetime {
			return fmt.Errorf("%s: Jira's answer gives an %s of %d seconds, more than %s (Jira's is five years); %s", op, param, int64(d/time.Second), maxLifeText, remedy)
		}
	}
	return nil
}

// checkCredentials is checkIssued for an access token answer.
func checkCredentials(op string, creds oauth.Credentials) error {
	values := []issuedValue{{"oauth_token", creds.Token}, {"oauth_token_secret", creds.Secret}}
	if creds.SessionHandle != "" {
		values = append(values, issuedValue{"oauth_session_handle", creds.SessionHandle})
	}
	return checkIssued(op, values, map[string]time.Duration{
		"oauth_expires_in":               creds.ExpiresIn,
		"oauth_authorization_expires_in": creds.AuthorizationExpiresIn,
	})
}

// checkSave proves, before op asks Jira for anything, that the config can
// be saved: see config.CheckSave. The message says that Jira was not asked.
func (a *app) checkSave(ctx context.Context, op string) error {
	a.catchSignals()
	if err := config.CheckSave(ctx, a.configPath); err != nil {
		return notAskedErr(op, err)
	}
	return nil
}

// notAskedErr is a failed save check of op: nothing was sent to Jira.
func notAskedErr(op string, err error) error {
	return fmt.Errorf("%s: %w (Jira was not asked, so the saved tokens still work)", op, err)
}

// setting is a key to set in the config; an empty value removes the key.
type setting struct{ key, value string }

// settings are what a command saves after Jira issued a token.
type settings []setting

func (s settings) apply(f *config.File) {
	for _, kv := range s {
		if kv.value == "" {
			f.Delete(kv.key)
		} else {
			f.Set(kv.key, kv.value)
		}
	}
}

// restorable are the keys a recovery file may hold: what Jira issues.
var restorable = []string{
	config.KeyRequestToken, config.KeyRequestTokenSecret, config.KeyRequestTokenIssuedAt,
	config.KeyAccessToken, config.KeySecret, config.KeyAccessTokenIssuedAt, config.KeyAccessTokenExpiresAt,
	config.KeySessionHandle, config.KeySessionExpiresAt, config.KeyAccessTokenJiraHome,
	config.KeyAuthMethod, config.KeyOAuth2AccessToken, config.KeyOAuth2RefreshToken, config.KeyOAuth2ExpiresAt,
	config.KeyPAT, config.KeyPATID, config.KeyPATExpiresAt,
}

// saveIssued saves values (what Jira issued to op) in the config under its
// lock; check, if set, runs first on the config read afresh and may refuse
// the save on purpose (a token from another jira_home). Every other
// failure, Ctrl-C while waiting for the lock included, puts the values in
// a recovery file (see recoverIssued): Jira cannot be asked for them again.
func (a *app) saveIssued(ctx context.Context, op string, values settings, check func(*config.File) error) error {
	var refused bool
	err := a.update(ctx, false, func(f *config.File) error {
		if check != nil {
			if err := check(f); err != nil {
				refused = true
				return err
			}
		}
		values.apply(f)
		return nil
	})
	if err == nil || refused {
		return err
	}
	return a.recoverIssued(op, values, err)
}

// recoveredError is a save that failed after Jira issued a token, whose
// values went to a recovery file: the message names it, so Main keeps it
// even when the user pressed Ctrl-C.
type recoveredError struct{ err error }

func (e *recoveredError) Error() string { return e.err.Error() }
func (e *recoveredError) Unwrap() error { return e.err }

// recoverIssued writes values, which Jira issued but which could not be
// saved (saveErr), to a recovery file readable only by the user, and
// returns the one-line error naming it and the command that restores it.
func (a *app) recoverIssued(op string, values settings, saveErr error) error {
	path, err := writeRecovery(a.configPath, values, a.now())
	if err != nil {
		return fmt.Errorf("%s: Jira issued a new token, but saving it failed (%w), and writing it to a recovery file failed too (%v): free some space or make the folder writable, then run '%s'", op, saveErr, err, a.command("login"))
	}
	return &recoveredError{fmt.Errorf("%s: Jira issued a new token, but saving it failed (%w); it is kept in %s: once the config can be written, run '%s'",
		op, saveErr, path, config.Command(a.configPath, "config restore "+config.QuoteArg(path)))}
}

// writeRecovery writes values to a new 0600 file named after the config
// and the time: next to the config if its folder takes it, else in the
// user's cache folder, else in the temp folder. It returns its path.
func writeRecovery(configPath string, values settings, now time.Time) (string, error) {
	name := filepath.Base(configPath) + ".recovered-" + now.UTC().Format("20060102T150405Z")
	abs, err := filepath.Abs(configPath)
	if err != nil {
		abs = configPath
	}
	f := config.New(name)
	for _, kv := range values {
		f.Set(kv.key, kv.value)
	}
	data := append([]byte(fmt.Sprintf("# jira-oauth recovery file: Jira issued these credentials for %s at %s, but saving them failed.\n# Restore them with: jira-oauth --config CONFIG config restore THIS_FILE\n",
		strings.ReplaceAll(abs, "\n", " "), now.UTC().Format(time.RFC3339))), f.Bytes()...)
	dirs := []string{filepath.Dir(abs)}
	if cache, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(cache, "jira-oauth"))
	}
	dirs = append(dirs, os.TempDir())
	var errs []error
	for i, dir := range dirs {
		if i > 0 { // the config's own folder exists; the others may not
			if err := os.MkdirAll(dir, 0o700); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		path, err := writeNew(dir, name, data)
		if err == nil {
			return path, nil
		}
		errs = append(errs, err)
	}
	return "", errors.Join(errs...)
}

// writeNew creates dir/name (or dir/name-N when it exists), mode 0600, and
// writes and syncs data; a file it could not finish is removed.
func writeNew(dir, name string, data []byte) (string, error) {
	for i := 0; ; i++ {
		path := filepath.Join(dir, name)
		if i > 0 {
			path = fmt.Sprintf("%s-%d", path, i)
		}
		w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) && i < 100 {
			continue
		}
		if err != nil {
			return "", err
		}
		_, err = w.Write(data)
		if err == nil {
			err = w.Sync()
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return "", err
		}
		return path, nil
	}
}

// saveLogin saves the access token login obtained for the jira_home of cfg
// (the config as login read it): not if jira_home changed while login
// waited, and to a recovery file if the save fails.
func (a *app) saveLogin(ctx context.Context, cfg *config.File, creds oauth.Credentials, issued time.Time) error {
	if err := checkCredentials("login", creds); err != nil {
		return err
	}
	jiraHome := cfg.Get(config.KeyJiraHome)
	err := a.saveIssued(ctx, "login", accessTokenSettings(creds, issued, jiraHome), func(f *config.File) error {
		return sameJiraHome("login", jiraHome, f)
	})
	if err != nil {
		return wrapOp("login", err)
	}
	return nil
}

// checkRequestToken is checkIssued for a request token answer.
func checkRequestToken(op string, tmp oauth.TemporaryCredentials) error {
	return checkIssued(op, []issuedValue{{"oauth_token", tmp.Token}, {"oauth_token_secret", tmp.Secret}}, nil)
}
