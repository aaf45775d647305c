package jiratest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// restPage is the paging part of a paged REST answer.
type restPage struct {
	StartAt    int               `json:"startAt"`
	MaxResults int               `json:"maxResults"`
	Total      int               `json:"total"`
	IsLast     *bool             `json:"isLast"`
	Issues     []json.RawMessage `json:"issues"`
	Comments   []json.RawMessage `json:"comments"`
	Values     []json.RawMessage `json:"values"`
}

func decodePage(t *testing.T, res response) restPage {
	t.Helper()
	var pg restPage
	if res.status != 200 {
		t.Fatalf("got %d %q; want 200", res.status, res.body)
	}
	if err := json.Unmarshal([]byte(res.body), &pg); err != nil {
		t.Fatalf("body %q: %v", res.body, err)
	}
	return pg
}

func TestSearchPagesAndCaps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.login(t)
	e.p.SetSearchIssues(250)
	get := func(path string) restPage {
		return decodePage(t, e.call(call{method: "GET", url: e.url(path)}))
	}
	pg := get("/rest/api/2/search?jql=project%20%3D%20LOAD&maxResults=1000")
	if pg.MaxResults != 100 || len(pg.Issues) != 100 || pg.Total != 250 || pg.StartAt != 0 {
		t.Errorf("maxResults=1000: got startAt %d maxResults %d total %d, %d issues; want 0, 100 (the cap), 250, 100", pg.StartAt, pg.MaxResults, pg.Total, len(pg.Issues))
	}
	pg = get("/rest/api/2/search?jql=project%20%3D%20LOAD&startAt=200")
	if pg.MaxResults != 50 || len(pg.Issues) != 50 || !strings.Contains(string(pg.Issues[49]), `"key":"LOAD-250"`) {
		t.Errorf("startAt=200: got maxResults %d, %d issues; want the default 50, the last LOAD-250", pg.MaxResults, len(pg.Issues))
	}
	if pg = get("/rest/api/2/search?startAt=1000"); len(pg.Issues) != 0 || pg.Total != 253 {
		t.Errorf("past the end: got %d issues, total %d; want 0 and 253 (3 seed issues + 250)", len(pg.Issues), pg.Total)
	}
	if pg = get("/rest/api/2/search?jql=project+%3D+DEMO"); pg.Total != 2 {
		t.Errorf("project = DEMO: total %d; want 2", pg.Total)
	}
	res := e.call(call{method: "POST", url: e.url("/rest/api/2/search"), ctype: "application/json", body: `{"jql":"project = LOAD","startAt":240,"maxResults":5}`})
	if pg = decodePage(t, res); pg.StartAt != 240 || len(pg.Issues) != 5 {
		t.Errorf("POST search: got startAt %d, %d issues; want 240, 5", pg.StartAt, len(pg.Issues))
	}
	if res := e.call(call{method: "GET", url: e.url("/rest/api/2/search?jql=summary~x")}); res.status != 400 || !strings.Contains(res.body, "Error in the JQL Query") {
		t.Errorf("bad JQL: got %d %q; want 400 Error in the JQL Query", res.status, res.body)
	}
	if res := e.call(call{method: "GET", url: e.url("/rest/api/2/search?startAt=x")}); res.status != 400 {
		t.Errorf("startAt=x: got %d; want 400", res.status)
	}
	e.p.MisreportTotal(7)
	if pg = get("/rest/api/2/search?jql=project%20%3D%20LOAD&startAt=250"); pg.Total != 257 || len(pg.Issues) != 0 {
		t.Errorf("MisreportTotal(7): got total %d, %d issues; want 257 and an empty restPage", pg.Total, len(pg.Issues))
	}
}

func TestBoardsAndComments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.login(t)
	e.p.SetBoards(120)
	pg := decodePage(t, e.call(call{method: "GET", url: e.url("/rest/agile/1.0/board?maxResults=500")}))
	if pg.MaxResults != 50 || len(pg.Values) != 50 || pg.IsLast == nil || *pg.IsLast {
		t.Errorf("boards: got maxResults %d, %d values, isLast %v; want 50, 50, false", pg.MaxResults, len(pg.Values), pg.IsLast)
	}
	pg = decodePage(t, e.call(call{method: "GET", url: e.url("/rest/agile/1.0/board?startAt=100")}))
	if len(pg.Values) != 20 || pg.IsLast == nil || !*pg.IsLast {
		t.Errorf("last boards: got %d values, isLast %v; want 20, true", len(pg.Values), pg.IsLast)
	}
	for _, b := range []string{"a", "b", "c"} {
		if res := e.call(call{method: "POST", url: e.url("/rest/api/2/issue/DEMO-1/comment"), ctype: "application/json", body: `{"body":"` + b + `"}`}); res.status != 201 {
			t.Fatalf("comment: %d %q", res.status, res.body)
		}
	}
	pg = decodePage(t, e.call(call{method: "GET", url: e.url("/rest/api/2/issue/DEMO-1/comment?startAt=1&maxResults=1")}))
	if pg.Total != 3 || len(pg.Comments) != 1 || !strings.Contains(string(pg.Comments[0]), `"body":"b"`) {
		t.Errorf("comment restPage: got total %d, %s; want 3 and comment b", pg.Total, pg.Comments)
	}
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.login(t)
	e.p.SetAttachmentLimit(1000)
	upload := func(content []byte, xsrf bool) response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "build log.txt")
		_, _ = fw.Write(content)
		_ = mw.Close()
		return e.call(call{method: "POST", url: e.url("/rest/api/2/issue/DEMO-1/attachments"), ctype: mw.FormDataContentType(), body: buf.String(),
			tamper: func(r *http.Request) {
				if xsrf {
					r.Header.Set("X-Atlassian-Token", "no-check")
				}
			}})
	}
	if res := upload([]byte("log"), false); res.status != 403 || res.body != "XSRF check failed" {
		t.Errorf("without X-Atlassian-Token: got %d %q; want 403 XSRF check failed", res.status, res.body)
	}
	if res := upload(bytes.Repeat([]byte("x"), 1001), true); res.status != 413 {
		t.Errorf("over the limit: got %d %q; want 413", res.status, res.body)
	}
	content := []byte("line 1\n\x00\xff binary\n")
	res := upload(content, true)
	var list []struct {
		Filename, Content string
		Size              int
	}
	if err := json.Unmarshal([]byte(res.body), &list); res.status != 200 || err != nil || len(list) != 1 {
		t.Fatalf("upload: got %d %q (%v); want 200 and a list of one", res.status, res.body, err)
	}
	if list[0].Filename != "build log.txt" || list[0].Size != len(content) {
		t.Errorf("upload: got %+v", list[0])
	}
	got := e.call(call{method: "GET", url: list[0].Content})
	if got.status != 200 || got.body != string(content) {
		t.Errorf("content URL: got %d %q; want 200 %q", got.status, got.body, content)
	}
	if n := len(e.p.Attachments("DEMO-1")); n != 1 {
		t.Errorf("Attachments: %d; want 1", n)
	}
}
