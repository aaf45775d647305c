package keys

import (
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Parse reads a private_key value: one-line base64 PKCS#8 DER (Atlassian's form),
// base64 PKCS#1 DER, or PEM ("PRIVATE KEY" PKCS#8 / "RSA PRIVATE KEY" PKCS#1), tolerating
// surrounding whitespace and line breaks (also literal "\n" sequences people paste).
//
// Errors wrap ErrEmpty, ErrNotRSA, ErrEncrypted, ErrMalformed, ErrNotPrivate,
// ErrPublished or ErrWeak and never contain key material. A key published on
// the internet (see ErrPublished) is refused in any encoding, and also as
// text too damaged to parse that still holds one of its primes.
func Parse(value string) (*rsa.PrivateKey, error) {
	text := normalize(value)
	if text == "" {
		return nil, errEmpty
	}
	k, err := parseText(text)
	if errors.Is(err, ErrMalformed) {
		if p := publishedInText(text); p != nil {
			return nil, publishedError(p)
		}
	}
	return k, err
}

func parseText(text string) (*rsa.PrivateKey, error) {
	if strings.Contains(text, "-----BEGIN") {
		return parsePEM(text)
	}
	der, err := decodeBase64(text)
	if err != nil {
		return nil, errMalformed
	}
	return parsePrivateDER(der)
}

// normalize undoes what copying a key through shells, JSON and properties
// files does to it: literal "\n" / "\r" sequences and surrounding space.
func normalize(value string) string {
	r := strings.NewReplacer(`\r\n`, "\n", `\n`, "\n", `\r`, "\n")
	return strings.TrimSpace(r.Replace(value))
}

// decodeBase64 decodes standard or URL-safe base64, padded or not, ignoring
// all whitespace.
func decodeBase64(text string) ([]byte, error) {
	s := strings.Join(strings.Fields(text), "")
	if s == "" {
		return nil, ErrMalformed
	}
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// pemBlocks decodes every PEM block in text. It also copes with a PEM that
// lost its line breaks ("-----BEGIN X----- MIIE... -----END X-----").
func pemBlocks(text string) []*pem.Block {
	var blocks []*pem.Block
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		blocks = append(blocks, b)
	}
	if len(blocks) > 0 {
		return blocks
	}
	return flatPEM(text)
}

// flatPEM parses PEM blocks whose lines were joined with spaces. Headers
// (Proc-Type) are recognised only to report encryption.
func flatPEM(text string) []*pem.Block {
	var blocks []*pem.Block
	for {
		_, after, ok := strings.Cut(text, "-----BEGIN ")
		if !ok {
			return blocks
		}
		typ, after, ok := strings.Cut(after, "-----")
		if !ok {
			return blocks
		}
		body, after, ok := strings.Cut(after, "-----END "+typ+"-----")
		if !ok {
			return blocks
		}
		text = after
		b := &pem.Block{Type: typ, Headers: map[string]string{}}
		if strings.Contains(body, "Proc-Type:") {
			b.Headers["Proc-Type"] = "4,ENCRYPTED"
			blocks = append(blocks, b)
			continue
		}
		der, err := decodeBase64(body)
		if err != nil {
			continue
		}
		b.Bytes = der
		blocks = append(blocks, b)
	}
}

// privateTypes are the PEM types that hold a private key.
var privateTypes = map[string]bool{
	"PRIVATE KEY": true, "RSA PRIVATE KEY": true, "ENCRYPTED PRIVATE KEY": true,
	"EC PRIVATE KEY": true, "DSA PRIVATE KEY": true, "OPENSSH PRIVATE KEY": true,
}

// errPGP is for an OpenPGP key block, whose armor looks like PEM but is not
// (its checksum line is no base64 that encoding/pem accepts).
var errPGP = newError(ErrMalformed, "is an OpenPGP (GnuPG) key block, which OAuth cannot use: it needs an RSA key in PKCS#8 or PKCS#1 form; make one with 'jira-oauth keygen --force' and register its new public key in Jira's Application Link")

func parsePEM(text string) (*rsa.PrivateKey, error) {
	if strings.Contains(text, "-----BEGIN PGP ") {
		return nil, errPGP
	}
	blocks := pemBlocks(text)
	if len(blocks) == 0 {
		return nil, errMalformed
	}
	// A bundle may put a certificate before the key: use the first private key.
	b := blocks[0]
	for _, c := range blocks {
		if privateTypes[c.Type] {
			b = c
			break
		}
	}
	if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, errEncrypted
	}
	switch b.Type {
	case "PRIVATE KEY":
		return parsePKCS8(b.Bytes)
	case "RSA PRIVATE KEY":
		return parsePKCS1(b.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, errEncrypted
	case "EC PRIVATE KEY", "EC PARAMETERS":
		return nil, notRSA("an EC")
	case "DSA PRIVATE KEY", "DSA PARAMETERS":
		return nil, notRSA("a DSA")
	case "OPENSSH PRIVATE KEY":
		return nil, newError(ErrMalformed, "is in OpenSSH format; convert a copy to PKCS#8 with: ssh-keygen -p -m PKCS8 -N '' -f copy-of-key")
	case "PUBLIC KEY", "RSA PUBLIC KEY":
		return nil, errPublicGiven
	case "CERTIFICATE":
		return nil, errCertGiven
	default:
		return nil, newError(ErrMalformed, fmt.Sprintf("is a PEM %q block, not a private key", safeType(b.Type)))
	}
}

// safeType bounds what we echo of a PEM type line (it is not key material,
// but it is user input).
func safeType(t string) string {
	if len(t) > 40 {
		return t[:40] + "..."
	}
	return t
}

var (
	errPublicGiven = newError(ErrNotPrivate, "is a public key, not the private key: use the private key that 'jira-oauth keygen' wrote (Jira only gets the public key)")
	errCertGiven   = newError(ErrNotPrivate, "is a certificate, not the private key: use the private key that belongs to it")
)

// Object identifiers of key algorithms (PKCS#8 / PKIX AlgorithmIdentifier).
var (
	oidRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAPSS  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidEC      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidDSA     = asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 1}
	oidDH      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 3, 1}
	oidX25519  = asn1.ObjectIdentifier{1, 3, 101, 110}
	oidX448    = asn1.ObjectIdentifier{1, 3, 101, 111}
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidEd448   = asn1.ObjectIdentifier{1, 3, 101, 113}
	oidPKCS5   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}     // PBES1/PBES2
	oidPKCS12  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1} // PKCS#12 PBE
)

