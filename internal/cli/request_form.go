package cli

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// formPart is one -F argument: a plain field, or a file (path "-" is stdin).
type formPart struct {
	name, value string
	path        string // for a file part
	filename    string // sent in Content-Disposition
	file        bool
	size        int64 // a regular file's size when checked (Content-Length counts it); -1 otherwise
}

// multipartBody is the multipart/form-data body of -F. It is never held
// in memory: open returns a pipe fed by a goroutine that writes the parts,
// copying each file as it reads it, so a 1 GiB attachment needs no 1 GiB
// buffer. OAuth 1.0a signs only form-urlencoded bodies (RFC 5849 section
// 3.4.1.3.1), so the signature does not depend on the bytes streamed.
//
// Each call of open starts the body afresh, reopening the files, which is
// what lets a 429 be retried; a part from stdin can be read only once, so
// the body is then sent once and a retry fails with a clear error.
type multipartBody struct {
	parts    []formPart
	boundary string
	length   int64 // -1 when unknown (stdin, a FIFO): sent chunked
	stdin    io.Reader
	opened   atomic.Bool
}

// newMultipartBody checks -F arguments (name=value, name=@file, name=@-,
// with an optional ;filename=NAME after a file) and the files they name.
func newMultipartBody(fields []string, stdin io.Reader) (*multipartBody, error) {
	m := &multipartBody{boundary: multipart.NewWriter(io.Discard).Boundary(), stdin: stdin}
	sizes, known := int64(0), true
	usesStdin := false
	for _, field := range fields {
		name, value, ok := strings.Cut(field, "=")
		if !ok || name == "" {
			return nil, usageErrorf(fmt.Sprintf("-F %q is not a form field: write name=value, or name=@file to upload a file", field))
		}
		if !strings.HasPrefix(value, "@") {
			m.parts = append(m.parts, formPart{name: name, value: value})
			continue
		}
		path, filename, hasName := strings.Cut(value[1:], ";filename=")
		size := int64(-1)
		switch {
		case path == "":
			return nil, usageErrorf(fmt.Sprintf("-F %q names no file: write %s=@FILE, or %s=@- for stdin", field, name, name))
		case hasName && filename == "":
			return nil, usageErrorf(fmt.Sprintf("-F %q: ;filename= is empty", field))
		case path == "-":
			if usesStdin {
				return nil, usageErrorf("-F: only one part can come from stdin (@-)")
			}
			usesStdin, known = true, false
			if !hasName {
				filename = "stdin"
			}
		default:
			fi, err := os.Stat(path)
			if err == nil && fi.IsDir() {
				return nil, usageErrorf(fmt.Sprintf("-F %s=@%s: %s is a folder: give a file", name, path, path))
			}
			if err == nil && fi.Mode().IsRegular() {
				// Opening a regular file never blocks: find an unreadable
				// file now rather than in the middle of the upload.
				var f *os.File
				if f, err = os.Open(path); err == nil {
					f.Close()
					sizes += fi.Size()
				}
			} else if err == nil {
				known = false // a FIFO or a device: length unknown
			}
			if err == nil && fi.Mode().IsRegular() {
				size = fi.Size()
			}
			if err != nil {
				return nil, usageErrorf(fmt.Sprintf("-F %s=@%s: cannot read the file: %v", name, path, formPathError(err)))
			}
			if !hasName {
				filename = filepath.Base(path)
			}
		}
		m.parts = append(m.parts, formPart{name: name, path: path, filename: filename, file: true, size: size})
	}
	m.length = -1
	if known {
		// The length of everything but the files' bytes, plus the files.
		var cw formCounter
		if err := m.writeTo(&cw, true); err != nil {
			return nil, err
		}
		m.length = cw.n + sizes
	}
	return m, nil
}

func formPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// contentType is the body's Content-Type, with its boundary.
func (m *multipartBody) contentType() string {
	return "multipart/form-data; boundary=" + m.boundary
}

