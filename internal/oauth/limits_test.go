package oauth

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// endless writes a body that never ends, until the client goes away.
func endless(w http.ResponseWriter, r *http.Request) {
	chunk := []byte(strings.Repeat("oauth_token=x&", 4096))
	for {
		if _, err := w.Write(chunk); err != nil {
			return
		}
		if r.Context().Err() != nil {
			return
		}
	}
}

// TestEndlessBody: an answer that never ends, on every path (token
// exchanges, REST calls, error pages), stops at the size limit with a clear
// error instead of filling memory; --verbose says the body was not read.
func TestEndlessBody(t *testing.T) {
	t.Parallel()
	for _, op := range []string{OpRequestToken, OpAccessToken, OpRequest} {
		for _, status := range []int{200, 500} {
			c, trace := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
				w.WriteHeader(status)
				endless(w, r)
			})
			c.maxBody = 1 << 20
			err := callOp(t, c, op)
			if err == nil {
				t.Fatalf("%s, status %d: no error", op, status)
			}
			var ne *NetworkError
			if errors.As(err, &ne) {
				t.Fatalf("%s, status %d: got %v; want the size limit, not a network error", op, status, err)
			}
			checkMessage(t, err.Error(), []string{op + ": Jira's answer from http://127.0.0.1:", "is larger than 1 MiB; refusing to read it: "})
			if !strings.Contains(trace.String(), "* response body: more than 1 MiB; not read") {
				t.Errorf("%s, status %d: trace lacks the size note:\n%s", op, status, trace)
			}
		}
	}
}

// TestTrickle: a Jira that sends its headers at once and then one byte at
// a time, forever, is cut off by the timeout: the deadline covers reading
// the body, on token exchanges and REST calls, with and without retries.
func TestTrickle(t *testing.T) {
	t.Parallel()
	for _, op := range []string{OpRequestToken, OpAccessToken, OpRequest} {
		for _, retry := range []bool{false, true} {
			c, _ := fakeJira(t, func(w http.ResponseWriter, r *http.Request, in inbound) {
				w.WriteHeader(200)
				for {
					if _, err := w.Write([]byte("x")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(10 * time.Millisecond):
					}
				}
			})
			c.HTTP.Timeout = 300 * time.Millisecond
			if retry {
				c.Retry = DefaultRetry()
			}
			err := callOp(t, c, op)
			var ne *NetworkError
			if !errors.As(err, &ne) {
				t.Fatalf("%s (retry %v): got %T %v; want *NetworkError", op, retry, err, err)
			}
			checkMessage(t, err.Error(), []string{op + ": cannot reach Jira at http://127.0.0.1:", "no answer within the timeout: raise --timeout or check the network"})
		}
	}
}
