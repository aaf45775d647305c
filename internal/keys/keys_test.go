package keys

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The fixtures in testdata/ were made with testdata/gen.sh (OpenSSL 3); they
// are throwaway test keys. wantFingerprint is the fingerprint of
// rsa2048-pkcs8.pem as OpenSSL computes it:
//
//	openssl pkey -in testdata/rsa2048-pkcs8.pem -pubout -outform DER |
//	  openssl dgst -sha256 -binary | base64
//
// (which prints jzMZSDADRoIb0K33avfIWA8mLBpCLBGnpT9N1UGHmgs=; we drop the padding).
const wantFingerprint = "SHA256:jzMZSDADRoIb0K33avfIWA8mLBpCLBGnpT9N1UGHmgs"

// generated is the one 2048-bit key a test run generates.
var generated = sync.OnceValues(func() (*rsa.PrivateKey, error) { return Generate(2048) })

func generatedKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := generated()
	if err != nil {
		t.Fatalf("Generate(2048): %v", err)
	}
	return k
}

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// referenceKey parses the main fixture with the standard library only, so the
// tests do not trust Parse to check Parse.
func referenceKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	b, _ := pem.Decode([]byte(fixture(t, "rsa2048-pkcs8.pem")))
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey)
}

// pemBody returns the base64 body of the first PEM block in s, on one line.
func pemBody(s string) string {
	var body []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "-----") {
			if len(body) > 0 {
				break
			}
			continue
		}
		body = append(body, strings.TrimSpace(line))
	}
	return strings.Join(body, "")
}

// keyMaterial matches anything that looks like a piece of base64 key data.
var keyMaterial = regexp.MustCompile(`[A-Za-z0-9+/]{16,}`)

