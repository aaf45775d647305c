package jiratest

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Comment is a comment added through POST /rest/api/2/issue/{key}/comment.
type Comment struct {
	ID       string    // e.g. "10100"
	IssueKey string    // e.g. "DEMO-1"
	Author   string    // user name of the access token's approver
	Body     string    // as sent
	Created  time.Time // provider clock
}

type issue struct {
	id, key, summary string
	created          time.Time
	comments         []Comment
	readOnly         bool // users may browse but not comment
}

func seedIssues(now time.Time) []*issue {
	return []*issue{
		{id: "10000", key: "DEMO-1", summary: "Try jira-oauth against the sandbox", created: now},
		{id: "10001", key: "DEMO-2", summary: "Comment on this issue from a script", created: now},
		{id: "10002", key: "OPS-1", summary: "Read-only: no one may comment here", created: now, readOnly: true},
	}
}

// Comments returns a copy of the comments on issueKey (nil for an unknown
// issue), oldest first.
func (p *Provider) Comments(issueKey string) []Comment {
	p.mu.Lock()
	defer p.mu.Unlock()
	is := p.issueLocked(issueKey)
	if is == nil {
		return nil
	}
	return append([]Comment(nil), is.comments...)
}

func (p *Provider) issueLocked(keyOrID string) *issue {
	for _, is := range p.issues {
		if strings.EqualFold(is.key, keyOrID) || is.id == keyOrID {
			return is
		}
	}
	return nil
}

const jiraTime = "2006-01-02T15:04:05.000-0700"

const (
	msgNotAuthenticated = "You are not authenticated. Authentication required to perform this operation."
	msgNoIssue          = "Issue does not exist or you do not have permission to see it."
	// msgNoCommentPermission is Jira's answer to a comment without the
	// Add Comments permission.
	msgNoCommentPermission = "You do not have the permission to comment on this issue."
)

type restErrors struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeRESTError(w http.ResponseWriter, status int, msgs ...string) {
	if msgs == nil {
		msgs = []string{}
	}
	writeJSON(w, status, restErrors{ErrorMessages: msgs, Errors: map[string]string{}})
}

// serveREST authenticates (OAuth header, else anonymous) and routes /rest.
func (p *Provider) serveREST(w http.ResponseWriter, req *request) {
	user, ok := p.restUser(w, req)
	if !ok {
		return
	}
	// Jira names the user a REST call ran as in X-AUSERNAME, "anonymous"
	// when the call carried no (usable) credentials.
	if user == "" {
		w.Header().Set("X-AUSERNAME", "anonymous")
	} else {
		w.Header().Set("X-AUSERNAME", user)
	}
	base := req.t.origin
	parts := strings.Split(strings.TrimPrefix(req.t.route, "/rest/api/2/"), "/")
	if !strings.HasPrefix(req.t.route, "/rest/api/2/") {
		parts = nil
	}
	method := req.r.Method
	switch {
	case req.t.route == "/rest/pat/latest/tokens" || strings.HasPrefix(req.t.route, "/rest/pat/latest/tokens/"):
		p.servePAT(w, req, user)
	case req.t.route == "/rest/agile/1.0/board":
		p.serveBoards(w, req, base, user)
	case len(parts) == 1 && parts[0] == "search":
		p.serveSearch(w, req, base, user)
	case len(parts) == 3 && parts[0] == "issue" && parts[2] == "attachments":
		if method != http.MethodPost {
			methodNotAllowed(w, http.MethodPost)
			return
		}
		p.addAttachments(w, req, base, parts[1], user)
	case len(parts) == 1 && parts[0] == "myself":
		if method != http.MethodGet {
			methodNotAllowed(w, http.MethodGet)
			return
		}
		if user == "" {
			writeRESTError(w, http.StatusUnauthorized, msgNotAuthenticated)
			return
		}
		writeJSON(w, http.StatusOK, p.userJSON(base, user))
	case len(parts) == 1 && parts[0] == "serverInfo":
		if method != http.MethodGet {
			methodNotAllowed(w, http.MethodGet)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"baseUrl":        base,
			"version":        "9.12.0",
			"versionNumbers": []int{9, 12, 0},
			"deploymentType": "Server",
			"buildNumber":    9120000,
			"buildDate":      "2023-11-28T00:00:00.000+0000",
			"serverTime":     p.now().Format(jiraTime),
			"scmInfo":        "jiratest",
			"serverTitle":    "Jira (jiratest)",
		})
	case len(parts) == 2 && parts[0] == "issue":
		if method != http.MethodGet {
			methodNotAllowed(w, http.MethodGet)
			return
		}
		p.serveIssue(w, base, parts[1], user)
	case len(parts) == 3 && parts[0] == "issue" && parts[2] == "comment":
		switch method {
		case http.MethodGet:
			p.serveComments(w, req, base, parts[1], user)
		case http.MethodPost:
			p.addComment(w, req, base, parts[1], user)
		default:
			methodNotAllowed(w, "GET, POST")
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{
			"message":     "null for uri: " + base + req.t.route,
			"status-code": http.StatusNotFound,
		})
	}
}

