package config

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// typicalConfig is a config.properties as jira-oauth leaves it after keygen
// and login: a header, about ten keys, one of them the size of a 2048-bit
// private key (1,218 bytes of PKCS #8 in base64; fixed bytes, so that every
// run parses the same text).
func typicalConfig() []byte {
	der := make([]byte, 1218)
	for i := range der {
		der[i] = byte(i * 7)
	}
	pk := base64.StdEncoding.EncodeToString(der)
	f := New("config.properties")
	for _, kv := range [][2]string{
		{KeyJiraHome, "https://jira.example.com:8443/jira"},
		{KeyConsumerKey, "jira-oauth"},
		{KeyPrivateKey, pk},
		{KeyAccessToken, "N2r4XRvEr6jvVnHXkE4wfJpNr1Dx9Kq3"},
		{KeySecret, "aQ7dXo9Lm2Kc8Vb4Zn1Rt6Yp3Gw5Hs0J"},
		{KeyAccessTokenIssuedAt, "2026-11-29T14:21:59Z"},
		{KeyAccessTokenExpiresAt, "2031-11-29T14:21:59Z"},
		{KeyAccessTokenJiraHome, "https://jira.example.com:8443/jira"},
		{KeySessionHandle, "c2Vzc2lvbi1oYW5kbGUtZXhhbXBsZQ"},
		{KeySessionExpiresAt, "2031-11-29T14:21:59Z"},
	} {
		f.Set(kv[0], kv[1])
	}
	return append([]byte("# jira-oauth\n"), f.Bytes()...)
}

// BenchmarkLoad measures Load of a typical config (ns/op and allocs/op are
// Load's alone). It also reports Load's cost as a ratio of reading the same
// file as many times with os.ReadFile after the timed loop, so that the
// parse's share shows without a wall-clock figure.
func BenchmarkLoad(b *testing.B) {
	path := filepath.Join(b.TempDir(), "config.properties")
	if err := os.WriteFile(path, typicalConfig(), 0o600); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	start := time.Now()
	for b.Loop() {
		if _, err := Load(path); err != nil {
			b.Fatal(err)
		}
		n++
	}
	load := time.Since(start)
	start = time.Now()
	for range n {
		if _, err := os.ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(load)/float64(time.Since(start)), "load/read")
}

// BenchmarkParse measures Parse alone on the same typical config.
func BenchmarkParse(b *testing.B) {
	data := typicalConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("config.properties", data); err != nil {
			b.Fatal(err)
		}
	}
}
