package config

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/magiconair/properties"
)

// This file keeps the parser as it was before Parse decoded a file's
// key/value lines in one magiconair pass (batch): parseRef decodes each
// logical line with its own LoadBytes call. It is the reference that
// TestParseMatchesPerLine and FuzzParseMatchesPerLine hold Parse to, byte
// for byte. It shares only the helpers the change left alone (trimSpace,
// oddBackslashes, hex4, latin1, escapeError).

// parseRef is parse as it was: one LoadBytes call per key/value line.
func parseRef(path string, data []byte, limit int64) (*File, error) {
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
	lines := splitLinesRef(text)
	if len(lines) > 0 {
		f.eol = lines[0].eol
		if f.eol == "" {
			f.eol = "\n"
		}
	}
	for i := 0; i < len(lines); {
		e, next, err := parseEntryRef(lines, i, decode)
		if err != nil {
			return fail(err)
		}
		f.entries = append(f.entries, e)
		i = next
	}
	f.reindex()
	return f, nil
}

// physLineRef is one physical line: its text and its terminator ("\n", "\r\n",
// "\r", or "" at the end of the file).
type physLineRef struct{ text, eol string }

// splitLinesRef splits s at Java's line terminators.
func splitLinesRef(s string) []physLineRef {
	var lines []physLineRef
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			lines = append(lines, physLineRef{text: s})
			break
		}
		n := 1
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			n = 2
		}
		lines = append(lines, physLineRef{text: s[:i], eol: s[i : i+n]})
		s = s[i+n:]
	}
	return lines
}

// parseEntryRef reads the logical line that starts at physical line i, following
// Java's LineReader: comment lines never continue; a line ending in an odd
// number of backslashes continues on the next one, whose leading white space
// is skipped; a backslash before the end of the file is dropped.
//
// A logical line that is still empty after its continuations (lines that are
// only "\") is where Java's LineReader differs: a following line that starts
// with # or ! is a comment, and if the file ends in such a line (right after
// the backslash, or after a one-character terminator "\n" or "\r"), Java
// reads the key "" with the value "". After "\r\n" it reads nothing: its
// reader has consumed the "\n" before it sees the end of the file.
func parseEntryRef(lines []physLineRef, i int, decode func(string) string) (entry, int, error) {
	first := trimSpace(lines[i].text)
	if first == "" || first[0] == '#' || first[0] == '!' {
		return entry{raw: lines[i].text + lines[i].eol, eol: lines[i].eol}, i + 1, nil
	}
	var (
		raw, joined strings.Builder
		starts      []int // offset in joined where each physical line begins
		seg         = first
		e           entry
		start       = i
	)
	for {
		raw.WriteString(lines[i].text + lines[i].eol)
		e.eol = lines[i].eol
		starts = append(starts, joined.Len())
		if !oddBackslashes(seg) {
			joined.WriteString(decode(seg))
			i++
			break
		}
		joined.WriteString(decode(seg[:len(seg)-1]))
		i++
		if eol := lines[i-1].eol; eol == "" || i == len(lines) {
			e.open = true
			if joined.Len() == 0 && eol != "\r\n" {
				e.raw = raw.String()
				e.kv, e.lone = true, true
				return e, i, nil
			}
			break
		}
		seg = trimSpace(lines[i].text)
		if joined.Len() == 0 && seg != "" && (seg[0] == '#' || seg[0] == '!') {
			break // a comment: parsed as the next entry
		}
	}
	e.raw = raw.String()
	if joined.Len() == 0 {
		return e, i, nil // Java ignores a line that is only a continuation
	}
	key, value, err := decodeLineRef(joined.String())
	if err != nil {
		var off *escapeError
		line := start + 1
		if errors.As(err, &off) {
			for n, s := range starts {
				if off.offset >= s {
					line = start + 1 + n
				}
			}
		}
		return entry{}, 0, fmt.Errorf("line %d: %w", line, err)
	}
	e.kv, e.key, e.value = true, key, value
	return e, i, nil
}

// decodeLineRef decodes one logical key/value line with magiconair/properties.
func decodeLineRef(line string) (key, value string, err error) {
	line, err = checkEscapesRef(line)
	if err != nil {
		return "", "", err
	}
	// The "x" makes every line start with a key character, so that an empty
	// key ("=value", which Java accepts) decodes too; we drop it below.
	l := properties.Loader{Encoding: properties.UTF8, DisableExpansion: true}
	p, err := l.LoadBytes([]byte("x" + line))
	if err != nil || p.Len() != 1 {
		return "", "", errors.New("cannot decode the line") // not reached: checkEscapesRef covers what magiconair rejects
	}
	k := p.Keys()[0]
	v, _ := p.Get(k)
	return k[1:], v, nil
}

