package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseCase is a file and the key/values Java reads from it. The JVM test
// (java_test.go) checks every case against java.util.Properties too.
type parseCase struct {
	name string
	in   string
	want map[string]string
	// reader: Java must read the file with load(Reader, UTF-8) to agree
	// (the file has UTF-8 text, which load(InputStream) reads as ISO-8859-1).
	reader bool
	// notJava: we deliberately differ from Java (explained in the name).
	notJava bool
}

func parseCases() []parseCase {
	return []parseCase{
		{name: "empty file", in: "", want: map[string]string{}},
		{name: "separators", in: "a=1\nb:2\nc 3\nd = 4\ne\t:\t5\nf  6 7\ng\fh\n", want: map[string]string{
			"a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6 7", "g": "h"}},
		{name: "key without value", in: "alone\nalone2=\n", want: map[string]string{"alone": "", "alone2": ""}},
		{name: "empty key", in: "=v\n", want: map[string]string{"": "v"}},
		{name: "indented lines and comments", in: "  # c\n\t! c\n   a = 1\n", want: map[string]string{"a": "1"}},
		{name: "trailing white space is kept", in: "a=1  \t\n", want: map[string]string{"a": "1  \t"}},
		{name: "escaped separators in keys", in: `a\=b\:c\ d=v` + "\n", want: map[string]string{"a=b:c d": "v"}},
		{name: "second separator is value", in: "a==b\nc:=d\n", want: map[string]string{"a": "=b", "c": "=d"}},
		{name: "escapes", in: `a=\t\n\r\f\\\#\!\=\:\q` + "\n", want: map[string]string{"a": "\t\n\r\f\\#!=:q"}},
		{name: "unicode escapes", in: `a=caf\u00e9 \u65E5\u672C` + "\n" + `\u006b=v` + "\n", want: map[string]string{"a": "café 日本", "k": "v"}},
		{name: "escaped separator via \\u", in: `k\u003dx=v` + "\n", want: map[string]string{"k=x": "v"}},
		{name: "surrogate pair", in: `a=\uD83D\uDE00!` + "\n", want: map[string]string{"a": "😀!"}},
		{name: "no expansion", in: "a=${b}\nb=x\n", want: map[string]string{"a": "${b}", "b": "x"}},
		{name: "continuation", in: "a=one \\\n    two\\\n\tthree\nb=2\n", want: map[string]string{"a": "one twothree", "b": "2"}},
		{name: "continuation in key", in: "ke\\\n  y=v\n", want: map[string]string{"key": "v"}},
		{name: "continuation line starting with #", in: "a=1\\\n  #2\n", want: map[string]string{"a": "1#2"}},
		{name: "even backslashes do not continue", in: "a=x\\\\\nb=y\n", want: map[string]string{"a": `x\`, "b": "y"}},
		{name: "comment lines do not continue", in: "# c \\\na=1\n", want: map[string]string{"a": "1"}},
		{name: "continuation ended by a blank line", in: "a=1\\\n\nb=2\n", want: map[string]string{"a": "1", "b": "2"}},
		{name: "continuation ended by a white space line", in: "a=1\\\n   \nb=2\n", want: map[string]string{"a": "1", "b": "2"}},
		{name: "backslash at end of file", in: "a=1\\", want: map[string]string{"a": "1"}},
		{name: "continuation at end of file", in: "a=1\\\n", want: map[string]string{"a": "1"}},
		{name: "only a continuation", in: "\\\nb=2\n", want: map[string]string{"b": "2"}},
		// While the logical line is still empty (after lines that are only
		// "\"), Java's LineReader treats a line starting with # or ! as a
		// comment, and a "\" ending the file as the key "" with value "".
		{name: "! comment after a lone continuation", in: "a=1\n\\\n!b=2\n", want: map[string]string{"a": "1"}},
		{name: "# comment after a lone continuation", in: "a=1\n\\\n#c\\uZZ=x\n", want: map[string]string{"a": "1"}},
		{name: "comment after indented lone continuations", in: "\\\n  \\\n\t# c\nb=2\n", want: map[string]string{"b": "2"}},
		{name: "lone backslash at end of file", in: "a=1\n\\", want: map[string]string{"a": "1", "": ""}},
		{name: "indented lone backslash at end of file", in: "a=1\n  \\", want: map[string]string{"a": "1", "": ""}},
		{name: "lone continuation at end of file (LF)", in: "a=1\n\\\n", want: map[string]string{"a": "1", "": ""}},
		{name: "lone continuation at end of file (CR)", in: "a=1\r\\\r", want: map[string]string{"a": "1", "": ""}},
		{name: "lone continuation at end of file (CRLF)", in: "a=1\r\n\\\r\n", want: map[string]string{"a": "1"}},
		{name: "two lone continuations at end of file", in: "a=1\n\\\n\\\n", want: map[string]string{"a": "1", "": ""}},
		{name: "lone continuation then blank line at end of file", in: "a=1\n\\\n\n", want: map[string]string{"a": "1"}},
		{name: "lone continuation then white space at end of file", in: "a=1\n\\\n  ", want: map[string]string{"a": "1"}},
		{name: "CRLF", in: "a=1\r\nb=2\\\r\n  3\r\n", want: map[string]string{"a": "1", "b": "23"}},
		{name: "CR only", in: "a=1\rb=2\\\r  3\r", want: map[string]string{"a": "1", "b": "23"}},
		// What Set appends after a file ending in a "\r" continuation: a
		// blank "\r" line, which cannot merge into a "\r\n" terminator.
		{name: "CR continuation ended by a blank CR line", in: "0\\\n\\\r\r1=0\n", want: map[string]string{"0": "", "1": "0"}},
		{name: "no final newline", in: "a=1\nb=2", want: map[string]string{"a": "1", "b": "2"}},
		{name: "duplicates: last wins", in: "a=1\nb=x\na=2\n", want: map[string]string{"a": "2", "b": "x"}},
		{name: "ISO-8859-1 file", in: "a=caf\xe9\n# \xe9t\xe9\n", want: map[string]string{"a": "café"}},
		{name: "UTF-8 file", in: "a=café 日本\n# été\n", want: map[string]string{"a": "café 日本"}, reader: true},
		{name: "UTF-8 BOM is not part of the first key (Java keeps it)", in: "\xEF\xBB\xBFa=1\n", want: map[string]string{"a": "1"}, notJava: true},
		{name: "Java store output", in: "#comment caf\\u00E9\n#Tue Mar 04 10:00:00 UTC 2025\nconsumer_key=jira-oauth\njira_home=https\\://jira.example.com\\:8443/jira\n",
			want: map[string]string{"consumer_key": "jira-oauth", "jira_home": "https://jira.example.com:8443/jira"}},
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tt := range parseCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("config.properties", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, values(f)); diff != "" {
				t.Errorf("Parse: values differ (-want +got):\n%s", diff)
			}
			if got := string(f.Bytes()); got != tt.in {
				t.Errorf("Bytes: got %q; want the input %q unchanged", got, tt.in)
			}
		})
	}
}

// values returns what Java would see: each key with its last value.
func values(f *File) map[string]string {
	m := make(map[string]string)
	for _, k := range f.Keys() {
		m[k] = f.Get(k)
	}
	return m
}

// badCases are files Java refuses too ("Malformed \uxxxx encoding").
func badCases() []parseCase {
	return []parseCase{
		{name: "non-hex \\u in value", in: "a=1\n# c\nb=\\uZZ12\n"},
		{name: "truncated \\u at end", in: "a=1\nb=\\u12\n"},
		{name: "\\u in key", in: "a\\u00g1=1\n"},
		{name: "\\u on a continuation line", in: "x=1\na=1\\\n  \\u12x4\n"},
	}
}

func TestParseRejectsMalformedEscapes(t *testing.T) {
	t.Parallel()
	wantLine := []string{"line 3:", "line 2:", "line 1:", "line 3:"}
	for i, tt := range badCases() {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("./config.properties", []byte(tt.in))
			if err == nil {
				t.Fatal("Parse: got no error; want malformed \\uXXXX")
			}
			want := "./config.properties: " + wantLine[i] + ` malformed \uXXXX escape: write \\ for a literal backslash, or \u followed by 4 hex digits (Java refuses the file too)`
			if err.Error() != want {
				t.Errorf("Parse: got error %q; want %q", err, want)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Path != "./config.properties" {
				t.Errorf("Parse: got %T; want *config.Error for the path", err)
			}
		})
	}
}

func TestParseRejectsBinaryAndHuge(t *testing.T) {
	t.Parallel()
	_, err := Parse("c.properties", []byte("a=1\nb=\x00\x01\x02"))
	if want := "c.properties: line 2 has a NUL byte: this is a binary file, not a config.properties"; err == nil || err.Error() != want {
		t.Errorf("Parse(binary): got error %v; want %q", err, want)
	}
	for _, bom := range []string{"\xff\xfe", "\xfe\xff"} {
		_, err = Parse("c.properties", []byte(bom+"a\x00=\x001\x00"))
		if err == nil || !strings.Contains(err.Error(), "is UTF-16 text") {
			t.Errorf("Parse(UTF-16 with BOM % x): got error %v; want it named as UTF-16", bom, err)
		}
	}
	big := []byte(strings.Repeat("# padding\n", MaxSize/10+1))
	_, err = Parse("c.properties", big)
	if want := "c.properties: is 1048580 bytes; a config.properties is a few KB - is this the right file?"; err == nil || err.Error() != want {
		t.Errorf("Parse(huge): got error %v; want %q", err, want)
	}
	if _, err := Parse("c.properties", big[:MaxSize]); err != nil {
		t.Errorf("Parse(MaxSize bytes): got error %v; want none", err)
	}
}
