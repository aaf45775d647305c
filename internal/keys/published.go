package keys

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"regexp"
	"strings"
	"sync"
)

// publishedKey is an RSA key whose private half is on the internet, known
// by SHA-256 sums of its modulus and of its prime factors (big-endian, no
// leading zeros), never by its text: any encoding of it is caught.
type publishedKey struct {
	what    string // completes "is ...", e.g. "Atlassian's published sample key (...)"
	modulus string // hex SHA-256 of N
	primes  [2]string
}

// publishedKeys are refused by Parse and ParsePublic. The keys themselves,
// and where each was found, are in testdata/published (README.md there).
var publishedKeys = []publishedKey{{
	// The private_key default of Atlassian's Java OAuth tutorial client
	// (PropertiesClient.java, atlassian-oauth-examples), 1024-bit. The text
	// found lacks 13 base64 characters of the modulus; p and q are intact.
	what:    "Atlassian's published sample key (the private_key default of Atlassian's Java OAuth tutorial client)",
	modulus: "2b4ab453365d40e27d86af416700667ac0f996f20843f08df7e68ebfed41b18d",
	primes: [2]string{
		"1d2d3bfa78a61b45f805fa9e4fcbb9d9f33b8bee847fa2a48c432de9e633cc85",
		"f99be2f6b96a52869df6512e38f757149dffab9f7668b447a1f266f6c9b23d44",
	},
}}

// publishedAdvice is why a published key is refused and what to do.
const publishedAdvice = "it is public on the internet, so anyone can sign requests as your application; run 'jira-oauth keygen --force' for a key of your own and put the new public key (jira_publickey.pem) in Jira's Application Link"

func publishedError(k *publishedKey) error {
	return newError(ErrPublished, "is "+k.what+": "+publishedAdvice)
}

func publishedPublicError(k *publishedKey) error {
	return newError(ErrPublished, "is the public key of "+k.what+": its private key is public on the internet, so anyone can sign requests as this application; run 'jira-oauth keygen --force' for a key of your own and register the new jira_publickey.pem instead")
}

// sum is the hex SHA-256 of b without leading zero bytes.
func sum(b []byte) string {
	h := sha256.Sum256(bytes.TrimLeft(b, "\x00"))
	return hex.EncodeToString(h[:])
}

// publishedByModulus returns the published key with modulus n, or nil.
func publishedByModulus(n *big.Int) *publishedKey {
	if n == nil || n.Sign() <= 0 {
		return nil
	}
	s := sum(n.Bytes())
	for i := range publishedKeys {
		if publishedKeys[i].modulus == s {
			return &publishedKeys[i]
		}
	}
	return nil
}

// publishedByPrime returns the published key one of whose prime factors
// has the big-endian bytes b, or nil.
func publishedByPrime(b []byte) *publishedKey {
	s := sum(b)
	for i := range publishedKeys {
		if publishedKeys[i].primes[0] == s || publishedKeys[i].primes[1] == s {
			return &publishedKeys[i]
		}
	}
	return nil
}

// pemArmor matches PEM BEGIN/END lines, also when their line breaks are gone.
var pemArmor = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`-----(BEGIN|END)[^-]*-----`)
})

// publishedInText looks for a prime factor of a published key in text that
// did not parse. A copy that lost or gained a few characters (as the text of
// Atlassian's sample key did) is no DER any more, and base64 after the damage
// is shifted, but the primes are still there: the text is decoded at each of
// the four base64 alignments and searched for DER INTEGERs.
func publishedInText(text string) *publishedKey {
	text = pemArmor().ReplaceAllString(text, "")
	var b strings.Builder
	for _, c := range []byte(text) {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			b.WriteByte(c)
		case c == '-':
			b.WriteByte('+')
		case c == '_':
			b.WriteByte('/')
		}
	}
	s := b.String()
	for shift := 0; shift < 4 && shift < len(s); shift++ {
		t := s[shift:]
		der, err := base64.RawStdEncoding.DecodeString(t[:len(t)/4*4])
		if err != nil {
			continue
		}
		if k := publishedPrimeInDER(der); k != nil {
			return k
		}
	}
	return nil
}

// publishedPrimeInDER returns the published key one of whose primes is an
// INTEGER (32 to 1024 bytes) anywhere in der, or nil. It does not need der
// to be well-formed around the INTEGER.
func publishedPrimeInDER(der []byte) *publishedKey {
	for i := 0; i+2 < len(der); i++ {
		if der[i] != 0x02 {
			continue
		}
		n, start := int(der[i+1]), i+2
		switch der[i+1] {
		case 0x81:
			n, start = int(der[i+2]), i+3
		case 0x82:
			if i+3 >= len(der) {
				continue
			}
			n, start = int(der[i+2])<<8|int(der[i+3]), i+4
		default:
			if der[i+1] >= 0x80 {
				continue
			}
		}
		if n < 32 || n > 1024 || start+n > len(der) {
			continue
		}
		if k := publishedByPrime(der[start : start+n]); k != nil {
			return k
		}
	}
	return nil
}
