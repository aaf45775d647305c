//go:build unix

package ctxio

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// fifo makes a FIFO in a temporary folder.
func fifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return path
}

// hangGuard fails the test if done is not closed within a generous bound:
// a hang guard, not a timing assertion.
func hangGuard(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("still blocked 30s after the context was cancelled")
	}
}

func TestOpenFIFONobodyWritesIsCancelled(t *testing.T) {
	t.Parallel()
	path := fifo(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		_, err = ReadFile(ctx, path, -1)
	}()
	cancel()
	hangGuard(t, done)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ReadFile of a FIFO nobody opens for writing: got %v; want context.Canceled", err)
	}
}

func TestReadFIFOSilentWriterIsCancelled(t *testing.T) {
	t.Parallel()
	path := fifo(t)
	// A writer that opens the FIFO and never writes: the open succeeds,
	// the read blocks.
	w, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err = ReadAll(ctx, f, 100)
	}()
	cancel()
	hangGuard(t, done)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ReadAll of a silent FIFO: got %v; want context.Canceled", err)
	}
}

func TestReadFileFIFOWithWriter(t *testing.T) {
	t.Parallel()
	path := fifo(t)
	go func() {
		w, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.WriteString("hello")
		w.Close()
	}()
	data, err := ReadFile(context.Background(), path, -1)
	if err != nil || string(data) != "hello" {
		t.Errorf("ReadFile = %q, %v; want \"hello\", nil", data, err)
	}
}
