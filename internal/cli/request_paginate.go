package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/jira-oauth/jira-oauth/internal/oauth"
)

// pageItemFields are the names under which Jira's paged answers hold their
// items, in the order they are looked for. A page with none of them but
// exactly one array field pages that array.
var pageItemFields = [...]string{"issues", "comments", "values", "worklogs", "histories", "users", "fields"}

// pager follows Jira's two paging styles for --paginate:
//
//   - REST v2: startAt, maxResults, total and the items under issues,
//     comments, values, worklogs...; the next page starts at startAt plus
//     the items that came back (Jira caps maxResults whatever was asked).
//   - agile (/rest/agile/1.0): startAt, maxResults, isLast and values.
//
// GET pages by the query's startAt; POST (/rest/api/2/search) by the JSON
// body's. It stops on the last page, on an empty page (a total that says
// more than there is must not loop) and fails after maxPages pages.
type pager struct {
	method   string
	maxPages int
}

// newPager checks that a request can be paged.
func newPager(method string, body []byte, maxPages int) (*pager, error) {
	if method == "POST" {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
			return nil, usageErrorf(`--paginate with POST needs a JSON object body whose startAt it can set, e.g. -d '{"jql":"project = DEMO"}' for /rest/api/2/search`)
		}
	}
	return &pager{method: method, maxPages: maxPages}, nil
}

// jiraPage is one decoded page: its top-level fields in Jira's order, and
// where its paging fields and items are.
type jiraPage struct {
	keys   []string
	values []json.RawMessage
	items  []json.RawMessage
	itemsAt,
	startAt, total int // startAt, total: -1 when absent
	isLast *bool
}

// pagingError is an error that is a constant (no start-up cost).
type pagingError string

func (e pagingError) Error() string { return string(e) }

// errNotPaged is an answer that has no paging fields.
const errNotPaged = pagingError("not a page")

// parseJiraPage decodes a JSON object answer as a page.
func parseJiraPage(body []byte) (*jiraPage, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if json.Valid(body) {
			return nil, errNotPaged // an array, say: JSON, but not a page
		}
		return nil, errNotJSON
	}
	p := &jiraPage{itemsAt: -1, startAt: -1, total: -1}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errNotJSON
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, errNotJSON
		}
		p.keys = append(p.keys, tok.(string))
		p.values = append(p.values, raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, errNotJSON
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errNotJSON
	}
	arrays := []int{}
	for i, k := range p.keys {
		v := bytes.TrimSpace(p.values[i])
		switch k {
		case "startAt":
			p.startAt = jsonInt(v)
		case "total":
			p.total = jsonInt(v)
		case "isLast":
			var b bool
			if json.Unmarshal(v, &b) == nil {
				p.isLast = &b
			}
		}
		if len(v) > 0 && v[0] == '[' {
			arrays = append(arrays, i)
		}
	}
	for _, name := range pageItemFields {
		for _, i := range arrays {
			if p.keys[i] == name && p.itemsAt < 0 {
				p.itemsAt = i
			}
		}
	}
	if p.itemsAt < 0 && len(arrays) == 1 {
		p.itemsAt = arrays[0]
	}
	if p.itemsAt < 0 || p.startAt < 0 || (p.total < 0 && p.isLast == nil) {
		return nil, errNotPaged
	}
	if err := json.Unmarshal(p.values[p.itemsAt], &p.items); err != nil {
		return nil, errNotJSON
	}
	return p, nil
}

