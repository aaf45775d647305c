package proxy

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// BenchmarkProxyOverhead measures one GET /rest/api/2/myself through the
// proxy against the same call signed directly (oauth.Transport, no proxy),
// both to the bundled provider over loopback with keep-alive. Both pay the
// RSA signature; the reported overhead-ratio is proxy time / direct time,
// and overhead-us the difference per call: what the proxy adds beyond
// signing. Run: go test -run '^$' -bench ProxyOverhead ./internal/proxy
func BenchmarkProxyOverhead(b *testing.B) {
	l := newLink(b)
	p := l.proxyTo(b, l.jira.URL, nil, nil)
	direct := &http.Client{Transport: &oauth.Transport{Signer: l.signer, AccessToken: l.token}}
	viaProxy := &http.Client{}

	call := func(b *testing.B, c *http.Client, url string, auth bool) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth {
			req.Header.Set("Authorization", "Bearer the-proxy-token")
		}
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %s", resp.Status)
		}
	}
	measure := func(c *http.Client, url string, auth bool) time.Duration {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			call(b, c, url, auth)
		}
		return time.Since(start)
	}
	call(b, direct, l.jira.URL+"/rest/api/2/myself", false)
	call(b, viaProxy, p.URL+"/rest/api/2/myself", true)
	b.ResetTimer()
	proxied := measure(viaProxy, p.URL+"/rest/api/2/myself", true)
	b.StopTimer()
	signed := measure(direct, l.jira.URL+"/rest/api/2/myself", false)
	b.ReportMetric(float64(proxied)/float64(signed), "overhead-ratio")
	b.ReportMetric(float64(proxied-signed)/float64(b.N)/1e3, "overhead-us/op")
	b.ReportMetric(float64(signed)/float64(b.N)/1e3, "direct-us/op")
}
