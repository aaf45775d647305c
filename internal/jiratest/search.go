package jiratest

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Search limits, as Jira's: 50 issues a page unless maxResults says
// otherwise, and never more than searchMaxResults (Jira's
// jira.search.views.default.max caps what REST search returns).
const (
	searchDefaultMaxResults = 50
	searchMaxResults        = 100
)

// loadProject is the project of the issues SetSearchIssues adds.
const loadProject = "LOAD"

// SetSearchIssues makes n more issues, LOAD-1 to LOAD-n in project LOAD,
// visible to /rest/api/2/search (after the seed issues), for tests of
// pagination over many pages. They exist for search only and are made up
// on the fly, so a large n costs no memory.
func (p *Provider) SetSearchIssues(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.searchIssues = max(n, 0)
}

// searchHit is one issue of a search result.
type searchHit struct{ id, key, summary, project string }

// searchCorpus returns the issues a search for project sees ("" for all),
// seed issues first, then LOAD-1...; the LOAD issues are returned as a
// count so that none is built before it is on a page.
func (p *Provider) searchCorpus(project string) (seed []searchHit, load int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, is := range p.issues {
		proj, _, _ := strings.Cut(is.key, "-")
		if project == "" || strings.EqualFold(project, proj) {
			seed = append(seed, searchHit{is.id, is.key, is.summary, proj})
		}
	}
	if project == "" || strings.EqualFold(project, loadProject) {
		load = p.searchIssues
	}
	return seed, load
}

// parseJQL understands the JQL the provider supports: "" (every issue) or
// "project = KEY", optionally followed by "ORDER BY ...". Anything else is
// a 400, worded as Jira's parser words it.
func parseJQL(jql string) (project string, errMsg string) {
	q := strings.TrimSpace(jql)
	if i := strings.Index(strings.ToUpper(q), "ORDER BY"); i >= 0 {
		q = strings.TrimSpace(q[:i])
	}
	if q == "" {
		return "", ""
	}
	field, value, ok := strings.Cut(q, "=")
	value = strings.Trim(strings.TrimSpace(value), `"'`)
	if !ok || !strings.EqualFold(strings.TrimSpace(field), "project") || value == "" || strings.ContainsAny(value, " =") {
		return "", "Error in the JQL Query: the jiratest provider understands only 'project = KEY' (got '" + jql + "')."
	}
	return value, ""
}

// serveSearch answers GET /rest/api/2/search?jql=...&startAt=...&maxResults=...
// and POST /rest/api/2/search with the same fields in a JSON body.
func (p *Provider) serveSearch(w http.ResponseWriter, req *request, base, user string) {
	q := url.Values{}
	switch req.r.Method {
	case http.MethodGet:
		q = req.r.URL.Query()
	case http.MethodPost:
		if mt, _, err := mime.ParseMediaType(req.r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
			writeRESTError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type: send Content-Type: application/json")
			return
		}
		var in struct {
			JQL        *string `json:"jql"`
			StartAt    *int    `json:"startAt"`
			MaxResults *int    `json:"maxResults"`
		}
		dec := json.NewDecoder(bytes.NewReader(req.body))
		if err := dec.Decode(&in); err != nil || dec.More() {
			writeRESTError(w, http.StatusBadRequest, "Can not deserialize the request body: malformed JSON")
			return
		}
		if in.JQL != nil {
			q.Set("jql", *in.JQL)
		}
		if in.StartAt != nil {
			q.Set("startAt", strconv.Itoa(*in.StartAt))
		}
		if in.MaxResults != nil {
			q.Set("maxResults", strconv.Itoa(*in.MaxResults))
		}
	default:
		methodNotAllowed(w, "GET, POST")
		return
	}
	pr, msg := parsePage(q, searchDefaultMaxResults, searchMaxResults)
	if msg != "" {
		writeRESTError(w, http.StatusBadRequest, msg)
		return
	}
	project, msg := parseJQL(q.Get("jql"))
	if msg != "" {
		writeRESTError(w, http.StatusBadRequest, msg)
		return
	}
	seed, load := p.searchCorpus(project)
	if user == "" {
		// Anonymous users browse nothing here: an empty result, as Jira
		// gives for issues they may not see.
		seed, load = nil, 0
	}
	total := len(seed) + load
	from, to := pr.window(total)
	issues := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		h := searchHit{}
		if i < len(seed) {
			h = seed[i]
		} else {
			n := i - len(seed) + 1
			h = searchHit{strconv.Itoa(100000 + n), loadProject + "-" + strconv.Itoa(n), "Load test issue " + strconv.Itoa(n), loadProject}
		}
		issues = append(issues, map[string]any{
			"expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
			"id":     h.id,
			"self":   base + "/rest/api/2/issue/" + h.id,
			"key":    h.key,
			"fields": map[string]any{
				"summary": h.summary,
				"project": map[string]any{"key": h.project},
			},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"expand":     "schema,names",
		"startAt":    pr.startAt,
		"maxResults": pr.maxResults,
		"total":      p.reportedTotal(total),
		"issues":     issues,
	})
}
