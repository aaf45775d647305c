package cli

import (
	"strings"
	"testing"
)

func TestCheckSavable(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		configPath string
		env        map[string]string
		wantErr    string
	}{
		{"nothing from the environment", "config.properties", nil, ""},
		{"JIRA_OAUTH_CONFIG is not a key", "config.properties", map[string]string{"JIRA_OAUTH_CONFIG": "x", "JIRA_OAUTH_REQUIRE_JAVA": "1"}, ""},
		{"empty counts as unset", "config.properties", map[string]string{"JIRA_OAUTH_SECRET": " "}, ""},
		{"keys from the environment", "c.properties", map[string]string{"JIRA_OAUTH_SECRET": "s", "JIRA_OAUTH_JIRA_HOME": "h"},
			"c.properties: renew saves to this file, but JIRA_OAUTH_JIRA_HOME, JIRA_OAUTH_SECRET come from the environment and cannot be saved there: unset them to use the file alone"},
		{"stdin", "-", nil, "-: renew saves to the config, which --config - reads from stdin and never writes: use --config FILE"},
	} {
		a := &app{configPath: tt.configPath, env: Env{Getenv: func(k string) string { return tt.env[k] }}}
		err := a.checkSavable("renew")
		got := ""
		if err != nil {
			got = err.Error()
			if exitCode(err) != ExitConfig {
				t.Errorf("%s: exit code %d; want %d", tt.name, exitCode(err), ExitConfig)
			}
		}
		if got != tt.wantErr {
			t.Errorf("%s: %q; want %q", tt.name, got, tt.wantErr)
		}
	}
}

func TestReadConfigFromStdinAndEnvironment(t *testing.T) {
	t.Parallel()
	a := &app{configPath: "-", env: Env{
		Stdin:  strings.NewReader("jira_home=https://file.example.com\nconsumer_key=from-file\n"),
		Getenv: func(k string) string { return map[string]string{"JIRA_OAUTH_CONSUMER_KEY": "from-env"}[k] },
	}}
	cfg, err := a.readConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Get("jira_home") != "https://file.example.com" || cfg.Get("consumer_key") != "from-env" {
		t.Errorf("jira_home %q, consumer_key %q; want the file's and the environment's", cfg.Get("jira_home"), cfg.Get("consumer_key"))
	}
}
