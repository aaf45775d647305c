package cli

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dghubble/oauth1"

	"github.com/jira-oauth/jira-oauth/internal/config"
	"github.com/jira-oauth/jira-oauth/internal/jiratest"
	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// linkedToProvider runs the whole dance through Main against a fresh
// jiratest provider and returns the config path and the provider's URL.
func linkedToProvider(tb testing.TB) (configPath, jiraURL string) {
	tb.Helper()
	provider := jiratest.New(jiratest.Options{})
	srv := httptest.NewServer(provider)
	tb.Cleanup(srv.Close)
	configPath = filepath.Join(tb.TempDir(), "config.properties")
	run := func(args ...string) string {
		tb.Helper()
		var out, errOut bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errOut}
		if code := Main(context.Background(), append([]string{"--config", configPath}, args...), env); code != ExitOK {
			tb.Fatalf("jira-oauth %v: exit %d; stderr: %s", args, code, errOut.String())
		}
		return out.String()
	}
	run("keygen", "--consumer-key", "ci-bot", "--jira-home", srv.URL)
	pemData, err := os.ReadFile(publicKeyPath(configPath))
	if err != nil {
		tb.Fatal(err)
	}
	pub, err := keys.ParsePublic(pemData)
	if err != nil {
		tb.Fatal(err)
	}
	provider.AddConsumer("ci-bot", "ci link", pub)
	authorize, err := url.Parse(strings.TrimSpace(run("requestToken")))
	if err != nil {
		tb.Fatal(err)
	}
	verifier, err := provider.Approve(authorize.Query().Get("oauth_token"))
	if err != nil {
		tb.Fatal(err)
	}
	run("accessToken", verifier)
	return configPath, srv.URL
}

// exportFormat runs export --format format on configPath.
func exportFormat(t *testing.T, configPath, format string) string {
	t.Helper()
	stdout, stderr, code := runArgs(t, []string{"--config", configPath, "export", "--format", format}, Env{})
	if code != ExitOK {
		t.Fatalf("export --format %s: exit %d, stderr %q", format, code, stderr)
	}
	if !strings.Contains(stderr, "keep it secret") {
		t.Errorf("export --format %s: stderr %q; want the reminder that it is secret", format, stderr)
	}
	return stdout
}

// TestExportPEMLoadsInOAuth1: the pem export is what dghubble/oauth1 (and
// go-jira with it) signs with; a call signed by oauth1 itself, not by our
// signer, is accepted by the provider.
func TestExportPEMLoadsInOAuth1(t *testing.T) {
	t.Parallel()
	configPath, jiraURL := linkedToProvider(t)
	out := exportFormat(t, configPath, "pem")
	block, rest := pem.Decode([]byte(out))
	if block == nil || block.Type != "PRIVATE KEY" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("export --format pem = %q; want one PKCS#8 PRIVATE KEY block", out)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("key is %T; want RSA", parsed)
	}
	cfg, err := config.Load(configPath)
	if err != nil {
		t.Fatal(err)
	}
	oc := oauth1.Config{ConsumerKey: "ci-bot", Signer: &oauth1.RSASigner{PrivateKey: key}}
	client := oc.Client(context.Background(), oauth1.NewToken(cfg.Get(config.KeyAccessToken), cfg.Get(config.KeySecret)))
	resp, err := client.Get(jiraURL + "/rest/api/2/myself")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"name":"admin"`) && !strings.Contains(string(body), `"name": "admin"`) {
		t.Fatalf("oauth1 call with the exported key: %s %s", resp.Status, body)
	}
}

// TestExportFormats checks what each format holds.
func TestExportFormats(t *testing.T) {
	t.Parallel()
	configPath, jiraURL := linkedToProvider(t)
	cfg, err := config.Load(configPath)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := exportFormat(t, configPath, "pem")

	var values map[string]string
	if err := json.Unmarshal([]byte(exportFormat(t, configPath, "json")), &values); err != nil {
		t.Fatal(err)
	}
	for _, k := range cfg.Keys() {
		if values[k] != cfg.Get(k) {
			t.Errorf("json %s = %q; want %q", k, values[k], cfg.Get(k))
		}
	}
	if values["private_key_pem"] != keyPEM {
		t.Errorf("json private_key_pem = %q; want the pem export", values["private_key_pem"])
	}

	props, err := config.Parse("export", []byte(exportFormat(t, configPath, "properties")))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"consumer_key", "private_key", "jira_home", "access_token", "secret"}
	if got := props.Keys(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("properties keys = %q; want %q", got, want)
	}
	for _, k := range want {
		if props.Get(k) != cfg.Get(k) {
			t.Errorf("properties %s = %q; want %q", k, props.Get(k), cfg.Get(k))
		}
	}
	if props.Get("jira_home") != jiraURL {
		t.Errorf("properties jira_home = %q; want %q", props.Get("jira_home"), jiraURL)
	}

	// env round-trips: the lines, read back as the environment, are the config.
	envOut := exportFormat(t, configPath, "env")
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(envOut), "\n") {
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("env line %q", line)
		}
		vars[name] = value
	}
	env := Env{Getenv: func(name string) string { return vars[name] }}
	stdout, stderr, code := runArgs(t, []string{"--config", filepath.Join(t.TempDir(), "none.properties"), "export", "--format", "json"}, env)
	if code != ExitOK {
		t.Fatalf("export from the environment: exit %d, %s", code, stderr)
	}
	var again map[string]string
	if err := json.Unmarshal([]byte(stdout), &again); err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		if again[k] != v {
			t.Errorf("round trip through env: %s = %q; want %q", k, again[k], v)
		}
	}
}

func TestExportErrors(t *testing.T) {
	t.Parallel()
	configPath, _ := linkedToProvider(t)
	for _, tt := range []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"export"}, ExitUsage, "jira-oauth: export needs --format: env, json, python-jira, pem or properties; for example 'jira-oauth export --format env'\n"},
		{[]string{"export", "--format", "yaml"}, ExitUsage, "jira-oauth: --format \"yaml\" is not a format export knows: use env, json, python-jira, pem or properties\n"},
	} {
		stdout, stderr, code := runArgs(t, append([]string{"--config", configPath}, tt.args...), Env{})
		if code != tt.wantCode || stderr != tt.wantErr || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d, %q", tt.args, code, stdout, stderr, tt.wantCode, tt.wantErr)
		}
	}
}

func TestEnvQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"abc+/=":     "abc+/=",
		"http://h:1": "http://h:1",
		"a b":        "'a b'",
		"it's":       `'it'"'"'s'`,
		"$HOME":      "'$HOME'",
		"":           "''",
	} {
		if got := envQuote(in); got != want {
			t.Errorf("envQuote(%q) = %q; want %q", in, got, want)
		}
	}
}
