package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"
)

// ParsePublic parses a PEM public key (PKIX "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY") or an
// X.509 "CERTIFICATE"; also bare base64 PKIX DER (Jira's Application Link shows that form).
//
// Errors wrap ErrEmpty, ErrNotRSA, ErrMalformed, ErrNotPrivate (a private key
// was given), ErrPublished (the public half of a published key) or ErrWeak
// and never contain key material.
func ParsePublic(data []byte) (*rsa.PublicKey, error) {
	text := normalize(string(data))
	if text == "" {
		return nil, errEmptyPublic
	}
	if strings.Contains(text, "-----BEGIN") {
		blocks := pemBlocks(text)
		if len(blocks) == 0 {
			return nil, errMalformed
		}
		b := blocks[0]
		switch b.Type {
		case "PUBLIC KEY":
			return pkixPublic(b.Bytes)
		case "RSA PUBLIC KEY":
			k, err := x509.ParsePKCS1PublicKey(b.Bytes)
			if err != nil {
				return nil, errMalformed
			}
			return checkPublic(k)
		case "CERTIFICATE":
			return certPublic(b.Bytes)
		}
		if privateTypes[b.Type] {
			return nil, errPrivateGiven
		}
		return nil, newError(ErrMalformed, fmt.Sprintf("is a PEM %q block, not a public key", safeType(b.Type)))
	}
	der, err := decodeBase64(text)
	if err != nil {
		return nil, errMalformed
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		return publicRSA(k)
	}
	if k, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return checkPublic(k)
	}
	if c, err := x509.ParseCertificate(der); err == nil {
		return publicRSA(c.PublicKey)
	}
	if _, ok := pkcs8Algorithm(der); ok {
		return nil, errPrivateGiven
	}
	if _, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return nil, errPrivateGiven
	}
	return nil, errMalformed
}

var errPrivateGiven = newError(ErrNotPrivate, "is a private key, not a public key: give Jira only the public key ('jira-oauth keygen' prints it)")

func pkixPublic(der []byte) (*rsa.PublicKey, error) {
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, errMalformed
	}
	return publicRSA(k)
}

func certPublic(der []byte) (*rsa.PublicKey, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, errMalformed
	}
	return publicRSA(c.PublicKey)
}

func publicRSA(k any) (*rsa.PublicKey, error) {
	switch k := k.(type) {
	case *rsa.PublicKey:
		return checkPublic(k)
	case *ecdsa.PublicKey:
		return nil, notRSA("an EC")
	case ed25519.PublicKey:
		return nil, notRSA("an Ed25519")
	default:
		return nil, notRSA("a non-RSA")
	}
}

func checkPublic(k *rsa.PublicKey) (*rsa.PublicKey, error) {
	if p := publishedByModulus(k.N); p != nil {
		return nil, publishedPublicError(p)
	}
	if bits := k.N.BitLen(); bits < MinBits {
		return nil, weak(bits)
	}
	return k, nil
}

// Fingerprint returns "SHA256:" + unpadded std base64 of sha256(PKIX DER of pub).
// It is what `openssl pkey -pubout -outform DER | openssl dgst -sha256 -binary | base64`
// prints, minus the padding. It returns "" for a nil or unusable key.
func Fingerprint(pub *rsa.PublicKey) string {
	if pub == nil || pub.N == nil {
		return ""
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}
