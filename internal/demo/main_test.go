package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the demo's concurrent writers
// (its own steps and the sandbox's log).
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestDemo runs `make demo` end to end: the real binary, the real sandbox
// process, real HTTP. It checks each step's visible result and that the
// temporary folder is gone afterwards.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var out lockedBuffer
	if err := run(ctx, filepath.Join("..", ".."), &out); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"-----BEGIN PUBLIC KEY-----",
		"a LOCAL TEST provider, not Jira",
		"/plugins/servlet/oauth/authorize?oauth_token=",
		"Access token saved in config.properties",
		`"name":"admin"`,
		`"body":"Built and tested by CI (jira-oauth demo)"`,
		"private_key=(hidden",
		`[browser] http://127.0.0.1:`,
		`: "jira-oauth is approved"`,
		"Logged in: access token saved in config.properties",
		"admin <admin@example.com> on http://127.0.0.1:",
		"/browse/DEMO-1?focusedCommentId=",
		"Access token renewed and saved",
		"access token:  present",
		"✓ access      the access token acts as admin",
		"250 issues, LOAD-1 to LOAD-250",
		"jiratest: GET /rest/api/2/search -> 200",
		"/secure/attachment/10200/build.log",
		"downloaded.log is build.log, byte for byte (26893 bytes)",
		"auth_method is now pat (was oauth1)",
		"Revoked at Jira and removed from config.properties: the personal access token (id 1).",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("demo output lacks %q\n%s", want, got)
		}
	}
	// The private key is one line of base64 PKCS#8 (MII...); no such line,
	// nor a PEM private key, may be printed.
	if oneLineKey := regexp.MustCompile(`(?m)MII[A-Za-z0-9+/]{200,}`); oneLineKey.MatchString(got) || strings.Contains(got, "PRIVATE KEY") {
		t.Errorf("demo output shows a private key")
	}
	m := regexp.MustCompile(`temporary folder (\S+)`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("demo output does not name its folder")
	}
	if _, err := os.Stat(m[1]); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("demo folder %s still exists (stat: %v); want it removed", m[1], err)
	}
}