// checkEscapesRef rejects malformed \uXXXX escapes like Java and turns escaped
// UTF-16 surrogate pairs into the character itself (magiconair decodes each
// half on its own, which would give two U+FFFD). Other escapes are left for
// magiconair; a lone surrogate decodes to U+FFFD.
func checkEscapesRef(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			i++
			continue
		}
		if s[i+1] != 'u' {
			b.WriteString(s[i : i+2])
			i += 2
			continue
		}
		r, ok := hex4(s[i+2:])
		if !ok {
			return "", &escapeError{offset: i}
		}
		if utf16.IsSurrogate(r) && r < 0xDC00 && strings.HasPrefix(s[i+6:], `\u`) {
			if r2, ok := hex4(s[i+8:]); ok && r2 >= 0xDC00 && r2 <= 0xDFFF {
				b.WriteRune(utf16.DecodeRune(r, r2))
				i += 12
				continue
			}
		}
		b.WriteString(s[i : i+6])
		i += 6
	}
	return b.String(), nil
}

// sameParse checks that Parse and parseRef agree on data: the same error
// message, or the same entries (raw text, key, value and flags), byte
// order mark, line terminator, encoding and index.
func sameParse(t *testing.T, data []byte) {
	t.Helper()
	got, gotErr := Parse("c.properties", data)
	want, wantErr := parseRef("c.properties", data, MaxSize)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("Parse(%q): got error %v; per-line decoding gives %v", data, gotErr, wantErr)
	}
	if wantErr != nil {
		return
	}
	if diff := cmp.Diff(want.entries, got.entries, cmp.AllowUnexported(entry{})); diff != "" {
		t.Fatalf("Parse(%q): entries differ from per-line decoding (-per-line +batch):\n%s", data, diff)
	}
	if got.bom != want.bom || got.eol != want.eol || got.latin1 != want.latin1 {
		t.Fatalf("Parse(%q): got bom %q, eol %q, latin1 %v; per-line decoding gives %q, %q, %v",
			data, got.bom, got.eol, got.latin1, want.bom, want.eol, want.latin1)
	}
	if diff := cmp.Diff(want.index, got.index); diff != "" {
		t.Fatalf("Parse(%q): index differs from per-line decoding (-per-line +batch):\n%s", data, diff)
	}
}

// everyCaseLines are lines that exercise what decoding must keep apart
// when a file's lines are decoded together: duplicate keys, empty keys,
// keys that look like the batch's prefixes, continuations (in keys and
// values, CR and CRLF), \uXXXX escapes, surrogate pairs and lone halves,
// escaped backslashes before a u, trailing backslashes, comments and
// blank lines.
const everyCaseLines = "# header \\\n" +
	"! bang comment\n" +
	"\n" +
	"   \t\f\n" +
	"a=1\n" +
	"a=2\n" +
	"=empty key\n" +
	"=\n" +
	":colon empty key\n" +
	" = spaced empty key\n" +
	"x0.=looks like a prefix\n" +
	"x1=also\n" +
	"0=zero\n" +
	".=dot\n" +
	"x=\n" +
	"alone\n" +
	"alone  \t\n" +
	"k\\=e\\:y\\ =v\\\\\n" +
	"\\u006b\\u0065y=\\u0076\\u0061lue\n" +
	"pair=\\uD83D\\uDE00 \\ud83d\\ude00\n" +
	"lone_high=\\uD83D!\n" +
	"lone_low=\\uDE00\\uD83D\n" +
	"high_then_escape=\\uD83D\\n\\uDE00\n" +
	"\\uD83D\\uDE00=emoji key\n" +
	"escaped_backslash=\\\\u0041 \\\\\\u0041\n" +
	"escaped_backslash_pair=\\\\uD83D\\uDE00 \\\\uZZZZ\n" +
	"escapes=\\t\\n\\r\\f\\\\\\#\\!\\=\\:\\q\\ \n" +
	"no_expansion=${a} ${x0.}\n" +
	"cont=one \\\n    two\\\n\tthree\n" +
	"ke\\\n  y2=v\n" +
	"cont_hash=1\\\n  #2\n" +
	"even=x\\\\\n" +
	"odd=x\\\\\\\n  y\n" +
	"blank_ended=1\\\n\n" +
	"\\\n" +
	"\\\n  \\\n\t# comment after lone continuations\n" +
	"crlf=1\\\r\n  2\r\n" +
	"cr=1\\\r  2\r" +
	"mixed\r\n" +
	"a=3\n" +
	"=last empty key\n" +
	"value with = and : inside=a=b:c\n" +
	"long=" + "0123456789abcdef\\n\\\n    " + "0123456789abcdef\\n\\\n    " + "end\n"

