package config

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/magiconair/properties"
)

// MaxSize is the largest config file Load and Parse accept.
const MaxSize = 1 << 20

var utf8BOM = "\xEF\xBB\xBF"

// Parse reads the text of a config.properties; path is only used in errors
// and by Save. Text that is valid UTF-8 is decoded as UTF-8, anything else as
// ISO-8859-1 (what Java's Properties.load(InputStream) uses). Like Java, it
// refuses malformed \uXXXX escapes; it also refuses binary data and files
// larger than MaxSize.
func Parse(path string, data []byte) (*File, error) { return parse(path, data, MaxSize) }

func parse(path string, data []byte, limit int64) (*File, error) {
	fail := func(err error) (*File, error) { return nil, &Error{Path: path, Err: err} }
	if int64(len(data)) > limit {
		return fail(tooBig(int64(len(data))))
	}
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		return fail(errors.New("is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8 or ISO-8859-1, as java.util.Properties reads it"))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return fail(fmt.Errorf("line %d has a NUL byte: this is a binary file, not a config.properties", 1+bytes.Count(data[:i], []byte("\n"))))
	}
	f := New(path)
	text := string(data)
	if strings.HasPrefix(text, utf8BOM) {
		f.bom, text = utf8BOM, text[len(utf8BOM):]
	}
	decode := func(s string) string { return s }
	if !utf8.ValidString(text) {
		f.latin1, decode = true, latin1
	}
	lines := splitLines(text)
	if len(lines) > 0 {
		f.eol = lines[0].eol
		if f.eol == "" {
			f.eol = "\n"
		}
		f.entries = make([]entry, 0, len(lines))
	}
	kv := batch{buf: make([]byte, 0, len(text)+len(text)/4+64)} // room for the prefixes of most files
	for i := 0; i < len(lines); {
		e, logical, next, err := parseEntry(text, lines, i, decode)
		if err != nil {
			return fail(err)
		}
		if e.kv && !e.lone {
			kv.add(len(f.entries), logical)
		}
		f.entries = append(f.entries, e)
		i = next
	}
	if err := kv.decode(f.entries); err != nil {
		return fail(err)
	}
	f.reindex()
	return f, nil
}

func tooBig(n int64) error {
	return fmt.Errorf("is %d bytes; a config.properties is a few KB - is this the right file?", n)
}

// latin1 decodes ISO-8859-1.
func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// physLine is one physical line: its text, its terminator ("\n", "\r\n",
// "\r", or "" at the end of the file) and the offset of its text in the file.
type physLine struct {
	text, eol string
	off       int
}

// end returns the offset in the file just after l's terminator.
func (l physLine) end() int { return l.off + len(l.text) + len(l.eol) }

// splitLines splits s at Java's line terminators.
func splitLines(s string) []physLine {
	lines := make([]physLine, 0, strings.Count(s, "\n")+1)
	for off := 0; off < len(s); {
		rest := s[off:]
		i := strings.IndexAny(rest, "\r\n")
		if i < 0 {
			lines = append(lines, physLine{text: rest, off: off})
			break
		}
		n := 1
		if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
			n = 2
		}
		lines = append(lines, physLine{text: rest[:i], eol: rest[i : i+n], off: off})
		off += i + n
	}
	return lines
}

// trimSpace drops Java's leading white space (space, tab, form feed).
func trimSpace(s string) string { return strings.TrimLeft(s, " \t\f") }

