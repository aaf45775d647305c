package oauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"net/http"
	"testing"
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
