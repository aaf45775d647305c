package oauth

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRequestToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		callback, wantCallback string
	}{
		{"", "oob"},
		{"https://ci.example.com/cb?x=1", "https://ci.example.com/cb?x=1"},
	}
	for _, tt := range tests {
		c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
			if r.Method != "POST" || r.URL.Path != "/jira/plugins/servlet/oauth/request-token" {
				http.NotFound(w, r)
				return
			}
			if !in.sigOK || in.oauth.Get("oauth_callback") != tt.wantCallback || in.oauth.Get("oauth_consumer_key") != "jira-cli" {
				w.WriteHeader(401)
				return
			}
			w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
			w.Write([]byte("oauth_token=rt1&oauth_token_secret=rts1&oauth_callback_confirmed=true"))
		})
		got, err := c.RequestToken(context.Background(), tt.callback)
		if err != nil {
			t.Fatalf("callback %q: %v", tt.callback, err)
		}
		want := TemporaryCredentials{Token: "rt1", Secret: "rts1", CallbackConfirmed: true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("callback %q: (-want +got)\n%s", tt.callback, diff)
		}
	}
}

func TestAuthorizeURL(t *testing.T) {
	t.Parallel()
	for _, home := range []string{"https://jira.example.com/jira", "https://jira.example.com/jira/"} {
		u, _ := url.Parse(home)
		c := &Client{JiraHome: u}
		got := c.AuthorizeURL("a+b/c")
		want := "https://jira.example.com/jira/plugins/servlet/oauth/authorize?oauth_token=a%2Bb%2Fc"
		if got != want {
			t.Errorf("AuthorizeURL with jira_home %s: got %s; want %s", home, got, want)
		}
	}
}

func TestAccessToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want Credentials
	}{
		{
			"lifetimes",
			"oauth_token=at1&oauth_token_secret=ats1&oauth_expires_in=157680000&oauth_authorization_expires_in=160272000&oauth_session_handle=sh1",
			Credentials{Token: "at1", Secret: "ats1", SessionHandle: "sh1", ExpiresIn: 157680000 * time.Second, AuthorizationExpiresIn: 160272000 * time.Second},
		},
		{"no lifetimes", "oauth_token=at1&oauth_token_secret=ats1", Credentials{Token: "at1", Secret: "ats1"}},
		{"garbled lifetime", "oauth_token=at1&oauth_token_secret=ats1&oauth_expires_in=soon", Credentials{Token: "at1", Secret: "ats1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
				if r.URL.Path != "/jira/plugins/servlet/oauth/access-token" || !in.sigOK ||
					in.oauth.Get("oauth_token") != "rt1" || in.oauth.Get("oauth_verifier") != "ver1" || len(in.body) != 0 {
					w.WriteHeader(400)
					return
				}
				w.Write([]byte(tt.body))
			})
			got, err := c.AccessToken(context.Background(), "rt1", "rts1", "ver1")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestAccessTokenNeedsTokenAndVerifier(t *testing.T) {
	t.Parallel()
	calls := 0
	c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) { calls++ })
	if _, err := c.AccessToken(context.Background(), "", "s", "v"); err == nil || !strings.Contains(err.Error(), "no request token: run 'jira-oauth login' (or step by step") {
		t.Errorf("no request token: got %v", err)
	}
	if _, err := c.AccessToken(context.Background(), "rt", "s", ""); err == nil || !strings.Contains(err.Error(), "verifier") {
		t.Errorf("no verifier: got %v", err)
	}
	if calls != 0 {
		t.Errorf("Jira got %d calls; want 0", calls)
	}
}

