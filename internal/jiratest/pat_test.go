package jiratest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

type patAnswer struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	CreatedAt  string `json:"createdAt"`
	ExpiringAt string `json:"expiringAt"`
	RawToken   string `json:"rawToken"`
}

func wantPAT(t testing.TB, res response) patAnswer {
	t.Helper()
	var a patAnswer
	if res.status != http.StatusCreated {
		t.Fatalf("create PAT: %d %s; want 201", res.status, res.body)
	}
	if err := json.Unmarshal([]byte(res.body), &a); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.RawToken == "" || a.CreatedAt == "" {
		t.Fatalf("PAT answer %s", res.body)
	}
	return a
}

// TestPATOverOAuth1: the migration path, a PAT made over a 1.0a link, then
// used as a Bearer token.
func TestPATOverOAuth1(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{User: "bob"})
	e.login(t)
	res := e.call(call{method: http.MethodPost, url: e.url("/rest/pat/latest/tokens"), ctype: "application/json",
		body: `{"name":"ci","expirationDuration":30}`})
	a := wantPAT(t, res)
	created, err := time.Parse(jiraTime, a.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	expiring, err := time.Parse(jiraTime, a.ExpiringAt)
	if err != nil || expiring.Sub(created) != 30*24*time.Hour || a.Name != "ci" {
		t.Fatalf("PAT %+v: want name ci expiring 30 days after creation", a)
	}
	me := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.RawToken, "")
	if me.status != http.StatusOK || me.header.Get("X-AUSERNAME") != "bob" {
		t.Fatalf("myself with the PAT: %d as %q", me.status, me.header.Get("X-AUSERNAME"))
	}
	// A PAT may write (the user's own permissions) and make another PAT.
	if res := e.bearer(t, http.MethodPost, "/rest/api/2/issue/DEMO-1/comment", a.RawToken, `{"body":"x"}`); res.status != http.StatusCreated {
		t.Fatalf("comment with a PAT: %d", res.status)
	}
	b := wantPAT(t, e.bearer(t, http.MethodPost, "/rest/pat/latest/tokens", a.RawToken, `{"name":"second"}`))
	if b.ExpiringAt != "" || b.ID == a.ID {
		t.Fatalf("second PAT %+v: want no expiry and a new id", b)
	}
	list := e.bearer(t, http.MethodGet, "/rest/pat/latest/tokens", a.RawToken, "")
	if list.status != http.StatusOK || strings.Contains(list.body, "rawToken") || strings.Contains(list.body, a.RawToken) ||
		!strings.Contains(list.body, `"name":"ci"`) || !strings.Contains(list.body, `"name":"second"`) {
		t.Fatalf("list: %d %s", list.status, list.body)
	}
	if e.p.LivePATs() != 2 {
		t.Fatalf("LivePATs = %d; want 2", e.p.LivePATs())
	}
	del := e.bearer(t, http.MethodDelete, "/rest/pat/latest/tokens/"+strconv.Itoa(a.ID), b.RawToken, "")
	if del.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", del.status, del.body)
	}
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.RawToken, ""); res.status != http.StatusUnauthorized {
		t.Fatalf("revoked PAT: %d; want 401", res.status)
	}
	if res := e.bearer(t, http.MethodDelete, "/rest/pat/latest/tokens/"+strconv.Itoa(a.ID), b.RawToken, ""); res.status != http.StatusNotFound {
		t.Fatalf("delete twice: %d; want 404", res.status)
	}
	if e.p.LivePATs() != 1 {
		t.Fatalf("LivePATs = %d; want 1", e.p.LivePATs())
	}
}

func TestPATOverOAuth2AndExpiry(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	o2 := e.login2(t)
	a := wantPAT(t, e.bearer(t, http.MethodPost, "/rest/pat/latest/tokens", o2.AccessToken, `{"name":"n","expirationDuration":1}`))
	e.p.Advance(24*time.Hour - time.Second)
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.RawToken, ""); res.status != http.StatusOK {
		t.Fatalf("PAT before expiry: %d", res.status)
	}
	e.p.Advance(time.Second)
	if res := e.bearer(t, http.MethodGet, "/rest/api/2/myself", a.RawToken, ""); res.status != http.StatusUnauthorized {
		t.Fatalf("expired PAT: %d; want 401", res.status)
	}
	if e.p.LivePATs() != 0 {
		t.Fatalf("LivePATs = %d; want 0", e.p.LivePATs())
	}
}

func TestPATRules(t *testing.T) {
	t.Parallel()
	e := newO2Env(t, Options{})
	o2 := e.login2(t)
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"expirationDuration":3}`, 400},
		{`{"name":""}`, 400},
		{`{"name":"x","expirationDuration":0}`, 400},
		{`{"name":"x","expirationDuration":366}`, 400},
		{`{"name":"x"`, 400},
		{`{"name":"x"}{}`, 400},
	} {
		if res := e.bearer(t, http.MethodPost, "/rest/pat/latest/tokens", o2.AccessToken, tc.body); res.status != tc.status {
			t.Errorf("%s: %d %s; want %d", tc.body, res.status, res.body, tc.status)
		}
	}
	if res := e.post(t, "/rest/pat/latest/tokens", "application/json", `{"name":"anon"}`, nil); res.status != http.StatusUnauthorized {
		t.Errorf("anonymous create: %d; want 401", res.status)
	}
	form := e.post(t, "/rest/pat/latest/tokens", "application/x-www-form-urlencoded", "name=x",
		func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+o2.AccessToken) })
	if form.status != http.StatusUnsupportedMediaType {
		t.Errorf("form body: %d; want 415", form.status)
	}
	if e.p.LivePATs() != 0 {
		t.Fatalf("refused requests made %d PATs", e.p.LivePATs())
	}
	// Another user's token cannot be revoked.
	a := wantPAT(t, e.bearer(t, http.MethodPost, "/rest/pat/latest/tokens", o2.AccessToken, `{"name":"mine"}`))
	sa := wantTokens(t, e.token(t, map[string][]string{"grant_type": {"client_credentials"}, "client_id": {o2SAID}, "client_secret": {o2SASecret}, "scope": {"WRITE"}}))
	if res := e.bearer(t, http.MethodDelete, "/rest/pat/latest/tokens/"+strconv.Itoa(a.ID), sa.AccessToken, ""); res.status != http.StatusNotFound {
		t.Errorf("other user's delete: %d; want 404", res.status)
	}
	if res := e.bearer(t, http.MethodGet, "/rest/pat/latest/tokens", sa.AccessToken, ""); res.body != "[]\n" {
		t.Errorf("other user's list: %s", res.body)
	}
	if e.p.LivePATs() != 1 {
		t.Fatalf("LivePATs = %d; want 1", e.p.LivePATs())
	}
	// A READ token may list but not create.
	rd := wantTokens(t, e.token(t, map[string][]string{"grant_type": {"client_credentials"}, "client_id": {o2SAID}, "client_secret": {o2SASecret}, "scope": {"READ"}}))
	if res := e.bearer(t, http.MethodPost, "/rest/pat/latest/tokens", rd.AccessToken, `{"name":"r"}`); res.status != http.StatusForbidden {
		t.Errorf("create with READ: %d; want 403", res.status)
	}
}
