package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func TestCodeReceiver(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	r, err := ListenRedirect("http://localhost:"+port+"/cb", "st")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ignored []string
	r.Ignored = func(reason string) { ignored = append(ignored, reason) }

	// The same port again: taken.
	if _, err := ListenRedirect("http://localhost:"+port+"/cb", "x"); !errors.Is(err, ErrPortInUse) {
		t.Errorf("second ListenRedirect on port %s: %v; want ErrPortInUse", port, err)
	}
	get := func(host, query string) int {
		resp, err := http.Get(fmt.Sprintf("http://%s/cb?%s", net.JoinHostPort(host, port), query))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("127.0.0.1", "code=c&state=wrong"); got != http.StatusBadRequest {
		t.Errorf("wrong state: %d; want 400", got)
	}
	host := "127.0.0.1"
	if len(r.listeners) == 2 {
		host = "::1" // the IPv6 loopback works as well
	}
	if got := get(host, "code=c&state=st"); got != http.StatusOK {
		t.Errorf("the redirect: %d; want 200", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	code, err := r.Wait(ctx)
	if code != "c" || err != nil {
		t.Errorf("Wait = %q, %v; want c", code, err)
	}
	if len(ignored) != 1 {
		t.Errorf("ignored %q; want the wrong state", ignored)
	}
	if got := get("127.0.0.1", "code=d&state=st"); got != http.StatusConflict {
		t.Errorf("a second redirect: %d; want 409", got)
	}
}

func TestListenRedirectRefuses(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{"https://localhost:1/cb", "http://127.0.0.1:1/cb", "http://localhost/cb"} {
		if r, err := ListenRedirect(uri, "s"); err == nil {
			r.Close()
			t.Errorf("ListenRedirect(%q) listened; want an error", uri)
		}
	}
}