// everyCaseFiles are files made of everyCaseLines and of every parse
// case, in UTF-8 and ISO-8859-1, with and without a byte order mark and
// a final newline, and with each malformed escape at their end.
func everyCaseFiles() map[string]string {
	var cases strings.Builder
	for _, c := range parseCases() {
		if strings.Contains(c.in, "\xe9") || strings.HasPrefix(c.in, utf8BOM) {
			continue // not UTF-8, or a byte order mark: their own files below
		}
		cases.WriteString(c.in)
		if !strings.HasSuffix(c.in, "\n") {
			cases.WriteString("\n")
		}
	}
	utf := everyCaseLines + "utf8=café 日本 😀\n" + cases.String()
	files := map[string]string{
		"UTF-8":                    utf,
		"UTF-8 with BOM":           utf8BOM + utf,
		"no final newline":         strings.TrimSuffix(utf, "\n"),
		"ending in a continuation": utf + "end=1\\",
		"ending in a lone \\":      utf + "\\",
		"ISO-8859-1":               everyCaseLines + "latin=caf\xe9 \xff\n# \xe9t\xe9\n" + cases.String(),
		"CRLF":                     strings.ReplaceAll(everyCaseLines, "\n", "\r\n"),
		"CR":                       strings.ReplaceAll(everyCaseLines, "\n", "\r"),
	}
	for _, c := range badCases() {
		files["then "+c.name] = utf + c.in
	}
	files["malformed escape on the third line of a continuation"] = utf + "bad=1\\\n  2\\\n  \\u12x4\n"
	return files
}

// TestParseMatchesPerLine checks that decoding a file's key/value lines in
// one magiconair pass gives what decoding each on its own gave: values,
// layout and error messages (with their line numbers).
func TestParseMatchesPerLine(t *testing.T) {
	t.Parallel()
	for name, in := range everyCaseFiles() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sameParse(t, []byte(in))
		})
	}
	for _, c := range append(parseCases(), badCases()...) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sameParse(t, []byte(c.in))
		})
	}
}

// TestParseEveryCase checks what the every-case file decodes to, so that
// TestParseMatchesPerLine cannot pass by both parsers reading nothing: the
// values of the lines where batching could go wrong, and the line a
// malformed escape far down the file is reported on.
func TestParseEveryCase(t *testing.T) {
	t.Parallel()
	f, err := Parse("c.properties", []byte(everyCaseLines))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"a": "3", "": "last empty key", "x0.": "looks like a prefix", "x1": "also",
		"0": "zero", ".": "dot", "x": "", "alone": "", "k=e:y ": `v\`, "key": "value",
		"pair": "😀 😀", "lone_high": "\uFFFD!", "lone_low": "\uFFFD\uFFFD",
		"high_then_escape": "\uFFFD\n\uFFFD", "😀": "emoji key",
		"escaped_backslash": `\u0041 \A`, "escaped_backslash_pair": "\\uD83D\uFFFD \\uZZZZ", "escapes": "\t\n\r\f\\#!=:q ",
		"no_expansion": "${a} ${x0.}", "cont": "one twothree", "key2": "v", "cont_hash": "1#2",
		"even": `x\`, "odd": `x\y`, "blank_ended": "1", "crlf": "12", "cr": "12", "mixed": "",
		"value": "with = and : inside=a=b:c",
		"long":  "0123456789abcdef\n0123456789abcdef\nend",
	}
	if diff := cmp.Diff(want, values(f)); diff != "" {
		t.Errorf("values differ (-want +got):\n%s", diff)
	}
	if got := string(f.Bytes()); got != everyCaseLines {
		t.Errorf("Bytes: got %q; want the input unchanged", got)
	}
	in := everyCaseLines + "bad=1\\\n  2\\\n  \\u12x4\n"
	_, err = Parse("c.properties", []byte(in))
	line := strings.Count(everyCaseLines, "\n") + strings.Count(everyCaseLines, "\r") - strings.Count(everyCaseLines, "\r\n") + 3
	if want := fmt.Sprintf("c.properties: line %d: malformed", line); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Parse: got error %v; want it to start with %q", err, want)
	}
}

// FuzzParseMatchesPerLine checks that Parse agrees with per-line decoding
// on any input.
func FuzzParseMatchesPerLine(f *testing.F) {
	for _, s := range seedFiles(f) {
		f.Add(s)
	}
	// One large seed: the fuzzer minimises every input that finds new
	// coverage, which is slow for large ones.
	f.Add([]byte(everyCaseLines))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameParse(t, data)
	})
}
