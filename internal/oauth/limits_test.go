package oauth

import (
	"errors"
	"io"
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

// TestSignFormBodyBounded checks that the signer reads at most
// MaxFormBody bytes of a form body: one byte more is FormTooLargeError,
// whether the body can be replayed (GetBody) or is a one-shot stream, and
// a body of exactly MaxFormBody is read whole and still sent whole.
func TestSignFormBodyBounded(t *testing.T) {
	t.Parallel()
	s := &Signer{ConsumerKey: "jira-cli", Key: testKey()}
	body := func(n int) string { return "a=" + strings.Repeat("x", n-2) }
	newReq := func(size int, replayable bool) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, "https://jira.example.com/rest/x", strings.NewReader(body(size)))
		if !replayable {
			req.Body, req.GetBody = io.NopCloser(strings.NewReader(body(size))), nil
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	for _, replayable := range []bool{true, false} {
		_, err := s.Sign(newReq(MaxFormBody+1, replayable), nil)
		var tooLarge FormTooLargeError
		if !errors.As(err, &tooLarge) {
			t.Errorf("replayable %v, MaxFormBody+1 bytes: Sign error %v; want FormTooLargeError", replayable, err)
		}
		// At the limit (read directly: signing 32 MiB is slow under -race).
		req := newReq(MaxFormBody, replayable)
		read, err := replayBody(req)
		if err != nil || len(read) != MaxFormBody {
			t.Fatalf("replayable %v, MaxFormBody bytes: read %d (%v); want all", replayable, len(read), err)
		}
		sent, err := io.ReadAll(req.Body)
		if err != nil || len(sent) != MaxFormBody {
			t.Errorf("replayable %v: %d bytes left to send (%v); want %d", replayable, len(sent), err, MaxFormBody)
		}
	}
}