func checkMessage(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Errorf("error %q spans lines; want one line", msg)
	}
	if m := keyMaterial.FindString(msg); m != "" {
		t.Errorf("error %q contains %q, which looks like key material", msg, m)
	}
}

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	pkcs8PEM := fixture(t, "rsa2048-pkcs8.pem")
	pkcs1PEM := fixture(t, "rsa2048-pkcs1.pem")
	pkcs8B64 := strings.TrimSpace(fixture(t, "rsa2048-pkcs8.b64"))
	pkcs1B64 := strings.TrimSpace(fixture(t, "rsa2048-pkcs1.b64"))
	tests := []struct {
		name, in string
	}{
		{"one-line base64 PKCS#8 (Atlassian)", pkcs8B64},
		{"one-line base64 PKCS#1", pkcs1B64},
		{"PEM PKCS#8", pkcs8PEM},
		{"PEM PKCS#1", pkcs1PEM},
		{"surrounding whitespace", " \t\n" + pkcs8B64 + "\n\n  "},
		{"base64 wrapped at 64 columns", pemBody(pkcs8PEM)[:64] + "\n" + pemBody(pkcs8PEM)[64:128] + "\r\n" + pemBody(pkcs8PEM)[128:]},
		{"base64 with literal \\n", strings.ReplaceAll(strings.TrimSuffix(pkcs8PEM, "\n"), "\n", `\n`)},
		{"PEM with literal \\n", strings.ReplaceAll(pkcs1PEM, "\n", `\n`)},
		{"PEM with literal \\r\\n", strings.ReplaceAll(pkcs8PEM, "\n", `\r\n`)},
		{"PEM with CRLF", strings.ReplaceAll(pkcs8PEM, "\n", "\r\n")},
		{"PEM joined into one line", strings.Join(strings.Fields(pkcs8PEM), " ")},
		{"PEM indented", "    " + strings.ReplaceAll(pkcs8PEM, "\n", "\n    ")},
		{"base64 without padding", strings.TrimRight(pkcs8B64, "=")},
		{"URL-safe base64", strings.NewReplacer("+", "-", "/", "_").Replace(pkcs8B64)},
		{"certificate bundled before the key", fixture(t, "rsa2048-cert.pem") + pkcs8PEM},
		{"text around the PEM", "my key:\n" + pkcs8PEM + "thanks\n"},
	}
	want := referenceKey(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: got error %v; want the fixture key", err)
			}
			if !got.Equal(want) {
				t.Errorf("Parse: got a different key than rsa2048-pkcs8.pem")
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	pkcs8PEM := fixture(t, "rsa2048-pkcs8.pem")
	pkcs8B64 := strings.TrimSpace(fixture(t, "rsa2048-pkcs8.b64"))
	ecSEC1 := fixture(t, "ec-p256-sec1.pem")
	_, ecKeyOnly, _ := strings.Cut(ecSEC1, "-----END EC PARAMETERS-----\n")
	tests := []struct {
		name    string
		in      string
		wantErr error
		wantMsg string
	}{
		{"empty", "", ErrEmpty, "is empty"},
		{"whitespace only", " \t\r\n ", ErrEmpty, "is empty"},
		{"literal \\n only", `\n\n`, ErrEmpty, "is empty (nothing but spaces and line breaks); paste the whole key"},

		{"EC SEC1 PEM with parameters", ecSEC1, ErrNotRSA, "is an EC key; Jira's OAuth needs an RSA key"},
		{"EC SEC1 PEM", ecKeyOnly, ErrNotRSA, "is an EC key"},
		{"EC PKCS#8 PEM", fixture(t, "ec-p256-pkcs8.pem"), ErrNotRSA, "is an EC key"},
		{"EC PKCS#8 base64", fixture(t, "ec-p256-pkcs8.b64"), ErrNotRSA, "is an EC key"},
		{"EC SEC1 base64", pemBody(ecKeyOnly), ErrNotRSA, "is an EC key"},
		{"Ed25519 PKCS#8 PEM", fixture(t, "ed25519-pkcs8.pem"), ErrNotRSA, "is an Ed25519 key"},
		{"Ed25519 base64", pemBody(fixture(t, "ed25519-pkcs8.pem")), ErrNotRSA, "is an Ed25519 key"},
		{"DSA PKCS#8 PEM", fixture(t, "dsa-pkcs8.pem"), ErrNotRSA, "is a DSA key"},
		{"DSA traditional PEM", fixture(t, "dsa-traditional.pem"), ErrNotRSA, "is a DSA key"},
		{"DSA PKCS#8 base64", fixture(t, "dsa-pkcs8.b64"), ErrNotRSA, "is a DSA key"},
		{"DSA traditional base64", pemBody(fixture(t, "dsa-traditional.pem")), ErrNotRSA, "is a DSA key"},

		{"encrypted PKCS#8 PEM", fixture(t, "rsa2048-encrypted-pkcs8.pem"), ErrEncrypted, "is encrypted; store it unencrypted: openssl pkcs8 -topk8 -nocrypt -in key.pem"},
		{"encrypted PKCS#1 PEM (Proc-Type)", fixture(t, "rsa2048-encrypted-pkcs1.pem"), ErrEncrypted, "openssl pkcs8 -topk8 -nocrypt -in key.pem"},
		{"encrypted PKCS#1 PEM joined into one line", strings.Join(strings.Fields(fixture(t, "rsa2048-encrypted-pkcs1.pem")), " "), ErrEncrypted, "is encrypted"},
		{"encrypted PKCS#8 base64", fixture(t, "rsa2048-encrypted-pkcs8.b64"), ErrEncrypted, "is encrypted"},

		{"truncated base64", pkcs8B64[:len(pkcs8B64)/2], ErrMalformed, "is not valid base64/PEM/DER (truncated?); paste the whole key (one line of base64, or PEM with its BEGIN/END lines), or make a new pair with 'jira-oauth keygen --force' and register its new public key in Jira's Application Link"},
		{"truncated base64 at a 4-char boundary", pkcs8B64[:800], ErrMalformed, "truncated?"},
		{"truncated PEM", pkcs8PEM[:len(pkcs8PEM)/2], ErrMalformed, "truncated?"},
		{"PEM with a truncated body", strings.Replace(pkcs8PEM, pemBody(pkcs8PEM)[:64]+"\n", "", 1), ErrMalformed, "truncated?"},
		{"PEM with garbage body", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n", ErrMalformed, "truncated?"},
		{"PEM of another type", "-----BEGIN X509 CRL-----\nbm90IGEga2V5\n-----END X509 CRL-----\n", ErrMalformed, `is a PEM "X509 CRL" block, not a private key`},
		{"not base64", "this is not a key!", ErrMalformed, "truncated?"},
		{"base64 of text", "bm90IGEga2V5IGF0IGFsbA==", ErrMalformed, "truncated?"},
		{"OpenPGP key block", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGVr7ZIBCAC=\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----\n", ErrMalformed, "is an OpenPGP (GnuPG) key block"},
		{"OpenSSH key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", ErrMalformed, "is in OpenSSH format"},

		{"public key PEM", fixture(t, "rsa2048-public.pem"), ErrNotPrivate, "is a public key, not the private key"},
		{"PKCS#1 public key PEM", fixture(t, "rsa2048-public-pkcs1.pem"), ErrNotPrivate, "is a public key"},
		{"public key base64", pemBody(fixture(t, "rsa2048-public.pem")), ErrNotPrivate, "is a public key"},
		{"certificate PEM", fixture(t, "rsa2048-cert.pem"), ErrNotPrivate, "is a certificate, not the private key"},
		{"certificate base64", pemBody(fixture(t, "rsa2048-cert.pem")), ErrNotPrivate, "is a certificate"},

		{"1024-bit PKCS#8", fixture(t, "rsa1024-pkcs8.pem"), ErrWeak, "is a 1024-bit RSA key; use at least 2048 bits"},
		{"1024-bit PKCS#1", fixture(t, "rsa1024-pkcs1.pem"), ErrWeak, "is a 1024-bit RSA key"},
		{"512-bit PKCS#8", fixture(t, "rsa512-pkcs8.pem"), ErrWeak, "is a 512-bit RSA key"},
		{"512-bit base64", pemBody(fixture(t, "rsa512-pkcs8.pem")), ErrWeak, "is a 512-bit RSA key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse: got a %d-bit key; want error %v", k.N.BitLen(), tt.wantErr)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Parse: got error %q; want it to wrap %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Parse: got error %q; want it to contain %q", err, tt.wantMsg)
			}
			checkMessage(t, err)
		})
	}
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	k := generatedKey(t)
	if got := k.N.BitLen(); got != 2048 {
		t.Errorf("Generate(2048): got %d bits; want 2048", got)
	}
	if err := k.Validate(); err != nil {
		t.Errorf("Generate(2048): invalid key: %v", err)
	}
	for _, bits := range []int{-1, 0, 512, 1024, 2047, 2049, 8192} {
		_, err := Generate(bits)
		if err == nil {
			t.Errorf("Generate(%d): got no error; want one", bits)
			continue
		}
		if !strings.Contains(err.Error(), "use 2048, 3072 or 4096") {
			t.Errorf("Generate(%d): got error %q; want it to name 2048, 3072 or 4096", bits, err)
		}
	}
}

