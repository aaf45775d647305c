package oauth

import (
	"net/url"
	"strings"
)

// parseAuthParams parses one "OAuth" credentials or challenge header value
// (Authorization or WWW-Authenticate, RFC 5849 section 3.5.1 / RFC 7235):
//
//	OAuth realm="x", oauth_problem="signature_invalid", oauth_signature_base_string="GET%26http..."
//
// It reports ok=false when the scheme is not OAuth. Values may be quoted
// strings (with backslash escapes, and commas inside the quotes) or bare
// tokens; they are percent-decoded, and kept as sent when that fails. A
// later duplicate name adds a value. A quoted value without its closing
// quote ends the parse and is dropped.
func parseAuthParams(header string) (params url.Values, ok bool) {
	s := strings.TrimSpace(header)
	scheme, rest, _ := strings.Cut(s, " ")
	if !strings.EqualFold(scheme, "OAuth") {
		return nil, false
	}
	params = url.Values{}
	for rest != "" {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			break
		}
		eq := strings.IndexAny(rest, "=,")
		if eq < 0 || rest[eq] == ',' {
			// A name without a value; skip it.
			if eq < 0 {
				break
			}
			rest = rest[eq+1:]
			continue
		}
		name := strings.TrimSpace(rest[:eq])
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var raw string
		if strings.HasPrefix(rest, `"`) {
			var sb strings.Builder
			i := 1
			for ; i < len(rest); i++ {
				c := rest[i]
				if c == '\\' && i+1 < len(rest) {
					i++
					sb.WriteByte(rest[i])
					continue
				}
				if c == '"' {
					break
				}
				sb.WriteByte(c)
			}
			if i == len(rest) {
				// No closing quote: the header is cut off or garbled, and
				// the value cannot be trusted; keep what came before.
				break
			}
			raw = sb.String()
			rest = rest[i+1:] // after the closing quote
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			raw = strings.TrimSpace(rest[:end])
			rest = rest[end:]
		}
		value, err := url.PathUnescape(raw)
		if err != nil {
			value = raw
		}
		if n, err := url.PathUnescape(name); err == nil {
			name = n
		}
		params.Add(name, value)
	}
	return params, true
}
