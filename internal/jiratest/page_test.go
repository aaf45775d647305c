package jiratest

import (
	"html/template"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// htmlTemplatePage is the authorize page as html/template wrote it before:
// the reference the hand-written page must match byte for byte.
const htmlTemplatePage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{.Title}} - Jira (jiratest)</title></head>
<body>
<h1>Welcome to JIRA</h1>
{{- if .Form}}
<p id="oauth-request"><strong>{{.App}}</strong> would like to access your account.</p>
<p>You are logged in as <strong id="oauth-user">{{.User}}</strong>. If you allow access,
{{.App}} will be able to {{if .Access}}{{.Access}}{{else}}read and write data in Jira{{end}} as you.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="oauth_token" value="{{.Token}}">
<input type="submit" name="approve" value="Allow" id="approve">
<input type="submit" name="deny" value="Deny" id="deny">
</form>
{{- else}}
<p id="oauth-message">{{.Message}}</p>
{{- if .Verifier}}
<p>Your verification code is '<span id="oauth-verifier">{{.Verifier}}</span>'. Please enter it in {{.App}} to complete the authorization.</p>
{{- end}}
{{- end}}
</body>
</html>
`

// hostilePageValues are values html/template had to escape: markup, both
// quotes, entities, +, NUL, invalid and multi-byte UTF-8, and URLs with
// schemes, bad bytes and percent escapes (valid, invalid, cut short).
var hostilePageValues = []string{
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
	"/plugins/servlet/oauth/authorize",
	"/rest/oauth2/latest/authorize?client_id=a&redirect_uri=http%3A%2F%2F127.0.0.1%3A1%2Fcb&scope=WRITE&state=x+y",
	"javascript:alert(1)",
	"JavaScript:alert(1)",
	"data:text/html,<script>x</script>",
	"HTTPS://jira.example.com/a?b=c",
	"mailto:a@example.com",
	"/x:y",
	`/a b"c'<d>(e)%zz%4`,
	"/%41%4",
	"/%4",
	"/caf\u00e9\x7f\x01",
}

// pageFields are the string fields of page, by name.
var pageFields = []string{"Title", "App", "User", "Action", "Token", "Message", "Verifier", "Access"}

// pagesWith returns pages with each field in turn, and then every field,
// set to v: as a form and as a message.
func pagesWith(v string) []page {
	var pages []page
	for _, form := range []bool{true, false} {
		all := page{Form: form}
		for _, f := range pageFields {
			pg := page{Title: "T", App: "A", User: "U", Action: "/act", Token: "tok", Message: "M", Verifier: "ver", Form: form}
			reflect.ValueOf(&pg).Elem().FieldByName(f).SetString(v)
			reflect.ValueOf(&all).Elem().FieldByName(f).SetString(v)
			pages = append(pages, pg)
		}
		pages = append(pages, all)
	}
	return pages
}