func TestDo(t *testing.T) {
	t.Parallel()
	c, trace := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		if !in.sigOK || in.oauth.Get("oauth_token") != "at1" {
			w.Header().Set("WWW-Authenticate", problemHeader(r, "oauth_problem", "signature_invalid"))
			w.WriteHeader(401)
			return
		}
		switch r.URL.Path {
		case "/jira/rest/api/2/issue/ABC-1":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"key":"ABC-1","fields":"` + strings.Join(r.URL.Query()["fields"], ",") + `"}`))
		case "/jira/rest/form":
			w.Write([]byte("got " + string(in.body)))
		case "/jira/rest/moved":
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		case "/jira/rest/text":
			// A 200 whose body merely looks like a problem is data, not an error.
			w.Write([]byte("oauth_problem=signature_invalid"))
		default:
			w.WriteHeader(404)
			w.Write([]byte(`{"errorMessages":["Issue does not exist"]}`))
		}
	})
	base := c.JiraHome.String()
	do := func(method, path, contentType, body string) *Response {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := c.Do(context.Background(), req, "at1")
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		// req must stay reusable.
		if req.Header.Get("Authorization") != "" {
			t.Errorf("%s %s: Do modified the caller's request", method, path)
		}
		return resp
	}
	if r := do("GET", "/rest/api/2/issue/ABC-1?fields=summary&fields=status", "", ""); r.StatusCode != 200 || string(r.Body) != `{"key":"ABC-1","fields":"summary,status"}` {
		t.Errorf("repeated query: got %d %s", r.StatusCode, r.Body)
	}
	if r := do("POST", "/rest/form", "application/x-www-form-urlencoded", "a=1&a=2&b=x+y"); r.StatusCode != 200 || string(r.Body) != "got a=1&a=2&b=x+y" {
		t.Errorf("form POST: got %d %s", r.StatusCode, r.Body)
	}
	if r := do("POST", "/rest/json", "application/json", `{"a":1}`); r.StatusCode != 404 || !strings.Contains(string(r.Body), "Issue does not exist") {
		t.Errorf("404: got %d %s", r.StatusCode, r.Body)
	}
	if r := do("GET", "/rest/moved", "", ""); r.StatusCode != 302 || r.Header.Get("Location") != "/elsewhere" {
		t.Errorf("redirect: got %d Location %q; want 302 not followed", r.StatusCode, r.Header.Get("Location"))
	}
	if r := do("GET", "/rest/text", "", ""); r.StatusCode != 200 {
		t.Errorf("200 with problem-like body: got %d", r.StatusCode)
	}
	if tr := trace.String(); strings.Contains(tr, "Issue does not exist") || !strings.Contains(tr, "* response body: 41 bytes") {
		t.Errorf("Do trace must show body sizes only:\n%s", tr)
	}
	if _, err := c.Do(context.Background(), httptest.NewRequest("GET", base+"/x", nil), ""); err == nil {
		t.Error("Do without access token: got nil error")
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		w.Write([]byte(strings.Repeat("x", 2<<20+1)))
	})
	c.maxBody = 2 << 20
	req, _ := http.NewRequest("GET", c.JiraHome.String()+"/rest/big", nil)
	_, err := c.Do(context.Background(), req, "at1")
	if err == nil || !strings.Contains(err.Error(), "larger than 2 MiB; refusing to read it: ask for less, e.g. with maxResults") {
		t.Errorf("got %v; want a size-limit error", err)
	}
	c.maxBody = 1000
	if _, err := c.Do(context.Background(), req, "at1"); err == nil || !strings.Contains(err.Error(), "larger than 1000 bytes; refusing") {
		t.Errorf("limit under 1 MiB: got %v; want it in bytes", err)
	}
	c.maxBody = 2<<20 + 1
	resp, err := c.Do(context.Background(), req, "at1")
	if err != nil || len(resp.Body) != 2<<20+1 {
		t.Errorf("at the limit: got %v", err)
	}
}

// problemCase is a Jira answer with an oauth_problem and what the error must say.
type problemCase struct {
	name   string
	op     string // which call: OpRequestToken, OpAccessToken, OpRequest
	status int
	// header fields and body for the answer; "@ours" as a value is replaced
	// by the base string the server computed, "@url:X" by the base string for
	// base URL X, "@param" by the base string with one parameter changed.
	header  []string
	body    string
	noDate  bool
	date    time.Time
	want    []string
	notWant []string
}

func TestProblemErrors(t *testing.T) {
	t.Parallel()
	tests := []problemCase{
		{name: "signature_invalid without base string", op: OpRequestToken, status: 401,
			header: []string{"oauth_problem", "signature_invalid"},
			want:   []string{"request token: Jira refused the request (oauth_problem=signature_invalid): ", "two usual causes", `consumer key "jira-cli"`, "jira_home"}},
		{name: "signature_invalid same base string", op: OpRequestToken, status: 401,
			header: []string{"oauth_problem", "signature_invalid", "oauth_signature_base_string", "@ours", "oauth_signature_method", "RSA-SHA1"},
			want:   []string{"Jira computed the same base string, so the key is wrong: the public key in the Application Link for consumer key \"jira-cli\" does not match private_key (re-register jira_publickey.pem)"}},
		{name: "signature_invalid same base string in body", op: OpAccessToken, status: 401,
			body: "@form:oauth_problem=signature_invalid&oauth_signature_base_string=@ours",
			want: []string{"access token: Jira refused", "so the key is wrong"}, notWant: []string{"ver-SECRET"}},
		{name: "signature_invalid other URL", op: OpRequestToken, status: 401,
			header: []string{"oauth_problem", "signature_invalid", "oauth_signature_base_string", "@url:https://jira.public.example.com"},
			want:   []string{"Jira checked the signature for URL https://jira.public.example.com/jira/plugins/servlet/oauth/request-token while we signed http://127.0.0.1:", "set jira_home to Jira's base URL (https://jira.public.example.com/jira)"}},
		{name: "signature_invalid other parameter", op: OpAccessToken, status: 401,
			header: []string{"oauth_problem", "signature_invalid", "oauth_signature_base_string", "@param"},
			want:   []string{"different values for the parameters oauth_nonce, oauth_token than we signed"}, notWant: []string{"ver-SECRET", "rt-VALUE"}},
		{name: "signature_invalid un-encoded base string", op: OpAccessToken, status: 401,
			header: []string{"oauth_problem", "signature_invalid", "oauth_signature_base_string", "@raw"},
			want:   []string{"sent a base string this tool cannot read"}, notWant: []string{"oauth_consumer_key=", "oauth_nonce=", "rt-VALUE"}},
		{name: "consumer_key_unknown", op: OpRequestToken, status: 401,
			header: []string{"oauth_problem", "consumer_key_unknown"},
			want:   []string{`no incoming Application Link with consumer key "jira-cli": check consumer_key`}},
		{name: "timestamp_refused ahead", op: OpRequestToken, status: 400,
			header: []string{"oauth_problem", "timestamp_refused", "oauth_acceptable_timestamps", "1-2"},
			date:   clientNow.Add(-7*time.Minute - 30*time.Second),
			want:   []string{"your clock is 7m30s ahead of Jira's; Jira accepts 5 minutes"}},
		{name: "timestamp_refused behind", op: OpRequest, status: 400,
			header: []string{"oauth_problem", "timestamp_refused"},
			date:   clientNow.Add(time.Hour),
			want:   []string{"request: Jira refused", "your clock is 1h0m0s behind Jira's"}},
		{name: "timestamp_refused from acceptable timestamps", op: OpRequestToken, status: 400, noDate: true,
			header: []string{"oauth_problem", "timestamp_refused", "oauth_acceptable_timestamps", tsRange(clientNow.Add(-10 * time.Minute))},
			want:   []string{"your clock is 10m0s ahead of Jira's"}},
		{name: "token_rejected access token", op: OpAccessToken, status: 401,
			body: "oauth_problem=token_rejected", want: []string{"the code may be mistyped; run 'jira-oauth accessToken CODE' again", "If it is right, the request token is unknown", "run 'jira-oauth login' (or step by step"}},
		{name: "token_rejected request", op: OpRequest, status: 401,
			header: []string{"oauth_problem", "token_rejected"}, want: []string{"does not know the access token", "run 'jira-oauth login' (or step by step: 'jira-oauth requestToken', approve, 'jira-oauth accessToken CODE')"}},
		{name: "token_expired access token", op: OpAccessToken, status: 401,
			header: []string{"oauth_problem", "token_expired"}, want: []string{"request tokens live 10 minutes", "run 'jira-oauth login'", "approve within 10 minutes"}},
		{name: "token_expired request", op: OpRequest, status: 401,
			header: []string{"oauth_problem", "token_expired"}, want: []string{"access token expired: run 'jira-oauth login'"}},
		{name: "permission_unknown", op: OpAccessToken, status: 401,
			header: []string{"oauth_problem", "permission_unknown"}, want: []string{"not approved yet: open the authorize URL"}},
		{name: "permission_denied", op: OpAccessToken, status: 401,
			body: "oauth_problem=permission_denied", want: []string{"denied access"}},
		{name: "nonce_used", op: OpRequest, status: 401,
			header: []string{"oauth_problem", "nonce_used"}, want: []string{"retry; if it repeats"}},
		{name: "parameter_absent", op: OpRequestToken, status: 400,
			header: []string{"oauth_problem", "parameter_absent", "oauth_parameters_absent", "oauth_nonce&oauth_timestamp"},
			want:   []string{"lacks oauth_nonce, oauth_timestamp"}},
		{name: "parameter_rejected", op: OpRequestToken, status: 400,
			body: "oauth_problem=parameter_rejected&oauth_parameters_rejected=oauth_callback", want: []string{"rejected oauth_callback"}},
		{name: "signature_method_rejected", op: OpRequestToken, status: 400,
			header: []string{"oauth_problem", "signature_method_rejected"}, want: []string{"Jira wants RSA-SHA1", "must have a public key"}},
		{name: "unknown problem with advice", op: OpRequest, status: 401,
			header: []string{"oauth_problem", "something_new", "oauth_problem_advice", "Ask\nyour admin"},
			want:   []string{"oauth_problem=something_new", "Jira's advice: Ask your admin"}},
		{name: "advice echoing the verifier and request secret", op: OpAccessToken, status: 401,
			header: []string{"oauth_problem", "bad_thing", "oauth_problem_advice", "verifier ver-SECRET is wrong for rts-SECRET"},
			want:   []string{"oauth_problem=bad_thing", "Jira's advice: verifier [redacted] is wrong for [redacted]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, trace := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
				expand := func(v string) string {
					switch {
					case v == "@ours":
						return in.base
					case strings.HasPrefix(v, "@url:"):
						return serverBase(r, strings.TrimPrefix(v, "@url:"), in.oauth, in.body)
					case v == "@raw":
						// What a sloppy proxy or provider might send: the
						// base string with its parts decoded.
						parts := strings.SplitN(in.base, "&", 3)
						u, _ := url.PathUnescape(parts[1])
						q, _ := url.PathUnescape(parts[2])
						return parts[0] + "&" + u + "&" + q
					case v == "@param":
						o := url.Values{}
						for k, vs := range in.oauth {
							o[k] = vs
						}
						o.Set("oauth_nonce", "other")
						o.Set("oauth_token", "other")
						return serverBase(r, "http://"+r.Host, o, in.body)
					}
					return v
				}
				var fields []string
				for i, f := range tt.header {
					if i%2 == 1 {
						f = expand(f)
					}
					fields = append(fields, f)
				}
				if len(fields) > 0 {
					w.Header().Set("WWW-Authenticate", problemHeader(r, fields...))
				}
				switch {
				case tt.noDate:
					w.Header()["Date"] = nil
				case !tt.date.IsZero():
					w.Header().Set("Date", tt.date.Format(http.TimeFormat))
				}
				w.WriteHeader(tt.status)
				body := tt.body
				if rest, ok := strings.CutPrefix(body, "@form:"); ok {
					v := url.Values{}
					for pair := range strings.SplitSeq(rest, "&") {
						k, val, _ := strings.Cut(pair, "=")
						v.Set(k, expand(val))
					}
					body = v.Encode()
				}
				w.Write([]byte(body))
			})
			err := callOp(t, c, tt.op)
			var pe *ProblemError
			if !errors.As(err, &pe) {
				t.Fatalf("got %T %v; want *ProblemError", err, err)
			}
			if pe.Op != tt.op || pe.StatusCode != tt.status {
				t.Errorf("Op, StatusCode: got %q, %d; want %q, %d", pe.Op, pe.StatusCode, tt.op, tt.status)
			}
			msg := err.Error()
			checkMessage(t, msg, tt.want)
			for _, s := range tt.notWant {
				if strings.Contains(msg, s) {
					t.Errorf("%q leaked into the error: %s", s, msg)
				}
			}
			var details []string
			for _, vs := range pe.Details {
				details = append(details, vs...)
			}
			for _, s := range []string{"ver-SECRET", "rts-SECRET"} {
				if strings.Contains(msg, s) || strings.Contains(trace.String(), s) || strings.Contains(pe.SentBaseString, s) || strings.Contains(strings.Join(details, "\n"), s) {
					t.Errorf("%q leaked into the error, its fields or the trace:\n%s\n%s", s, msg, trace)
				}
			}
		})
	}
}

func tsRange(center time.Time) string {
	c := center.Unix()
	return strings.Join([]string{itoa(c - 300), itoa(c + 300)}, "-")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// callOp runs one client operation against the fake Jira.
func callOp(t *testing.T, c *Client, op string) error {
	t.Helper()
	ctx := context.Background()
	switch op {
	case OpRequestToken:
		_, err := c.RequestToken(ctx, "")
		return err
	case OpAccessToken:
		_, err := c.AccessToken(ctx, "rt-VALUE", "rts-SECRET", "ver-SECRET")
		return err
	default:
		req, _ := http.NewRequest("GET", c.JiraHome.String()+"/rest/api/2/myself?fields=a&fields=b", nil)
		_, err := c.Do(ctx, req, "at-VALUE")
		return err
	}
}

func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		location    string
		want        []string
	}{
		{"not found", 404, "text/html", "<html>Oops</html>", "", []string{"request token: Jira answered 404 Not Found at http://127.0.0.1:", "/jira/plugins/servlet/oauth/request-token: check jira_home (should be Jira's base URL, e.g. https://jira.example.com)"}},
		{"server error", 503, "text/plain", "starting", "", []string{"Jira answered 503 Service Unavailable", "Jira is failing or still starting"}},
		{"login page", 200, "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><head><title>Log in - SSO</title></head><body>" + strings.Repeat("x", 200), "",
			[]string{`expected a form-encoded token from http://127.0.0.1:`, `but got text/html; charset=utf-8 "<!DOCTYPE html> <html><head><title>Log in - SSO</title></head><body>xxxxxxxxxxxx..."`, "login or SSO page"}},
		{"text without token", 200, "text/plain", "oauth_token=only", "", []string{`got text/plain "oauth_token=only"`}},
		{"empty", 200, "", "", "", []string{"empty body"}},
		{"redirect", 302, "", "", "https://jira.example.com/login", []string{"Jira answered 302 Found", "redirecting to https://jira.example.com/login", "set jira_home"}},
		{"unauthorized without problem", 401, "text/html", "<html>login</html>", "", []string{"401 Unauthorized", "without an oauth_problem", "HTML page"}},
		{"bad request", 400, "text/plain", "nope", "", []string{"400 Bad Request", `"nope"`, "check jira_home"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				} else {
					w.Header()["Content-Type"] = nil
				}
				if tt.location != "" {
					w.Header().Set("Location", tt.location)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			})
			_, err := c.RequestToken(context.Background(), "")
			var he *HTTPError
			if !errors.As(err, &he) {
				t.Fatalf("got %T %v; want *HTTPError", err, err)
			}
			msg := err.Error()
			checkMessage(t, msg, tt.want)
		})
	}
}

