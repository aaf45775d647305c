package config

import (
	"strings"
	"unicode/utf16"
)

// escapeKey escapes a key the way java.util.Properties.store does (spaces
// included), writing every non-ASCII or control character as \uXXXX.
func escapeKey(s string) string { return escape(s, true) }

// escapeValue escapes a value the way java.util.Properties.store does (only
// a leading space is escaped), writing every non-ASCII or control character
// as \uXXXX (a UTF-16 surrogate pair above U+FFFF). Invalid UTF-8 becomes
// U+FFFD.
func escapeValue(s string) string { return escape(s, false) }

func escape(s string, isKey bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ' ':
			if i == 0 || isKey {
				b.WriteByte('\\')
			}
			b.WriteByte(' ')
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '=', ':', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			switch {
			case r > 0xFFFF:
				r1, r2 := utf16.EncodeRune(r)
				writeU(&b, r1)
				writeU(&b, r2)
			case r < 0x20 || r > 0x7E:
				writeU(&b, r)
			default:
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// writeU writes \uXXXX with upper-case hex digits, as Java does.
func writeU(b *strings.Builder, r rune) {
	const hex = "0123456789ABCDEF"
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hex[(r>>shift)&0xF])
	}
}
