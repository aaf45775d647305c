package jiratest

import (
	"net/http"
	"strconv"
)

// Jira Software's board list pages by 50 and caps maxResults at 50.
const boardMaxResults = 50

// defaultBoards is how many boards a new Provider has.
const defaultBoards = 3

// SetBoards sets how many boards GET /rest/agile/1.0/board lists (board
// ids 1 to n); a new Provider has 3.
func (p *Provider) SetBoards(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.boards = max(n, 0)
}

// serveBoards answers GET /rest/agile/1.0/board in Jira Software's agile
// paging format: startAt, maxResults, total, isLast and values.
func (p *Provider) serveBoards(w http.ResponseWriter, req *request, base, user string) {
	if req.r.Method != http.MethodGet {
		methodNotAllowed(w, http.MethodGet)
		return
	}
	if user == "" {
		writeRESTError(w, http.StatusUnauthorized, msgNotAuthenticated)
		return
	}
	pr, msg := parsePage(req.r.URL.Query(), boardMaxResults, boardMaxResults)
	if msg != "" {
		writeRESTError(w, http.StatusBadRequest, msg)
		return
	}
	p.mu.Lock()
	total := p.boards
	p.mu.Unlock()
	from, to := pr.window(total)
	values := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		id := strconv.Itoa(i + 1)
		values = append(values, map[string]any{
			"id":   i + 1,
			"self": base + "/rest/agile/1.0/board/" + id,
			"name": "Board " + id,
			"type": "scrum",
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"maxResults": pr.maxResults,
		"startAt":    pr.startAt,
		"total":      p.reportedTotal(total),
		"isLast":     to >= total,
		"values":     values,
	})
}
