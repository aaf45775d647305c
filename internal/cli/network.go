package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

// insecureWarning is printed on stderr by every invocation that uses
// --insecure: the flag is never saved, so nobody forgets it is on.
const insecureWarning = "jira-oauth: warning: --insecure: Jira's TLS certificate is not checked, so anyone on the network path can pose as Jira and take the access token; use --ca-file instead\n"

// defaultPorts are the ports a URL without one uses.
var defaultPorts = map[string]string{"http": "80", "https": "443"}

// transport returns the HTTP transport for Jira calls: the system roots
// plus --ca-file (or ca_file in cfg), the --client-cert/--client-key pair
// for mutual TLS, --insecure, and the proxies of HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY as Env.Getenv reads them.
func (a *app) transport(cfg *config.File) (*http.Transport, error) {
	tlsConfig, err := a.tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = tlsConfig
	t.Proxy = a.proxy()
	t.OnProxyConnectResponse = func(_ context.Context, proxyURL *url.URL, _ *http.Request, resp *http.Response) error {
		if resp.StatusCode != http.StatusOK {
			return &oauth.ProxyRefusedError{Proxy: proxyDisplay(proxyURL), Status: resp.Status}
		}
		return nil
	}
	return t, nil
}

// tlsConfig builds the TLS settings from the global flags and cfg.
func (a *app) tlsConfig(cfg *config.File) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	caFile, fromConfig := a.caFile, false
	if caFile == "" && cfg != nil {
		caFile, fromConfig = cfg.Get(config.KeyCAFile), true
		if caFile != "" && !filepath.IsAbs(caFile) {
			caFile = filepath.Join(filepath.Dir(cfg.Path()), caFile)
		}
	}
	if caFile != "" {
		pool, err := certPool(a.context(), caFile)
		switch {
		case err != nil && fromConfig:
			return nil, &config.Error{Path: cfg.Path(), Key: config.KeyCAFile, Err: err}
		case err != nil:
			return nil, usageErrorf("--ca-file: " + err.Error())
		}
		c.RootCAs = pool
	}
	if a.clientCert != "" || a.clientKey != "" {
		cert, err := clientCertificate(a.context(), a.clientCert, a.clientKey)
		if err != nil {
			return nil, err
		}
		c.Certificates = []tls.Certificate{cert}
	}
	if a.insecure {
		a.warnInsecure(cfg)
		c.InsecureSkipVerify = true
	}
	return c, nil
}

// warnInsecure prints insecureWarning once per invocation, unless
// jira_home is plain http: there is no TLS to skip checking.
func (a *app) warnInsecure(cfg *config.File) {
	if cfg != nil {
		if home, err := cfg.JiraHome(); err == nil && home.Scheme == "http" {
			return
		}
	}
	if !a.warnedInsecure {
		a.warnedInsecure = true
		fmt.Fprint(a.stderr(), insecureWarning)
	}
}

