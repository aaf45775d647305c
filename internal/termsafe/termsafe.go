// Package termsafe makes text that came from the network safe to show on
// a terminal. A server (or anything between us and it) controls Jira's
// status line, error bodies, oauth_problem advice, user names and header
// values; printed raw, an escape sequence in them could move the cursor,
// rewrite what the user sees, set the window title or, on some terminals,
// answer back as if typed. String shows every such character escaped
// (ESC as \x1b), and leaves all other text, including non-ASCII letters,
// as it is.
package termsafe

import (
	"io"
	"strings"
	"unicode/utf8"
)

// unsafe reports whether a terminal could act on r rather than just show
// it: C0 controls (ESC, BEL, CR, BS, ...), DEL, C1 controls (U+0080 to
// U+009F: 8-bit CSI, OSC, ...) and the bidirectional formatting characters
// that make text display in a different order than it is (U+202E, "Trojan
// Source").
func unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, 0x80 <= r && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // ALM, LRM, RLM
		return true
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069: // embeddings, overrides, isolates
		return true
	}
	return false
}

// String returns s with every character a terminal could act on escaped:
// bytes below 0x20, DEL and bytes that are not UTF-8 as \xNN, C1 controls
// and bidi formatting characters as \uNNNN. Newlines and tabs are escaped
// too: a message is one line. Text without such characters is returned
// as it is.
func String(s string) string {
	return escape(s, false)
}

// Lines is String for multi-line text: it keeps '\n' and '\t'.
func Lines(s string) string {
	return escape(s, true)
}

func escape(s string, keepLines bool) string {
	clean := true
	for i, r := range s {
		if (r == utf8.RuneError && isInvalid(s[i:])) || (unsafe(r) && !(keepLines && (r == '\n' || r == '\t'))) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			writeHex(&sb, `\x`, uint32(s[i]), 2)
		case keepLines && (r == '\n' || r == '\t'):
			sb.WriteRune(r)
		case r < 0x80 && unsafe(r):
			writeHex(&sb, `\x`, uint32(r), 2)
		case unsafe(r):
			writeHex(&sb, `\u`, uint32(r), 4)
		default:
			sb.WriteString(s[i : i+size])
		}
		i += size
	}
	return sb.String()
}

// writeHex writes prefix and the lowest digits hex digits of v.
func writeHex(sb *strings.Builder, prefix string, v uint32, digits int) {
	const hex = "0123456789abcdef"
	sb.WriteString(prefix)
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		sb.WriteByte(hex[v>>shift&0xf])
	}
}

// isInvalid reports whether s starts with a byte that is not UTF-8 (as
// opposed to an encoded U+FFFD, which is shown as it is).
func isInvalid(s string) bool {
	_, size := utf8.DecodeRuneInString(s)
	return size <= 1
}

// JSON is Lines for text that encoding/json wrote: it already escapes C0
// controls in strings, and the rest (DEL, C1 controls, bidi formatting)
// come out as \u escapes, so the result is still valid JSON.
func JSON(s string) string {
	return Lines(strings.ReplaceAll(s, "\x7f", `\u007f`))
}

// Writer returns a writer that passes every write through Lines: use it
// for streams of messages (a --verbose trace). Each write should hold
// whole lines; a character split between writes is shown escaped.
func Writer(w io.Writer) io.Writer {
	return writer{w}
}

type writer struct{ w io.Writer }

func (sw writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(sw.w, Lines(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
