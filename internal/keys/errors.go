package keys

import "errors"

// Sentinel errors returned (wrapped) by Parse and ParsePublic; test them with
// errors.Is. The message of a returned error is a phrase meant to follow the
// name of what was parsed ("private_key: is encrypted; ..."); it never
// contains key material.
var (
	// ErrEmpty means the value was empty or only whitespace.
	ErrEmpty = errors.New("key is empty")
	// ErrNotRSA means the key is valid but not RSA (EC, Ed25519, DSA, ...).
	ErrNotRSA = errors.New("key is not an RSA key")
	// ErrEncrypted means the private key is protected by a passphrase.
	ErrEncrypted = errors.New("private key is encrypted")
	// ErrMalformed means the value is not valid base64, PEM or DER.
	ErrMalformed = errors.New("key is malformed")
	// ErrWeak means the RSA key is shorter than MinBits.
	ErrWeak = errors.New("RSA key is too short")
	// ErrNotPrivate means a public key or certificate was given where the
	// private key belongs (or a private key where a public key belongs).
	ErrNotPrivate = errors.New("not a private key")
	// ErrPublished means the key is one whose private half is public on
	// the internet, such as the sample key of Atlassian's Java OAuth
	// tutorial client: anyone could sign as the application. It is checked
	// before ErrWeak, which such a key often also deserves.
	ErrPublished = errors.New("key is published on the internet")
)

// MinBits is the shortest RSA modulus Parse and ParsePublic accept.
const MinBits = 2048

// keyError carries a user-facing phrase and the sentinel it stands for.
type keyError struct {
	kind error
	msg  string
}

func (e *keyError) Error() string { return e.msg }
func (e *keyError) Unwrap() error { return e.kind }

func newError(kind error, msg string) error { return &keyError{kind: kind, msg: msg} }

const decryptHint = "store it unencrypted: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-unencrypted.pem"

var (
	errEmpty     = newError(ErrEmpty, "is empty (nothing but spaces and line breaks); paste the whole key (one line of base64, or PEM with its BEGIN/END lines), or make a new pair with 'jira-oauth keygen --force' and register its new public key in Jira's Application Link")
	errEncrypted = newError(ErrEncrypted, "is encrypted; "+decryptHint)
	errMalformed = newError(ErrMalformed, "is not valid base64/PEM/DER (truncated?); paste the whole key (one line of base64, or PEM with its BEGIN/END lines), or make a new pair with 'jira-oauth keygen --force' and register its new public key in Jira's Application Link")
	// errEmptyPublic is ParsePublic's ErrEmpty: what to paste instead.
	errEmptyPublic = newError(ErrEmpty, "is empty; paste the whole public key (PEM with its BEGIN/END lines, as 'jira-oauth keygen' wrote it to jira_publickey.pem)")
)

func notRSA(kind string) error {
	return newError(ErrNotRSA, "is "+kind+" key; Jira's OAuth needs an RSA key (create one with 'jira-oauth keygen')")
}