// pkcs8 is PKCS#8 PrivateKeyInfo, just enough to read the algorithm.
type pkcs8 struct {
	Version    int
	Algo       pkix.AlgorithmIdentifier
	PrivateKey []byte
}

// encryptedPKCS8 is PKCS#8 EncryptedPrivateKeyInfo.
type encryptedPKCS8 struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

// pkcs8Algorithm returns the key algorithm of a PKCS#8 PrivateKeyInfo.
func pkcs8Algorithm(der []byte) (asn1.ObjectIdentifier, bool) {
	var k pkcs8
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil || len(rest) != 0 {
		return nil, false
	}
	return k.Algo.Algorithm, true
}

// algorithmError explains a non-RSA key algorithm, or returns nil for RSA.
func algorithmError(oid asn1.ObjectIdentifier) error {
	switch {
	case oid.Equal(oidRSA):
		return nil
	case oid.Equal(oidEC):
		return notRSA("an EC")
	case oid.Equal(oidEd25519):
		return notRSA("an Ed25519")
	case oid.Equal(oidEd448):
		return notRSA("an Ed448")
	case oid.Equal(oidX25519):
		return notRSA("an X25519")
	case oid.Equal(oidX448):
		return notRSA("an X448")
	case oid.Equal(oidDSA):
		return notRSA("a DSA")
	case oid.Equal(oidDH):
		return notRSA("a Diffie-Hellman")
	case oid.Equal(oidRSAPSS):
		return newError(ErrNotRSA, "is an RSA-PSS key; Jira's OAuth (RSA-SHA1) needs a plain RSA key (create one with 'jira-oauth keygen')")
	default:
		return newError(ErrNotRSA, "is not an RSA key (unknown key algorithm); Jira's OAuth needs an RSA key (create one with 'jira-oauth keygen')")
	}
}

