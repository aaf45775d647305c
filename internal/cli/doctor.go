package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/keys"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

type doctorOptions struct {
	app *app
}

func newCmdDoctor(a *app, runF func(*doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{app: a}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the config, the network, Jira's base URL, the clock, the key and the tokens",
		Long: `Run a preflight checklist and print one line per check: a tick (✓), a cross
(✗) with what to do, or a dash (-) for a check that could not run because
an earlier one failed. The checks:

  config      present, readable, mode 0600 (not readable by group or others)
  jira_home   set, and Jira answers at it (GET /rest/api/2/serverInfo)
  TLS         Jira's certificate is trusted (https only)
  base URL    jira_home equals Jira's own base URL: the top cause of
              signature_invalid, since the signature covers the URL
  clock       the clock is within 5 minutes of Jira's (its Date header)
  private key parses, and matches its public key file beside the config
              (jira_publickey.pem, or NAME_publickey.pem for NAME.properties)
  consumer    Jira knows consumer_key and accepts the signature (a signed
              request-token call; the unused token expires in 10 minutes)
  access      the access token works (GET /rest/api/2/myself, not anonymous)

With auth_method oauth2 the private key and consumer checks give way to:

  https       jira_home is https (Jira's consent page requires it; a
              loopback address is let through for test instances)
  redirect    oauth2_redirect_uri is http://localhost:PORT/... or https
  scope       oauth2_scope is READ, WRITE, ADMIN or SYSTEM_ADMIN
  client      Jira accepts oauth2_client_id and oauth2_client_secret (a
              revocation of a token that does not exist: nothing changes)

and with auth_method pat, by "pat": the token is present and not expired.
"access" then makes its call with the OAuth 2.0 token or the PAT.

Exits 0 when every check passes, 1 otherwise.`,
		Example: `  jira-oauth doctor
  jira-oauth doctor --ca-file company-ca.pem`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runDoctor(cmd.Context(), opts)
		},
	}
	return cmd
}

// maxClockSkew is how far Jira lets oauth_timestamp stray from its clock.
const maxClockSkew = 5 * time.Minute

// checklist prints checks as they finish and counts them: every line
// printed is a check, passed, failed or skipped.
type checklist struct {
	w                       io.Writer
	failed, passed, skipped int
}

func (c *checklist) pass(name, detail string) {
	c.passed++
	fmt.Fprintf(c.w, "✓ %-12s%s\n", name, termsafe.String(detail))
}

func (c *checklist) fail(name, detail string) {
	c.failed++
	fmt.Fprintf(c.w, "✗ %-12s%s\n", name, termsafe.String(oneLine(detail)))
}

func (c *checklist) skip(name, why string) {
	c.skipped++
	fmt.Fprintf(c.w, "- %-12sskipped: %s\n", name, termsafe.String(why))
}

// summary counts every check printed, the skipped ones too; doctor is
// the command line that runs doctor again.
func (c *checklist) summary(doctor string) string {
	skipped := ""
	if c.skipped > 0 {
		skipped = fmt.Sprintf(", %d skipped", c.skipped)
	}
	return fmt.Sprintf("doctor: %d of %d checks failed%s: fix the first ✗ above and run '%s' again", c.failed, c.failed+c.passed+c.skipped, skipped, doctor)
}

func runDoctor(ctx context.Context, opts *doctorOptions) error {
	a := opts.app
	c := &checklist{w: a.stdout()}
	err := doctorChecks(ctx, a, c)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	if c.failed > 0 {
		return errors.New(c.summary(a.command("doctor")))
	}
	return nil
}

