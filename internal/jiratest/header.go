package jiratest

import (
	"errors"
	"strings"
)

// parseAuthorization parses the parameters of an "Authorization: OAuth ..."
// header value (RFC 5849 section 3.5.1): the scheme name, case-insensitive,
// then a comma-separated list of name="value" pairs with optional linear
// white space around the commas. Names and values are percent-decoded.
// realm is returned like any other pair; the caller drops it.
//
// ok is false when the value does not use the OAuth scheme at all; err is set
// when it does but is malformed.
func parseAuthorization(value string) (ps []param, ok bool, err error) {
	value = strings.TrimLeft(value, " \t")
	scheme, rest, _ := strings.Cut(value, " ")
	if !strings.EqualFold(scheme, "OAuth") {
		return nil, false, nil
	}
	s := rest
	for {
		s = strings.TrimLeft(s, lws)
		if s == "" {
			return ps, true, nil
		}
		if s[0] == ',' { // empty list element, allowed by the #rule
			s = s[1:]
			continue
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, true, errors.New("authorization header: expected name=\"value\"")
		}
		rawName := strings.TrimRight(s[:eq], lws)
		if !isToken(rawName) {
			return nil, true, errors.New("authorization header: bad parameter name")
		}
		s = strings.TrimLeft(s[eq+1:], lws)
		if s == "" || s[0] != '"' {
			return nil, true, errors.New("authorization header: parameter value must be quoted")
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return nil, true, errors.New("authorization header: unterminated quoted value")
		}
		rawValue := s[1 : 1+end]
		if strings.ContainsAny(rawValue, "\\") {
			return nil, true, errors.New("authorization header: escapes are not allowed in values")
		}
		s = strings.TrimLeft(s[2+end:], lws)
		if s != "" {
			if s[0] != ',' {
				return nil, true, errors.New("authorization header: expected ',' between parameters")
			}
			s = s[1:]
		}
		name, err := percentDecode(rawName)
		if err != nil {
			return nil, true, err
		}
		val, err := percentDecode(rawValue)
		if err != nil {
			return nil, true, err
		}
		ps = append(ps, param{name, val})
	}
}

// isToken reports whether s is a non-empty RFC 7230 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || strings.IndexByte("!#$%&'*+^`|", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// lws is linear white space between list elements (folded lines included).
const lws = " \t\r\n"
