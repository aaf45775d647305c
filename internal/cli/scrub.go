package cli

import (
	"io"
	"strings"
	"sync"
)

// redacted replaces a secret in anything printed.
const redacted = "[redacted]"

// minSecretLen keeps the scrubber from replacing short, common strings
// (a one-letter "secret" would garble every message).
const minSecretLen = 6

// scrubber remembers the secret values an invocation has loaded (private
// key, token secrets, verifier) and removes them from text before it is
// printed: a last line of defence behind code that never prints them.
type scrubber struct {
	mu      sync.Mutex
	secrets []string
}

// add registers a secret value.
func (s *scrubber) add(secret string) {
	secret = strings.TrimSpace(secret)
	if len(secret) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, secret)
}

// scrub returns text with every registered secret replaced.
func (s *scrubber) scrub(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, secret := range s.secrets {
		text = strings.ReplaceAll(text, secret, redacted)
	}
	return text
}

// writer returns a writer that scrubs each write before passing it to w.
func (s *scrubber) writer(w io.Writer) io.Writer {
	return &scrubWriter{w: w, s: s}
}

type scrubWriter struct {
	w io.Writer
	s *scrubber
}

func (sw *scrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(sw.w, sw.s.scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