func doctorChecks(ctx context.Context, a *app, c *checklist) error {
	// config (its mode is a check below, not a warning)
	cfg, err := a.readConfig() // with the environment: envconfig.go
	if err == nil {
		a.rememberSecrets(cfg)
	}
	if err != nil {
		c.fail("config", err.Error())
		for _, name := range []string{"jira_home", "TLS", "base URL", "clock", "private key", "consumer", "access"} {
			c.skip(name, "no config")
		}
		return nil
	}
	if w := cfg.PermWarning(); w != "" {
		c.fail("config", w)
	} else {
		c.pass("config", configSource(cfg))
	}

	method, methodErr := cfg.AuthMethod()
	var keyOK bool
	if method == config.AuthOAuth1 && methodErr == nil {
		keyOK = checkPrivateKey(a, cfg, c)
	} else {
		c.skip("private key", "auth_method is not oauth1: OAuth 2.0 and PATs need no key")
	}

	// jira_home, TLS, base URL, clock: one unsigned call to serverInfo.
	home, err := cfg.JiraHome()
	if err != nil {
		c.fail("jira_home", err.Error())
		for _, name := range []string{"TLS", "base URL", "clock", "consumer", "access"} {
			c.skip(name, "no usable jira_home")
		}
		return nil
	}
	reachable := checkServer(ctx, a, cfg, home, c)
	if !reachable {
		c.skip("consumer", "Jira is not reachable")
		c.skip("access", "Jira is not reachable")
		return nil
	}

	if methodErr != nil {
		c.fail("auth_method", methodErr.Error())
		c.skip("access", "no usable auth_method")
		return nil
	}
	if method != config.AuthOAuth1 {
		return doctorBearer(ctx, a, cfg, home, method, c) // doctor_oauth2.go
	}

	// consumer and access: signed calls.
	if !keyOK {
		c.skip("consumer", "no usable private key")
		c.skip("access", "no usable private key")
		return nil
	}
	client, err := a.oauthClient(cfg)
	if err != nil {
		c.fail("consumer", err.Error())
		c.skip("access", "no OAuth client")
		return nil
	}
	if _, err := client.RequestToken(ctx, "oob"); err != nil {
		c.fail("consumer", err.Error())
		c.skip("access", "Jira refuses the consumer's signed calls")
		return nil
	}
	consumerKey, _ := cfg.ConsumerKey()
	c.pass("consumer", fmt.Sprintf("Jira knows consumer key %q and accepts its signature", consumerKey))

	if token(cfg, config.KeyAccessToken) == "" {
		c.fail("access", fmt.Sprintf("no access token in %s: run '%s'", cfg.Path(), config.Command(cfg.Path(), "login")))
		return nil
	}
	if client, err = a.authClient(cfg); err != nil {
		c.fail("access", err.Error())
		return nil
	}
	s := &restSession{cfg: cfg, client: client}
	user, err := s.myself(ctx, "access")
	if err != nil {
		c.fail("access", err.Error())
		return nil
	}
	c.pass("access", fmt.Sprintf("the access token acts as %s", user.Name))
	return nil
}

// checkPrivateKey checks that private_key parses and matches the public
// key file keygen wrote beside the config, if there is one.
func checkPrivateKey(a *app, cfg *config.File, c *checklist) bool {
	key, err := cfg.PrivateKey()
	if err != nil {
		c.fail("private key", err.Error())
		return false
	}
	fingerprint := keys.Fingerprint(&key.PublicKey)
	pubPath := publicKeyPath(cfg.Path())
	data, err := readFileLimited(a.context(), pubPath, maxPublicKey, "public key")
	var tooLarge *fileTooLargeError
	switch {
	case errors.As(err, &tooLarge):
		c.fail("private key", tooLarge.Error())
		return true
	case errors.Is(err, fs.ErrNotExist):
		c.pass("private key", fmt.Sprintf("RSA %d bits, public key fingerprint %s (no %s to compare)", key.N.BitLen(), fingerprint, pubPath))
		return true
	case err != nil:
		c.fail("private key", fmt.Sprintf("cannot read %s: %v", pubPath, errors.Unwrap(err)))
		return true
	}
	pub, err := keys.ParsePublic(data)
	if err != nil {
		c.fail("private key", fmt.Sprintf("%s: %v", pubPath, err))
		return true
	}
	if !pub.Equal(&key.PublicKey) {
		c.fail("private key", fmt.Sprintf("private_key does not match %s (fingerprint %s, the key's is %s): if whoami works, that file is stale: remove it; otherwise register the public key of private_key in the Application Link, or run '%s' and register the new public key in Jira",
			pubPath, keys.Fingerprint(pub), fingerprint, a.command("keygen --force")))
		return true
	}
	c.pass("private key", fmt.Sprintf("RSA %d bits, matches %s (fingerprint %s)", key.N.BitLen(), pubPath, fingerprint))
	return true
}

