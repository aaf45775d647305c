package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestProxyShutdownFinishesInFlight: Ctrl-C (ctx cancelled) stops the
// proxy only after the request in flight is answered; it exits 0.
func TestProxyShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	configPath, _ := linkedToProvider(t)
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	slow := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		started <- struct{}{}
		<-release
		return http.DefaultTransport.RoundTrip(r)
	})
	stdoutR, stdoutW := io.Pipe()
	var stderr syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exited := make(chan int, 1)
	go func() {
		exited <- Main(ctx, []string{"--config", configPath, "proxy"}, Env{Stdout: stdoutW, Stderr: &stderr, Transport: slow})
		stdoutW.Close()
	}()
	lines := bufio.NewScanner(stdoutR)
	if !lines.Scan() {
		t.Fatalf("no URL on stdout; stderr %s", stderr.String())
	}
	baseURL := lines.Text()
	if !lines.Scan() {
		t.Fatal("no token on stdout")
	}
	token := lines.Text()
	go io.Copy(io.Discard, stdoutR)

	answered := make(chan string, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, baseURL+"/rest/api/2/myself", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- resp.Status + " " + string(b)
	}()
	<-started
	cancel() // Ctrl-C while the request is in flight
	select {
	case code := <-exited:
		t.Fatalf("proxy exited %d with a request in flight", code)
	default:
	}
	close(release)
	if got := <-answered; !strings.HasPrefix(got, "200 OK") || !strings.Contains(got, "admin") {
		t.Errorf("in-flight request got %q; want its answer", got)
	}
	if code := <-exited; code != ExitOK {
		t.Errorf("exit %d; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "jira-oauth proxy: GET /rest/api/2/myself 200 ") || !strings.HasSuffix(stderr.String(), "jira-oauth proxy: stopped\n") {
		t.Errorf("stderr %q", stderr.String())
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("stderr holds the proxy token")
	}
}
