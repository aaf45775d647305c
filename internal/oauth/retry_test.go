package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// retryJira is a fake Jira that answers the first len(statuses) signed REST
// calls with those statuses (and Retry-After), then 200. It refuses a nonce
// it has seen, as Jira does, and records what each attempt sent.
type retryJira struct {
	mu       sync.Mutex
	statuses []int
	after    string // Retry-After for the throttled answers ("" = none)
	date     string // Date header ("" = the server's own)
	calls    int
	nonces   []string
	bodies   []string
}

func newRetryClient(t *testing.T, j *retryJira) (*Client, *[]time.Duration, *[]string) {
	t.Helper()
	c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.calls++
		nonce := in.oauth.Get("oauth_nonce")
		for _, seen := range j.nonces {
			if seen == nonce {
				w.Header().Set("WWW-Authenticate", problemHeader(r, "oauth_problem", "nonce_used"))
				w.WriteHeader(401)
				return
			}
		}
		j.nonces = append(j.nonces, nonce)
		j.bodies = append(j.bodies, string(in.body))
		if !in.sigOK {
			w.WriteHeader(401)
			return
		}
		if j.date != "" {
			w.Header().Set("Date", j.date)
		}
		if len(j.statuses) > 0 {
			status := j.statuses[0]
			j.statuses = j.statuses[1:]
			if j.after != "" {
				w.Header().Set("Retry-After", j.after)
			}
			w.WriteHeader(status)
			fmt.Fprintf(w, "busy %d", status)
			return
		}
		w.Write([]byte("ok"))
	})
	n := 0
	var nmu sync.Mutex
	c.Signer.Nonce = func() string {
		nmu.Lock()
		defer nmu.Unlock()
		n++
		return fmt.Sprintf("nonce%d", n)
	}
	var waits []time.Duration
	var notes []string
	c.HTTP.Timeout = 0 // no budget: tests of the deadline set their own
	c.Retry = DefaultRetry()
	c.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	c.Retry.Notify = func(line string) { notes = append(notes, line) }
	return c, &waits, &notes
}

func TestRetry(t *testing.T) {
	t.Parallel()
	date := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		method     string
		statuses   []int
		after      string
		date       string
		wantStatus int
		wantCalls  int
		wantWaits  []time.Duration
		wantNote   string
	}{
		{name: "503 then ok, backoff", method: "GET", statuses: []int{503, 503}, wantStatus: 200, wantCalls: 3,
			wantWaits: []time.Duration{time.Second, 2 * time.Second},
			wantNote:  "retrying in 1s (Jira answered 503 Service Unavailable; retry 1 of 3)"},
		{name: "gives up after 3 retries", method: "GET", statuses: []int{503, 503, 503, 503, 503}, wantStatus: 503, wantCalls: 4,
			wantWaits: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{name: "Retry-After seconds", method: "DELETE", statuses: []int{429}, after: "7", wantStatus: 200, wantCalls: 2,
			wantWaits: []time.Duration{7 * time.Second},
			wantNote:  "retrying in 7s (Jira answered 429 Too Many Requests; retry 1 of 3)"},
		{name: "Retry-After capped", method: "PUT", statuses: []int{503}, after: "3600", wantStatus: 200, wantCalls: 2,
			wantWaits: []time.Duration{30 * time.Second}},
		{name: "Retry-After date against Jira's clock", method: "GET", statuses: []int{503},
			after: date.Add(12 * time.Second).Format(http.TimeFormat), date: date.Format(http.TimeFormat),
			wantStatus: 200, wantCalls: 2, wantWaits: []time.Duration{12 * time.Second}},
		{name: "Retry-After date in the past", method: "GET", statuses: []int{503},
			after: date.Add(-time.Hour).Format(http.TimeFormat), date: date.Format(http.TimeFormat),
			wantStatus: 200, wantCalls: 2, wantWaits: []time.Duration{0}},
		{name: "Retry-After garbled: backoff", method: "HEAD", statuses: []int{503}, after: "soon", wantStatus: 200, wantCalls: 2,
			wantWaits: []time.Duration{time.Second}},
		{name: "POST not retried on 503", method: "POST", statuses: []int{503}, wantStatus: 503, wantCalls: 1},
		{name: "POST retried on 429", method: "POST", statuses: []int{429}, after: "0", wantStatus: 200, wantCalls: 2,
			wantWaits: []time.Duration{0}},
		{name: "500 not retried", method: "GET", statuses: []int{500}, wantStatus: 500, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := &retryJira{statuses: tt.statuses, after: tt.after, date: tt.date}
			c, waits, notes := newRetryClient(t, j)
			req, _ := http.NewRequest(tt.method, c.JiraHome.String()+"/rest/api/2/issue/ABC-1", strings.NewReader("body"))
			resp, err := c.Do(context.Background(), req, "at1")
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.wantStatus || j.calls != tt.wantCalls {
				t.Errorf("got %d after %d calls; want %d after %d", resp.StatusCode, j.calls, tt.wantStatus, tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantWaits, *waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if len(*notes) != len(*waits) {
				t.Errorf("%d notes for %d waits: %q", len(*notes), len(*waits), *notes)
			}
			if tt.wantNote != "" && (len(*notes) == 0 || (*notes)[0] != tt.wantNote) {
				t.Errorf("notes %q; want the first to be %q", *notes, tt.wantNote)
			}
			// Each attempt is signed afresh and sends the same body.
			for i, b := range j.bodies {
				if b != "body" {
					t.Errorf("attempt %d sent body %q; want %q", i+1, b, "body")
				}
			}
			if req.Body == nil {
				t.Error("caller's request lost its body")
			}
		})
	}
}

func TestRetryGivesUpBeforeTheDeadline(t *testing.T) {
	t.Parallel()
	// Jira asks for 20s, the context ends in 10s: no wait, the 503 comes back.
	j := &retryJira{statuses: []int{503}, after: "20"}
	c, waits, notes := newRetryClient(t, j)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequest("GET", c.JiraHome.String()+"/rest/api/2/myself", nil)
	resp, err := c.Do(ctx, req, "at1")
	if err != nil || resp.StatusCode != 503 || j.calls != 1 || len(*waits) != 0 {
		t.Fatalf("got %v, %v after %d calls and waits %v; want the 503 after 1 call, no wait", resp, err, j.calls, *waits)
	}
	want := "not retrying (Jira answered 503 Service Unavailable): waiting 20s would pass the timeout; raise --timeout or try again later"
	if diff := cmp.Diff([]string{want}, *notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}

	// HTTP.Timeout bounds the whole call, waits included.
	j = &retryJira{statuses: []int{503}, after: "20"}
	c, waits, _ = newRetryClient(t, j)
	c.HTTP.Timeout = 10 * time.Second
	req, _ = http.NewRequest("GET", c.JiraHome.String()+"/rest/api/2/myself", nil)
	resp, err = c.Do(context.Background(), req, "at1")
	if err != nil || resp.StatusCode != 503 || j.calls != 1 || len(*waits) != 0 {
		t.Fatalf("HTTP.Timeout: got %v, %v after %d calls and waits %v; want the 503 after 1 call, no wait", resp, err, j.calls, *waits)
	}
}

func TestRetryInterrupted(t *testing.T) {
	t.Parallel()
	j := &retryJira{statuses: []int{503}}
	c, _, _ := newRetryClient(t, j)
	ctx, cancel := context.WithCancel(context.Background())
	c.Retry.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	req, _ := http.NewRequest("GET", c.JiraHome.String()+"/rest/api/2/myself", nil)
	if _, err := c.Do(ctx, req, "at1"); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v; want context.Canceled", err)
	}
}

