package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Secrets the fuzzed client sends or holds; none may come back in an error
// or in the trace, whatever Jira answers.
const (
	fuzzVerifier      = "fuzzVERIFIERsecret"
	fuzzRequestSecret = "fuzzREQUESTsecret"
)

// stubTransport answers every request with one canned response.
type stubTransport struct {
	status int
	header http.Header
	body   string
}

func (s stubTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: s.status,
		Status:     http.StatusText(s.status),
		Proto:      "HTTP/1.1",
		Header:     s.header,
		Body:       io.NopCloser(strings.NewReader(s.body)),
		Request:    r,
	}, nil
}

// FuzzProviderResponse feeds arbitrary provider answers (status,
// Content-Type, WWW-Authenticate, body) to the three calls and checks what
// the parsing promises: no panic; a token answer yields a token and a
// secret and lifetimes that are not negative; any error is one line, names
// its operation, and carries no secret we sent or Jira sent back; an
// oauth_problem answer is a *ProblemError with advice; the trace has no
// secret either.
func FuzzProviderResponse(f *testing.F) {
	seeds := []struct {
		status            int
		contentType, auth string
		body              string
	}{
		{200, "text/plain;charset=UTF-8", "", "oauth_token=rt1&oauth_token_secret=rts1&oauth_callback_confirmed=true"},
		{200, "text/plain", "", "oauth_token=at1&oauth_token_secret=ats1&oauth_expires_in=157680000&oauth_authorization_expires_in=160272000&oauth_session_handle=sh1"},
		{200, "text/plain", "", "oauth_token=at1&oauth_token_secret=ats1&oauth_expires_in=-5"},
		{200, "text/html", "", "<html><body>Log in</body></html>"},
		{200, "", "", "oauth_token=a;oauth_token_secret=b%zz"},
		{401, "", `OAuth realm="https://jira.example.com", oauth_problem="signature_invalid", oauth_signature_base_string="POST&https%3A%2F%2Fjira.example.com%2Fplugins%2Fservlet%2Foauth%2Frequest-token&oauth_verifier%3D` + fuzzVerifier + `"`, ""},
		{401, "", `OAuth oauth_problem="timestamp_refused", oauth_acceptable_timestamps="1700000000-1700000600"`, ""},
		{401, "text/plain", "", "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_verifier&oauth_problem_advice=" + fuzzVerifier},
		{401, "", `OAuth oauth_problem="token_rejected"`, "oauth_problem=token_rejected&oauth_token_secret=" + fuzzRequestSecret},
		{400, "text/plain", "", "oauth_problem=parameter_rejected&oauth_parameters_rejected=a%26b%2Cc"},
		{503, "text/html", "", "<h1>Service Unavailable</h1>"},
		{302, "", "", ""},
		{401, "", `OAuth oauth_problem="`, "oauth_problem"},
		{401, "", `OAuth oauth_problem=signature_invalid, oauth_signature_base_string="a&b&c%3D"`, ""},
	}
	for _, s := range seeds {
		f.Add(s.status, s.contentType, s.auth, s.body)
	}
	home, _ := url.Parse("https://jira.example.com/jira")
	// A 1024-bit key signs several times faster than the 2048-bit test key;
	// the signature is not what is fuzzed.
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, contentType, auth, body string) {
		if status < 100 || status > 999 {
			status = 200 + (status%800+800)%800
		}
		header := http.Header{}
		if contentType != "" {
			header.Set("Content-Type", contentType)
		}
		if auth != "" {
			header.Set("WWW-Authenticate", auth)
		}
		for _, op := range []string{OpRequestToken, OpAccessToken, OpRequest} {
			var trace bytes.Buffer
			c := &Client{
				JiraHome: home,
				Signer:   fixedSigner(key, "fuzz", 1700000000, "nonce"),
				HTTP:     &http.Client{Transport: stubTransport{status, header, body}},
				Trace:    &trace,
			}
			ctx := context.Background()
			var err error
			var creds Credentials
			switch op {
			case OpRequestToken:
				var tc TemporaryCredentials
				tc, err = c.RequestToken(ctx, "")
				creds = Credentials{Token: tc.Token, Secret: tc.Secret}
			case OpAccessToken:
				creds, err = c.AccessToken(ctx, "rt", fuzzRequestSecret, fuzzVerifier)
			default:
				req, _ := http.NewRequest("GET", home.String()+"/rest/api/2/myself", nil)
				_, err = c.Do(ctx, req, "at")
			}
			if err == nil {
				if op != OpRequest && (creds.Token == "" || creds.Secret == "" || creds.ExpiresIn < 0 || creds.AuthorizationExpiresIn < 0) {
					t.Fatalf("%s: accepted %+v", op, creds)
				}
			} else {
				msg := err.Error()
				if strings.Contains(msg, "\n") {
					t.Fatalf("%s: error on several lines: %q", op, msg)
				}
				if !strings.HasPrefix(msg, op+": ") {
					t.Fatalf("%s: error does not name the operation: %q", op, msg)
				}
				var pe *ProblemError
				if errors.As(err, &pe) && (pe.Problem == "" || pe.Advice() == "") {
					t.Fatalf("%s: problem without a name or advice: %q", op, msg)
				}
				checkNoSecret(t, op, "error", msg, body)
				// A token secret Jira sent can coincide with fixed text
				// (a URL, a timestamp): look where Jira's text goes.
				var he *HTTPError
				if errors.As(err, &he) {
					checkNoSecret(t, op, "excerpt", he.Excerpt, body)
				}
				if errors.As(err, &pe) {
					for _, vs := range pe.Details {
						checkNoSecret(t, op, "details", strings.Join(vs, " "), body)
					}
				}
			}
			// Likewise only the answer's part of the trace.
			_, answer, _ := strings.Cut(trace.String(), "\n< ")
			checkNoSecret(t, op, "trace", answer, body)
		}
	})
}

