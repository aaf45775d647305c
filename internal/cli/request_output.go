package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"slices"

	"github.com/jira-oauth/jira-oauth/internal/gojq"
	"github.com/jira-oauth/jira-oauth/internal/oauth"
	"github.com/jira-oauth/jira-oauth/internal/termsafe"
)

// checkOutputFlags refuses combinations of request's output and paging
// flags that cannot work, before anything is sent.
func checkOutputFlags(opts *requestOptions, method string) error {
	if opts.MaxPages < 1 {
		return usageErrorf(fmt.Sprintf("--max-pages must be at least 1, got %d", opts.MaxPages))
	}
	if opts.Paginate {
		switch {
		case opts.Include:
			return usageErrorf("--include shows the headers of one answer and cannot be used with --paginate, which merges many")
		case len(opts.Fields) > 0:
			return usageErrorf("--paginate cannot be used with -F: an upload is not paged")
		case method != "GET" && method != "POST":
			return usageErrorf(fmt.Sprintf("--paginate works with GET, or POST with a JSON body (POST /rest/api/2/search), not %s", method))
		}
	}
	if opts.Output != "" && opts.Output != "-" {
		dir := filepath.Dir(opts.Output)
		if fi, err := os.Stat(opts.Output); err == nil && fi.IsDir() {
			return usageErrorf(fmt.Sprintf("-o %s is a folder: give a file name", opts.Output))
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return usageErrorf(fmt.Sprintf("-o %s: the folder %s does not exist", opts.Output, dir))
		}
		// -o is written through a temporary file in its folder: prove the
		// folder takes one before the call (a POST has effects in Jira).
		probe, err := os.CreateTemp(dir, ".jira-oauth-probe-*")
		if err != nil {
			return usageErrorf(fmt.Sprintf("-o %s: cannot write in the folder %s (%v): give a writable place", opts.Output, dir, formPathError(err)))
		}
		probe.Close()
		os.Remove(probe.Name())
	}
	return nil
}

// compileJQ parses and compiles a --jq expression; "" means no filter.
// A bad expression is a usage error, found before any call to Jira.
func compileJQ(expr string) (*gojq.Code, error) {
	if expr == "" {
		return nil, nil
	}
	query, err := gojq.Parse(expr)
	if err == nil {
		var code *gojq.Code
		if code, err = gojq.Compile(query); err == nil {
			return code, nil
		}
	}
	return nil, usageErrorf(fmt.Sprintf("--jq %q is not a valid jq expression: %s", expr, oneLine(err.Error())))
}

// requestOutput prints what request was asked to print: the status line
// and headers (-i), the body as received, pretty-printed (on a terminal)
// or filtered (--jq), to stdout or atomically into a file (-o).
type requestOutput struct {
	ctx       context.Context
	opts      *requestOptions
	stdout    io.Writer
	stdoutTTY bool
	jq        *gojq.Code
}

// toFile reports whether -o names a file (not "-", stdout).
func (w *requestOutput) toFile() bool { return w.opts.Output != "" && w.opts.Output != "-" }

// pretty reports whether JSON is pretty-printed: on a terminal only, and
// not with --raw or -o (which both promise the bytes as received).
func (w *requestOutput) pretty() bool {
	return w.stdoutTTY && !w.opts.Raw && w.opts.Output == ""
}

// write prints a 2xx answer.
func (w *requestOutput) write(resp *oauth.Response) error {
	var buf bytes.Buffer
	if w.opts.Include {
		writeStatusAndHeaders(&buf, resp)
	}
	switch {
	case w.jq != nil:
		v, err := jqInput(resp.Header.Get("Content-Type"), resp.Body)
		if err != nil {
			return err
		}
		if err := w.runJQ(&buf, v); err != nil {
			return err
		}
	case w.pretty():
		if err := writeBody(&buf, resp.Header.Get("Content-Type"), resp.Body); err != nil {
			return err
		}
	default:
		buf.Write(resp.Body)
	}
	return w.emit(buf.Bytes())
}

// writeFailure prints the body of a non-2xx answer on stdout, unfiltered,
// so that Jira's reason is visible; never into -o's file (a user's file is
// not replaced by an error page), and not with -s.
func (w *requestOutput) writeFailure(resp *oauth.Response) error {
	if w.opts.Silent || w.toFile() {
		return nil
	}
	var buf bytes.Buffer
	if w.opts.Include {
		writeStatusAndHeaders(&buf, resp)
	}
	if w.pretty() {
		if err := writeBody(&buf, resp.Header.Get("Content-Type"), resp.Body); err != nil {
			return err
		}
	} else {
		buf.Write(resp.Body)
	}
	_, err := w.stdout.Write(buf.Bytes())
	return err
}