func TestRetryRealSleep(t *testing.T) {
	t.Parallel()
	j := &retryJira{statuses: []int{429}, after: "0"}
	c, _, _ := newRetryClient(t, j)
	c.Retry.Sleep = nil // the timer
	req, _ := http.NewRequest("GET", c.JiraHome.String()+"/rest/api/2/myself", nil)
	resp, err := c.Do(context.Background(), req, "at1")
	if err != nil || resp.StatusCode != 200 || j.calls != 2 {
		t.Errorf("got %v, %v after %d calls; want 200 after 2", resp, err, j.calls)
	}
}

// TestTokenExchangesAreNotRetried: a request token is single-use, so even
// with a retry policy a 503 or 429 from a token endpoint is final.
func TestTokenExchangesAreNotRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 503} {
		for _, op := range []string{OpRequestToken, OpAccessToken} {
			j := &retryJira{statuses: []int{status, status, status}, after: "0"}
			c, waits, _ := newRetryClient(t, j)
			err := callOp(t, c, op)
			var he *HTTPError
			if !errors.As(err, &he) || he.StatusCode != status {
				t.Errorf("%s answered %d: got %v; want *HTTPError", op, status, err)
			}
			if j.calls != 1 || len(*waits) != 0 {
				t.Errorf("%s answered %d: %d calls, waits %v; want 1 call, no wait", op, status, j.calls, *waits)
			}
		}
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value, date string
		want        time.Duration
		ok          bool
	}{
		{"", "", 0, false},
		{"0", "", 0, true},
		{" 3 ", "", 3 * time.Second, true},
		{"-1", "", 0, false},
		{"1.5", "", 0, false},
		{"99999999999999999999", "", 0, false},
		{"9999999999", "", 24 * time.Hour, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), "", 90 * time.Second, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), now.Add(time.Minute).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), "", 0, true},
		{"Sun, 06 Nov 1994 08:49:37 GMT", "garbage", 0, true},
		{now.AddDate(10, 0, 0).Format(http.TimeFormat), "", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		h := http.Header{"Retry-After": {tt.value}}
		if tt.date != "" {
			h.Set("Date", tt.date)
		}
		got, ok := retryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Retry-After %q (Date %q): got %s, %v; want %s, %v", tt.value, tt.date, got, ok, tt.want, tt.ok)
		}
	}
}
