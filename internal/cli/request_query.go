package cli

import "strings"

// encodeQuery percent-encodes the query of a request target as the user
// typed it, so that '/rest/api/2/search?jql=project = DEMO' is sent (and
// signed) as jql=project%20%3D%20DEMO: pairs split at '&', a name from its
// value at the first '='; in each, a space, '=', '#', '"', a control or
// non-ASCII byte is encoded, a valid %XX escape is kept as typed and a lone
// '%' becomes %25. '+' stays: in a query it means a space to Jira.
func encodeQuery(target string) string {
	head, query, ok := strings.Cut(target, "?")
	if !ok {
		return target
	}
	pairs := strings.Split(query, "&")
	for i, pair := range pairs {
		name, value, hasValue := strings.Cut(pair, "=")
		pairs[i] = escapeQueryPart(name)
		if hasValue {
			pairs[i] += "=" + escapeQueryPart(value)
		}
	}
	return head + "?" + strings.Join(pairs, "&")
}

// escapeQueryPart encodes one name or value (see encodeQuery).
func escapeQueryPart(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && queryHexDigit(s[i+1]) && queryHexDigit(s[i+2]):
			sb.WriteString(s[i : i+3])
			i += 2
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("-._~!$'()*+,;:@/?", c) >= 0:
			sb.WriteByte(c)
		default:
			sb.WriteByte('%')
			sb.WriteByte(hex[c>>4])
			sb.WriteByte(hex[c&15])
		}
	}
	return sb.String()
}

func queryHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
