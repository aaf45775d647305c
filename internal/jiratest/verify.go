package jiratest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // RSA-SHA1 is what Jira's OAuth 1.0a uses.
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parameters every signed OAuth request must carry.
var signedParams = []string{
	"oauth_consumer_key", "oauth_signature_method", "oauth_signature",
	"oauth_timestamp", "oauth_nonce",
}

// authenticate validates an OAuth request the way Jira does
// (net.oauth's SimpleOAuthValidator plus atlassian-oauth's lookups):
// single oauth_ parameters, required parameters, version, signature method,
// consumer, then preCheck (token lookups), timestamp window, RSA-SHA1
// signature and finally the nonce, which is recorded only for requests whose
// signature verified so that a bad request cannot burn it.
func (p *Provider) authenticate(req *request, required []string,
	preCheck func(m *message, c *consumer) *problem) (*message, *consumer, *problem) {
	m, prob := readMessage(req.r, req.body, req.t.uri)
	if prob != nil {
		return nil, nil, prob
	}
	if prob := checkSingle(m); prob != nil {
		return nil, nil, prob
	}
	var absent []string
	for _, name := range append(append([]string(nil), signedParams...), required...) {
		if _, ok := m.get(name); !ok && !slices.Contains(absent, name) {
			absent = append(absent, name)
		}
	}
	if len(absent) > 0 {
		return nil, nil, newProblem(problemParameterAbsent, "oauth_parameters_absent", joinEncoded(absent))
	}
	if v, ok := m.get("oauth_version"); ok && v != "1.0" {
		return nil, nil, newProblem(problemVersionRejected, "oauth_acceptable_versions", "1.0-1.0")
	}
	if sm, _ := m.get("oauth_signature_method"); sm != "RSA-SHA1" {
		return nil, nil, newProblem(problemSignatureMethodRejected, "oauth_acceptable_signature_methods", "RSA-SHA1")
	}
	key, _ := m.get("oauth_consumer_key")
	p.mu.Lock()
	c := p.consumers[key]
	p.mu.Unlock()
	if c == nil {
		return nil, nil, newProblem(problemConsumerKeyUnknown)
	}
	if preCheck != nil {
		if prob := preCheck(m, c); prob != nil {
			return nil, nil, prob
		}
	}

	now := p.now()
	tsText, _ := m.get("oauth_timestamp")
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil || strings.HasPrefix(tsText, "+") {
		return nil, nil, newProblem(problemParameterRejected, "oauth_parameters_rejected", "oauth_timestamp")
	}
	window := int64(timestampWindow / time.Second)
	lo, hi := now.Unix()-window, now.Unix()+window
	if ts < lo || ts > hi {
		return nil, nil, newProblem(problemTimestampRefused,
			"oauth_acceptable_timestamps", strconv.FormatInt(lo, 10)+"-"+strconv.FormatInt(hi, 10))
	}

	base := m.baseString()
	sig, _ := m.get("oauth_signature")
	if !verifyRSASHA1(c.pub, base, sig) {
		return nil, nil, newProblem(problemSignatureInvalid,
			"oauth_signature", sig,
			"oauth_signature_base_string", base,
			"oauth_signature_method", "RSA-SHA1")
	}

	nonce, _ := m.get("oauth_nonce")
	nonceKey := key + "\x00" + nonce
	p.mu.Lock()
	defer p.mu.Unlock()
	now = p.nowLocked()
	for k, until := range p.nonces {
		if now.After(until) {
			delete(p.nonces, k)
		}
	}
	if _, used := p.nonces[nonceKey]; used {
		return nil, nil, newProblem(problemNonceUsed)
	}
	forget := time.Unix(max(ts, now.Unix()), 0).Add(timestampWindow + time.Second)
	p.nonces[nonceKey] = forget
	return m, c, nil
}

// verifyRSASHA1 checks a base64 RSASSA-PKCS1-v1_5 SHA-1 signature over base.
func verifyRSASHA1(pub *rsa.PublicKey, base, sig string) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || pub == nil {
		return false
	}
	sum := sha1.Sum([]byte(base))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], raw) == nil
}

// checkSingle refuses oauth_ parameters that appear more than once (across
// header, query and body), like net.oauth's checkSingleParameters.
func checkSingle(m *message) *problem {
	seen := map[string]int{}
	var dup []string
	for _, p := range m.params {
		if !strings.HasPrefix(p.name, "oauth_") {
			continue
		}
		seen[p.name]++
		if seen[p.name] == 2 {
			dup = append(dup, p.name)
		}
	}
	if len(dup) > 0 {
		return newProblem(problemParameterRejected, "oauth_parameters_rejected", joinEncoded(dup))
	}
	return nil
}

// joinEncoded is net.oauth's OAuth.percentEncode(Iterable): each name
// percent-encoded, joined with '&'.
func joinEncoded(names []string) string {
	enc := make([]string, len(names))
	for i, n := range names {
		enc[i] = percentEncode(n)
	}
	return strings.Join(enc, "&")
}
