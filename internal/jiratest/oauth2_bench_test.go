package jiratest

import (
	"net/http"
	"testing"
	"time"
)

// BenchmarkBearerVsOAuth1 times GET /rest/api/2/myself through the
// provider with an OAuth 2.0 Bearer token and with an OAuth 1.0a RSA-SHA1
// signature (the test client's signing and the provider's verifying
// included), and a token refresh. It reports ratios, not wall-clock
// numbers: oauth1/bearer is how many Bearer calls cost as much as one
// signed call, refresh/bearer the same for a refresh.
func BenchmarkBearerVsOAuth1(b *testing.B) {
	e := newO2Env(b, Options{})
	a := e.login2(b)
	e.login(b)
	var bearer, oauth1, refresh time.Duration
	tok := a
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if res := e.bearer(b, http.MethodGet, "/rest/api/2/myself", tok.AccessToken, ""); res.status != http.StatusOK {
			b.Fatalf("bearer: %d", res.status)
		}
		mid := time.Now()
		if res := e.call(call{method: http.MethodGet, url: e.url("/rest/api/2/myself")}); res.status != http.StatusOK {
			b.Fatalf("oauth1: %d", res.status)
		}
		end := time.Now()
		tok = wantTokens(b, e.token(b, refreshForm(tok.RefreshToken)))
		bearer += mid.Sub(start)
		oauth1 += end.Sub(mid)
		refresh += time.Since(end)
	}
	b.ReportMetric(float64(oauth1)/float64(bearer), "oauth1/bearer")
	b.ReportMetric(float64(refresh)/float64(bearer), "refresh/bearer")
}