// oddBackslashes reports whether s ends in an odd number of backslashes,
// which makes a line continue on the next one.
func oddBackslashes(s string) bool {
	n := len(s) - len(strings.TrimRight(s, `\`))
	return n%2 == 1
}

// parseEntry reads the logical line that starts at physical line i of text,
// following Java's LineReader: comment lines never continue; a line ending
// in an odd number of backslashes continues on the next one, whose leading
// white space is skipped; a backslash before the end of the file is dropped.
//
// A logical line that is still empty after its continuations (lines that are
// only "\") is where Java's LineReader differs: a following line that starts
// with # or ! is a comment, and if the file ends in such a line (right after
// the backslash, or after a one-character terminator "\n" or "\r"), Java
// reads the key "" with the value "". After "\r\n" it reads nothing: its
// reader has consumed the "\n" before it sees the end of the file.
//
// A key/value entry (kv, not lone) comes back with its key and value still
// empty and its logical line, escapes checked (checkEscapes), for batch to
// decode with the file's other key/value lines.
func parseEntry(text string, lines []physLine, i int, decode func(string) string) (e entry, logical string, next int, err error) {
	first := trimSpace(lines[i].text)
	if first == "" || first[0] == '#' || first[0] == '!' {
		return entry{raw: text[lines[i].off:lines[i].end()], eol: lines[i].eol}, "", i + 1, nil
	}
	var (
		buf   [4]string
		segs  = buf[:0] // the decoded text of each physical line
		n     int       // their total length
		seg   = first
		start = i
	)
	for {
		e.eol = lines[i].eol
		cont := oddBackslashes(seg)
		if cont {
			seg = seg[:len(seg)-1]
		}
		d := decode(seg)
		segs = append(segs, d)
		n += len(d)
		i++
		if !cont {
			break
		}
		if eol := lines[i-1].eol; eol == "" || i == len(lines) {
			e.open = true
			if n == 0 && eol != "\r\n" {
				e.raw = text[lines[start].off:lines[i-1].end()]
				e.kv, e.lone = true, true
				return e, "", i, nil
			}
			break
		}
		seg = trimSpace(lines[i].text)
		if n == 0 && seg != "" && (seg[0] == '#' || seg[0] == '!') {
			break // a comment: parsed as the next entry
		}
	}
	e.raw = text[lines[start].off:lines[i-1].end()]
	if n == 0 {
		return e, "", i, nil // Java ignores a line that is only a continuation
	}
	logical, err = checkEscapes(strings.Join(segs, ""))
	if err != nil {
		var off *escapeError
		line := start + 1
		if errors.As(err, &off) {
			at := 0 // offset in the logical line where segs[k] begins
			for k, s := range segs {
				if off.offset >= at {
					line = start + 1 + k
				}
				at += len(s)
			}
		}
		return entry{}, "", 0, fmt.Errorf("line %d: %w", line, err)
	}
	e.kv = true
	return e, logical, i, nil
}

// escapeError is a malformed \uXXXX escape at offset in a logical line.
type escapeError struct{ offset int }

func (e *escapeError) Error() string {
	return `malformed \uXXXX escape: write \\ for a literal backslash, or \u followed by 4 hex digits (Java refuses the file too)`
}

// batch collects the logical key/value lines of one file so that
// magiconair/properties decodes them all in one LoadBytes call: its lexer
// runs in a goroutine and hands over every token on a channel, which
// costs a goroutine start and several switches per call, too much to pay
// once per line.
//
// Each line is given the key prefix "x<entry index>.", so that duplicate
// keys stay apart and an empty key ("=value", which Java accepts) still
// decodes to a key. The prefix cannot collide: digits end at the first
// ".", so it names its entry whatever key follows. A line cannot spill
// into the next one: lines hold no "\r" or "\n", and end in an even number
// of backslashes (parseEntry drops a continuation's), so the "\n" after
// each ends it as the end of the input ended it.
type batch struct {
	buf     []byte
	entries []int // the entry index of each line, in order
}

// add queues the logical line of entry n.
func (b *batch) add(n int, line string) {
	b.buf = append(b.buf, 'x')
	b.buf = strconv.AppendInt(b.buf, int64(n), 10)
	b.buf = append(b.buf, '.')
	b.buf = append(b.buf, line...)
	b.buf = append(b.buf, '\n')
	b.entries = append(b.entries, n)
}

// decode decodes the queued lines and sets the key and value of their
// entries.
func (b *batch) decode(entries []entry) error {
	if len(b.entries) == 0 {
		return nil
	}
	// not reached: checkEscapes covers what magiconair rejects
	errDecode := errors.New("cannot decode its key/value lines")
	l := properties.Loader{Encoding: properties.UTF8, DisableExpansion: true}
	p, err := l.LoadBytes(b.buf)
	if err != nil || p.Len() != len(b.entries) {
		return errDecode
	}
	for j, k := range p.Keys() {
		n := b.entries[j]
		num, key, ok := strings.Cut(strings.TrimPrefix(k, "x"), ".")
		if !ok || num != strconv.Itoa(n) {
			return errDecode
		}
		entries[n].key = key
		entries[n].value, _ = p.Get(k)
	}
	return nil
}

// checkEscapes rejects malformed \uXXXX escapes like Java and turns escaped
// UTF-16 surrogate pairs into the character itself (magiconair decodes each
// half on its own, which would give two U+FFFD). Other escapes are left for
// magiconair; a lone surrogate decodes to U+FFFD. A line without a pair
// comes back as it is.
func checkEscapes(s string) (string, error) {
	if !strings.Contains(s, `\u`) {
		return s, nil // no \u escape, and no text that scanning could change
	}
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		if s[i] != '\\' || i+1 == len(s) {
			i++
			continue
		}
		if s[i+1] != 'u' {
			i += 2
			continue
		}
		r, ok := hex4(s[i+2:])
		if !ok {
			return "", &escapeError{offset: i}
		}
		if utf16.IsSurrogate(r) && r < 0xDC00 && strings.HasPrefix(s[i+6:], `\u`) {
			if r2, ok := hex4(s[i+8:]); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
				if done == 0 {
					b.Grow(len(s))
				}
				b.WriteString(s[done:i])
				b.WriteRune(utf16.DecodeRune(r, r2))
				i += 12
				done = i
				continue
			}
		}
		i += 6
	}
	if done == 0 {
		return s, nil
	}
	b.WriteString(s[done:])
	return b.String(), nil
}

// hex4 decodes the four hex digits at the start of s.
func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
