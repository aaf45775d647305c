package config

import (
	"errors"
	"strings"
	"testing"
)

func TestOverlay(t *testing.T) {
	t.Parallel()
	f, err := Parse("config.properties", []byte("jira_home=https://file.example.com\nconsumer_key=from-file\n"))
	if err != nil {
		t.Fatal(err)
	}
	before := string(f.Bytes())
	f.Overlay(KeyJiraHome, "https://env.example.com", "JIRA_OAUTH_JIRA_HOME")
	f.Overlay(KeyPrivateKey, "not-a-key", "JIRA_OAUTH_PRIVATE_KEY")

	if got := f.Get(KeyJiraHome); got != "https://env.example.com" {
		t.Errorf("Get(jira_home) = %q; want the overlaid value", got)
	}
	if got := f.Get(KeyConsumerKey); got != "from-file" {
		t.Errorf("Get(consumer_key) = %q; want the file's", got)
	}
	if got := string(f.Bytes()); got != before {
		t.Errorf("Bytes() = %q; an overlay must never be written", got)
	}
	keys, origins := f.Overlaid()
	if strings.Join(keys, " ") != "jira_home private_key" || strings.Join(origins, " ") != "JIRA_OAUTH_JIRA_HOME JIRA_OAUTH_PRIVATE_KEY" {
		t.Errorf("Overlaid() = %q, %q", keys, origins)
	}
	_, err = f.PrivateKey()
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Path != "JIRA_OAUTH_PRIVATE_KEY" || strings.Contains(err.Error(), "not-a-key") {
		t.Errorf("PrivateKey() error %v; want one naming the variable, without the value", err)
	}
	if _, err := f.ConsumerKey(); err != nil {
		t.Error(err)
	}
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	for _, key := range AllKeys() {
		if got := EnvName(key); got != "JIRA_OAUTH_"+strings.ToUpper(key) {
			t.Errorf("EnvName(%q) = %q", key, got)
		}
		if EnvName(key) == "JIRA_OAUTH_CONFIG" {
			t.Errorf("key %q collides with JIRA_OAUTH_CONFIG, the config path", key)
		}
	}
}