// clientCertificate loads the client certificate and key for mutual TLS,
// with errors that name the flag and the file to fix.
func clientCertificate(ctx context.Context, certFile, keyFile string) (tls.Certificate, error) {
	if certFile == "" || keyFile == "" {
		return tls.Certificate{}, usageErrorf("--client-cert and --client-key go together: give both, the PEM files of the client certificate and of its private key")
	}
	certPEM, err := readPEMFile(ctx, "--client-cert", certFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := readPEMFile(ctx, "--client-key", keyFile)
	if err != nil {
		return tls.Certificate{}, err
	}
	if !hasPEMBlock(certPEM, func(t string) bool { return t == "CERTIFICATE" }) {
		return tls.Certificate{}, usageErrorf(fmt.Sprintf("--client-cert %s has no PEM certificate (-----BEGIN CERTIFICATE-----): give the client certificate as PEM", certFile))
	}
	if hasPEMBlock(keyPEM, func(t string) bool { return t == "ENCRYPTED PRIVATE KEY" }) || strings.Contains(string(keyPEM), "Proc-Type: 4,ENCRYPTED") {
		return tls.Certificate{}, usageErrorf(fmt.Sprintf("--client-key %s is encrypted: decrypt it into a new file first (openssl pkey -in %s -out client-key-plain.pem) and keep that 0600", keyFile, keyFile))
	}
	if !hasPEMBlock(keyPEM, func(t string) bool { return strings.HasSuffix(t, "PRIVATE KEY") }) {
		return tls.Certificate{}, usageErrorf(fmt.Sprintf("--client-key %s has no PEM private key (-----BEGIN PRIVATE KEY-----): give the key of the client certificate as PEM", keyFile))
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		if strings.Contains(err.Error(), "does not match") {
			return tls.Certificate{}, usageErrorf(fmt.Sprintf("--client-key %s is not the key of the certificate in --client-cert %s: give the key the certificate was issued for", keyFile, certFile))
		}
		return tls.Certificate{}, usageErrorf(fmt.Sprintf("--client-cert %s, --client-key %s: %s", certFile, keyFile, strings.TrimPrefix(err.Error(), "tls: ")))
	}
	return cert, nil
}

// readPEMFile reads a file named by flag; the key file's content never
// appears in an error.
func readPEMFile(ctx context.Context, flag, path string) ([]byte, error) {
	data, err := readFileLimited(ctx, path, maxPEMFile, "PEM certificate or key")
	var tooLarge *fileTooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return nil, usageErrorf(flag + " " + tooLarge.Error())
	case errors.Is(err, os.ErrNotExist):
		return nil, usageErrorf(fmt.Sprintf("%s %s: no such file: give the path of a PEM file", flag, path))
	case err != nil:
		var pathErr *os.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, usageErrorf(fmt.Sprintf("%s %s: cannot read the file: %v", flag, path, err))
	}
	return data, nil
}

// hasPEMBlock reports whether data holds a PEM block whose type matches.
func hasPEMBlock(data []byte, match func(blockType string) bool) bool {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return false
		}
		if match(block.Type) {
			return true
		}
	}
}

// proxy returns the transport's Proxy function: HTTPS_PROXY for https
// jira_home, HTTP_PROXY for http (upper or lower case, upper first), and
// no proxy for hosts NO_PROXY lists, nor for localhost and loopback
// addresses, as Go's http.ProxyFromEnvironment does. The variables are
// read through Env.Getenv so that tests control them. With --verbose each
// call says which proxy it goes through (password redacted).
func (a *app) proxy() func(*http.Request) (*url.URL, error) {
	env := proxyEnv{
		httpProxy:  a.getenvAny("HTTP_PROXY", "http_proxy"),
		httpsProxy: a.getenvAny("HTTPS_PROXY", "https_proxy"),
		noProxy:    a.getenvAny("NO_PROXY", "no_proxy"),
	}
	if a.env.Getenv("REQUEST_METHOD") != "" {
		// Under CGI, HTTP_PROXY may come from a client's "Proxy:" header
		// (httpoxy): ignore it, as Go does.
		env.httpProxy = ""
	}
	return func(r *http.Request) (*url.URL, error) {
		u, err := env.proxyFor(r.URL)
		if err == nil && u != nil && a.verbose {
			fmt.Fprintf(a.secrets.writer(a.stderr()), "* through proxy %s\n", proxyDisplay(u))
		}
		return u, err
	}
}

