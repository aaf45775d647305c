package oauth

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"net/http"
	"testing"
	"time"
)

// BenchmarkSign signs one GET with query parameters (2048-bit key).
func BenchmarkSign(b *testing.B) {
	s := &Signer{ConsumerKey: "jira-cli", Key: testKey()}
	req, err := http.NewRequest("GET", "https://jira.example.com/rest/api/2/search?jql=project%20%3D%20ABC&fields=summary&fields=status&maxResults=50", nil)
	if err != nil {
		b.Fatal(err)
	}
	extra := map[string]string{"oauth_token": "access-token"}
	for b.Loop() {
		if _, err := s.Sign(req, extra); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRSASignPKCS1v15 is the bare RSA-SHA1 operation with the same key,
// the floor for BenchmarkSign.
func BenchmarkRSASignPKCS1v15(b *testing.B) {
	key := testKey()
	digest := sha1.Sum([]byte("GET&https%3A%2F%2Fjira.example.com%2Frest%2Fapi%2F2%2Fsearch&fields%3Dstatus"))
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorize compares the cost of authorising one request with
// each Authorizer: an OAuth 1.0a signature (an RSA operation) and a
// bearer token (a header). Each iteration authorises with both; it
// reports bearer's time as a ratio of the signature's, which does not
// depend on the machine.
func BenchmarkAuthorize(b *testing.B) {
	req, err := http.NewRequest("GET", "https://jira.example.com/rest/api/2/search?jql=project%20%3D%20ABC", nil)
	if err != nil {
		b.Fatal(err)
	}
	signer := &SignerAuth{Signer: &Signer{ConsumerKey: "jira-cli", Key: testKey()}, AccessToken: "access-token"}
	bearer := &BearerAuth{Source: StaticToken("a-personal-access-token-of-44-characters-xx")}
	var spent [2]time.Duration
	for b.Loop() {
		for i, auth := range []Authorizer{signer, bearer} {
			start := time.Now()
			if _, err := auth.Authorize(context.Background(), req); err != nil {
				b.Fatal(err)
			}
			spent[i] += time.Since(start)
		}
	}
	if spent[0] > 0 {
		b.ReportMetric(float64(spent[1])/float64(spent[0]), "bearer/signer")
	}
}
