package keys

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
)

// Generate makes an RSA key; bits must be 2048, 3072 or 4096.
func Generate(bits int) (*rsa.PrivateKey, error) {
	switch bits {
	case 2048, 3072, 4096:
	default:
		return nil, fmt.Errorf("generate key: %d bits is not supported: use 2048, 3072 or 4096", bits)
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return k, nil
}
