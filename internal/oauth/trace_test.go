package oauth

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestTraceRedaction runs the whole dance, plus a refused access token whose
// answer echoes the verifier, and scans every trace line and error for the
// secret values.
func TestTraceRedaction(t *testing.T) {
	t.Parallel()
	const (
		requestSecret = "RTS-s3cret-value"
		verifier      = "VER-s3cret-value"
		accessSecret  = "ATS-s3cret-value"
		cookie        = "JSESSIONID=COOKIE-s3cret"
	)
	var refuse atomic.Bool
	c, trace := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		w.Header().Set("Set-Cookie", cookie)
		switch {
		case strings.HasSuffix(r.URL.Path, "/request-token"):
			w.Write([]byte("oauth_token=rt1&oauth_token_secret=" + requestSecret + "&oauth_callback_confirmed=true"))
		case strings.HasSuffix(r.URL.Path, "/access-token") && refuse.Load():
			w.Header().Set("WWW-Authenticate", problemHeader(r, "oauth_problem", "signature_invalid", "oauth_signature_base_string", in.base))
			w.WriteHeader(401)
			w.Write([]byte("oauth_problem=signature_invalid&oauth_signature_base_string=" + enc(in.base) + "&oauth_verifier=" + verifier))
		case strings.HasSuffix(r.URL.Path, "/access-token"):
			w.Write([]byte("oauth_token=at1&oauth_token_secret=" + accessSecret + "&oauth_expires_in=100"))
		default:
			w.Write([]byte("payload"))
		}
	})
	ctx := context.Background()
	var errs []string
	tc, err := c.RequestToken(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AccessToken(ctx, tc.Token, tc.Secret, verifier); err != nil {
		t.Fatal(err)
	}
	refuse.Store(true)
	_, err = c.AccessToken(ctx, tc.Token, tc.Secret, verifier)
	if err == nil {
		t.Fatal("refused access token: got nil error")
	}
	errs = append(errs, err.Error())
	pe := err.(*ProblemError)
	errs = append(errs, pe.SentBaseString, strings.Join(pe.Details["oauth_signature_base_string"], ""), strings.Join(pe.Details["oauth_verifier"], ""))
	req, _ := http.NewRequest("GET", c.JiraHome.String()+"/rest/api/2/myself", nil)
	if _, err := c.Do(ctx, req, "at1"); err != nil {
		t.Fatal(err)
	}
	// An answer without oauth_token but with a secret must not leak it in the excerpt.
	c2, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		w.Write([]byte("oauth_token_secret=" + requestSecret))
	})
	_, err = c2.RequestToken(ctx, "")
	if err == nil {
		t.Fatal("answer without oauth_token: got nil error")
	}
	errs = append(errs, err.Error())
	// A ';'-separated answer makes url.ParseQuery fail; its secret must
	// still be redacted from the error and the trace.
	c3, trace3 := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		w.Write([]byte("oauth_token=rt1;oauth_token_secret=" + accessSecret))
	})
	_, err = c3.RequestToken(ctx, "")
	if err == nil {
		t.Fatal("';'-separated answer: got nil error")
	}
	errs = append(errs, err.Error(), trace3.String())

	out := trace.String()
	for _, want := range []string{
		"> POST http://", "/jira/plugins/servlet/oauth/request-token",
		`oauth_callback="oob"`, `oauth_verifier="[redacted]"`, "oauth_verifier%3D[redacted]",
		"* signature base string: POST&http%3A%2F%2F", "< HTTP/1.1 200 OK", "< Set-Cookie: [redacted]",
		"oauth_token_secret=[redacted]", "< HTTP/1.1 401 Unauthorized", "* response body: 7 bytes",
		"> GET http://",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(line, "> ") && !strings.HasPrefix(line, "< ") && !strings.HasPrefix(line, "* ") && line != "<" {
			t.Errorf("trace line %q lacks a >, < or * prefix", line)
		}
	}
	if strings.Contains(out, "payload") {
		t.Errorf("Do's trace shows the body; want its size only")
	}
	all := out + "\n" + strings.Join(errs, "\n")
	for _, secret := range []string{requestSecret, verifier, accessSecret, "COOKIE-s3cret"} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %q leaked:\n%s", secret, all)
		}
	}
}

func TestRedactBaseString(t *testing.T) {
	t.Parallel()
	in := "POST&https%3A%2F%2Fh%2Fx&oauth_token%3Drt%26oauth_token_secret%3Ds%252B1%26oauth_verifier%3Dv%2520x%26z%3D1"
	want := "POST&https%3A%2F%2Fh%2Fx&oauth_token%3Drt%26oauth_token_secret%3D[redacted]%26oauth_verifier%3D[redacted]%26z%3D1"
	if got := redactBaseString(in); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := redactBaseString("not a base string"); got != "not a base string" {
		t.Errorf("got %q", got)
	}
}