// writeJSONDocument prints a JSON document request made itself (the merged
// pages of --paginate): compact with a final newline, pretty on a terminal.
func (w *requestOutput) writeJSONDocument(doc []byte) error {
	var buf bytes.Buffer
	switch {
	case w.jq != nil:
		v, err := jqInput("application/json", doc)
		if err != nil {
			return err
		}
		if err := w.runJQ(&buf, v); err != nil {
			return err
		}
	case w.pretty():
		if err := json.Indent(&buf, doc, "", "  "); err != nil {
			return err
		}
		buf.WriteByte('\n')
	default:
		buf.Write(doc)
		buf.WriteByte('\n')
	}
	return w.emit(buf.Bytes())
}

// emit sends out to -o's file or to stdout (nothing with -s, unless -o
// names a file: -s silences the terminal, not the download).
func (w *requestOutput) emit(out []byte) error {
	if w.toFile() {
		return writeOutputFile(w.opts.Output, out)
	}
	if w.opts.Silent {
		return nil
	}
	_, err := w.stdout.Write(out)
	return err
}

// writeStatusAndHeaders writes the status line and the headers, sorted by name, then
// an empty line, as curl -i does. Control characters from the network are
// shown escaped.
func writeStatusAndHeaders(buf *bytes.Buffer, resp *oauth.Response) {
	proto := resp.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	fmt.Fprintf(buf, "%s %s\n", proto, termsafe.String(resp.Status))
	names := make([]string, 0, len(resp.Header))
	for name := range resp.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range resp.Header[name] {
			fmt.Fprintf(buf, "%s: %s\n", termsafe.String(name), termsafe.String(v))
		}
	}
	buf.WriteByte('\n')
}

// jqInput decodes a whole JSON answer for --jq, keeping numbers
// exact (json.Number: Jira's ids and timestamps stay as sent).
func jqInput(contentType string, body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = errors.New("data after the JSON value")
		}
	}
	if err != nil {
		mediaType, _, _ := mime.ParseMediaType(contentType)
		if mediaType == "" {
			mediaType = "no Content-Type"
		}
		return nil, fmt.Errorf("request: --jq needs a JSON answer, but Jira's answer (%s, %d bytes) is not JSON; run without --jq to see it", termsafe.String(mediaType), len(body))
	}
	return v, nil
}

// runJQ writes each result of --jq on its own line: strings as they are
// (as jq -r), other values as JSON (pretty on a terminal).
func (w *requestOutput) runJQ(buf *bytes.Buffer, v any) error {
	ctx := w.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	iter := w.jq.RunWithContext(ctx, v)
	for {
		out, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := out.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return fmt.Errorf("request: --jq %q: %s", w.opts.JQ, termsafe.String(oneLine(jqClip(err.Error(), 300))))
		}
		if s, isString := out.(string); isString {
			buf.WriteString(s)
			buf.WriteByte('\n')
			continue
		}
		b, err := gojq.Marshal(out)
		if err != nil {
			return fmt.Errorf("request: --jq %q: %w", w.opts.JQ, err)
		}
		if w.pretty() {
			if err := json.Indent(buf, b, "", "  "); err != nil {
				return err
			}
		} else {
			buf.Write(b)
		}
		buf.WriteByte('\n')
	}
}

// jqClip cuts s to at most n bytes, marking the cut.
func jqClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// writeOutputFile replaces path with data: written to a temporary file in
// the same folder, synced, then renamed over path, so that path holds
// either its old content or all of data, never a part. An existing file
// keeps its mode; a new one gets 0666 less the umask, as a file that
// curl -o or a shell's > creates.
func writeOutputFile(path string, data []byte) (err error) {
	keep, existed := os.FileMode(0), false
	if fi, statErr := os.Stat(path); statErr == nil && fi.Mode().IsRegular() {
		keep, existed = fi.Mode().Perm(), true
	}
	f, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("-o %s: writing: %w", path, err)
	}
	if existed {
		if err = f.Chmod(keep); err != nil {
			return fmt.Errorf("-o %s: %w", path, err)
		}
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("-o %s: writing: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("-o %s: writing: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("-o %s: %w", path, err)
	}
	return nil
}

// createTemp creates a new file in dir named prefix and a random suffix,
// as os.CreateTemp does, but asks for mode 0666, so that the umask
// decides its permissions (os.CreateTemp's 0600 ignores it).
func createTemp(dir, prefix string) (*os.File, error) {
	for range 10 {
		name := filepath.Join(dir, prefix+rand.Text()[:12])
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s: 10 names taken", dir)
}