func parsePKCS8(der []byte) (*rsa.PrivateKey, error) {
	oid, ok := pkcs8Algorithm(der)
	if !ok {
		if isEncryptedPKCS8(der) {
			return nil, errEncrypted
		}
		return nil, errMalformed
	}
	if err := algorithmError(oid); err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, rsaParseError(der, true)
	}
	// algorithmError let only the RSA OID through, for which x509 returns
	// *rsa.PrivateKey; the check only guards against a future x509 change.
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, notRSA("a non-RSA")
	}
	return checkPrivate(rk)
}

func parsePKCS1(der []byte) (*rsa.PrivateKey, error) {
	k, err := x509.ParsePKCS1PrivateKey(der)
	if err != nil {
		return nil, rsaParseError(der, false)
	}
	return checkPrivate(k)
}

// rsaParseError explains why an RSA key that looks structurally right did
// not parse: Go refuses very short keys outright, which deserves ErrWeak.
func rsaParseError(der []byte, isPKCS8 bool) error {
	if isPKCS8 {
		var k pkcs8
		if _, err := asn1.Unmarshal(der, &k); err != nil {
			return errMalformed
		}
		der = k.PrivateKey
	}
	var raw struct {
		Version int
		N       *big.Int
		Rest    asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(der, &raw); err == nil && raw.N != nil && raw.N.Sign() > 0 {
		if p := publishedByModulus(raw.N); p != nil {
			return publishedError(p)
		}
		if raw.N.BitLen() < MinBits {
			return weak(raw.N.BitLen())
		}
	}
	return errMalformed
}

func weak(bits int) error {
	return newError(ErrWeak, fmt.Sprintf("is a %d-bit RSA key; use at least %d bits (create one with 'jira-oauth keygen')", bits, MinBits))
}

// checkPrivate refuses a published key, then enforces MinBits: a published
// key is often short too, but being public is the reason that matters (a
// longer copy of it would not help). It does not call k.Validate: since Go 1.20
// x509.ParsePKCS1PrivateKey and ParsePKCS8PrivateKey validate the key
// themselves (unless GODEBUG=x509rsacrt=0, which still validates after
// recomputing the CRT values), and a second Validate cost ~15% of Parse.
func checkPrivate(k *rsa.PrivateKey) (*rsa.PrivateKey, error) {
	if p := publishedByModulus(k.N); p != nil {
		return nil, publishedError(p)
	}
	if bits := k.N.BitLen(); bits < MinBits {
		return nil, weak(bits)
	}
	return k, nil
}

func isEncryptedPKCS8(der []byte) bool {
	var e encryptedPKCS8
	rest, err := asn1.Unmarshal(der, &e)
	if err != nil || len(rest) != 0 {
		return false
	}
	oid := e.Algo.Algorithm
	return hasPrefix(oid, oidPKCS5) || hasPrefix(oid, oidPKCS12)
}

func hasPrefix(oid, prefix asn1.ObjectIdentifier) bool {
	return len(oid) > len(prefix) && oid[:len(prefix)].Equal(prefix)
}

// parsePrivateDER identifies bare DER (from base64) by trying each format a
// key file can be in, most likely first.
func parsePrivateDER(der []byte) (*rsa.PrivateKey, error) {
	if _, ok := pkcs8Algorithm(der); ok {
		return parsePKCS8(der)
	}
	if isEncryptedPKCS8(der) {
		return nil, errEncrypted
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return checkPrivate(k)
	}
	if _, err := x509.ParseECPrivateKey(der); err == nil {
		return nil, notRSA("an EC")
	}
	if isDSAPrivate(der) {
		return nil, notRSA("a DSA")
	}
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return nil, errPublicGiven
	}
	if _, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return nil, errPublicGiven
	}
	if _, err := x509.ParseCertificate(der); err == nil {
		return nil, errCertGiven
	}
	return nil, rsaParseError(der, false)
}

// isDSAPrivate reports whether der is OpenSSL's traditional DSA private key
// (a SEQUENCE of six INTEGERs).
// encoding/asn1 ignores trailing elements of a SEQUENCE, so the count is
// checked separately: an RSA key (nine INTEGERs) that x509 refused must not
// pass for DSA.
func isDSAPrivate(der []byte) bool {
	var elems []asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &elems); err != nil || len(rest) != 0 || len(elems) != 6 {
		return false
	}
	var k struct {
		Version       int
		P, Q, G, Y, X *big.Int
	}
	rest, err := asn1.Unmarshal(der, &k)
	return err == nil && len(rest) == 0 && k.Version == 0 && k.X != nil
}