func TestEncodePrivateRoundTrip(t *testing.T) {
	t.Parallel()
	k := generatedKey(t)
	s, err := EncodePrivate(k)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(s, " \t\r\n") {
		t.Errorf("EncodePrivate: got whitespace in %d chars; want one line", len(s))
	}
	got, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(EncodePrivate(k)): %v", err)
	}
	if !got.Equal(k) {
		t.Error("Parse(EncodePrivate(k)): got a different key")
	}

	// Our encoding is byte-for-byte what OpenSSL writes for the same key.
	s, err = EncodePrivate(referenceKey(t))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(fixture(t, "rsa2048-pkcs8.b64")); s != want {
		t.Error("EncodePrivate(fixture): differs from `openssl pkey -outform DER | base64 -w0`")
	}

	if _, err := EncodePrivate(nil); err == nil {
		t.Error("EncodePrivate(nil): got no error; want one")
	}
}

func TestPublicRoundTrip(t *testing.T) {
	t.Parallel()
	k := generatedKey(t)
	p, err := PublicPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(p), "-----BEGIN PUBLIC KEY-----\n") {
		t.Errorf("PublicPEM: got %q...; want a PUBLIC KEY PEM", p[:30])
	}
	got, err := ParsePublic(p)
	if err != nil {
		t.Fatalf("ParsePublic(PublicPEM(k)): %v", err)
	}
	if !got.Equal(&k.PublicKey) {
		t.Error("ParsePublic(PublicPEM(k)): got a different key")
	}
	if want := fixture(t, "rsa2048-public.pem"); string(mustPublicPEM(t, &referenceKey(t).PublicKey)) != want {
		t.Error("PublicPEM(fixture): differs from `openssl pkey -pubout`")
	}
	if _, err := PublicPEM(nil); err == nil {
		t.Error("PublicPEM(nil): got no error; want one")
	}
}