// checkNoSecret fails if text holds the secrets we sent (with the access
// token call), or a token secret from the answer's form. The error message
// as a whole is checked only for ours: they are distinctive.
func checkNoSecret(t *testing.T, op, what, text, body string) {
	t.Helper()
	for _, s := range []string{fuzzVerifier, fuzzRequestSecret} {
		if op == OpAccessToken && strings.Contains(text, s) {
			t.Fatalf("%s: %s holds a secret we sent: %q", op, what, text)
		}
	}
	form, err := url.ParseQuery(strings.TrimSpace(body))
	if err != nil || what == "error" {
		return
	}
	for _, secret := range form["oauth_token_secret"] {
		if len(secret) >= 8 && strings.Contains(text, secret) {
			t.Fatalf("%s: %s holds the token secret %q Jira sent: %q", op, what, secret, text)
		}
	}
}

// FuzzProblem feeds arbitrary WWW-Authenticate headers and bodies to the
// oauth_problem parsing alone (no signing, so it runs fast): no panic; a
// problem is one line with advice, and the verifier in the base string we
// signed, or echoed anywhere by Jira, never shows.
func FuzzProblem(f *testing.F) {
	f.Add(401, `OAuth oauth_problem="signature_invalid", oauth_signature_base_string="POST&https%3A%2F%2Fjira.example.com%2Fx&oauth_verifier%3Dv"`, "")
	f.Add(401, `OAuth realm="", oauth_problem="timestamp_refused", oauth_acceptable_timestamps="1-2"`, "")
	f.Add(400, "", "oauth_problem=parameter_absent&oauth_parameters_absent=oauth_token%26oauth_verifier")
	f.Add(401, `OAuth oauth_problem=nonce_used`, "oauth_problem=x&oauth_problem_advice="+fuzzVerifier)
	f.Add(401, `Basic realm="x", OAuth oauth_problem="token_rejected"`, "<html>")
	f.Add(500, `OAuth oauth_problem="signature_invalid", oauth_signature_base_string="a=1&oauth_verifier=`+fuzzVerifier+`"`, "oauth_problem=")
	base := "POST&https%3A%2F%2Fjira.example.com%2Fplugins%2Fservlet%2Foauth%2Faccess-token&oauth_consumer_key%3Dck%26oauth_token%3Drt%26oauth_verifier%3D" + fuzzVerifier
	f.Fuzz(func(t *testing.T, status int, auth, body string) {
		status = 300 + (status%700+700)%700
		resp := &http.Response{StatusCode: status, Header: http.Header{"Www-Authenticate": {auth}}}
		for _, tokenEndpoint := range []bool{false, true} {
			rt := &roundTripped{op: OpAccessToken, url: "https://jira.example.com/x", base: base, resp: resp,
				body: []byte(body), consumer: "ck", secrets: scrubber{fuzzVerifier}}
			rt.parseForm(tokenEndpoint)
			pe := rt.problem()
			if pe == nil {
				continue
			}
			msg := pe.Error()
			if pe.Problem == "" || pe.Advice() == "" || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, OpAccessToken+": ") {
				t.Fatalf("bad problem error %q", msg)
			}
			for _, text := range append([]string{msg, pe.SentBaseString}, pe.Details["oauth_signature_base_string"]...) {
				if strings.Contains(text, fuzzVerifier) {
					t.Fatalf("the verifier shows: %q", text)
				}
			}
		}
	})
}

// TestSeconds: a lifetime too long for a Duration is garbled, not negative
// (found by FuzzProviderResponse; testdata/fuzz keeps the input).
func TestSeconds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"157680000", 157680000 * time.Second},
		{" 60 ", time.Minute},
		{"", 0}, {"-1", 0}, {"soon", 0},
		{"9223372036", 9223372036 * time.Second},
		{"9223372037", 0},
		{"10000000000", 0},
		{"99999999999999999999", 0},
	}
	for _, tt := range tests {
		if got := seconds(tt.in); got != tt.want {
			t.Errorf("seconds(%q) = %s; want %s", tt.in, got, tt.want)
		}
	}
}