func TestPageMatchesHTMLTemplate(t *testing.T) {
	t.Parallel()
	ref := template.Must(template.New("page").Parse(htmlTemplatePage))
	for _, v := range hostilePageValues {
		for _, pg := range pagesWith(v) {
			var want strings.Builder
			if err := ref.Execute(&want, pg); err != nil {
				t.Fatal(err)
			}
			if got := pg.html(); got != want.String() {
				t.Errorf("page %#v:\ngot  %q\nwant %q (html/template)", pg, got, want.String())
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
	// As a URL the form's action is percent-encoded before it is escaped.
	const escapedURL = `%3cscript%3ealert%28%22x%22%20&#43;%20%27y%27%29%3c/script%3e&amp;`
	for _, tc := range []struct {
		pg                       page
		wantEscaped, wantEscURLs int
	}{
		// Title, App twice, User, Access, Token; Action as a URL.
		{page{Form: true}, 6, 1},
		// Title, Message, Verifier, App.
		{page{Verifier: "v"}, 4, 0},
	} {
		plain := tc.pg
		for _, f := range pageFields {
			reflect.ValueOf(&plain).Elem().FieldByName(f).SetString("v")
		}
		hostilePage := tc.pg
		for _, f := range pageFields {
			reflect.ValueOf(&hostilePage).Elem().FieldByName(f).SetString(hostile)
		}
		want, got := plain.html(), hostilePage.html()
		for _, c := range []string{"<", ">", `"`, "'", "+"} { // & grows: each entity has one
			if n, w := strings.Count(got, c)-strings.Count(got, escapedURL)*strings.Count(escapedURL, c), strings.Count(want, c); n != w {
				t.Errorf("page with hostile fields has %d %q outside the action URL; want %d, as with plain fields:\n%s", n, c, w, got)
			}
		}
		if n := strings.Count(got, escaped); n != tc.wantEscaped {
			t.Errorf("page has %d escaped copies of %q; want %d:\n%s", n, hostile, tc.wantEscaped, got)
		}
		if n := strings.Count(got, escapedURL); n != tc.wantEscURLs {
			t.Errorf("page has %d escaped URLs %q; want %d:\n%s", n, escapedURL, tc.wantEscURLs, got)
		}
	}
}

func TestURLAttr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"/plugins/servlet/oauth/authorize", "/plugins/servlet/oauth/authorize"},
		{"/a?b=c&d=%2F+e", "/a?b=c&amp;d=%2F&#43;e"},
		{"javascript:alert(1)", "#ZgotmplZ"},
		{" javascript:alert(1)", "#ZgotmplZ"},
		{"https://x/", "https://x/"},
		{"/x:y", "/x:y"},
		{`/"'<> `, "/%22%27%3c%3e%20"},
		{"/%zz%4", "/%25zz%254"},
		{"/caf\u00e9", "/caf%c3%a9"},
	} {
		if got := urlAttr(tc.in); got != tc.want {
			t.Errorf("urlAttr(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// TestAuthorizePageEscapes: the authorize and oob pages a browser gets
// show an application name with markup as text.
func TestAuthorizePageEscapes(t *testing.T) {
	t.Parallel()
	const name = `<img src=x onerror="alert(1)">`
	const escapedName = `&lt;img src=x onerror=&#34;alert(1)&#34;&gt;`
	e := newEnv(t, Options{})
	e.p.AddConsumer(testConsumer, name, &e.c.key.PublicKey)
	rt := e.requestToken(t, "oob")
	res := do(t, nil, mustRequest(t, "GET", e.url("/plugins/servlet/oauth/authorize?oauth_token="+url.QueryEscape(rt)), ""))
	if res.status != http.StatusOK || strings.Count(res.body, escapedName) != 2 || strings.Contains(res.body, "<img") {
		t.Errorf("authorize page: %d %q; want the name escaped twice, no <img", res.status, res.body)
	}
	r := mustRequest(t, "POST", e.url("/plugins/servlet/oauth/authorize"), url.Values{"oauth_token": {rt}, "approve": {"Allow"}}.Encode())
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res = do(t, nil, r)
	if res.status != http.StatusOK || strings.Count(res.body, escapedName) != 2 || strings.Contains(res.body, "<img") || !strings.Contains(res.body, `id="oauth-verifier"`) {
		t.Errorf("oob page: %d %q; want the verifier and the name escaped twice, no <img", res.status, res.body)
	}
}

// TestOAuth2ConsentPageEscapesTheQuery: the consent form posts back to the
// request's own query; quotes and markup sent raw in it stay inside the
// action attribute, percent-encoded.
func TestOAuth2ConsentPageEscapesTheQuery(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	r, err := http.NewRequest(http.MethodGet, e.url("/rest/oauth2/latest/authorize")+"?"+authorizeQuery().Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.URL.RawQuery += `&x="><script>alert('x')</script>`
	res := do(t, nil, r)
	want := `action="/rest/oauth2/latest/authorize?` + strings.ReplaceAll(authorizeQuery().Encode(), "&", "&amp;") +
		`&amp;x=%22%3e%3cscript%3ealert%28%27x%27%29%3c/script%3e">`
	if res.status != http.StatusOK || !strings.Contains(res.body, want) || strings.Contains(res.body, "<script") {
		t.Errorf("consent page: %d %s\nwant it to contain %s", res.status, res.body, want)
	}
}