// restUser returns the user an OAuth-signed request (or one with a Bearer
// token: bearer.go) acts as, or "" for an anonymous request. A request with
// an OAuth header that does not verify is answered with the oauth_problem
// (ok == false), like Jira's OAuth filter.
func (p *Provider) restUser(w http.ResponseWriter, req *request) (user string, ok bool) {
	p.mu.Lock()
	strip := p.stripAuthorization
	p.mu.Unlock()
	if strip {
		return "", true
	}
	if tok, ok := bearerToken(req.r); ok { // OAuth 2.0 or a PAT: bearer.go
		return p.bearerUser(w, req, tok)
	}
	hasOAuth := false
	for _, h := range req.r.Header.Values("Authorization") {
		if s, _, _ := strings.Cut(strings.TrimLeft(h, " \t"), " "); strings.EqualFold(s, "OAuth") {
			hasOAuth = true
		}
	}
	if !hasOAuth {
		return "", true
	}
	m, c, prob := p.authenticate(req, []string{"oauth_token"}, p.knownAccessToken)
	if prob == nil {
		tok, _ := m.get("oauth_token")
		p.mu.Lock()
		at := p.accessTokens[tok]
		switch {
		case at == nil || at.consumerKey != c.key:
			prob = newProblem(problemTokenRejected)
		case p.nowLocked().Sub(at.issued) > accessTokenTTL:
			prob = newProblem(problemTokenExpired)
		default:
			user = at.user
		}
		p.mu.Unlock()
	}
	if prob != nil {
		prob.write(w, req.t.origin)
		return "", false
	}
	return user, true
}

func (p *Provider) userJSON(base, user string) map[string]any {
	return map[string]any{
		"self":         base + "/rest/api/2/user?username=" + percentEncode(user),
		"key":          user,
		"name":         user,
		"emailAddress": user + "@example.com",
		"displayName":  user,
		"active":       true,
		"timeZone":     "UTC",
	}
}

func (p *Provider) commentJSON(base string, is *issue, c Comment) map[string]any {
	author := p.userJSON(base, c.Author)
	return map[string]any{
		"self":         base + "/rest/api/2/issue/" + is.id + "/comment/" + c.ID,
		"id":           c.ID,
		"author":       author,
		"body":         c.Body,
		"updateAuthor": author,
		"created":      c.Created.Format(jiraTime),
		"updated":      c.Created.Format(jiraTime),
	}
}

func (p *Provider) commentsJSON(base string, is *issue) map[string]any {
	list := make([]map[string]any, 0, len(is.comments))
	for _, c := range is.comments {
		list = append(list, p.commentJSON(base, is, c))
	}
	return map[string]any{"comments": list, "maxResults": len(list), "total": len(list), "startAt": 0}
}

// serveIssue, serveComments and addComment build their answer under p.mu
// and write it after unlocking: a client that reads its response slowly
// must not stall other requests, Approve or Advance.

