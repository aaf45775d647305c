package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

func TestEncodeQuery(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"/rest/api/2/myself", "/rest/api/2/myself"},
		{"/rest/api/2/search?jql=project = DEMO", "/rest/api/2/search?jql=project%20%3D%20DEMO"},
		{"/rest/api/2/search?jql=project%20%3D%20DEMO", "/rest/api/2/search?jql=project%20%3D%20DEMO"},
		{"/s?jql=summary ~ \"100%\"&maxResults=5", "/s?jql=summary%20~%20%22100%25%22&maxResults=5"},
		{"/s?jql=text ~ x#y", "/s?jql=text%20~%20x%23y"},
		{"/s?jql=a+b&fields=summary,status", "/s?jql=a+b&fields=summary,status"},
		{"/s?jql=résumé", "/s?jql=r%C3%A9sum%C3%A9"},
		{"/s?flag&=x&a=", "/s?flag&=x&a="},
		{"https://jira/s?a=b c", "https://jira/s?a=b%20c"},
	}
	for _, tt := range tests {
		if got := encodeQuery(tt.in); got != tt.want {
			t.Errorf("encodeQuery(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestResolveTargetUpperCaseScheme(t *testing.T) {
	t.Parallel()
	home, _ := url.Parse("https://jira.example.com")
	u, err := resolveTarget(home, "HTTPS://Jira.Example.com/rest/api/2/myself?jql=a b")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.String(), "https://Jira.Example.com/rest/api/2/myself?jql=a%20b"; got != want {
		t.Errorf("resolveTarget = %q; want %q", got, want)
	}
	if err := checkOrigin(home, u, false); err != nil {
		t.Errorf("checkOrigin: %v; want the same origin", err)
	}
	// A URL in the query of a path is a value, not another scheme.
	if u, err := resolveTarget(home, "/rest/api/2/issue/DEMO-1/remotelink?globalId=system=http://ci/42"); err != nil || u.RawQuery != "globalId=system%3Dhttp://ci/42" {
		t.Errorf("a URL in the query: %v, %v; want it kept as a value", u, err)
	}
	if _, err := resolveTarget(home, "ftp://x/y"); exitCode(err) != ExitUsage {
		t.Errorf("ftp://: %v; want a usage error", err)
	}
}

func TestParseHeadersRefusesControlsAndBadNames(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"X-A: one\r\nX-B: two", "X-A: bell\a", "X-A: \x1b[31m", "X(A): 1", "X\"A: 1", "Ä: 1"} {
		_, err := parseHeaders([]string{bad})
		if exitCode(err) != ExitUsage {
			t.Errorf("parseHeaders(%q): %v (exit %d); want a usage error", bad, err, exitCode(err))
		}
	}
	if _, err := parseHeaders([]string{"X-A: tab\there", "X-Atlassian-Token: no-check"}); err != nil {
		t.Errorf("a tab in a value: %v; want it accepted", err)
	}
}

// pageJSON is one page of a REST v2 answer holding items from..to-1.
func pageJSON(startAt, n, total int, agile bool) []byte {
	items := make([]string, n)
	for i := range items {
		items[i] = `{"id":` + strconv.Itoa(startAt+i) + `}`
	}
	if agile {
		return []byte(`{"maxResults":` + strconv.Itoa(n) + `,"startAt":` + strconv.Itoa(startAt) + `,"isLast":` + strconv.FormatBool(startAt+n >= total) + `,"values":[` + strings.Join(items, ",") + `]}`)
	}
	return []byte(`{"expand":"schema,names","startAt":` + strconv.Itoa(startAt) + `,"maxResults":` + strconv.Itoa(n) + `,"total":` + strconv.Itoa(total) + `,"issues":[` + strings.Join(items, ",") + `]}`)
}

// fakePages answers a pager's requests from a list of total items served
// cap at a time, whatever maxResults asked; it records the startAt asked.
type fakePages struct {
	total, cap, extraTotal int
	agile                  bool
	asked                  []string
}

func (f *fakePages) send(target *url.URL, body []byte) (*oauth.Response, error) {
	startAt := 0
	if body != nil {
		var in struct{ StartAt int }
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, err
		}
		startAt = in.StartAt
		f.asked = append(f.asked, string(body))
	} else {
		startAt, _ = strconv.Atoi(target.Query().Get("startAt"))
		f.asked = append(f.asked, target.RawQuery)
	}
	n := max(0, min(f.cap, f.total-startAt))
	return &oauth.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: pageJSON(startAt, n, f.total+f.extraTotal, f.agile)}, nil
}

