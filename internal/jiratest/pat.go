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

// patMaxDays is the longest expirationDuration Jira accepts (days).
const patMaxDays = 365

// pat is a personal access token.
type pat struct {
	id              int
	name, user, raw string
	created         time.Time
	expires         time.Time // zero: never
	revoked         bool
}

func (t *pat) live(now time.Time) bool {
	return !t.revoked && (t.expires.IsZero() || now.Before(t.expires))
}

func (t *pat) json(withRaw bool) map[string]any {
	m := map[string]any{"id": t.id, "name": t.name, "createdAt": t.created.Format(jiraTime)}
	if !t.expires.IsZero() {
		m["expiringAt"] = t.expires.Format(jiraTime)
	}
	if withRaw {
		m["rawToken"] = t.raw
	}
	return m
}

func (p *Provider) patByRawLocked(raw string) *pat {
	for _, t := range p.o2.pats {
		if t.raw == raw {
			return t
		}
	}
	return nil
}

// LivePATs is how many personal access tokens are neither expired nor
// revoked.
func (p *Provider) LivePATs() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.nowLocked()
	n := 0
	for _, t := range p.o2.pats {
		if t.live(now) {
			n++
		}
	}
	return n
}

// servePAT answers /rest/pat/latest/tokens[/{id}] for user (authenticated
// by any credential: OAuth 1.0a, OAuth 2.0 or a PAT):
//
//	POST   {"name","expirationDuration": days} -> 201 {"id","name","createdAt","expiringAt","rawToken"}
//	GET    -> 200 [{"id","name","createdAt","expiringAt"}...] (the user's live tokens)
//	DELETE /{id} -> 204 (404 for an unknown id or another user's token)
//
// expirationDuration is optional (no expiry) and otherwise 1 to 365.
func (p *Provider) servePAT(w http.ResponseWriter, req *request, user string) {
	if user == "" {
		writeRESTError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	rest := strings.TrimPrefix(req.t.route, "/rest/pat/latest/tokens")
	switch {
	case rest == "" || rest == "/":
		switch req.r.Method {
		case http.MethodGet:
			p.listPATs(w, user)
		case http.MethodPost:
			p.createPAT(w, req, user)
		default:
			methodNotAllowed(w, "GET, POST")
		}
	case strings.Count(rest, "/") == 1:
		if req.r.Method != http.MethodDelete {
			methodNotAllowed(w, http.MethodDelete)
			return
		}
		p.deletePAT(w, rest[1:], user)
	default:
		writeRESTError(w, http.StatusNotFound, "Not found.")
	}
}

func (p *Provider) createPAT(w http.ResponseWriter, req *request, user string) {
	if mt, _, err := mime.ParseMediaType(req.r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		writeRESTError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type: send Content-Type: application/json")
		return
	}
	var in struct {
		Name               *string `json:"name"`
		ExpirationDuration *int    `json:"expirationDuration"`
	}
	dec := json.NewDecoder(bytes.NewReader(req.body))
	if err := dec.Decode(&in); err != nil || dec.More() {
		writeRESTError(w, http.StatusBadRequest, "Can not deserialize the request body: malformed JSON")
		return
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" || len(*in.Name) > 255 {
		writeRESTError(w, http.StatusBadRequest, "Token name is required (at most 255 characters).")
		return
	}
	if d := in.ExpirationDuration; d != nil && (*d < 1 || *d > patMaxDays) {
		writeRESTError(w, http.StatusBadRequest, "expirationDuration must be between 1 and "+strconv.Itoa(patMaxDays)+" days.")
		return
	}
	p.mu.Lock()
	now := p.nowLocked()
	t := &pat{id: p.o2.nextPAT, name: *in.Name, user: user, raw: randomString(44), created: now}
	if d := in.ExpirationDuration; d != nil {
		t.expires = now.Add(time.Duration(*d) * 24 * time.Hour)
	}
	p.o2.nextPAT++
	p.o2.pats = append(p.o2.pats, t)
	p.issuedSecrets = append(p.issuedSecrets, t.raw)
	body := t.json(true)
	p.mu.Unlock()
	writeJSON(w, http.StatusCreated, body)
}

func (p *Provider) listPATs(w http.ResponseWriter, user string) {
	p.mu.Lock()
	now := p.nowLocked()
	list := []map[string]any{}
	for _, t := range p.o2.pats {
		if t.user == user && t.live(now) {
			list = append(list, t.json(false))
		}
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, list)
}

func (p *Provider) deletePAT(w http.ResponseWriter, idText, user string) {
	id, err := strconv.Atoi(idText)
	p.mu.Lock()
	var found *pat
	for _, t := range p.o2.pats {
		if err == nil && t.id == id && t.user == user && !t.revoked {
			found = t
		}
	}
	if found != nil {
		found.revoked = true
	}
	p.mu.Unlock()
	if found == nil {
		writeRESTError(w, http.StatusNotFound, "No personal access token with this id.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