func (p *Provider) serveIssue(w http.ResponseWriter, base, key, user string) {
	body, ok := p.issueJSON(base, key, user)
	if !ok {
		writeRESTError(w, http.StatusNotFound, msgNoIssue)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// issueJSON is the issue keyOrID as user sees it; ok is false when the
// issue does not exist or user is anonymous (no Browse permission).
func (p *Provider) issueJSON(base, keyOrID, user string) (body map[string]any, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	is := p.issueLocked(keyOrID)
	if is == nil || user == "" {
		return nil, false
	}
	return map[string]any{
		"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id":     is.id,
		"self":   base + "/rest/api/2/issue/" + is.id,
		"key":    is.key,
		"fields": map[string]any{
			"summary":   is.summary,
			"issuetype": map[string]any{"name": "Task"},
			"project":   map[string]any{"key": "DEMO", "name": "Demo"},
			"status":    map[string]any{"name": "To Do"},
			"created":   is.created.Format(jiraTime),
			"comment":   p.commentsJSON(base, is),
		},
	}, true
}

// Comment pages: Jira's GET .../comment answers up to 5000 comments a
// page unless maxResults asks for fewer.
const commentMaxResults = 5000

// serveComments answers GET /rest/api/2/issue/{key}/comment, paged by
// startAt and maxResults (REST v2 style: startAt, maxResults, total,
// comments).
func (p *Provider) serveComments(w http.ResponseWriter, req *request, base, key, user string) {
	pr, msg := parsePage(req.r.URL.Query(), commentMaxResults, commentMaxResults)
	if msg != "" {
		writeRESTError(w, http.StatusBadRequest, msg)
		return
	}
	p.mu.Lock()
	is := p.issueLocked(key)
	var body map[string]any
	total := 0
	if is != nil && user != "" {
		total = len(is.comments)
		from, to := pr.window(total)
		list := make([]map[string]any, 0, to-from)
		for _, c := range is.comments[from:to] {
			list = append(list, p.commentJSON(base, is, c))
		}
		body = map[string]any{"comments": list, "maxResults": pr.maxResults, "startAt": pr.startAt}
	}
	p.mu.Unlock()
	if body == nil {
		writeRESTError(w, http.StatusNotFound, msgNoIssue)
		return
	}
	body["total"] = p.reportedTotal(total)
	writeJSON(w, http.StatusOK, body)
}

func (p *Provider) addComment(w http.ResponseWriter, req *request, base, key, user string) {
	if user == "" {
		writeRESTError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	if mt, _, err := mime.ParseMediaType(req.r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeRESTError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type: send Content-Type: application/json")
		return
	}
	var in struct {
		Body *string `json:"body"`
	}
	dec := json.NewDecoder(bytes.NewReader(req.body))
	if err := dec.Decode(&in); err != nil || dec.More() {
		writeRESTError(w, http.StatusBadRequest, "Can not deserialize the request body: malformed JSON")
		return
	}
	p.mu.Lock()
	is := p.issueLocked(key)
	if is == nil {
		p.mu.Unlock()
		writeRESTError(w, http.StatusNotFound, msgNoIssue)
		return
	}
	if is.readOnly {
		p.mu.Unlock()
		writeRESTError(w, http.StatusForbidden, msgNoCommentPermission)
		return
	}
	if in.Body == nil || strings.TrimSpace(*in.Body) == "" {
		p.mu.Unlock()
		writeJSON(w, http.StatusBadRequest, restErrors{
			ErrorMessages: []string{},
			Errors:        map[string]string{"comment": "Comment body can not be empty!"},
		})
		return
	}
	c := Comment{
		ID:       strconv.Itoa(p.nextCommentID),
		IssueKey: is.key,
		Author:   user,
		Body:     *in.Body,
		Created:  p.nowLocked(),
	}
	p.nextCommentID++
	is.comments = append(is.comments, c)
	location := base + "/rest/api/2/issue/" + is.id + "/comment/" + c.ID
	body := p.commentJSON(base, is, c)
	p.mu.Unlock()
	w.Header().Set("Location", location)
	writeJSON(w, http.StatusCreated, body)
}