func mustPublicPEM(t *testing.T, pub *rsa.PublicKey) []byte {
	t.Helper()
	p, err := PublicPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParsePublic(t *testing.T) {
	t.Parallel()
	want := &referenceKey(t).PublicKey
	weak, err := x509.ParsePKCS8PrivateKey(mustPEM(t, fixture(t, "rsa1024-pkcs8.pem")))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		in      string
		wantErr error // nil: want the fixture's public key
		wantMsg string
	}{
		{"PKIX PEM", fixture(t, "rsa2048-public.pem"), nil, ""},
		{"PKCS#1 PEM", fixture(t, "rsa2048-public-pkcs1.pem"), nil, ""},
		{"certificate", fixture(t, "rsa2048-cert.pem"), nil, ""},
		{"bare base64 PKIX DER (Jira's form)", pemBody(fixture(t, "rsa2048-public.pem")), nil, ""},
		{"base64 PKCS#1 DER", pemBody(fixture(t, "rsa2048-public-pkcs1.pem")), nil, ""},
		{"base64 certificate DER", pemBody(fixture(t, "rsa2048-cert.pem")), nil, ""},
		{"PEM with literal \\n", strings.ReplaceAll(fixture(t, "rsa2048-public.pem"), "\n", `\n`), nil, ""},
		{"empty", "  \n", ErrEmpty, "is empty; paste the whole public key (PEM with its BEGIN/END lines, as 'jira-oauth keygen' wrote it to jira_publickey.pem)"},
		{"private key PEM", fixture(t, "rsa2048-pkcs8.pem"), ErrNotPrivate, "is a private key, not a public key"},
		{"private key base64", fixture(t, "rsa2048-pkcs8.b64"), ErrNotPrivate, "is a private key"},
		{"EC public key", fixture(t, "ec-p256-public.pem"), ErrNotRSA, "is an EC key"},
		{"weak public key", string(mustPublicPEM(t, &weak.(*rsa.PrivateKey).PublicKey)), ErrWeak, "is a 1024-bit RSA key"},
		{"garbage", "hello", ErrMalformed, "truncated?); paste the whole key"},
		{"garbage PEM", "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n", ErrMalformed, "truncated?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParsePublic([]byte(tt.in))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("ParsePublic: got error %v; want the fixture key", err)
				}
				if !got.Equal(want) {
					t.Error("ParsePublic: got a different key than the fixture's")
				}
				return
			}
			if err == nil {
				t.Fatalf("ParsePublic: got a key; want error %v", tt.wantErr)
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("ParsePublic: got error %q; want %v containing %q", err, tt.wantErr, tt.wantMsg)
			}
			checkMessage(t, err)
		})
	}
}

