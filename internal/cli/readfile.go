package cli

import (
	"context"
	"fmt"

	"github.com/jira-oauth/jira-oauth/internal/ctxio"
)

// Limits of the files jira-oauth reads besides the config (which
// internal/config bounds itself) and -d @file (request.go). Each is far
// above any real file of its kind and far below what would hurt.
const (
	maxPEMBundle = 8 << 20  // --ca-file: a system bundle is ~250 KiB
	maxPEMFile   = 1 << 20  // --client-cert, --client-key: a chain of a few KiB
	maxPublicKey = 64 << 10 // a public key PEM is under 1 KiB
)

// fileTooLargeError is a file over the limit a command reads: it was not
// read past the limit.
type fileTooLargeError struct {
	path  string
	limit int64
	kind  string // what the file should be, e.g. "PEM certificate bundle"
}

func (e *fileTooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %s, more than a %s can be (nothing past that was read): check the path", e.path, formatSize(e.limit), e.kind)
}

// readFileLimited reads the file at path, but never more than limit bytes:
// a larger file, or one without end (/dev/zero, /dev/urandom), is a
// *fileTooLargeError instead of a process that runs out of memory.
// Other errors are os.Open's or Read's (*os.PathError), or ctx.Err() when
// ctx ends while the open or a read blocks (a FIFO nobody writes).
func readFileLimited(ctx context.Context, path string, limit int64, kind string) ([]byte, error) {
	data, err := ctxio.ReadFile(ctx, path, limit+1)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &fileTooLargeError{path: path, limit: limit, kind: kind}
	}
	return data, nil
}

// formatSize writes a limit as "1 MiB" or "64 KiB".
func formatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
