package termsafe

import (
	"strings"
	"testing"
)

// BenchmarkString times a clean message (the usual case: returned as it
// is, without allocating) and one full of escapes, as throughput (MB/s),
// so the two compare per byte.
func BenchmarkString(b *testing.B) {
	for _, tt := range []struct{ name, text string }{
		{"clean", strings.Repeat("access token: Jira refused the request (oauth_problem=token_rejected) ", 4)},
		{"escapes", strings.Repeat("\x1b]0;t\x07\x1b[2J\u202e\u009bx ", 20)},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tt.text)))
			for b.Loop() {
				_ = String(tt.text)
			}
		})
	}
}
