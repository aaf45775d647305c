package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Release builds (make dist) set these with -ldflags -X; a `go build` or
// `go install` leaves them empty and the version comes from the build
// information Go embeds (debug.ReadBuildInfo).
var (
	buildVersion string // the tag, e.g. v1.2.3; empty when untagged
	buildCommit  string // the full commit hash
	buildDate    string // the commit's date, YYYY-MM-DD
)

// licence is what `jira-oauth version` says of the licence (LICENSE).
const licence = "Licensed under the Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0"

// versionInfo is what a binary knows of where it came from.
type versionInfo struct {
	Version  string // v1.2.3, or "(devel)"
	Commit   string // abbreviated to 12 characters; "" if unknown
	Date     string // YYYY-MM-DD; "" if unknown
	Modified bool   // built from a work tree with uncommitted changes
}

// String is the one line --version prints after "jira-oauth ":
// "v1.2.3 (0123456789ab, 2026-12-01)", "(devel) (0123456789ab, 2026-12-01)",
// or just "v1.2.3" when the commit is not known (go install from the
// module proxy).
func (v versionInfo) String() string {
	var extra []string
	if v.Commit != "" {
		c := v.Commit
		if v.Modified {
			c += "-dirty"
		}
		extra = append(extra, c)
	}
	if v.Date != "" {
		extra = append(extra, v.Date)
	}
	if len(extra) == 0 {
		return v.Version
	}
	return v.Version + " (" + strings.Join(extra, ", ") + ")"
}

// currentVersion is the version of this binary.
func currentVersion() versionInfo {
	info, _ := debug.ReadBuildInfo()
	return buildVersionInfo(info, buildVersion, buildCommit, buildDate)
}

// buildVersionInfo merges the -X values (which win) with Go's build
// information. Go stamps an untagged build from a VCS checkout with a
// pseudo-version (v0.0.0-20261201024500-0123456789ab+dirty), which repeats
// the commit: that is reported as (devel) with the commit once.
func buildVersionInfo(info *debug.BuildInfo, version, commit, date string) versionInfo {
	v := versionInfo{Version: version, Commit: commit, Date: date}
	if info != nil {
		if v.Version == "" && info.Main.Version != "" && !isPseudoVersion(info.Main.Version) {
			v.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if v.Commit == "" {
					v.Commit = s.Value
				}
			case "vcs.time":
				if v.Date == "" && len(s.Value) >= len("2006-01-02") {
					v.Date = s.Value[:len("2006-01-02")]
				}
			case "vcs.modified":
				v.Modified = s.Value == "true" && commit == ""
			}
		}
	}
	if v.Version == "" {
		v.Version = "(devel)"
	}
	if len(v.Commit) > 12 {
		v.Commit = v.Commit[:12]
	}
	return v
}

// isPseudoVersion reports whether v is a Go pseudo-version, which ends in
// "-" + a 14-digit UTC time + "-" + a 12-digit commit hash (and maybe
// "+dirty"), as in v0.0.0-20261201024500-0123456789ab.
func isPseudoVersion(v string) bool {
	v, _, _ = strings.Cut(v, "+")
	parts := strings.Split(v, "-")
	if len(parts) < 3 {
		return false
	}
	hash, stamp := parts[len(parts)-1], parts[len(parts)-2]
	if i := strings.LastIndexByte(stamp, '.'); i >= 0 {
		stamp = stamp[i+1:] // v1.2.4-0.20261201024500-... and -pre.0.2026...
	}
	return len(hash) == 12 && isAll(hash, "0123456789abcdef") &&
		len(stamp) == 14 && isAll(stamp, "0123456789")
}

func isAll(s, chars string) bool {
	for _, c := range s {
		if !strings.ContainsRune(chars, c) {
			return false
		}
	}
	return true
}

func newCmdVersion(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Show the version, the commit and the licence",
		Long: `Show the version and commit jira-oauth was built from, the Go version and
platform, and the licence. --version prints the first line only.`,
		Example: `  jira-oauth version
  jira-oauth --version`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(a.stdout(), "jira-oauth %s\n%s %s/%s\n%s\n",
				currentVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH, licence)
			return err
		},
	}
}
