package jiratest

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestREST(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	anon := func(method, path, body string) response {
		r := mustRequest(t, method, e.url(path), body)
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		return do(t, nil, r)
	}
	notAuth := `{"errorMessages":["You are not authenticated. Authentication required to perform this operation."],"errors":{}}`
	noIssue := `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`

	// Anonymous.
	if res := anon("GET", "/rest/api/2/myself", ""); res.status != 401 || strings.TrimSpace(res.body) != notAuth {
		t.Errorf("anonymous myself: got %d %q; want 401 %s", res.status, res.body, notAuth)
	}
	if res := anon("POST", "/rest/api/2/issue/DEMO-1/comment", `{"body":"hi"}`); res.status != 401 || strings.TrimSpace(res.body) != notAuth {
		t.Errorf("anonymous comment: got %d %q; want 401", res.status, res.body)
	}
	res := anon("GET", "/rest/api/2/serverInfo", "")
	var info map[string]any
	if err := json.Unmarshal([]byte(res.body), &info); err != nil || res.status != 200 {
		t.Fatalf("serverInfo: got %d %q (%v); want 200 JSON", res.status, res.body, err)
	}
	wantInfo := map[string]any{"baseUrl": e.srv.URL, "version": "9.12.0", "versionNumbers": []any{9.0, 12.0, 0.0},
		"deploymentType": "Server", "serverTitle": "Jira (jiratest)", "serverTime": "2025-03-14T15:09:26.000+0000"}
	for k, want := range wantInfo {
		if diff := cmp.Diff(want, info[k]); diff != "" {
			t.Errorf("serverInfo %s (-want +got):\n%s", k, diff)
		}
	}

	e.login(t)
	signed := func(method, path, ctype, body string) response {
		return e.call(call{method: method, url: e.url(path), ctype: ctype, body: body})
	}
	const js = "application/json"

	if res := signed("GET", "/rest/api/2/issue/DEMO-1", "", ""); res.status != 200 || !strings.Contains(res.body, `"key":"DEMO-1"`) {
		t.Errorf("issue: got %d %q; want 200 DEMO-1", res.status, res.body)
	}
	if res := signed("GET", "/rest/api/2/issue/NOPE-9", "", ""); res.status != 404 || strings.TrimSpace(res.body) != noIssue {
		t.Errorf("unknown issue: got %d %q; want 404 %s", res.status, res.body, noIssue)
	}
	if res := signed("POST", "/rest/api/2/issue/NOPE-9/comment", js, `{"body":"x"}`); res.status != 404 {
		t.Errorf("comment on unknown issue: got %d %q; want 404", res.status, res.body)
	}
	res = signed("POST", "/rest/api/2/issue/DEMO-1/comment", js, `{"body":"Hello from a test & <script>"}`)
	var c map[string]any
	if err := json.Unmarshal([]byte(res.body), &c); err != nil || res.status != 201 {
		t.Fatalf("comment: got %d %q (%v); want 201 JSON", res.status, res.body, err)
	}
	wantC := map[string]any{"self": e.srv.URL + "/rest/api/2/issue/10000/comment/10100", "id": "10100",
		"body": "Hello from a test & <script>", "created": "2025-03-14T15:09:26.000+0000"}
	for k, want := range wantC {
		if c[k] != want {
			t.Errorf("comment %s: got %v; want %v", k, c[k], want)
		}
	}
	if a, _ := c["author"].(map[string]any); a["name"] != "admin" {
		t.Errorf("comment author: got %v; want admin", c["author"])
	}
	if res := signed("POST", "/rest/api/2/issue/DEMO-1/comment", js, `{"body":"  "}`); res.status != 400 ||
		strings.TrimSpace(res.body) != `{"errorMessages":[],"errors":{"comment":"Comment body can not be empty!"}}` {
		t.Errorf("empty comment: got %d %q; want 400 errors.comment", res.status, res.body)
	}
	if res := signed("POST", "/rest/api/2/issue/DEMO-1/comment", js, `{"body":`); res.status != 400 {
		t.Errorf("malformed JSON: got %d %q; want 400", res.status, res.body)
	}
	if res := signed("POST", "/rest/api/2/issue/DEMO-1/comment", "text/plain", `{"body":"x"}`); res.status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain comment: got %d %q; want 415", res.status, res.body)
	}
	res = signed("GET", "/rest/api/2/issue/demo-1/comment", "", "")
	var list struct {
		Comments []map[string]any `json:"comments"`
		Total    int              `json:"total"`
	}
	if err := json.Unmarshal([]byte(res.body), &list); err != nil || res.status != 200 || list.Total != 1 || len(list.Comments) != 1 {
		t.Errorf("comments: got %d %q; want 200 with total 1", res.status, res.body)
	}
	got := e.p.Comments("DEMO-1")
	if len(got) != 1 || got[0].Body != "Hello from a test & <script>" || got[0].Author != "admin" || got[0].ID != "10100" {
		t.Errorf("Comments(DEMO-1): got %+v; want the one comment", got)
	}
	if res := signed("GET", "/rest/api/2/nothing", "", ""); res.status != 404 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Errorf("unknown path: got %d %q; want 404 JSON", res.status, res.body)
	}
	// A bad OAuth header on /rest is refused, not treated as anonymous.
	bad := call{method: "GET", url: e.url("/rest/api/2/serverInfo"), tamper: flipSignatureByte}
	wantProblem(t, e.call(bad), http.StatusUnauthorized, "signature_invalid")
}

