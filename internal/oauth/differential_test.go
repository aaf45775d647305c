package oauth

import (
	"context"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
)

// recordingSigner is an oauth1.Signer that records the base strings that
// dghubble/oauth1's transport asks it to sign.
type recordingSigner struct {
	inner oauth1.Signer
	mu    sync.Mutex
	bases []string
}

func (r *recordingSigner) Name() string { return r.inner.Name() }

func (r *recordingSigner) Sign(key, message string) (string, error) {
	r.mu.Lock()
	r.bases = append(r.bases, message)
	r.mu.Unlock()
	return r.inner.Sign(key, message)
}

func (r *recordingSigner) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bases[len(r.bases)-1]
}

// dghubbleSign sends req through dghubble/oauth1's own signing transport to
// an httptest server and returns the base string it signed and the
// Authorization header the server received.
func dghubbleSign(t *testing.T, key *rsa.PrivateKey, token, method, path, contentType, body string) (base string, header sentRequest) {
	t.Helper()
	var mu sync.Mutex
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Get("Authorization")
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	rec := &recordingSigner{inner: &oauth1.RSASigner{PrivateKey: key}}
	cfg := &oauth1.Config{ConsumerKey: "jira-cli", Signer: rec}
	client := cfg.Client(context.Background(), oauth1.NewToken(token, "unused"))
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	return rec.last(), sentRequest{srv.URL, got}
}

type sentRequest struct{ server, authorization string }

// TestDifferentialDghubble signs the same requests with dghubble/oauth1's
// transport and with Signer, reusing dghubble's timestamp and nonce, and
// compares base strings and signatures. Where dghubble drops repeated
// parameters, Signer must keep them (that is why Signer exists).
func TestDifferentialDghubble(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, contentType, body string
		dghubbleDropsDuplicates               bool
	}{
		{name: "GET with query", method: "GET", path: "/rest/api/2/search?jql=project%20%3D%20ABC&maxResults=5"},
		{name: "GET without query", method: "GET", path: "/rest/api/2/myself"},
		{name: "escaped path", method: "GET", path: "/rest/api/2/issue/A%20B/comment?x=%2B1"},
		{name: "POST form", method: "POST", path: "/rest/x?b=2", contentType: "application/x-www-form-urlencoded", body: "a=1&c=hello+world"},
		{name: "POST json", method: "POST", path: "/rest/api/2/issue", contentType: "application/json", body: `{"fields":{}}`},
		{name: "repeated query", method: "GET", path: "/rest/api/2/issue/ABC-1?fields=summary&fields=status", dghubbleDropsDuplicates: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			key := testKey()
			theirBase, sent := dghubbleSign(t, key, "access-token", tt.method, tt.path, tt.contentType, tt.body)
			theirParams, ok := parseAuthParams(sent.authorization)
			if !ok {
				t.Fatalf("dghubble sent Authorization %q", sent.authorization)
			}
			ts, err := strconv.ParseInt(theirParams.Get("oauth_timestamp"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			s := &Signer{
				ConsumerKey: "jira-cli",
				Key:         key,
				Now:         func() time.Time { return time.Unix(ts, 0) },
				Nonce:       func() string { return theirParams.Get("oauth_nonce") },
			}
			req, err := http.NewRequest(tt.method, sent.server+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			ourBase, err := s.Sign(req, map[string]string{"oauth_token": "access-token"})
			if err != nil {
				t.Fatal(err)
			}
			ourParams := authParams(t, req)
			if tt.dghubbleDropsDuplicates {
				if ourBase == theirBase {
					t.Fatalf("base strings agree; want dghubble to drop a repeated parameter:\n%s", ourBase)
				}
				for _, want := range []string{"fields%3Dstatus", "fields%3Dsummary"} {
					if !strings.Contains(ourBase, want) {
						t.Errorf("our base string %s lacks %s", ourBase, want)
					}
				}
				return
			}
			if ourBase != theirBase {
				t.Errorf("base strings differ:\nours     %s\ndghubble %s", ourBase, theirBase)
			}
			if ourParams.Get("oauth_signature") != theirParams.Get("oauth_signature") {
				t.Errorf("signatures differ:\nours     %s\ndghubble %s", ourParams.Get("oauth_signature"), theirParams.Get("oauth_signature"))
			}
		})
	}
}