func TestNetworkErrors(t *testing.T) {
	t.Parallel()
	// A port where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(plain.Close)

	tests := []struct {
		name    string
		home    string
		timeout time.Duration
		want    string
	}{
		{"refused", "http://" + closedAddr, 0, "nothing is listening at " + closedAddr + ": check jira_home and that Jira is up"},
		{"timeout", slow.URL, 100 * time.Millisecond, "no answer within the timeout: raise --timeout or check the network"},
		{"unknown authority", tlsSrv.URL, 0, "Jira's TLS certificate is not trusted: pass --ca-file with your company CA bundle (Go's answer to Java's PKIX error)"},
		{"plain HTTP", strings.Replace(plain.URL, "http://", "https://", 1), 0, "does not speak TLS: if Jira serves plain HTTP there, jira_home must start with http://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home, _ := url.Parse(tt.home)
			c := &Client{JiraHome: home, Signer: fixedSigner(testKey(), "ck", 1, "n"), HTTP: &http.Client{Timeout: tt.timeout}}
			_, err := c.RequestToken(context.Background(), "")
			var ne *NetworkError
			if !errors.As(err, &ne) {
				t.Fatalf("got %T %v; want *NetworkError", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "request token: cannot reach Jira at "+tt.home) {
				t.Errorf("got %q; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestNetworkErrorAdvice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&net.DNSError{Err: "no such host", Name: "jira.invalid", IsNotFound: true}, "cannot resolve host jira.invalid: check jira_home"},
		{&url.Error{Op: "Post", URL: "https://jira.example.com", Err: context.DeadlineExceeded}, "no answer within the timeout"},
		{errors.New("something odd"), "check jira_home and the network"},
		{x509.HostnameError{Certificate: &x509.Certificate{DNSNames: []string{"other.example.com"}}, Host: "jira.example.com"},
			"Jira's TLS certificate is not valid for jira.example.com (it covers other.example.com)"},
	}
	for _, tt := range tests {
		e := &NetworkError{Op: OpRequest, URL: "https://jira.example.com/rest", Err: tt.err}
		if got := e.Advice(); !strings.Contains(got, tt.want) {
			t.Errorf("Advice for %v: got %q; want %q", tt.err, got, tt.want)
		}
		if !errors.Is(e, tt.err) {
			t.Errorf("NetworkError does not unwrap to %v", tt.err)
		}
	}
}

func TestCanceledIsNotNetworkError(t *testing.T) {
	t.Parallel()
	c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := c.RequestToken(ctx, "")
	var ne *NetworkError
	if !errors.Is(err, context.Canceled) || errors.As(err, &ne) {
		t.Errorf("got %T %v; want context.Canceled, not *NetworkError", err, err)
	}
}

// TestDoKeepsUnreplayableBody checks that a body without GetBody (here an
// io.NopCloser, which http.NewRequest cannot replay) is signed, sent, and
// still readable by the caller afterwards, as Do documents.
func TestDoKeepsUnreplayableBody(t *testing.T) {
	t.Parallel()
	const form = "a=1&b=x+y"
	c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		if !in.sigOK {
			w.WriteHeader(401)
			return
		}
		w.Write([]byte("got " + string(in.body)))
	})
	req, err := http.NewRequest("POST", c.JiraHome.String()+"/rest/form", io.NopCloser(strings.NewReader(form)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if req.GetBody != nil {
		t.Fatal("test setup: want a request without GetBody")
	}
	for i := range 2 {
		resp, err := c.Do(context.Background(), req, "at1")
		if err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		if got, want := string(resp.Body), "got "+form; resp.StatusCode != 200 || got != want {
			t.Errorf("call %d: got %d %q; want 200 %q", i+1, resp.StatusCode, got, want)
		}
	}
	body, err := io.ReadAll(req.Body)
	if err != nil || string(body) != form {
		t.Errorf("caller's body after Do: got %q, %v; want %q", body, err, form)
	}

	c.maxBody = 4
	big, _ := http.NewRequest("POST", c.JiraHome.String()+"/rest/form", io.NopCloser(strings.NewReader(form)))
	if _, err := c.Do(context.Background(), big, "at1"); err == nil || !strings.Contains(err.Error(), "request body is larger than 4 bytes: send less") {
		t.Errorf("body over the limit: got %v; want a size-limit error", err)
	}
}

// checkMessage fails unless msg is one line holding every string in want.
func checkMessage(t *testing.T, msg string, want []string) {
	t.Helper()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q\nlacks %q", msg, w)
		}
	}
}

// TestProblemAdviceUsesCommand checks that every command the advice names
// carries the user's --config, through ProblemError.Command.
func TestProblemAdviceUsesCommand(t *testing.T) {
	t.Parallel()
	cmd := func(args string) string { return `jira-oauth --config "my jira.properties" ` + args }
	for _, tt := range []struct{ op, problem string }{
		{OpAccessToken, "token_rejected"}, {OpRequest, "token_rejected"}, {OpRenew, "token_rejected"},
		{OpAccessToken, "token_expired"}, {OpRequest, "token_expired"}, {OpRequest, "token_revoked"},
		{OpAccessToken, "permission_unknown"}, {OpAccessToken, "permission_denied"},
		{OpRenew, "permission_denied"}, {OpRequest, "permission_denied"},
	} {
		e := &ProblemError{Op: tt.op, Problem: tt.problem, Command: cmd}
		advice := e.Advice()
		if !strings.Contains(advice, `'jira-oauth --config "my jira.properties" `) {
			t.Errorf("%s %s: advice %q names no command with the config", tt.op, tt.problem, advice)
		}
		if strings.Contains(strings.ReplaceAll(advice, `jira-oauth --config "my jira.properties"`, ""), "jira-oauth") {
			t.Errorf("%s %s: advice %q names a command without the config", tt.op, tt.problem, advice)
		}
	}
}

// TestProblemAdviceNamesPublicKeyFile checks that advice about the link's
// public key names the config's own public key file (prod.properties has
// prod_publickey.pem), and jira_publickey.pem only by default.
func TestProblemAdviceNamesPublicKeyFile(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ file, want string }{
		{"", "jira_publickey.pem"},
		{"ci/prod_publickey.pem", "ci/prod_publickey.pem"},
	} {
		for _, e := range []*ProblemError{
			{Op: OpRequestToken, Problem: "signature_method_rejected", PublicKeyFile: tt.file},
			{Op: OpRequestToken, Problem: "signature_invalid", PublicKeyFile: tt.file},
		} {
			if advice := e.Advice(); !strings.Contains(advice, tt.want) {
				t.Errorf("%s with PublicKeyFile %q: advice %q does not name %s", e.Problem, tt.file, advice, tt.want)
			}
		}
	}
}
