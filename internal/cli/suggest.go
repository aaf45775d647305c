package cli

import (
	"slices"
	"strings"

	"github.com/jira-oauth/jira-oauth/internal/config"
)

// knownKeys are the config keys jira-oauth reads or writes.
func knownKeys() []string { return config.AllKeys() }

// keySuggestion returns the known key that key is probably a typo of
// (jira_hom, JIRA_HOME, consumer-key), or "" when key is known or near
// none: at most 2 edits away, and fewer edits than a third of its length,
// so that short keys of the user's own (ci_job, env) are not "typos".
func keySuggestion(key string) string {
	known := knownKeys()
	if slices.Contains(known, key) {
		return ""
	}
	lower := strings.ToLower(key)
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(lower, k); d < bestDist && d*3 < len(k) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, counting an
// inserted, deleted or replaced byte as one edit.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
