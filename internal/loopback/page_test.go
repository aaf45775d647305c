package loopback

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// hostileValues are field values that html/template had to escape: markup,
// both quotes, entities, +, NUL, invalid and multi-byte UTF-8.
var hostileValues = []string{
	"",
	"plain text",
	`<script>alert("x")</script>`,
	`" onmouseover="alert(1)`,
	`' onmouseover='alert(1)`,
	"&amp; &lt; & &#39;",
	"a+b=c",
	"nul\x00byte",
	"bad \xff\xfe utf-8",
	"Jira \u2014 caf\u00e9 \u202e",
	"</title><script>x</script>",
	"]]><!-- -->",
}

// htmlTemplatePage is the page as html/template wrote it before: the
// reference the hand-written page must match byte for byte.
const htmlTemplatePage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
</body></html>
`

func TestPageMatchesHTMLTemplate(t *testing.T) {
	t.Parallel()
	ref := template.Must(template.New("page").Parse(htmlTemplatePage))
	for _, title := range hostileValues {
		for _, msg := range hostileValues {
			pg := page{Title: title, Message: msg}
			var want strings.Builder
			if err := ref.Execute(&want, pg); err != nil {
				t.Fatal(err)
			}
			if got := pg.html(); got != want.String() {
				t.Errorf("page %q:\ngot  %q\nwant %q (html/template)", pg, got, want.String())
			}
		}
	}
}

// TestPageEscapesEveryField renders every field with markup and quotes
// and checks none of it reaches the page raw: the page has exactly the
// tags and quotes of its own markup (those of a page with harmless
// values), and each value appears escaped.
func TestPageEscapesEveryField(t *testing.T) {
	t.Parallel()
	const hostile = `<script>alert("x" + 'y')</script>&`
	const escaped = `&lt;script&gt;alert(&#34;x&#34; &#43; &#39;y&#39;)&lt;/script&gt;&amp;`
	plain := page{Title: "T", Message: "M"}.html()
	got := page{Title: hostile, Message: hostile}.html()
	for _, c := range []string{"<", ">", `"`, "'", "+"} { // & grows: each entity has one
		if n, want := strings.Count(got, c), strings.Count(plain, c); n != want {
			t.Errorf("page with hostile fields has %d %q; want %d, as with plain fields:\n%s", n, c, want, got)
		}
	}
	if n := strings.Count(got, escaped); n != 3 { // title, h1, message
		t.Errorf("page has %d escaped copies of %q; want 3 (title, heading, message):\n%s", n, hostile, got)
	}
}

func TestEscapeHTML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{`<a href="x">'&'+</a>`, "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&#43;&lt;/a&gt;"},
		{"\x00", "\uFFFD"},
		{"caf\u00e9 \xff", "caf\u00e9 \xff"},
	} {
		if got := escapeHTML(tc.in); got != tc.want {
			t.Errorf("escapeHTML(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestWritePage(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	writePage(w, http.StatusConflict, page{Title: "<T>", Message: "M"})
	if w.Code != http.StatusConflict || w.Header().Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.Contains(w.Body.String(), "<h1>&lt;T&gt;</h1>") {
		t.Errorf("writePage: %d %q %q", w.Code, w.Header(), w.Body.String())
	}
}
