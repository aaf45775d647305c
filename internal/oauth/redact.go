package oauth

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/dghubble/oauth1"
)

// redacted replaces secret values in base strings, forms, traces and errors.
const redacted = "[redacted]"

// secretParam reports whether the value of an OAuth parameter is a secret.
// oauth_token is not: it travels in clear in every request and in the
// authorize URL, and is useless without the private key.
func secretParam(name string) bool {
	return name == "oauth_verifier" || name == "oauth_token_secret"
}

// redactBaseString replaces the values of secret parameters in a signature
// base string with "[redacted]" (left unencoded so that it stands out; a
// real base string never holds a bracket). The parameters of an un-encoded
// base string ("a=1&oauth_verifier=v") are redacted too.
func redactBaseString(base string) string {
	method, uri, pairs, ok := splitBaseString(base)
	if !ok {
		return base
	}
	for i, pair := range pairs {
		name, _, ok := strings.Cut(pair, "%3D")
		if n, err := url.PathUnescape(name); err == nil && ok && secretParam(n) {
			pairs[i] = name + "%3D" + redacted
		}
	}
	return method + "&" + uri + "&" + redactForm(strings.Join(pairs, "%26"))
}

// formSeparators are the pair separators of a form as Jira or a proxy
// might write it: '&', and ';' which url.ParseQuery refuses (dropping the
// pair) but which must not hide a secret from redaction.
const formSeparators = "&;"

// redactForm replaces secret values in an application/x-www-form-urlencoded
// text, including inside an oauth_signature_base_string value. Pairs may be
// separated by '&' or ';'.
func redactForm(form string) string {
	var sb strings.Builder
	for form != "" {
		pair, sep := form, ""
		if i := strings.IndexAny(form, formSeparators); i >= 0 {
			pair, sep, form = form[:i], form[i:i+1], form[i+1:]
		} else {
			form = ""
		}
		sb.WriteString(redactPair(pair))
		sb.WriteString(sep)
	}
	return sb.String()
}

// redactPair redacts one name=value pair of a form.
func redactPair(pair string) string {
	rawName, rawValue, ok := strings.Cut(pair, "=")
	if !ok {
		return pair
	}
	name, err := url.QueryUnescape(rawName)
	if err != nil {
		return pair
	}
	switch {
	case secretParam(name):
		return rawName + "=" + redacted
	case name == "oauth_signature_base_string":
		if v, err := url.QueryUnescape(rawValue); err == nil {
			return rawName + "=" + oauth1.PercentEncode(redactBaseString(v))
		}
	}
	return pair
}

// formSecrets returns the values of secret parameters in a form answer, as
// sent and decoded, splitting pairs on '&' and ';' and tolerating bad
// escapes, so that the scrubber catches them wherever they reappear.
func formSecrets(form string) []string {
	var out []string
	for pair := range strings.FieldsFuncSeq(strings.TrimSpace(form), func(r rune) bool { return strings.ContainsRune(formSeparators, r) }) {
		rawName, rawValue, ok := strings.Cut(pair, "=")
		if !ok || rawValue == "" {
			continue
		}
		name, err := url.QueryUnescape(rawName)
		if err != nil || !secretParam(name) {
			continue
		}
		out = append(out, rawValue)
		if v, err := url.QueryUnescape(rawValue); err == nil && v != rawValue {
			out = append(out, v)
		}
	}
	return out
}

// redactValues replaces secret values in parameters that Jira sent back.
func redactValues(v map[string][]string) {
	for name, values := range v {
		for i, value := range values {
			switch {
			case secretParam(name):
				values[i] = redacted
			case name == "oauth_signature_base_string":
				values[i] = redactBaseString(value)
			}
		}
	}
}

// scrubber is the last line of defence: it replaces every occurrence of
// known secret values, raw or percent-encoded once or twice, in text that
// is about to be printed.
type scrubber []string

// minScrubLen is the shortest secret the scrubber replaces (as the CLI's):
// a one-letter "secret" in a garbled answer would otherwise cut every "a"
// out of the message, down to the oauth_problem name. Jira's verifiers
// have 6 characters, its token secrets 32.
const minScrubLen = 6

func (s scrubber) scrub(text string) string {
	for _, secret := range s {
		if len(secret) < minScrubLen {
			continue
		}
		once := oauth1.PercentEncode(secret)
		for _, form := range []string{oauth1.PercentEncode(once), once, url.QueryEscape(secret), secret} {
			text = strings.ReplaceAll(text, form, redacted)
		}
	}
	return text
}

// excerpt returns the first n characters of body on one line: control
// characters become spaces, runs of white space collapse, secrets are
// redacted.
func excerpt(body []byte, n int, s scrubber) string {
	text := s.scrub(redactForm(string(body)))
	var sb strings.Builder
	count := 0
	space := false
	for _, r := range strings.ToValidUTF8(text, "?") {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		if space && sb.Len() > 0 {
			if count++; count > n {
				break
			}
			sb.WriteByte(' ')
		}
		space = false
		if count++; count > n {
			break
		}
		sb.WriteRune(r)
	}
	out := sb.String()
	if count > n {
		out += "..."
	}
	return out
}

// oneLine makes text from Jira safe to embed in a one-line message.
func oneLine(text string, n int) string {
	return excerpt([]byte(text), n, nil)
}
