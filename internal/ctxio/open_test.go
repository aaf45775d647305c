package ctxio

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestReadFileLimit(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		limit int64
		want  string
	}{{-1, "0123456789"}, {4, "0123"}, {0, ""}, {20, "0123456789"}} {
		got, err := ReadFile(context.Background(), path, c.limit)
		if err != nil || string(got) != c.want {
			t.Errorf("ReadFile(limit %d) = %q, %v; want %q", c.limit, got, err, c.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "missing"))
	var pathErr *fs.PathError
	if !errors.As(err, &pathErr) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a missing file: got %v; want an *fs.PathError for ErrNotExist", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, os.DevNull); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a cancelled context: got %v; want context.Canceled", err)
	}
}
