package ctxio

import (
	"context"
	"io"
	"os"
	"time"
)

// Open opens name for reading, as os.Open does, but gives up when ctx is
// done, returning ctx.Err(). Opening a FIFO blocks until a writer comes
// and no signal interrupts it, so the open runs in a goroutine that is
// abandoned on ctx.Done: if it succeeds later, that goroutine closes the
// file; if it never does, it ends with the process.
func Open(ctx context.Context, name string) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		f   *os.File
		err error
	}
	// Unbuffered: once abandoned is closed, a late open can only take the
	// abandoned branch (no receiver is left), so the file is always closed.
	done := make(chan result)
	abandoned := make(chan struct{})
	go func() {
		f, err := os.Open(name)
		select {
		case done <- result{f, err}:
		case <-abandoned:
			if f != nil {
				f.Close()
			}
		}
	}()
	select {
	case res := <-done:
		return res.f, res.err
	case <-ctx.Done():
		close(abandoned)
		// The open may have finished at the same moment: do not leak it.
		select {
		case res := <-done:
			if res.f != nil {
				res.f.Close()
			}
		default:
		}
		return nil, ctx.Err()
	}
}

// ReadAll reads f to the end, or up to limit bytes when limit >= 0 (read
// limit+1 to tell "exactly limit" from "more"), and gives up when ctx is
// done, returning ctx.Err(). A FIFO, pipe or terminal is read through Go's
// poller, so ctx.Done stops the read at once through a read deadline; a
// regular file never blocks for long.
func ReadAll(ctx context.Context, f *os.File, limit int64) ([]byte, error) {
	stop := context.AfterFunc(ctx, func() {
		f.SetReadDeadline(time.Now()) //nolint:errcheck // a regular file has no deadline and does not block
	})
	defer stop()
	var r io.Reader = f
	if limit >= 0 {
		r = io.LimitReader(f, limit)
	}
	data, err := io.ReadAll(r)
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return data, err
}

// ReadFile opens name with Open and reads it with ReadAll: at most limit
// bytes when limit >= 0.
func ReadFile(ctx context.Context, name string, limit int64) ([]byte, error) {
	f, err := Open(ctx, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(ctx, f, limit)
}