func mustPEM(t *testing.T, s string) []byte {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		t.Fatal("no PEM block")
	}
	return b.Bytes
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	if got := Fingerprint(&referenceKey(t).PublicKey); got != wantFingerprint {
		t.Errorf("Fingerprint(fixture): got %q; want %q", got, wantFingerprint)
	}
	k := generatedKey(t)
	if got := Fingerprint(&k.PublicKey); got == wantFingerprint || !strings.HasPrefix(got, "SHA256:") || len(got) != len(wantFingerprint) {
		t.Errorf("Fingerprint(generated): got %q; want a different SHA256: fingerprint", got)
	}
	if got := Fingerprint(nil); got != "" {
		t.Errorf("Fingerprint(nil): got %q; want \"\"", got)
	}
}

// FuzzParse checks that Parse never panics, that every error wraps one of
// the sentinels in one line, and that a key it accepts re-encodes and parses
// to the same key.
func FuzzParse(f *testing.F) {
	names, err := filepath.Glob("testdata/*.*")
	if err != nil {
		f.Fatal(err)
	}
	published, err := filepath.Glob("testdata/published/*.*")
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range append(names, published...) {
		if strings.HasSuffix(n, ".sh") || strings.HasSuffix(n, ".md") {
			continue
		}
		s := fixture(f, strings.TrimPrefix(n, "testdata"+string(filepath.Separator)))
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(strings.ReplaceAll(s, "\n", `\n`))
	}
	f.Add("")
	f.Add("-----BEGIN RSA PRIVATE KEY----- -----END RSA PRIVATE KEY-----")
	sentinels := []error{ErrEmpty, ErrNotRSA, ErrEncrypted, ErrMalformed, ErrWeak, ErrNotPrivate, ErrPublished}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := Parse(s)
		if err != nil {
			known := false
			for _, e := range sentinels {
				known = known || errors.Is(err, e)
			}
			if !known || strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("Parse: got error %q; want one line wrapping a sentinel", err)
			}
			return
		}
		enc, err := EncodePrivate(k)
		if err != nil {
			t.Fatalf("EncodePrivate of an accepted key: %v", err)
		}
		k2, err := Parse(enc)
		if err != nil {
			t.Fatalf("Parse(EncodePrivate(k)): %v", err)
		}
		if !k2.Equal(k) {
			t.Fatal("Parse(EncodePrivate(k)): got a different key")
		}
	})
}

// TestParseRejectsInconsistentKey guards the validation Parse leaves to
// crypto/x509: a well-formed PKCS#1 or PKCS#8 key whose private exponent does
// not match its primes must be refused as malformed, not used to sign.
func TestParseRejectsInconsistentKey(t *testing.T) {
	t.Parallel()
	k := referenceKey(t)
	raw := struct {
		Version               int
		N                     *big.Int
		E                     int
		D, P, Q, Dp, Dq, Qinv *big.Int
	}{0, k.N, k.E, new(big.Int).Add(k.D, big.NewInt(2)), k.Primes[0], k.Primes[1], k.Precomputed.Dp, k.Precomputed.Dq, k.Precomputed.Qinv}
	pkcs1, err := asn1.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	good, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	var info pkcs8
	if _, err := asn1.Unmarshal(good, &info); err != nil {
		t.Fatal(err)
	}
	info.PrivateKey = pkcs1
	pkcs8DER, err := asn1.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	for name, der := range map[string][]byte{"PKCS#1": pkcs1, "PKCS#8": pkcs8DER} {
		_, err := Parse(base64.StdEncoding.EncodeToString(der))
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s key with a wrong private exponent: got %v; want ErrMalformed", name, err)
		}
	}
}