// blockingWriter is a ResponseWriter whose Write blocks until release is
// closed, like a client that does not read its response.
type blockingWriter struct {
	header  http.Header
	once    sync.Once
	writing chan struct{} // closed when Write is first called
	release chan struct{} // Write returns once it is closed
}

func newBlockingWriter() *blockingWriter {
	return &blockingWriter{header: http.Header{}, writing: make(chan struct{}), release: make(chan struct{})}
}

func (w *blockingWriter) Header() http.Header { return w.header }
func (w *blockingWriter) WriteHeader(int)     {}
func (w *blockingWriter) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.writing) })
	<-w.release
	return len(b), nil
}

// TestSlowClientDoesNotBlockProvider: while a REST response is being
// written to a client that does not read it, Approve and Advance still run
// (the provider must not hold its lock while writing).
func TestSlowClientDoesNotBlockProvider(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	const guard = 10 * time.Second // a failure guard, not a speed assertion
	tests := []struct {
		name   string
		signed bool
		method string
		path   string
		body   string
	}{
		{"issue", true, "GET", "/rest/api/2/issue/DEMO-1", ""},
		{"unknown issue", true, "GET", "/rest/api/2/issue/NOPE-1", ""},
		{"anonymous issue", false, "GET", "/rest/api/2/issue/DEMO-1", ""},
		{"comments", true, "GET", "/rest/api/2/issue/DEMO-1/comment", ""},
		{"anonymous comments", false, "GET", "/rest/api/2/issue/DEMO-1/comment", ""},
		{"add comment", true, "POST", "/rest/api/2/issue/DEMO-1/comment", `{"body":"hi"}`},
		{"add empty comment", true, "POST", "/rest/api/2/issue/DEMO-1/comment", `{"body":" "}`},
		{"add comment to unknown issue", true, "POST", "/rest/api/2/issue/NOPE-1/comment", `{"body":"hi"}`},
	}
	var pending []string // request tokens for Approve, one per case
	for range tests {
		pending = append(pending, e.requestToken(t, "oob"))
	}
	e.login(t)
	for i, tt := range tests {
		var r *http.Request
		if tt.signed {
			r, _ = e.c.request(call{method: tt.method, url: e.url(tt.path), body: tt.body, ctype: "application/json"})
		} else {
			r = mustRequest(t, tt.method, e.url(tt.path), tt.body)
		}
		if r.Body == nil {
			r.Body = http.NoBody // as a server request has
		}
		w := newBlockingWriter()
		served := make(chan struct{})
		go func() {
			defer close(served)
			e.p.ServeHTTP(w, r)
		}()
		select {
		case <-w.writing:
		case <-served:
			t.Fatalf("%s: the handler returned without writing a body", tt.name)
		case <-time.After(guard):
			t.Fatalf("%s: the handler never wrote its response", tt.name)
		}
		approved := make(chan error, 1)
		go func() {
			e.p.Advance(0)
			_, err := e.p.Approve(pending[i])
			approved <- err
		}()
		select {
		case err := <-approved:
			if err != nil {
				t.Errorf("%s: Approve: %v", tt.name, err)
			}
		case <-time.After(guard):
			t.Errorf("%s: Approve and Advance blocked while the response was being written", tt.name)
			close(w.release)
			<-approved // returns once the handler lets go of the lock
			<-served
			continue
		}
		close(w.release)
		<-served
	}
}
