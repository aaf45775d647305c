package jiratest

import (
	"net/url"
	"strconv"
)

// pageRequest is the startAt/maxResults pair of a paged REST call.
type pageRequest struct{ startAt, maxResults int }

// parsePage reads startAt and maxResults from q as Jira does: missing
// means 0 and def, maxResults above limit is cut to limit (Jira answers
// with the maxResults it used, whatever was asked), and a value that is
// not a number is a 400 whose message names the parameter.
func parsePage(q url.Values, def, limit int) (pageRequest, string) {
	pr := pageRequest{maxResults: def}
	if s := q.Get("startAt"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return pr, "startAt: '" + s + "' is not a number"
		}
		pr.startAt = max(n, 0)
	}
	if s := q.Get("maxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return pr, "maxResults: '" + s + "' is not a number"
		}
		if n >= 0 {
			pr.maxResults = n
		}
	}
	pr.maxResults = min(pr.maxResults, limit)
	return pr, ""
}

// window returns the [from, to) indexes of the page within total items.
func (pr pageRequest) window(total int) (from, to int) {
	from = min(pr.startAt, total)
	to = min(from+pr.maxResults, total)
	return from, to
}

// MisreportTotal makes paged REST answers (search, comments, boards)
// claim extra more items in "total" than they hold, as Jira does when
// issues are deleted or hidden while a client pages: a client that trusts
// total must still stop on an empty page. 0 restores honest totals.
func (p *Provider) MisreportTotal(extra int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.totalSkew = extra
}

// reportedTotal is total as the provider reports it (see MisreportTotal).
func (p *Provider) reportedTotal(total int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return total + p.totalSkew
}
