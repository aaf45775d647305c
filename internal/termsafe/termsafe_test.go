package termsafe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"plain ASCII: 200 OK", "plain ASCII: 200 OK"},
		{"Clé Müller 日本 \\x1b", "Clé Müller 日本 \\x1b"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"a\nb\tc\rd", `a\x0ab\x09c\x0dd`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m csi", `c1 \u009b31m csi`},
		{"bidi \u202eevil\u202c \u2066x\u2069 \u200f", `bidi \u202eevil\u202c \u2066x\u2069 \u200f`},
		{"bad \xff\xfe utf8 \xc3", `bad \xff\xfe utf8 \xc3`},
		{"replacement \uFFFD stays", "replacement \uFFFD stays"},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestLinesKeepsNewlinesAndTabs(t *testing.T) {
	t.Parallel()
	in := "line 1\tx\nline 2 \x1b[2J\r\n"
	want := "line 1\tx\nline 2 \\x1b[2J\\x0d\n"
	if got := Lines(in); got != want {
		t.Errorf("Lines(%q) = %q; want %q", in, got, want)
	}
}

func TestJSONStaysValid(t *testing.T) {
	t.Parallel()
	data, err := json.Marshal(map[string]string{"name": "a\x1b[2J\x7f\u009b\u202e\xffb"})
	if err != nil {
		t.Fatal(err)
	}
	got := JSON(string(data))
	var back map[string]string
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatalf("JSON(%s) = %s: not JSON: %v", data, got, err)
	}
	if back["name"] != "a\x1b[2J\x7f\u009b\u202e\ufffdb" {
		t.Errorf("round trip gave %q", back["name"])
	}
	if String(got) != got {
		t.Errorf("JSON(%s) = %s still holds characters String would escape", data, got)
	}
}

func TestWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := Writer(&buf)
	in := []byte("< X-Evil: \x1b]52;c;cGF3bmVk\x07\n")
	n, err := w.Write(in)
	if err != nil || n != len(in) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(in))
	}
	if strings.ContainsRune(buf.String(), 0x1b) {
		t.Errorf("output %q holds ESC", buf.String())
	}
}

// FuzzString checks that nothing a terminal acts on survives String.
func FuzzString(f *testing.F) {
	f.Add("\x1b[31m\u009b\u202e\xff")
	f.Fuzz(func(t *testing.T, s string) {
		got := String(s)
		for i, r := range got {
			if unsafe(r) || (r == 0xfffd && isInvalid(got[i:])) {
				t.Fatalf("String(%q) = %q holds %U", s, got, r)
			}
		}
	})
}
