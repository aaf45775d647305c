package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionString(t *testing.T) {
	t.Parallel()
	vcs := func(rev, when, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: when}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name                  string
		main                  string
		settings              []debug.BuildSetting
		xVersion, xCommit, xD string
		want                  string
	}{
		{name: "tagged build from a checkout", main: "v1.2.3", settings: vcs(rev, "2026-12-01T02:45:00Z", "false"),
			want: "v1.2.3 (0123456789ab, 2026-12-01)"},
		{name: "untagged: a pseudo-version is (devel), the commit once", main: "v0.0.0-20261201024500-0123456789ab", settings: vcs(rev, "2026-12-01T02:45:00Z", "false"),
			want: "(devel) (0123456789ab, 2026-12-01)"},
		{name: "untagged, uncommitted changes", main: "v0.0.0-20261201024500-0123456789ab+dirty", settings: vcs(rev, "2026-12-01T02:45:00Z", "true"),
			want: "(devel) (0123456789ab-dirty, 2026-12-01)"},
		{name: "after a tag", main: "v1.2.4-0.20261201024500-0123456789ab", settings: vcs(rev, "2026-12-01T02:45:00Z", "false"),
			want: "(devel) (0123456789ab, 2026-12-01)"},
		{name: "go install module@version: no VCS information", main: "v1.2.3",
			want: "v1.2.3"},
		{name: "no version at all", main: "(devel)",
			want: "(devel)"},
		{name: "make dist: -X values win", main: "(devel)", xVersion: "v1.2.3", xCommit: rev, xD: "2026-11-30",
			want: "v1.2.3 (0123456789ab, 2026-11-30)"},
		{name: "make dist untagged", main: "(devel)", xCommit: rev, xD: "2026-11-30",
			want: "(devel) (0123456789ab, 2026-11-30)"},
	}
	for _, tt := range tests {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/jira-oauth/jira-oauth", Version: tt.main}, Settings: tt.settings}
		got := buildVersionInfo(info, tt.xVersion, tt.xCommit, tt.xD).String()
		if got != tt.want {
			t.Errorf("%s: version = %q; want %q", tt.name, got, tt.want)
		}
		if strings.Count(got, "0123456789ab") > 1 {
			t.Errorf("%s: %q names the commit twice", tt.name, got)
		}
	}
	if got := buildVersionInfo(nil, "", "", "").String(); got != "(devel)" {
		t.Errorf("without build info: %q; want (devel)", got)
	}
}

func TestIsPseudoVersion(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"v0.0.0-20261201024500-0123456789ab":        true,
		"v0.0.0-20261201024500-0123456789ab+dirty":  true,
		"v1.2.4-0.20261201024500-0123456789ab":      true,
		"v1.2.4-rc.1.0.20261201024500-0123456789ab": true,
		"v1.2.3":        false,
		"v1.2.3-rc.1":   false,
		"(devel)":       false,
		"v1.2.3-beta-1": false,
	} {
		if got := isPseudoVersion(v); got != want {
			t.Errorf("isPseudoVersion(%q) = %v; want %v", v, got, want)
		}
	}
}
