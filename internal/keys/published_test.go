package keys

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

// The published keys and where they come from: testdata/published/README.md.
const (
	publishedText     = "published/atlassian-java-tutorial.txt"
	publishedRepaired = "published/atlassian-java-tutorial-repaired.pem"
)

// sampleKey parses the repaired sample key with the standard library only.
func sampleKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	b, _ := pem.Decode([]byte(fixture(t, publishedRepaired)))
	if b == nil {
		t.Fatalf("%s: no PEM block", publishedRepaired)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", publishedRepaired, err)
	}
	return k.(*rsa.PrivateKey)
}

// TestPublishedSums checks the sums in publishedKeys against the fixture, so
// a typo in a constant cannot quietly disable the check.
func TestPublishedSums(t *testing.T) {
	t.Parallel()
	k := sampleKey(t)
	p := publishedKeys[0]
	if got := sum(k.N.Bytes()); got != p.modulus {
		t.Errorf("modulus sum of %s = %s; publishedKeys has %s", publishedRepaired, got, p.modulus)
	}
	for i, prime := range k.Primes {
		if got := sum(prime.Bytes()); got != p.primes[i] {
			t.Errorf("prime %d sum of %s = %s; publishedKeys has %s", i, publishedRepaired, got, p.primes[i])
		}
	}
	// The published text is the repaired key with 13 characters missing.
	text := strings.TrimSpace(fixture(t, publishedText))
	if got := strings.Replace(pemBody(fixture(t, publishedRepaired)), "K8kl9AQm6RO2w", "", 1); got != text {
		t.Errorf("%s is not %s minus the 13 characters the README names", publishedText, publishedRepaired)
	}
	if _, err := x509.ParsePKCS8PrivateKey(mustBase64(t, text)); err == nil {
		t.Errorf("%s parses with crypto/x509; the README says it does not", publishedText)
	}
}

func mustBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		// The published text is not a whole number of bytes: decode what is.
		b, err = base64.RawStdEncoding.DecodeString(s[:len(s)/4*4])
		if err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// TestParseRefusesPublished: every encoding of the sample key, and its
// damaged published text as people paste it, is refused as published,
// before being refused as weak (it is 1024-bit).
func TestParseRefusesPublished(t *testing.T) {
	t.Parallel()
	k := sampleKey(t)
	pkcs1 := x509.MarshalPKCS1PrivateKey(k)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	text := strings.TrimSpace(fixture(t, publishedText))
	wrap := func(s string) string {
		var lines []string
		for len(s) > 64 {
			lines, s = append(lines, s[:64]), s[64:]
		}
		return strings.Join(append(lines, s), "\n")
	}
	cases := map[string]string{
		"published text":                 text,
		"published text in a properties": text + "\n",
		"published text as PEM":          "-----BEGIN PRIVATE KEY-----\n" + wrap(text) + "\n-----END PRIVATE KEY-----\n",
		"published text as flat PEM":     "-----BEGIN PRIVATE KEY----- " + text + " -----END PRIVATE KEY-----",
		"published text as PKCS#1 PEM":   "-----BEGIN RSA PRIVATE KEY-----\n" + wrap(text) + "\n-----END RSA PRIVATE KEY-----\n",
		"published text, literal \\n":    strings.ReplaceAll(wrap(text), "\n", `\n`),
		"published text, URL-safe":       strings.NewReplacer("+", "-", "/", "_").Replace(text),
		"published text, end cut off":    text[:len(text)-100],
		"published text, 3 chars lost":   text[:400] + text[403:],
		"repaired PKCS#8 PEM":            fixture(t, publishedRepaired),
		"repaired PKCS#8 base64":         base64.StdEncoding.EncodeToString(pkcs8),
		"PKCS#1 PEM":                     pemOf("RSA PRIVATE KEY", pkcs1),
		"PKCS#1 base64":                  base64.StdEncoding.EncodeToString(pkcs1),
		"PKCS#1 base64 unpadded":         base64.RawStdEncoding.EncodeToString(pkcs1),
		"PEM bundle after a certificate": fixture(t, "rsa2048-cert.pem") + pemOf("PRIVATE KEY", pkcs8),
	}
	for name, value := range cases {
		_, err := Parse(value)
		if !errors.Is(err, ErrPublished) {
			t.Errorf("%s: Parse error = %v; want ErrPublished", name, err)
			continue
		}
		if errors.Is(err, ErrWeak) || errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Parse error %v also wraps another sentinel", name, err)
		}
		checkMessage(t, err)
		msg := err.Error()
		for _, want := range []string{"Atlassian's published sample key", "public on the internet", "anyone can sign", "jira-oauth keygen --force", "Application Link"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q does not say %q", name, msg, want)
			}
		}
	}
}

// TestParsePublishedDamagedBeyondUse: text too short to hold a prime of
// the sample key is just malformed.
func TestParsePublishedDamagedBeyondUse(t *testing.T) {
	t.Parallel()
	text := strings.TrimSpace(fixture(t, publishedText))
	_, err := Parse(text[:300])
	if !errors.Is(err, ErrMalformed) || errors.Is(err, ErrPublished) {
		t.Errorf("Parse(first 300 characters) error = %v; want ErrMalformed only", err)
	}
}

// TestParseNotPublished: other keys are not mistaken for published ones,
// and a weak key that is not published is still called weak.
func TestParseNotPublished(t *testing.T) {
	t.Parallel()
	if _, err := Parse(fixture(t, "rsa2048-pkcs8.pem")); err != nil {
		t.Errorf("Parse(rsa2048-pkcs8.pem): %v", err)
	}
	_, err := Parse(fixture(t, "rsa1024-pkcs8.pem"))
	if !errors.Is(err, ErrWeak) || errors.Is(err, ErrPublished) {
		t.Errorf("Parse(rsa1024-pkcs8.pem) error = %v; want ErrWeak only", err)
	}
	_, err = Parse(fixture(t, "rsa2048-pkcs8.b64")[:500])
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("Parse(truncated rsa2048-pkcs8.b64) error = %v; want ErrMalformed", err)
	}
}

// TestParsePublicRefusesPublished: the public half, as an admin would have
// registered it in Jira, is refused too.
func TestParsePublicRefusesPublished(t *testing.T) {
	t.Parallel()
	k := sampleKey(t)
	pkix, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"PKIX PEM":    pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}),
		"PKCS#1 PEM":  pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.PublicKey)}),
		"bare base64": []byte(base64.StdEncoding.EncodeToString(pkix)),
	} {
		_, err := ParsePublic(data)
		if !errors.Is(err, ErrPublished) {
			t.Errorf("%s: ParsePublic error = %v; want ErrPublished", name, err)
			continue
		}
		checkMessage(t, err)
		if !strings.Contains(err.Error(), "public on the internet") {
			t.Errorf("%s: message %q does not say why", name, err)
		}
	}
}

// BenchmarkPublishedInText is the cost the check adds to a malformed key.
func BenchmarkPublishedInText(b *testing.B) {
	text := strings.TrimSpace(fixture(b, "rsa2048-pkcs8.b64"))
	for b.Loop() {
		if publishedInText(text) != nil {
			b.Fatal("rsa2048-pkcs8.b64 taken for a published key")
		}
	}
}
