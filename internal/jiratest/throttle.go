package jiratest

import (
	"fmt"
	"net/http"
)

// throttle is the state of Provider.Throttle.
type throttle struct {
	left       int
	status     int
	retryAfter string
	seen       int // requests answered with status so far
}

// Throttle makes the next n requests, whatever they are (token exchanges
// too), answer status with the header Retry-After: retryAfter ("" sends
// none) before any OAuth check, as Jira Data Center's rate limiter (429)
// or a load balancer in front of a busy Jira (503) would. n <= 0 stops
// throttling.
func (p *Provider) Throttle(n, status int, retryAfter string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttle = throttle{left: max(n, 0), status: status, retryAfter: retryAfter, seen: p.throttle.seen}
}

// Throttled returns how many throttled answers are left from the last
// Throttle call, and how many requests were throttled in all.
func (p *Provider) Throttled() (left, answered int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.throttle.left, p.throttle.seen
}

// throttled answers r with the throttling status if Throttle asked for it,
// and reports whether it did.
func (p *Provider) throttled(w http.ResponseWriter, r *http.Request) bool {
	p.mu.Lock()
	t := &p.throttle
	if t.left == 0 {
		p.mu.Unlock()
		return false
	}
	t.left--
	t.seen++
	status, retryAfter := t.status, t.retryAfter
	p.mu.Unlock()

	w.Header().Set("Date", p.now().UTC().Format(http.TimeFormat))
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", status, http.StatusText(status))
	return true
}
