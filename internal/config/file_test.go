package config

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEditKeepsLayout(t *testing.T) {
	t.Parallel()
	const javaFile = "#jira-oauth\n#Tue Mar 04 10:00:00 UTC 2025\n" +
		"jira_home=https\\://jira.example.com\n" +
		"consumer_key=OauthKey\n" +
		"private_key=MIIEv\\\n    QIBAD\n" +
		"secret=old\n"
	tests := []struct {
		name string
		in   string
		edit func(f *File)
		want string
	}{
		{
			name: "set existing key keeps comments, blank lines and order",
			in:   "# Jira\n\n! other comment\njira_home = https://old\n\nconsumer_key : ck\n",
			edit: func(f *File) { f.Set("jira_home", "https://new.example.com/jira") },
			want: "# Jira\n\n! other comment\njira_home=https\\://new.example.com/jira\n\nconsumer_key : ck\n",
		},
		{
			name: "Java-written file: #date header and escapes of other lines kept",
			in:   javaFile,
			edit: func(f *File) { f.Set("secret", "new") },
			want: "#jira-oauth\n#Tue Mar 04 10:00:00 UTC 2025\n" +
				"jira_home=https\\://jira.example.com\n" +
				"consumer_key=OauthKey\n" +
				"private_key=MIIEv\\\n    QIBAD\n" +
				"secret=new\n",
		},
		{
			name: "set a continued key replaces all its lines",
			in:   javaFile,
			edit: func(f *File) { f.Set("private_key", "MIIE") },
			want: "#jira-oauth\n#Tue Mar 04 10:00:00 UTC 2025\n" +
				"jira_home=https\\://jira.example.com\n" +
				"consumer_key=OauthKey\n" +
				"private_key=MIIE\n" +
				"secret=old\n",
		},
		{
			name: "set to the same value changes nothing",
			in:   "a = 1 \\\n  \n",
			edit: func(f *File) { f.Set("a", "1 ") },
			want: "a = 1 \\\n  \n",
		},
		{
			name: "append new key at the end",
			in:   "# c\na=1\n",
			edit: func(f *File) { f.Set("access_token", "tok") },
			want: "# c\na=1\naccess_token=tok\n",
		},
		{
			name: "append adds the missing final newline",
			in:   "a=1",
			edit: func(f *File) { f.Set("b", "2") },
			want: "a=1\nb=2\n",
		},
		{
			name: "append after a comment without newline",
			in:   "a=1\n# end \\",
			edit: func(f *File) { f.Set("b", "2") },
			want: "a=1\n# end \\\nb=2\n",
		},
		{
			name: "append after a continuation at end of file",
			in:   "a=1\\\n",
			edit: func(f *File) { f.Set("b", "2") },
			want: "a=1\\\n\nb=2\n",
		},
		{
			name: "append after a backslash at end of file",
			in:   "a=1\\",
			edit: func(f *File) { f.Set("b", "2") },
			want: "a=1\\\n\nb=2\n",
		},
		{
			name: "CRLF kept on replace and used on append",
			in:   "# c\r\na=1\r\nb=2\r\n",
			edit: func(f *File) { f.Set("a", "x"); f.Set("c", "3") },
			want: "# c\r\na=x\r\nb=2\r\nc=3\r\n",
		},
		{
			name: "duplicates: only the last occurrence is replaced",
			in:   "a=1\nb=2\na=3\n",
			edit: func(f *File) { f.Set("a", "4") },
			want: "a=1\nb=2\na=4\n",
		},
		{
			name: "non-ASCII comments kept as is (UTF-8 and ISO-8859-1)",
			in:   "# été 日本\n#caf\xe9\na=1\n",
			edit: func(f *File) { f.Set("a", "é") },
			want: "# été 日本\n#caf\xe9\na=\\u00E9\n",
		},
		{
			name: "ISO-8859-1 file stays ISO-8859-1: other lines kept",
			in:   "# caf\xe9\na=caf\xe9\nb=\xc3\xa9 \\\n  x\n",
			edit: func(f *File) { f.Set("a", "cafe") },
			want: "# caf\xe9\na=cafe\nb=\xc3\xa9 \\\n  x\n",
		},
		{
			name: "ISO-8859-1 file that an edit would turn into UTF-8: non-ASCII values escaped",
			in:   "# cafe\na=caf\xe9\nb=\xc3\xa9 \\\n  x\n",
			edit: func(f *File) { f.Set("a", "cafe") },
			want: "# cafe\na=cafe\nb=\\u00C3\\u00A9 x\n",
		},
		{
			name: "ISO-8859-1 file that a delete would turn into UTF-8",
			in:   "a=caf\xe9\nb=\xc3\xa9\n",
			edit: func(f *File) { f.Delete("a") },
			want: "b=\\u00C3\\u00A9\n",
		},
		{
			name: "UTF-8 values of other keys kept as is",
			in:   "name=Zoë\na=1\n",
			edit: func(f *File) { f.Set("a", "2") },
			want: "name=Zoë\na=2\n",
		},
		{
			name: "BOM kept",
			in:   "\xEF\xBB\xBFa=1\n",
			edit: func(f *File) { f.Set("a", "2") },
			want: "\xEF\xBB\xBFa=2\n",
		},
		{
			name: "values escaped like Properties.store",
			in:   "",
			edit: func(f *File) {
				f.Set("v", " lead = : # ! \\ \t\n\r\f é 日 😀 \x01 ${x}")
				f.Set("key with spaces=:#!", "x")
			},
			want: `v=\ lead \= \: \# \! \\ \t\n\r\f \u00E9 \u65E5 \uD83D\uDE00 \u0001 ${x}` + "\n" +
				`key\ with\ spaces\=\:\#\!=x` + "\n",
		},
		{
			name: "delete removes every occurrence and its continuation lines",
			in:   "# c\na=1\\\n  2\nb=x\n\na = 3\nc=y",
			edit: func(f *File) { f.Delete("a") },
			want: "# c\nb=x\n\nc=y",
		},
		{
			name: "delete of an absent key changes nothing",
			in:   "# c\r\nb=x",
			edit: func(f *File) { f.Delete("a") },
			want: "# c\r\nb=x",
		},
		{
			name: "keys escaped with \\: and \\= are found",
			in:   "a\\:b\\=c=1\nd=2\n",
			edit: func(f *File) { f.Set("a:b=c", "9") },
			want: "a\\:b\\=c=9\nd=2\n",
		},
		{
			name: "append after a lone backslash at end of file keeps the key \"\"",
			in:   "a=1\n\\",
			edit: func(f *File) { f.Set("b", "2") },
			want: "a=1\n=\nb=2\n",
		},
		{
			name: "append after a lone continuation at end of file keeps the key \"\"",
			in:   "a=1\r\n  \\\r\n\\\n",
			edit: func(f *File) { f.Set("b", "2") },
			want: "a=1\r\n=\r\nb=2\r\n",
		},
		{
			name: "set the key \"\" of a lone backslash",
			in:   "a=1\n\\\n",
			edit: func(f *File) { f.Set("", "x") },
			want: "a=1\n=x\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := Parse("config.properties", []byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.edit(f)
			if diff := cmp.Diff(tt.want, string(f.Bytes())); diff != "" {
				t.Errorf("Bytes after edit (-want +got):\n%s", diff)
			}
			// What we wrote reads back to the same values.
			g, err := Parse("config.properties", f.Bytes())
			if err != nil {
				t.Fatalf("Parse(Bytes()): %v", err)
			}
			if diff := cmp.Diff(values(f), values(g)); diff != "" {
				t.Errorf("values after re-parse (-edited +reparsed):\n%s", diff)
			}
		})
	}
}

