package jiratest

import (
	"fmt"
	"net/http"
	"sync"
)

// throttle is the state of Provider.Throttle for one provider.
type throttle struct {
	mu         sync.Mutex
	left       int
	status     int
	retryAfter string
	seen       int // requests answered with status so far
}

// throttles maps a *Provider to its *throttle. It lives outside Provider so
// that throttling stays an add-on in this file, hooked by one line in
// ServeHTTP; an entry lives as long as its test binary.
var throttles sync.Map

func (p *Provider) throttleState() *throttle {
	t, _ := throttles.LoadOrStore(p, &throttle{})
	return t.(*throttle)
}

// Throttle makes the next n requests, whatever they are (token exchanges
// too), answer status with the header Retry-After: retryAfter ("" sends
// none) before any OAuth check, as Jira Data Center's rate limiter (429)
// or a load balancer in front of a busy Jira (503) would. n <= 0 stops
// throttling.
func (p *Provider) Throttle(n, status int, retryAfter string) {
	t := p.throttleState()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.left, t.status, t.retryAfter = max(n, 0), status, retryAfter
}

// Throttled returns how many throttled answers are left from the last
// Throttle call, and how many requests were throttled in all.
func (p *Provider) Throttled() (left, answered int) {
	t := p.throttleState()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.left, t.seen
}

// throttled answers r with the throttling status if Throttle asked for it,
// and reports whether it did.
func (p *Provider) throttled(w http.ResponseWriter, r *http.Request) bool {
	t := p.throttleState()
	t.mu.Lock()
	if t.left == 0 {
		t.mu.Unlock()
		return false
	}
	t.left--
	t.seen++
	status, retryAfter := t.status, t.retryAfter
	t.mu.Unlock()

	w.Header().Set("Date", p.now().UTC().Format(http.TimeFormat))
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", status, http.StatusText(status))
	return true
}
