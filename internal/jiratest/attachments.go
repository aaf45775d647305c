package jiratest

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// defaultAttachmentLimit is Jira's default maximum attachment size
// (Administration > Attachments: 10485760 bytes).
const defaultAttachmentLimit = 10 << 20

// Attachment is a file uploaded through POST /rest/api/2/issue/{key}/attachments.
type Attachment struct {
	ID       string // e.g. "10200"
	IssueKey string
	Filename string // as sent in the part's Content-Disposition
	MimeType string // the part's Content-Type
	Author   string
	Content  []byte
	Created  time.Time
}

// SetAttachmentLimit sets the largest attachment the provider accepts, in
// bytes (Jira's "Attachment size"); n <= 0 restores the 10 MiB default.
func (p *Provider) SetAttachmentLimit(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.attachmentLimit = n
}

// Attachments returns a copy of the attachments of issueKey, oldest first.
func (p *Provider) Attachments(issueKey string) []Attachment {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Attachment
	for _, a := range p.attachments {
		if strings.EqualFold(a.IssueKey, issueKey) {
			out = append(out, *a)
		}
	}
	return out
}

// isMultipart reports whether r carries a multipart/form-data body, which
// the provider streams (attachments) rather than reading it up front.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// xsrfChecked reports whether a request passes Jira's XSRF check for
// multipart uploads: the header X-Atlassian-Token: no-check (or the older
// nocheck spelling).
func xsrfChecked(r *http.Request) bool {
	v := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Atlassian-Token")))
	return v == "no-check" || v == "nocheck"
}

// addAttachments answers POST /rest/api/2/issue/{key}/attachments as Jira
// does: 403 "XSRF check failed" (text/plain) without X-Atlassian-Token:
// no-check, 415 for a body that is not multipart/form-data, 413 for a
// file over the size limit, otherwise 200 with the JSON list of the
// attachments created (one per part named "file").
func (p *Provider) addAttachments(w http.ResponseWriter, req *request, base, key, user string) {
	r := req.r
	if !xsrfChecked(r) {
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, "XSRF check failed")
		return
	}
	if user == "" {
		writeRESTError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	if !isMultipart(r) {
		writeRESTError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type: send multipart/form-data with a part named 'file'")
		return
	}
	p.mu.Lock()
	is := p.issueLocked(key)
	limit := p.attachmentLimit
	p.mu.Unlock()
	if limit <= 0 {
		limit = defaultAttachmentLimit
	}
	if is == nil {
		writeRESTError(w, http.StatusNotFound, msgNoIssue)
		return
	}
	if is.readOnly {
		writeRESTError(w, http.StatusForbidden, "You do not have permission to create attachments for this issue.")
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		writeRESTError(w, http.StatusBadRequest, "malformed multipart body: "+err.Error())
		return
	}
	var added []*Attachment
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			writeRESTError(w, http.StatusBadRequest, "malformed multipart body: "+err.Error())
			return
		}
		if part.FormName() != "file" {
			_, _ = io.Copy(io.Discard, part)
			continue
		}
		content, err := io.ReadAll(io.LimitReader(part, limit+1))
		if err != nil {
			writeRESTError(w, http.StatusBadRequest, "malformed multipart body: "+err.Error())
			return
		}
		if int64(len(content)) > limit {
			writeRESTError(w, http.StatusRequestEntityTooLarge,
				"The file '"+part.FileName()+"' is too large: the maximum attachment size is "+strconv.FormatInt(limit, 10)+" bytes.")
			return
		}
		mimeType := part.Header.Get("Content-Type")
		if mimeType == "" {
			mimeType = "application/octet-stream"
		}
		added = append(added, &Attachment{IssueKey: is.key, Filename: part.FileName(), MimeType: mimeType, Author: user, Content: content})
	}
	if len(added) == 0 {
		writeRESTError(w, http.StatusBadRequest, "No file was attached: send it in a part named 'file'.")
		return
	}
	list := make([]map[string]any, 0, len(added))
	p.mu.Lock()
	for _, a := range added {
		a.ID = strconv.Itoa(p.nextAttachmentID)
		p.nextAttachmentID++
		a.Created = p.nowLocked()
		p.attachments = append(p.attachments, a)
		list = append(list, p.attachmentJSON(base, a))
	}
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, list)
}

func (p *Provider) attachmentJSON(base string, a *Attachment) map[string]any {
	return map[string]any{
		"self":     base + "/rest/api/2/attachment/" + a.ID,
		"id":       a.ID,
		"filename": a.Filename,
		"author":   p.userJSON(base, a.Author),
		"created":  a.Created.Format(jiraTime),
		"size":     len(a.Content),
		"mimeType": a.MimeType,
		"content":  base + "/secure/attachment/" + a.ID + "/" + url.PathEscape(a.Filename),
	}
}

// serveAttachmentContent answers GET /secure/attachment/{id}/{filename}
// (the "content" URL of an attachment) with its bytes, for a signed
// request; anonymous users get 404, as for an issue they cannot browse.
func (p *Provider) serveAttachmentContent(w http.ResponseWriter, req *request) {
	if req.r.Method != http.MethodGet && req.r.Method != http.MethodHead {
		methodNotAllowed(w, "GET")
		return
	}
	user, ok := p.restUser(w, req)
	if !ok {
		return
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(req.t.route, "/secure/attachment/"), "/")
	var found *Attachment
	p.mu.Lock()
	for _, a := range p.attachments {
		if a.ID == id {
			found = a
		}
	}
	p.mu.Unlock()
	if user == "" {
		w.Header().Set("X-AUSERNAME", "anonymous")
	} else {
		w.Header().Set("X-AUSERNAME", user)
	}
	if found == nil || user == "" {
		http.Error(w, "Attachment not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", found.MimeType)
	w.Header().Set("Content-Length", strconv.Itoa(len(found.Content)))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": found.Filename}))
	w.WriteHeader(http.StatusOK)
	if req.r.Method == http.MethodGet {
		_, _ = w.Write(found.Content)
	}
}