// usesStdin reports whether a part comes from stdin.
func (m *multipartBody) usesStdin() bool {
	for _, p := range m.parts {
		if p.file && p.path == "-" {
			return true
		}
	}
	return false
}

// open starts a fresh copy of the body (http.Request.GetBody).
func (m *multipartBody) open() (io.ReadCloser, error) {
	if m.opened.Swap(true) && m.usesStdin() {
		return nil, errors.New("the -F part from stdin (@-) was sent once already and cannot be sent again for a retry: upload a file instead of stdin to allow retries")
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(m.writeTo(pw, false)) }()
	return pr, nil
}

// writeTo writes the multipart body to w; sizeOnly leaves the files' bytes
// out (to compute the length).
func (m *multipartBody) writeTo(w io.Writer, sizeOnly bool) error {
	// Content-Disposition parameters are escaped as mime/multipart does.
	quoteEscaper := strings.NewReplacer("\\", "\\\\", `"`, "\\\"")
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(m.boundary); err != nil {
		return err
	}
	for _, p := range m.parts {
		if !p.file {
			if err := mw.WriteField(p.name, p.value); err != nil {
				return err
			}
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, quoteEscaper.Replace(p.name), quoteEscaper.Replace(p.filename)))
		h.Set("Content-Type", partContentType(p.filename))
		part, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if sizeOnly {
			continue
		}
		if err := copyFilePart(part, p, m.stdin); err != nil {
			return err
		}
	}
	return mw.Close()
}

// partContentType is the Content-Type of a file part, from a short list
// of extensions as curl's -F has (Jira determines an attachment's type
// itself when it is application/octet-stream). A fixed list, unlike
// mime.TypeByExtension, is the same on every machine and costs no
// start-up table.
func partContentType(filename string) string {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".txt", ".log":
		return "text/plain; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml"
	case ".html", ".htm":
		return "text/html; charset=utf-8"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".pdf":
		return "application/pdf"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".svg":
		return "image/svg+xml"
	case ".zip":
		return "application/zip"
	case ".gz", ".tgz":
		return "application/gzip"
	}
	return "application/octet-stream"
}

// copyFilePart copies a file part's file (or stdin for "-") into part.
// A regular file must still have the size it had when the flags were
// checked, which Content-Length counted: a build log still being written
// is refused with a line that says so, not sent short or long.
func copyFilePart(part io.Writer, p formPart, stdin io.Reader) error {
	if p.path == "-" {
		_, err := io.Copy(part, stdin)
		return err
	}
	f, err := os.Open(p.path)
	if err != nil {
		return fmt.Errorf("-F @%s: %w", p.path, formPathError(err))
	}
	defer f.Close()
	if p.size < 0 {
		if _, err := io.Copy(part, f); err != nil {
			return fmt.Errorf("-F @%s: reading: %w", p.path, err)
		}
		return nil
	}
	n, err := io.CopyN(part, f, p.size)
	if err == nil {
		var one [1]byte
		if m, _ := f.Read(one[:]); m > 0 {
			n = -1 // it grew
		}
	}
	switch {
	case errors.Is(err, io.EOF) || n != p.size:
		now := "more"
		if fi, statErr := f.Stat(); statErr == nil {
			now = fmt.Sprint(fi.Size())
		}
		return &fileChangedError{path: p.path, was: p.size, now: now}
	case err != nil:
		return fmt.Errorf("-F @%s: reading: %w", p.path, err)
	}
	return nil
}

// fileChangedError is an upload whose file changed size while it was sent.
type fileChangedError struct {
	path string
	was  int64
	now  string
}

func (e *fileChangedError) Error() string {
	return fmt.Sprintf("-F @%s: the file changed size during the upload (%d bytes when checked, %s bytes now): upload it once it is complete", e.path, e.was, e.now)
}

// formCounter counts the bytes written to it.
type formCounter struct{ n int64 }

func (c *formCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
