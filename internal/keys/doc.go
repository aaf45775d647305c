// Package keys generates and parses the RSA keys used for Jira's OAuth 1.0a
// (RSA-SHA1) consumer.
//
// A private key is stored in config.properties as private_key, in the form
// Atlassian's Java OAuth client uses: one line of base64 PKCS#8 DER. Parse also
// accepts what people paste there by hand (PKCS#1 DER, PEM, wrapped lines,
// literal "\n" sequences) and explains what is wrong with everything else
// (EC keys, encrypted keys, public keys, weak keys) without ever echoing key
// material. It refuses keys whose private half is published on the internet,
// such as the sample key of Atlassian's Java OAuth tutorial client, in any
// encoding (see ErrPublished and testdata/published).
package keys