// jsonInt reads a JSON integer, or -1.
func jsonInt(v []byte) int {
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// pageSender sends one signed request for target with body.
type pageSender func(target *url.URL, body []byte) (*oauth.Response, error)

// run fetches every page and returns the merged document: the first
// page's fields in their order, the items of all pages, maxResults and
// total (when Jira sends it) the number of items and isLast (when Jira
// sends it) true. A first answer that is not a page is returned as single,
// to be printed as it is.
func (pg *pager) run(target *url.URL, body []byte, send pageSender, progress io.Writer) (merged []byte, single *oauth.Response, err error) {
	var first *jiraPage
	var items []json.RawMessage
	asked := 0 // the startAt of the page asked for (after the first)
	// The progress line ends however paging ends, so that an error line
	// starts a line of its own.
	progressShown := false
	defer func() {
		if progressShown {
			fmt.Fprint(progress, "\n")
		}
	}()
	for n := 1; ; n++ {
		resp, err := send(target, body)
		if err != nil {
			return nil, nil, err
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, nil, fmt.Errorf("request --paginate: Jira answered %s for page %d (%s %s); nothing was printed", restErrorText(resp), n, pg.method, target.Redacted())
		}
		p, err := parseJiraPage(resp.Body)
		switch {
		case errors.Is(err, errNotPaged) && n == 1:
			return nil, resp, nil // JSON, but not a page (an array): printed as it is
		case errors.Is(err, errNotPaged):
			return nil, nil, fmt.Errorf("request --paginate: page %d has no startAt and items like page 1; nothing was printed", n)
		case err != nil:
			return nil, nil, fmt.Errorf("request --paginate: page %d: %w", n, errNotJSON)
		}
		if first == nil {
			first = p
		} else if p.startAt != asked {
			// Jira ignored startAt: going on would repeat the same items.
			return nil, nil, fmt.Errorf("request --paginate: page %d starts at %d, not at %d as asked: %s %s does not page by startAt; nothing was printed", n, p.startAt, asked, pg.method, target.Redacted())
		}
		items = append(items, p.items...)
		progressShown = true
		if p.total >= 0 {
			fmt.Fprintf(progress, "\rjira-oauth: page %d, %d of %d items", n, len(items), p.total)
		} else {
			fmt.Fprintf(progress, "\rjira-oauth: page %d, %d items", n, len(items))
		}
		next := p.startAt + len(p.items)
		last := len(p.items) == 0
		switch {
		case p.isLast != nil:
			last = last || *p.isLast
		default:
			last = last || next >= p.total
		}
		if last {
			break
		}
		if n >= pg.maxPages {
			return nil, nil, fmt.Errorf("request --paginate: stopped after %d pages (--max-pages) with %d items and more to come; nothing was printed: raise --max-pages, or ask for fewer items", n, len(items))
		}
		asked = next
		if target, body, err = pg.nextPage(target, body, next); err != nil {
			return nil, nil, err
		}
	}
	return first.merge(items), nil, nil
}

// nextPage returns the target and body of the page starting at startAt.
func (pg *pager) nextPage(target *url.URL, body []byte, startAt int) (*url.URL, []byte, error) {
	if pg.method == "POST" {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, nil, err
		}
		obj["startAt"] = json.RawMessage(strconv.Itoa(startAt))
		b, err := json.Marshal(obj)
		return target, b, err
	}
	u := *target
	var pairs []string
	for pair := range strings.SplitSeq(u.RawQuery, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); pair == "" || (err == nil && n == "startAt") {
			continue
		}
		pairs = append(pairs, pair)
	}
	u.RawQuery = strings.Join(append(pairs, "startAt="+strconv.Itoa(startAt)), "&")
	return &u, body, nil
}

// merge writes the first page with every item (see run).
func (p *jiraPage) merge(items []json.RawMessage) []byte {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range p.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		buf.Write(name)
		buf.WriteByte(':')
		switch {
		case i == p.itemsAt:
			buf.WriteByte('[')
			for j, it := range items {
				if j > 0 {
					buf.WriteByte(',')
				}
				buf.Write(it)
			}
			buf.WriteByte(']')
		case k == "maxResults" || (k == "total" && p.total >= 0):
			buf.WriteString(strconv.Itoa(len(items)))
		case k == "isLast" && p.isLast != nil:
			buf.WriteString("true")
		default:
			buf.Write(p.values[i])
		}
	}
	buf.WriteByte('}')
	return buf.Bytes()
}
