package jiratest

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// pageTemplate is parsed on first use, not at start-up (a test checks that
// package initialisers do no work).
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!DOCTYPE html>
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
`))
})

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
	_ = pageTemplate().Execute(w, pg)
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
