package keys

import "testing"

// BenchmarkParse parses the one-line base64 PKCS#8 key (Atlassian's form,
// what config stores as private_key), as every command does once.
func BenchmarkParse(b *testing.B) {
	value := fixture(b, "rsa2048-pkcs8.b64")
	for b.Loop() {
		if _, err := Parse(value); err != nil {
			b.Fatal(err)
		}
	}
}
