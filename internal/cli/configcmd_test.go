package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestKeySuggestion(t *testing.T) {
	t.Parallel()
	tests := []struct{ key, want string }{
		{"jira_hom", "jira_home"},
		{"jira-home", "jira_home"},
		{"JIRA_HOME", "jira_home"},
		{"jirahome", "jira_home"},
		{"consumer_ky", "consumer_key"},
		{"privat_key", "private_key"},
		{"secrets", "secret"},
		{"acess_token", "access_token"},
		{"ca-file", "ca_file"},
		// Known keys and keys of the user's own are no typos.
		{"jira_home", ""},
		{"secret", ""},
		{"ci_job", ""},
		{"note", ""},
		{"env", ""},
		{"token", ""},
		{"my_private_key_backup", ""},
	}
	for _, tt := range tests {
		if got := keySuggestion(tt.key); got != tt.want {
			t.Errorf("keySuggestion(%q) = %q; want %q", tt.key, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"abc", "abc", 0},
		{"jira_hom", "jira_home", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 2},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestReadValue(t *testing.T) {
	t.Parallel()
	pem := "-----BEGIN PRIVATE KEY-----\nMIIE\nAAAA\n-----END PRIVATE KEY-----"
	tests := []struct {
		key, stdin, want, wantErr string
	}{
		{"consumer_key", "bot\n", "bot", ""},
		{"consumer_key", "bot\r\n", "bot", ""},
		{"consumer_key", "bot", "bot", ""},
		{"consumer_key", " two words \n", " two words ", ""},
		{"private_key", pem + "\n", pem, ""},
		{"private_key", "MIIE\nAAAA\r\nBBBB==\n\n", "MIIEAAAABBBB==", ""},
		{"consumer_key", "a\nb\n", "", "stdin holds more than one line"},
		{"consumer_key", "", "", "stdin is empty"},
		{"private_key", "\n\n", "", "stdin is empty"},
		{"consumer_key", strings.Repeat("x", maxValueBytes+1), "", "over 64 KiB"},
	}
	for _, tt := range tests {
		a := &app{env: Env{Stdin: strings.NewReader(tt.stdin), Stderr: &bytes.Buffer{}}}
		got, err := a.readValue(context.Background(), tt.key)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("readValue(%s, %.20q): error %v; want one with %q", tt.key, tt.stdin, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("readValue(%s, %.20q) = %q, %v; want %q", tt.key, tt.stdin, got, err, tt.want)
		}
	}
}