// checkServer calls serverInfo without a signature and checks
// reachability, TLS, Jira's base URL and the clock. It reports whether Jira
// answered.
func checkServer(ctx context.Context, a *app, cfg *config.File, home *url.URL, c *checklist) bool {
	httpClient, err := a.httpClient(cfg)
	if err != nil {
		c.fail("jira_home", err.Error())
		c.skip("TLS", "no HTTP client")
		c.skip("base URL", "no HTTP client")
		c.skip("clock", "no HTTP client")
		return false
	}
	infoURL := strings.TrimSuffix(home.String(), "/") + "/rest/api/2/serverInfo"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, infoURL, nil)
	if err != nil {
		c.fail("jira_home", err.Error())
		return false
	}
	req.Header.Set("Accept", "application/json")
	noRedirects := *httpClient
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	sent := a.now()
	resp, err := noRedirects.Do(req)
	received := a.now()
	if err != nil {
		netErr := &oauth.NetworkError{Op: "jira_home", URL: infoURL, Err: err}
		if isTLSError(err) {
			c.pass("jira_home", "something answers at "+home.Host)
			c.fail("TLS", netErr.Error())
		} else {
			c.fail("jira_home", netErr.Error())
			c.skip("TLS", "Jira is not reachable")
		}
		c.skip("base URL", "Jira is not reachable")
		c.skip("clock", "Jira is not reachable")
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))

	var info struct {
		BaseURL string `json:"baseUrl"`
		Version string `json:"version"`
	}
	jsonErr := json.Unmarshal(body, &info)
	if resp.StatusCode != http.StatusOK || jsonErr != nil || info.BaseURL == "" {
		detail := fmt.Sprintf("%s answered %s, not Jira's serverInfo: check that jira_home is Jira's base URL", infoURL, resp.Status)
		if loc := resp.Header.Get("Location"); loc != "" {
			detail = fmt.Sprintf("%s redirects to %s: set jira_home to the URL Jira is served at", infoURL, loc)
		}
		c.fail("jira_home", detail)
	} else {
		c.pass("jira_home", fmt.Sprintf("Jira %s answers at %s", info.Version, home))
	}

	if resp.TLS == nil {
		c.skip("TLS", "jira_home is plain http (tokens and signatures travel unencrypted)")
	} else {
		c.pass("TLS", "certificate trusted: "+describeCert(resp.TLS))
	}

	switch {
	case info.BaseURL == "":
		c.skip("base URL", "Jira's base URL is unknown (no serverInfo)")
	case !sameBaseURL(info.BaseURL, home.String()):
		c.fail("base URL", fmt.Sprintf("Jira's base URL is %s but jira_home is %s: Jira checks signatures against its own base URL, so calls fail with signature_invalid; set jira_home to %s (or fix Jira's Base URL setting)", info.BaseURL, home, info.BaseURL))
	default:
		c.pass("base URL", "jira_home is Jira's own base URL")
	}

	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		c.skip("clock", "Jira sent no Date header")
		return true
	}
	// The Date was set between sending and receiving: compare it with the
	// middle. It is truncated to the second, so Jira's clock read between
	// date and date+1s: take the middle of that too.
	local := sent.Add(received.Sub(sent) / 2)
	skew := local.Sub(date.Add(500 * time.Millisecond)).Round(time.Second)
	switch {
	case skew > maxClockSkew:
		c.fail("clock", fmt.Sprintf("this machine's clock is %s ahead of Jira's; Jira refuses timestamps more than 5 minutes off (timestamp_refused): sync the clock (NTP)", skew))
	case skew < -maxClockSkew:
		c.fail("clock", fmt.Sprintf("this machine's clock is %s behind Jira's; Jira refuses timestamps more than 5 minutes off (timestamp_refused): sync the clock (NTP)", -skew))
	default:
		c.pass("clock", fmt.Sprintf("within %s of Jira's clock", max(skew, -skew)+time.Second))
	}
	return true
}

// isTLSError reports a failure of the TLS handshake or certificate check,
// as opposed to not reaching the server at all.
func isTLSError(err error) bool {
	var (
		verify      *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalid     x509.CertificateInvalidError
		record      tls.RecordHeaderError
	)
	return errors.As(err, &verify) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) ||
		errors.As(err, &invalid) || errors.As(err, &record) || strings.Contains(err.Error(), "tls: ")
}

// describeCert names the server certificate and its issuer.
func describeCert(state *tls.ConnectionState) string {
	if len(state.PeerCertificates) == 0 {
		return "no certificate"
	}
	cert := state.PeerCertificates[0]
	return fmt.Sprintf("issued to %s by %s, valid until %s", certName(cert), cert.Issuer.CommonName, cert.NotAfter.UTC().Format(time.DateOnly))
}

func certName(cert *x509.Certificate) string {
	if cert.Subject.CommonName != "" {
		return cert.Subject.CommonName
	}
	if len(cert.DNSNames) > 0 {
		return cert.DNSNames[0]
	}
	if len(cert.IPAddresses) > 0 {
		return cert.IPAddresses[0].String()
	}
	return "(unnamed)"
}

// sameBaseURL compares two base URLs as Jira does when it builds signature
// base strings: scheme and host case-insensitively, default ports
// dropped, and the path without a trailing slash.
func sameBaseURL(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil {
		return a == b
	}
	norm := func(u *url.URL) string {
		host := strings.ToLower(u.Hostname())
		port := u.Port()
		scheme := strings.ToLower(u.Scheme)
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
			port = ""
		}
		if port != "" {
			host += ":" + port
		}
		return scheme + "://" + host + strings.TrimSuffix(u.EscapedPath(), "/")
	}
	return norm(ua) == norm(ub)
}
