package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jira-oauth/jira-oauth/internal/config"
)

// warnRawUTF8 warns, once per invocation, when cfg holds raw UTF-8 bytes
// that java.util.Properties would read as ISO-8859-1: the Java client
// would then send other values than we do.
func (a *app) warnRawUTF8(cfg *config.File) {
	keys := cfg.RawUTF8Keys()
	if len(keys) == 0 || a.warnedRawUTF8 {
		return
	}
	a.warnedRawUTF8 = true
	fmt.Fprintf(a.stderr(), "jira-oauth: warning: %s\n", rawUTF8Warning(cfg.Path(), keys))
}

// rawUTF8Warning is the one-line warning for the keys of path that hold
// raw UTF-8.
func rawUTF8Warning(path string, keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k
		if k == "" || strings.ContainsFunc(k, func(r rune) bool { return r < 0x20 || r == 0x7F || r == ' ' }) {
			names[i] = strconv.Quote(k)
		}
	}
	what := "the value of " + names[0] + " holds"
	if len(names) > 1 {
		what = "the values of " + strings.Join(names, ", ") + " hold"
	}
	return fmt.Sprintf("%s: %s non-ASCII characters as raw UTF-8, which java.util.Properties reads as Latin-1 (é becomes Ã©): set it with 'jira-oauth config set' (it writes \\uXXXX) or write them as \\uXXXX", path, what)
}
