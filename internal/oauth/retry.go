package oauth

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how Client.Do retries a REST call that Jira (or a proxy
// or load balancer in front of it) answers with 429 Too Many Requests or 503
// Service Unavailable. Token exchanges are never retried: a request token is
// single-use, and a replayed exchange could burn it.
//
// Idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried on
// 429 and 503. Other methods (POST, PATCH) are retried on 429 only: a 429
// comes from a rate limiter that refused the call before doing anything
// (Jira Data Center's rate limiting works so), while a 503 may come from a
// proxy after Jira had already acted, and a CI comment posted twice is
// worse than a failed step.
//
// Every attempt is signed afresh (new nonce and timestamp): Jira refuses a
// nonce it has seen (oauth_problem=nonce_used).
type RetryPolicy struct {
	// Max is the most retries after the first attempt (DefaultRetry: 3).
	Max int
	// Backoff is the first wait when Jira sends no usable Retry-After; it
	// doubles with each retry (1s, 2s, 4s with DefaultRetry).
	Backoff time.Duration
	// MaxWait caps each wait, also one asked for by Retry-After (30s).
	MaxWait time.Duration
	// Sleep waits d or until ctx is done; nil means a timer. Tests
	// replace it so they need not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Notify, if set, receives one line (no secrets) before each wait and
	// when a retry is skipped because it would pass the deadline, e.g.
	// "retrying in 2s (Jira answered 503 Service Unavailable; retry 1 of 3)".
	Notify func(line string)
}

// DefaultRetry is the policy the command line uses for REST calls: at most 3
// retries, waits of 1s, 2s, 4s unless Jira sends Retry-After, no wait over
// 30s.
func DefaultRetry() *RetryPolicy {
	return &RetryPolicy{Max: 3, Backoff: time.Second, MaxWait: 30 * time.Second}
}

// retryable reports whether an answer with status to a method may be
// retried.
func retryable(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests:
		return true
	case http.StatusServiceUnavailable:
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodTrace:
			return true
		}
	}
	return false
}

// next decides whether to retry after the answer to attempt retry (0 for
// the first attempt) and how long to wait first. It gives up when the wait
// would pass deadline (zero: none); now is the current time.
func (p *RetryPolicy) next(method string, retry int, resp *Response, now, deadline time.Time) (wait time.Duration, ok bool) {
	if p == nil || retry >= p.Max || !retryable(method, resp.StatusCode) {
		return 0, false
	}
	wait, asked := retryAfter(resp.Header, now)
	if !asked {
		wait = p.Backoff << retry
	}
	if p.MaxWait > 0 && wait > p.MaxWait {
		wait = p.MaxWait
	}
	status := resp.Status
	if status == "" {
		status = strconv.Itoa(resp.StatusCode)
	}
	if !deadline.IsZero() && !now.Add(wait).Before(deadline) {
		p.notify(fmt.Sprintf("not retrying (Jira answered %s): waiting %s would pass the timeout; raise --timeout or try again later", oneLine(status, 60), wait))
		return 0, false
	}
	p.notify(fmt.Sprintf("retrying in %s (Jira answered %s; retry %d of %d)", wait, oneLine(status, 60), retry+1, p.Max))
	return wait, true
}

func (p *RetryPolicy) notify(line string) {
	if p.Notify != nil {
		p.Notify(line)
	}
}

// sleep waits d, or until ctx is done.
func (p *RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// maxRetryAfter bounds a Retry-After in seconds before it becomes a
// Duration (no overflow; MaxWait caps it much lower anyway).
const maxRetryAfter = 24 * 60 * 60

// retryAfter reads the Retry-After header: delay-seconds, or an HTTP-date
// taken relative to the answer's Date header (so that clock skew between
// this machine and Jira does not matter), or to now without one. A date in
// the past means no wait. ok is false when the header is absent or garbled.
func retryAfter(h http.Header, now time.Time) (wait time.Duration, ok bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(v, 10, 64); err == nil {
		return time.Duration(min(n, maxRetryAfter)) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	ref := now
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		ref = d
	}
	return min(max(at.Sub(ref), 0), maxRetryAfter*time.Second), true
}