func TestPagerMerges(t *testing.T) {
	t.Parallel()
	target, _ := url.Parse("https://jira/rest/api/2/search?jql=x&startAt=0&maxResults=1000")
	f := &fakePages{total: 250, cap: 100}
	var progress bytes.Buffer
	doc, _, err := (&pager{method: "GET", maxPages: 10}).run(target, nil, f.send, &progress)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\rjira-oauth: page 1, 100 of 250 items\rjira-oauth: page 2, 200 of 250 items\rjira-oauth: page 3, 250 of 250 items\n"; progress.String() != want {
		t.Errorf("progress %q; want %q", progress.String(), want)
	}
	if diff := cmp.Diff([]string{"jql=x&startAt=0&maxResults=1000", "jql=x&maxResults=1000&startAt=100", "jql=x&maxResults=1000&startAt=200"}, f.asked); diff != "" {
		t.Errorf("queries (-want +got):\n%s", diff)
	}
	if want := string(pageJSON(0, 250, 250, false)); string(doc) != want {
		t.Errorf("merged:\n%s\nwant:\n%s", doc, want)
	}
}

func TestPagerAgileAndPost(t *testing.T) {
	t.Parallel()
	target, _ := url.Parse("https://jira/rest/api/2/search")
	f := &fakePages{total: 120, cap: 50, agile: true}
	doc, _, err := (&pager{method: "POST", maxPages: 10}).run(target, []byte(`{"jql":"project = X","startAt":0}`), f.send, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{`{"jql":"project = X","startAt":0}`, `{"jql":"project = X","startAt":50}`, `{"jql":"project = X","startAt":100}`}, f.asked); diff != "" {
		t.Errorf("bodies (-want +got):\n%s", diff)
	}
	var got struct {
		MaxResults, StartAt int
		IsLast              bool
		Values              []struct{ ID int }
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	if got.MaxResults != 120 || got.StartAt != 0 || !got.IsLast || len(got.Values) != 120 || got.Values[119].ID != 119 {
		t.Errorf("merged agile: maxResults %d startAt %d isLast %v, %d values; want 120, 0, true, 120", got.MaxResults, got.StartAt, got.IsLast, len(got.Values))
	}
}

func TestPagerStops(t *testing.T) {
	t.Parallel()
	target, _ := url.Parse("https://jira/rest/api/2/search")
	// total claims 1000 more than there are: the empty page ends it.
	f := &fakePages{total: 30, cap: 10, extraTotal: 1000}
	doc, _, err := (&pager{method: "GET", maxPages: 1000}).run(target, nil, f.send, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.asked) != 4 || !bytes.Contains(doc, []byte(`"total":30`)) {
		t.Errorf("misreported total: %d requests, %s; want 4 and total 30", len(f.asked), doc)
	}
	// --max-pages.
	f = &fakePages{total: 30, cap: 10}
	if _, _, err := (&pager{method: "GET", maxPages: 2}).run(target, nil, f.send, io.Discard); err == nil || len(f.asked) != 2 {
		t.Errorf("max 2 pages: %v after %d requests; want an error after 2", err, len(f.asked))
	}
	// A resource that ignores startAt would repeat its first page forever.
	same := func(*url.URL, []byte) (*oauth.Response, error) {
		return &oauth.Response{StatusCode: 200, Body: pageJSON(0, 10, 30, false)}, nil
	}
	if _, _, err := (&pager{method: "GET", maxPages: 1000}).run(target, nil, same, io.Discard); err == nil || !strings.Contains(err.Error(), "page 2 starts at 0, not at 10 as asked") {
		t.Errorf("startAt ignored: %v; want an error at page 2", err)
	}
	// Not a page: returned as it is.
	single := func(*url.URL, []byte) (*oauth.Response, error) {
		return &oauth.Response{StatusCode: 200, Body: []byte(`{"key":"DEMO-1", "startAt": 3}`)}, nil
	}
	if doc, resp, err := (&pager{method: "GET", maxPages: 5}).run(target, nil, single, io.Discard); err != nil || doc != nil || resp == nil || string(resp.Body) != `{"key":"DEMO-1", "startAt": 3}` {
		t.Errorf("not a page: %q, %v, %v; want the answer as it is", doc, resp, err)
	}
}

func TestParsePageFindsItems(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"startAt":0,"maxResults":2,"total":2,"worklogs":[1,2]}`:                  "worklogs",
		`{"startAt":0,"maxResults":2,"total":2,"names":[],"comments":[1,2]}`:       "comments",
		`{"startAt":0,"maxResults":2,"total":2,"somethingNew":[1,2]}`:              "somethingNew",
		`{"startAt":0,"maxResults":1,"isLast":true,"values":[1],"extra":{"a":[]}}`: "values",
	} {
		p, err := parseJiraPage([]byte(body))
		if err != nil {
			t.Errorf("parseJiraPage(%s): %v", body, err)
			continue
		}
		if got := p.keys[p.itemsAt]; got != want {
			t.Errorf("parseJiraPage(%s): items under %q; want %q", body, got, want)
		}
	}
	for _, body := range []string{`{"a":[1]}`, `{"startAt":0,"x":[1],"y":[2],"total":1}`, `[1,2]`, `"text"`} {
		if _, err := parseJiraPage([]byte(body)); err != errNotPaged {
			t.Errorf("parseJiraPage(%s): %v; want not a page", body, err)
		}
	}
	for _, body := range []string{`<html>`, `{"startAt":0,`, `{"a":1} x`} {
		if _, err := parseJiraPage([]byte(body)); err != errNotJSON {
			t.Errorf("parseJiraPage(%s): %v; want not JSON", body, err)
		}
	}
}

func TestMultipartBody(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "build.log")
	content := bytes.Repeat([]byte("line\x00\r\n"), 50000)
	if err := os.WriteFile(logPath, content, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := newMultipartBody([]string{"file=@" + logPath, `note=say "hi"`, "file=@" + logPath + ";filename=copy.bin"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 2; attempt++ { // a retry reopens the file
		rc, err := m.open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(body)) != m.length {
			t.Errorf("attempt %d: body of %d bytes; declared length %d", attempt, len(body), m.length)
		}
		_, params, _ := mime.ParseMediaType(m.contentType())
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		var got []string
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(p)
			if p.FileName() != "" && !bytes.Equal(data, content) {
				t.Errorf("part %s: %d bytes differ from the file", p.FileName(), len(data))
			}
			got = append(got, p.FormName()+"|"+p.FileName()+"|"+strconv.Itoa(len(data)))
		}
		want := []string{"file|build.log|350000", "note||8", "file|copy.bin|350000"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("attempt %d: parts (-want +got):\n%s", attempt, diff)
		}
	}
}

func TestMultipartBodyFromStdinOnce(t *testing.T) {
	t.Parallel()
	m, err := newMultipartBody([]string{"file=@-"}, strings.NewReader("from a pipe"))
	if err != nil {
		t.Fatal(err)
	}
	if m.length != -1 {
		t.Errorf("length %d; want -1 (unknown, chunked)", m.length)
	}
	rc, err := m.open()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	if !bytes.Contains(body, []byte(`filename="stdin"`)) || !bytes.Contains(body, []byte("from a pipe")) {
		t.Errorf("body %q; want the stdin part", body)
	}
	if _, err := m.open(); err == nil || !strings.Contains(err.Error(), "cannot be sent again") {
		t.Errorf("second open: %v; want a clear refusal", err)
	}
}

func TestResponseWriterTerminal(t *testing.T) {
	t.Parallel()
	resp := &oauth.Response{StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1",
		Header: http.Header{"Content-Type": {"application/json"}, "X-Evil": {"a\x1b]0;title\x07b"}}, Body: []byte(`{"a":[1,2]}`)}
	tests := []struct {
		name string
		opts requestOptions
		tty  bool
		want string
	}{
		{"terminal pretty", requestOptions{}, true, "{\n  \"a\": [\n    1,\n    2\n  ]\n}\n"},
		{"pipe as received", requestOptions{}, false, `{"a":[1,2]}`},
		{"terminal --raw", requestOptions{Raw: true}, true, `{"a":[1,2]}`},
		{"terminal -o -", requestOptions{Output: "-"}, true, `{"a":[1,2]}`},
		{"terminal --jq", requestOptions{JQ: ".a"}, true, "[\n  1,\n  2\n]\n"},
		{"pipe --jq", requestOptions{JQ: ".a[]"}, false, "1\n2\n"},
		{"-s", requestOptions{Silent: true}, true, ""},
		{"-i escapes", requestOptions{Include: true, Raw: true}, true, "HTTP/1.1 200 OK\nContent-Type: application/json\nX-Evil: a\\x1b]0;title\\x07b\n\n{\"a\":[1,2]}"},
	}
	for _, tt := range tests {
		jq, err := compileJQ(tt.opts.JQ)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w := &requestOutput{opts: &tt.opts, stdout: &out, stdoutTTY: tt.tty, jq: jq}
		if err := w.write(resp); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if out.String() != tt.want {
			t.Errorf("%s: wrote %q; want %q", tt.name, out.String(), tt.want)
		}
	}
}

func TestWriteFileAtomicKeepsMode(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "out.bin")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeOutputFile(path, []byte("new\x00")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	data, _ := os.ReadFile(path)
	if err != nil || fi.Mode().Perm() != 0o600 || string(data) != "new\x00" {
		t.Errorf("after writeOutputFile: mode %v, %q (%v); want 0600, new", fi.Mode(), data, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d files in the folder; want 1 (no temporary left)", len(entries))
	}
}

// TestUploadStreams sends a 96 MiB file (sparse: no disk used) with -F
// through the whole command and checks that it arrived whole, with the
// announced Content-Length, while the process allocated far less than the
// file: the body is streamed, not buffered (and not held to the 64 MiB
// limit of buffered bodies). Not parallel, so that the allocation count
// is this test's own.
func TestUploadStreams(t *testing.T) {
	const size = 96 << 20
	configPath := linkedConfig(t, "http://jira.test")
	path := filepath.Join(t.TempDir(), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var received, declared int64
	var xsrf string
	env := Env{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		declared, xsrf = r.ContentLength, r.Header.Get("X-Atlassian-Token")
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			n, _ := io.Copy(io.Discard, p)
			received += n
		}
		r.Body.Close()
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("[]")), Request: r}, nil
	})}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, stderr, code := runArgs(t, []string{"--config", configPath, "request", "-F", "file=@" + path, "/rest/api/2/issue/DEMO-1/attachments"}, env)
	runtime.ReadMemStats(&after)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if received != size || declared <= size || xsrf != "no-check" {
		t.Errorf("received %d bytes of file, Content-Length %d, X-Atlassian-Token %q; want %d, a little more, no-check", received, declared, xsrf, size)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("the upload allocated %d MiB for a %d MiB file; want it streamed (under 32 MiB)", alloc>>20, size>>20)
	}
}

// TestMultipartFileChangedSize: a file that grows or shrinks between the
// check (which fixed Content-Length) and the upload is refused with a line
// that names it, not sent short or long (a build log still being written).
func TestMultipartFileChangedSize(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(path string) error{
		"grew": func(path string) error {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteString("one more line\n")
			return err
		},
		"shrank": func(path string) error { return os.Truncate(path, 10) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "build.log")
			if err := os.WriteFile(path, []byte(strings.Repeat("step: ok\n", 100)), 0o600); err != nil {
				t.Fatal(err)
			}
			m, err := newMultipartBody([]string{"file=@" + path}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.writeTo(io.Discard, false); err != nil {
				t.Fatalf("unchanged file: %v", err)
			}
			if err := change(path); err != nil {
				t.Fatal(err)
			}
			err = m.writeTo(io.Discard, false)
			var changed *fileChangedError
			if !errors.As(err, &changed) || !strings.Contains(err.Error(), "changed size during the upload (900 bytes when checked") {
				t.Errorf("writeTo after the file %s: %v; want a fileChangedError", name, err)
			}
		})
	}
}
