package config

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/jira-oauth/jira-oauth/internal/keys"
)

// testKey is the one RSA key a test run generates.
var testKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return keys.Generate(2048) })

func encodedTestKey(t testing.TB) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := testKey()
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.EncodePrivate(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, s
}

func parseString(t *testing.T, s string) *File {
	t.Helper()
	f, err := Parse("./config.properties", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestJiraHome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value   string
		want    string // "" means an error
		wantErr string
	}{
		{"https://jira.example.com", "https://jira.example.com", ""},
		{"https://jira.example.com/", "https://jira.example.com", ""},
		{"  http://localhost:8080/jira//  ", "http://localhost:8080/jira", ""},
		{"HTTPS://Jira.Example.com:8443/a/b", "https://Jira.Example.com:8443/a/b", ""},
		{"", "", "jira_home is not set in ./config.properties: run 'jira-oauth config set jira_home https://jira.example.com'"},
		{"jira.example.com", "", `./config.properties: jira_home: "jira.example.com" is not an http or https URL: want the base URL of Jira, like https://jira.example.com`},
		{"ftp://jira.example.com", "", `jira_home: "ftp://jira.example.com" is not an http or https URL`},
		{"/jira", "", "is not an http or https URL"},
		{"https://", "", `jira_home: "https:" has no host name`},
		{"https:jira", "", "has no host name"},
		{"https://user:hunter2@jira.example.com", "", "jira_home: must not contain a user name or password"},
		{"https://jira.example.com/?os_authType=basic", "", "jira_home: must not contain a query (?...) or fragment (#...)"},
		{"https://jira.example.com/?", "", "must not contain a query"},
		{"https://jira.example.com/#x", "", "must not contain a query"},
		{"https://jira.example.com/%zz", "", "jira_home: is not a valid URL"},
	}
	for _, tt := range tests {
		f := New("./config.properties")
		f.Set(KeyJiraHome, tt.value)
		u, err := f.JiraHome()
		if tt.wantErr == "" {
			if err != nil || u.String() != tt.want {
				t.Errorf("JiraHome(%q): got %v, %v; want %q", tt.value, u, err, tt.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("JiraHome(%q): got %v; want error %q", tt.value, u, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("JiraHome(%q): got error %q; want it to contain %q", tt.value, err, tt.wantErr)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("JiraHome(%q): error %q shows the password", tt.value, err)
		}
		var ce *Error
		if !errors.As(err, &ce) || ce.Key != KeyJiraHome {
			t.Errorf("JiraHome(%q): got %T; want *config.Error for jira_home", tt.value, err)
		}
	}
}

func TestConsumerKey(t *testing.T) {
	t.Parallel()
	got, err := parseString(t, "consumer_key = jira-oauth  \n").ConsumerKey()
	if err != nil || got != "jira-oauth" {
		t.Errorf("ConsumerKey: got %q, %v; want %q", got, err, "jira-oauth")
	}
	_, err = parseString(t, "consumer_key=  \n").ConsumerKey()
	if !errors.Is(err, ErrNotSet) || !strings.HasPrefix(err.Error(), "consumer_key is not set in ./config.properties: run 'jira-oauth config set consumer_key KEY'") {
		t.Errorf("ConsumerKey(blank): got %v; want not set", err)
	}
}

func TestPrivateKey(t *testing.T) {
	t.Parallel()
	want, enc := encodedTestKey(t)
	// As Atlassian's Java client writes it, and as a PEM pasted with
	// continuation lines.
	for _, text := range []string{
		"private_key=" + enc + "\n",
		"private_key=-----BEGIN PRIVATE KEY-----\\n\\\n  " + strings.Join(chunk(enc, 64), "\\n\\\n  ") + "\\n\\\n  -----END PRIVATE KEY-----\n",
	} {
		got, err := parseString(t, text).PrivateKey()
		if err != nil {
			t.Fatalf("PrivateKey: %v", err)
		}
		if !got.Equal(want) {
			t.Error("PrivateKey: got a different key")
		}
	}

	_, err := parseString(t, "a=1\n").PrivateKey()
	if want := "private_key is not set in ./config.properties: run 'jira-oauth keygen' to create a key pair"; err == nil || err.Error() != want || !errors.Is(err, ErrNotSet) {
		t.Errorf("PrivateKey(missing): got %v; want %q", err, want)
	}

	enc2 := "-----BEGIN ENCRYPTED PRIVATE KEY-----\\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\\n-----END ENCRYPTED PRIVATE KEY-----"
	_, err = parseString(t, "private_key="+enc2+"\n").PrivateKey()
	if !errors.Is(err, keys.ErrEncrypted) {
		t.Errorf("PrivateKey(encrypted): got %v; want errors.Is keys.ErrEncrypted", err)
	}
	if want := "./config.properties: private_key: is encrypted; store it unencrypted: openssl pkcs8 -topk8 -nocrypt -in key.pem"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("PrivateKey(encrypted): got %q; want it to start with %q", err, want)
	}

	_, err = parseString(t, "private_key="+enc[:len(enc)/2]+"\n").PrivateKey()
	if !errors.Is(err, keys.ErrMalformed) || strings.Contains(err.Error(), enc[:20]) {
		t.Errorf("PrivateKey(truncated): got %v; want keys.ErrMalformed without key material", err)
	}
}

func chunk(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Path: "config.properties", Key: KeyAccessToken, Err: ErrNotSet}, "access_token is not set in config.properties: run 'jira-oauth login' first (or step by step: 'jira-oauth requestToken', approve, 'jira-oauth accessToken CODE')"},
		{&Error{Path: "c", Key: KeyAccessToken, Err: ErrNotSet}, "access_token is not set in c: run 'jira-oauth --config c login' first (or step by step: 'jira-oauth --config c requestToken', approve, 'jira-oauth --config c accessToken CODE')"},
		{&Error{Path: "my configs/jira.properties", Err: fs.ErrNotExist}, `config file my configs/jira.properties not found: run 'jira-oauth --config "my configs/jira.properties" keygen' to create it`},
		{&Error{Path: "a$b`c\"d", Key: KeyCAFile, Err: ErrNotSet}, `ca_file is not set in a$b` + "`" + `c"d: run 'jira-oauth --config "a\$b\` + "`" + `c\"d" config set ca_file VALUE'`},
		{&Error{Path: "./config.properties", Key: KeyCAFile, Err: ErrNotSet}, "ca_file is not set in ./config.properties: run 'jira-oauth config set ca_file VALUE'"},
		{&Error{Path: "c", Key: KeyCAFile, Err: ErrNotSet}, "ca_file is not set in c: run 'jira-oauth --config c config set ca_file VALUE'"},
		{&Error{Path: "config.properties", Err: fs.ErrNotExist}, "config file config.properties not found: run 'jira-oauth keygen' to create it"},
		{&Error{Path: "ci/jira.properties", Err: fs.ErrNotExist}, "config file ci/jira.properties not found: run 'jira-oauth --config ci/jira.properties keygen' to create it"},
		{&Error{Path: "c", Key: KeyCAFile, Err: fmt.Errorf("open ca.pem: %w", fs.ErrNotExist)}, "c: ca_file: open ca.pem: file does not exist"},
		{&Error{Path: "c", Err: errors.New("boom")}, "c: boom"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error(): got %q; want %q", got, tt.want)
		}
	}
}