func TestGetLookupKeys(t *testing.T) {
	t.Parallel()
	f, err := Parse("c", []byte("b=1\na=\nb=2\n# x=3\nc\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Keys(), []string{"b", "a", "c"}; !cmp.Equal(got, want) {
		t.Errorf("Keys: got %q; want %q", got, want)
	}
	if got := f.Get("b"); got != "2" {
		t.Errorf("Get(b): got %q; want %q", got, "2")
	}
	for _, tt := range []struct {
		key    string
		want   string
		wantOK bool
	}{{"a", "", true}, {"c", "", true}, {"x", "", false}, {"# x", "", false}} {
		if got, ok := f.Lookup(tt.key); got != tt.want || ok != tt.wantOK {
			t.Errorf("Lookup(%q): got %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.wantOK)
		}
	}
	f.Delete("b")
	if _, ok := f.Lookup("b"); ok {
		t.Error("Lookup(b) after Delete: got ok; want absent")
	}
	if got := f.Path(); got != "c" {
		t.Errorf("Path: got %q; want %q", got, "c")
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	f := New("dir/config.properties")
	if got := string(f.Bytes()); got != "" {
		t.Errorf("New: Bytes() = %q; want empty", got)
	}
	f.Set("jira_home", "https://jira.example.com")
	f.Set("consumer_key", "ck")
	if got, want := string(f.Bytes()), "jira_home=https\\://jira.example.com\nconsumer_key=ck\n"; got != want {
		t.Errorf("New+Set: got %q; want %q", got, want)
	}
}
