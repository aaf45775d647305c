package jiratest

import (
	"errors"
	"strings"
)

// errBadEncoding reports a malformed percent-encoding (a '%' not followed by
// two hex digits).
var errBadEncoding = errors.New("malformed percent-encoding")

// percentEncode encodes s as RFC 5849 section 3.6 requires: every byte
// except the RFC 3986 unreserved characters becomes %XX with upper-case hex.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0x0f])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	case c == '-', c == '.', c == '_', c == '~':
		return true
	}
	return false
}

// percentDecode reverses RFC 3986 percent-encoding. A '+' stays a '+'
// (Authorization header values are not form-encoded). Malformed escapes are
// an error rather than being passed through.
func percentDecode(s string) (string, error) {
	return decode(s, false)
}

// formDecode decodes one name or value of an application/x-www-form-urlencoded
// string (query or body): like percentDecode, but '+' means a space.
func formDecode(s string) (string, error) {
	return decode(s, true)
}

func decode(s string, plusIsSpace bool) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) {
				return "", errBadEncoding
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", errBadEncoding
			}
			b.WriteByte(hi<<4 | lo)
			i += 2
		case c == '+' && plusIsSpace:
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// param is one name/value pair, kept in arrival order; duplicates are legal
// in OAuth 1.0 and all of them are signed.
type param struct {
	name, value string
}

// parseForm splits an application/x-www-form-urlencoded string (a raw query
// or a request body) into decoded pairs, keeping duplicates and order. A
// name without '=' has the empty value; empty pieces ("a&&b") are skipped.
func parseForm(s string) ([]param, error) {
	var out []param
	for piece := range strings.SplitSeq(s, "&") {
		if piece == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(piece, "=")
		name, err := formDecode(rawName)
		if err != nil {
			return nil, err
		}
		value, err := formDecode(rawValue)
		if err != nil {
			return nil, err
		}
		out = append(out, param{name, value})
	}
	return out, nil
}

// formEncode joins pairs the way net.oauth's OAuth.formEncode does: names and
// values percent-encoded (RFC 3986, so a space is %20), joined with '&'.
func formEncode(ps []param) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(percentEncode(p.name))
		b.WriteByte('=')
		b.WriteString(percentEncode(p.value))
	}
	return b.String()
}
