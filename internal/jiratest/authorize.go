package jiratest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

type page struct {
	Title, App, User, Action, Token, Message, Verifier string
	// Access is what approving allows, "" for OAuth 1.0a's "read and
	// write data in Jira" (OAuth 2.0 pages name the scope).
	Access string
	Form   bool
}

func writePage(w http.ResponseWriter, status int, pg page) {
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, pg.html())
}

// html returns the page, shaped as Jira's own authorize page. Every field
// is escaped (escapeHTML; Action as a URL by urlAttr), so no value can
// become markup. The bytes are those html/template wrote for the same
// page (a test compares them), without linking html/template into the
// jira-oauth binary, which embeds this provider for its sandbox.
func (pg page) html() string {
	var b strings.Builder
	app := escapeHTML(pg.App)
	b.WriteString(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>` + escapeHTML(pg.Title) + ` - Jira (jiratest)</title></head>
<body>
<h1>Welcome to JIRA</h1>`)
	if pg.Form {
		access := "read and write data in Jira"
		if pg.Access != "" {
			access = pg.Access
		}
		b.WriteString(`
<p id="oauth-request"><strong>` + app + `</strong> would like to access your account.</p>
<p>You are logged in as <strong id="oauth-user">` + escapeHTML(pg.User) + `</strong>. If you allow access,
` + app + ` will be able to ` + escapeHTML(access) + ` as you.</p>
<form method="post" action="` + urlAttr(pg.Action) + `">
<input type="hidden" name="oauth_token" value="` + escapeHTML(pg.Token) + `">
<input type="submit" name="approve" value="Allow" id="approve">
<input type="submit" name="deny" value="Deny" id="deny">
</form>`)
	} else {
		b.WriteString(`
<p id="oauth-message">` + escapeHTML(pg.Message) + `</p>`)
		if pg.Verifier != "" {
			b.WriteString(`
<p>Your verification code is '<span id="oauth-verifier">` + escapeHTML(pg.Verifier) + `</span>'. Please enter it in ` + app + ` to complete the authorization.</p>`)
		}
	}
	b.WriteString(`
</body>
</html>
`)
	return b.String()
}

// escapeHTML escapes s for HTML text and quoted attribute values exactly
// as html/template does: &, <, >, both quotes and + become entities, NUL
// becomes U+FFFD. Every other byte (UTF-8 included) is kept.
func escapeHTML(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case 0:
			esc = "\uFFFD"
		case '"':
			esc = "&#34;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '+':
			esc = "&#43;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		if last == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// urlAttr makes u safe in a quoted URL attribute (a form's action) as
// html/template does: a URL with a scheme other than http, https or
// mailto becomes "#ZgotmplZ" (no javascript: link); bytes that may not
// appear in a URL are percent-encoded (valid %XX escapes are kept); then
// it is escaped as an attribute value.
func urlAttr(u string) string {
	if scheme, _, ok := strings.Cut(u, ":"); ok && !strings.Contains(scheme, "/") {
		switch strings.ToLower(scheme) {
		case "http", "https", "mailto":
		default:
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0,
			c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02x", c)
		}
	}
	return escapeHTML(b.String())
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func errorPage(w http.ResponseWriter, status int, msg string) {
	writePage(w, status, page{Title: "OAuth error", Message: msg})
}

// consentForm reads the POSTed form of a consent page (OAuth 1.0a or 2.0):
// it must be form-encoded and name Allow ("approve") or Deny ("deny");
// otherwise it answers with an error page and ok is false.
func consentForm(w http.ResponseWriter, req *request) (form url.Values, ok bool) {
	form, err := url.ParseQuery(string(req.body))
	if err != nil || !isFormBody(req.r) {
		errorPage(w, http.StatusBadRequest, "The authorization form could not be read.")
		return nil, false
	}
	if !form.Has("approve") && !form.Has("deny") {
		errorPage(w, http.StatusBadRequest, "Choose Allow or Deny.")
		return nil, false
	}
	return form, true
}

// serveAuthorize is the user-facing authorization page:
// GET shows Allow/Deny (or approves at once with Options.AutoApprove);
// POST takes the form's decision.
func (p *Provider) serveAuthorize(w http.ResponseWriter, req *request) {
	var token string
	var approve bool
	switch req.r.Method {
	case http.MethodGet:
		token = req.r.URL.Query().Get("oauth_token")
		approve = p.opts.AutoApprove
	case http.MethodPost:
		form, ok := consentForm(w, req)
		if !ok {
			return
		}
		token, approve = form.Get("oauth_token"), form.Has("approve")
	default:
		methodNotAllowed(w, "GET, POST")
		return
	}
	if token == "" {
		errorPage(w, http.StatusBadRequest, "The oauth_token parameter is missing.")
		return
	}

	p.mu.Lock()
	rt, err := p.pendingLocked(token)
	var app string
	if err == nil {
		if c := p.consumers[rt.consumerKey]; c != nil {
			app = c.name
		}
	}
	p.mu.Unlock()
	switch err {
	case nil:
	case errDecided:
		errorPage(w, http.StatusBadRequest, "This request token has already been approved, denied or exchanged.")
		return
	default:
		errorPage(w, http.StatusUnauthorized, "The request token is invalid or has expired. Ask the application to start again.")
		return
	}
	if app == "" {
		app = rt.consumerKey
	}

	if req.r.Method == http.MethodGet && !approve {
		writePage(w, http.StatusOK, page{
			Title: "Allow access?", App: app, User: p.opts.User, Form: true,
			Action: req.r.URL.Path, Token: token,
		})
		return
	}

	var verifier string
	if approve {
		verifier, err = p.Approve(token)
	} else {
		err = p.Deny(token)
	}
	if err != nil { // decided or expired between the two locks
		errorPage(w, http.StatusBadRequest, "This request token can no longer be authorized.")
		return
	}
	p.finishAuthorize(w, req, rt.callback, token, app, verifier, approve)
}

// finishAuthorize tells the user, or the callback, the outcome.
func (p *Provider) finishAuthorize(w http.ResponseWriter, req *request, callback, token, app, verifier string, approved bool) {
	if callback == "oob" {
		if !approved {
			writePage(w, http.StatusOK, page{Title: "Access denied", App: app,
				Message: "You have denied " + app + " access to your account."})
			return
		}
		writePage(w, http.StatusOK, page{Title: "Access approved", App: app, Verifier: verifier,
			Message: "You have authorized " + app + " to access your account."})
		return
	}
	if !approved {
		verifier = "denied"
	}
	http.Redirect(w, req.r, appendQuery(callback, token, verifier), http.StatusFound)
}

// appendQuery adds oauth_token and oauth_verifier to callback, keeping its
// existing query (byte for byte) and fragment.
func appendQuery(callback, token, verifier string) string {
	base, frag, hasFrag := strings.Cut(callback, "#")
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
		if strings.HasSuffix(base, "?") || strings.HasSuffix(base, "&") {
			sep = ""
		}
	}
	out := base + sep + "oauth_token=" + url.QueryEscape(token) + "&oauth_verifier=" + url.QueryEscape(verifier)
	if hasFrag {
		out += "#" + frag
	}
	return out
}
