#!/bin/sh
# gen.sh regenerates the key fixtures used by the internal/keys tests.
# These are throwaway TEST keys; never use them for anything real.
# Run from this directory: sh gen.sh (needs OpenSSL 3). After regenerating,
# update wantFingerprint in ../keys_test.go with the command printed at the end.
set -eu
umask 077

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa2048-pkcs8.pem 2>/dev/null
openssl rsa -in rsa2048-pkcs8.pem -traditional -out rsa2048-pkcs1.pem 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in rsa2048-pkcs8.pem -outform DER | base64 -w0 > rsa2048-pkcs8.b64
openssl rsa -in rsa2048-pkcs8.pem -traditional -outform DER 2>/dev/null | base64 -w0 > rsa2048-pkcs1.b64
openssl pkcs8 -topk8 -in rsa2048-pkcs8.pem -v2 aes-256-cbc -passout pass:test -out rsa2048-encrypted-pkcs8.pem
openssl pkcs8 -topk8 -in rsa2048-pkcs8.pem -v2 aes-256-cbc -passout pass:test -outform DER | base64 -w0 > rsa2048-encrypted-pkcs8.b64
openssl rsa -in rsa2048-pkcs8.pem -traditional -aes256 -passout pass:test -out rsa2048-encrypted-pkcs1.pem 2>/dev/null
openssl pkey -in rsa2048-pkcs8.pem -pubout -out rsa2048-public.pem
openssl rsa -in rsa2048-pkcs8.pem -RSAPublicKey_out -out rsa2048-public-pkcs1.pem 2>/dev/null
openssl req -x509 -new -key rsa2048-pkcs8.pem -subj /CN=jira-oauth-test -days 36500 -out rsa2048-cert.pem

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024-pkcs8.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512 -out rsa512-pkcs8.pem 2>/dev/null
openssl rsa -in rsa1024-pkcs8.pem -traditional -out rsa1024-pkcs1.pem 2>/dev/null

openssl ecparam -name prime256v1 -genkey -out ec-p256-sec1.pem
openssl pkey -in ec-p256-sec1.pem -out ec-p256-pkcs8.pem
openssl pkcs8 -topk8 -nocrypt -in ec-p256-sec1.pem -outform DER | base64 -w0 > ec-p256-pkcs8.b64
openssl pkey -in ec-p256-sec1.pem -pubout -out ec-p256-public.pem
openssl genpkey -algorithm ed25519 -out ed25519-pkcs8.pem
openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out dsa-params.tmp 2>/dev/null
openssl genpkey -paramfile dsa-params.tmp -out dsa-pkcs8.pem
rm -f dsa-params.tmp
openssl dsa -in dsa-pkcs8.pem -out dsa-traditional.pem 2>/dev/null
openssl pkcs8 -topk8 -nocrypt -in dsa-pkcs8.pem -outform DER | base64 -w0 > dsa-pkcs8.b64

echo "fingerprint of rsa2048-pkcs8.pem:"
openssl pkey -in rsa2048-pkcs8.pem -pubout -outform DER | openssl dgst -sha256 -binary | base64
