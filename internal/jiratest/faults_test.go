package jiratest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTokenCallsAndHugeAnswers(t *testing.T) {
	t.Parallel()
	p := New(Options{})
	srv := httptest.NewServer(p)
	defer srv.Close()
	post := func(path string) string {
		resp, err := http.Post(srv.URL+path, "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if _, err := http.Get(srv.URL + "/rest/api/2/serverInfo"); err != nil {
		t.Fatal(err)
	}
	post("/plugins/servlet/oauth/request-token")
	if got := p.TokenCalls(); got != 1 {
		t.Errorf("TokenCalls: got %d; want 1 (REST calls do not count)", got)
	}
	p.HugeTokenAnswers(1 << 20)
	body := post("/plugins/servlet/oauth/access-token")
	if !strings.Contains(body, "oauth_token="+strings.Repeat("A", 1<<20)+"&") {
		t.Errorf("huge answer: got %d bytes without a 1 MiB oauth_token", len(body))
	}
	if got := p.TokenCalls(); got != 2 {
		t.Errorf("TokenCalls: got %d; want 2", got)
	}
	if len(p.accessTokens) != 0 {
		t.Errorf("a huge answer issued a token")
	}
}