func (a *app) getenvAny(names ...string) string {
	for _, n := range names {
		if v := a.env.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// proxyEnv holds the proxy variables.
type proxyEnv struct {
	httpProxy, httpsProxy, noProxy string
}

// proxyFor returns the proxy for target, or nil for a direct connection.
func (e proxyEnv) proxyFor(target *url.URL) (*url.URL, error) {
	raw, name := e.httpProxy, "HTTP_PROXY"
	if target.Scheme == "https" {
		raw, name = e.httpsProxy, "HTTPS_PROXY"
	}
	if raw == "" || !e.useProxy(target) {
		return nil, nil
	}
	u, err := parseProxy(raw)
	if err != nil {
		return nil, &proxySettingError{name: name, err: err}
	}
	return u, nil
}

// proxySettingError is a proxy variable that cannot be used; through
// oauth.NetworkError it says which variable to fix.
type proxySettingError struct {
	name string
	err  error
}

func (e *proxySettingError) Error() string { return e.name + ": " + e.err.Error() }

// Advice is what oauth.NetworkError shows as the advice.
func (e *proxySettingError) Advice() string {
	return "fix or unset " + e.name
}

// errProxyNotClean is a proxy setting that is not exactly
// scheme://[user:password@]host[:port]. It never quotes the value: the
// part that did not parse is most often the password.
var errProxyNotClean = errors.New("is not a clean proxy URL (want http://host:port or http://user:password@host:port; " +
	"write '#', '/', '?', '@' and spaces in the user or password as %23, %2F, %3F, %40 and %20)")

// parseProxy reads a proxy URL; "host:port" means http://host:port. It
// refuses anything but scheme://[userinfo@]host[:port][/]: an unescaped
// '#', '/' or '?' in a password makes the rest of it a fragment, path or
// query, and the proxy some other host (and, printed, the password shows).
func parseProxy(raw string) (*url.URL, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" || u.Opaque != "" || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, " \t\r\n#?") {
		return nil, errProxyNotClean
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
		return u, nil
	}
	return nil, fmt.Errorf("proxy scheme %q is not supported (want http, https or socks5)", termsafe.String(u.Scheme))
}

// proxyDisplay shows a proxy URL for messages and -v: scheme and host
// only, never the user or password.
func proxyDisplay(u *url.URL) string {
	s := (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
	if u.User != nil {
		s += " (with credentials)"
	}
	return s
}

// useProxy reports whether target should go through a proxy: not for
// localhost or loopback addresses, nor for a host NO_PROXY matches.
// NO_PROXY is a comma-separated list of "*", host names ("jira.example.com"
// also covers its subdomains, ".example.com" and "*.example.com" only the
// subdomains), IP addresses and CIDR ranges, each optionally with ":port".
func (e proxyEnv) useProxy(target *url.URL) bool {
	host := strings.ToLower(target.Hostname())
	port := target.Port()
	if port == "" {
		port = defaultPorts[target.Scheme]
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return false
	}
	ip, ipErr := netip.ParseAddr(host)
	if ipErr == nil && ip.IsLoopback() {
		return false
	}
	for entry := range strings.SplitSeq(e.noProxy, ",") {
		entry = strings.ToLower(strings.TrimSpace(entry))
		if entry == "" {
			continue
		}
		if entry == "*" {
			return false
		}
		if prefix, err := netip.ParsePrefix(entry); err == nil {
			if ipErr == nil && prefix.Contains(ip) {
				return false
			}
			continue
		}
		entryHost, entryPort := entry, ""
		if h, p, err := net.SplitHostPort(entry); err == nil {
			entryHost, entryPort = h, p
		}
		if entryPort != "" && entryPort != port {
			continue
		}
		if entryIP, err := netip.ParseAddr(strings.Trim(entryHost, "[]")); err == nil {
			if ipErr == nil && entryIP == ip {
				return false
			}
			continue
		}
		entryHost = strings.TrimPrefix(entryHost, "*")
		if strings.HasPrefix(entryHost, ".") {
			if strings.HasSuffix(host, entryHost) {
				return false
			}
			continue
		}
		if host == entryHost || strings.HasSuffix(host, "."+entryHost) {
			return false
		}
	}
	return true
}

// certPool returns the system roots plus the certificates in the PEM file.
func certPool(ctx context.Context, path string) (*x509.CertPool, error) {
	pemData, err := readFileLimited(ctx, path, maxPEMBundle, "PEM certificate bundle")
	if err != nil {
		var tooLarge *fileTooLargeError
		if errors.As(err, &tooLarge) {
			return nil, fmt.Errorf("CA bundle %w", err)
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("CA bundle %s not found: give the path of a PEM file with your Jira's CA certificates", path)
		}
		return nil, fmt.Errorf("cannot read CA bundle: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pemData) {
		return nil, fmt.Errorf("%s has no PEM certificate (-----BEGIN CERTIFICATE-----): export Jira's CA certificate as PEM", path)
	}
	return pool, nil
}
