package cli

import (
	"slices"
	"testing"

	"github.com/spf13/cobra"
)

func TestCompleteKeyArgs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		use      string
		args     []string
		wantKeys bool
	}{
		{"get KEY", nil, true},
		{"get KEY", []string{"jira_home"}, false},
		{"set KEY VALUE", nil, true},
		{"set KEY VALUE", []string{"jira_home"}, false},
		{"unset KEY", nil, true},
		{"unset KEY...", []string{"jira_home", "ca_file"}, true},
		{"unset [KEY...]", []string{"jira_home"}, true},
		{"list", nil, false},
	}
	for _, tt := range tests {
		got, dir := completeKeyArgs(tt.use)(nil, tt.args, "")
		if dir != cobra.ShellCompDirectiveNoFileComp {
			t.Errorf("%q %q: directive %v; want NoFileComp", tt.use, tt.args, dir)
		}
		if (len(got) > 0) != tt.wantKeys {
			t.Errorf("%q %q: completions %q; want keys: %v", tt.use, tt.args, got, tt.wantKeys)
		}
		for _, a := range tt.args {
			if slices.Contains(got, a) {
				t.Errorf("%q %q: offers %s again", tt.use, tt.args, a)
			}
		}
	}
}
