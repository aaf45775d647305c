package keys

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
)

// EncodePrivate returns one line of base64 PKCS#8 DER (what config stores as private_key).
func EncodePrivate(k *rsa.PrivateKey) (string, error) {
	if k == nil {
		return "", errors.New("encode private key: no key")
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", fmt.Errorf("encode private key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// PublicPEM returns the "-----BEGIN PUBLIC KEY-----" PKIX PEM of pub (what the admin pastes).
func PublicPEM(pub *rsa.PublicKey) ([]byte, error) {
	if pub == nil {
		return nil, errors.New("encode public key: no key")
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}
