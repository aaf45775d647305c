package oauth

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
)

// adviceError is a cause that brings its own advice.
type adviceError struct{}

func (adviceError) Error() string  { return "bad setting" }
func (adviceError) Advice() string { return "fix the setting" }

func TestNetworkErrorAdviceForProxiesAndClientCertificates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&ProxyRefusedError{Proxy: "http://u:xxxxx@proxy:3128", Status: "403 Forbidden"},
			"the proxy http://u:xxxxx@proxy:3128 answered 403 Forbidden to CONNECT jira.example.com:443: check HTTPS_PROXY and the proxy's rules, or add the host to NO_PROXY"},
		{&net.OpError{Op: "proxyconnect", Net: "tcp", Err: syscall.ECONNREFUSED},
			"cannot reach the proxy from HTTPS_PROXY/HTTP_PROXY: check those variables, or add the host to NO_PROXY"},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: certificate required")},
			"Jira asks for a client certificate (mutual TLS) and got none it accepts: pass --client-cert and --client-key"},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: bad certificate")},
			"Jira refused our client certificate"},
		{adviceError{}, "fix the setting"},
	}
	for _, tt := range tests {
		e := &NetworkError{Op: OpRequest, URL: "https://jira.example.com/rest", Err: tt.err}
		if got := e.Advice(); !strings.HasPrefix(got, tt.want) {
			t.Errorf("Advice for %v: got %q; want %q", tt.err, got, tt.want)
		}
	}
	if got, want := (&ProxyRefusedError{Proxy: "http://proxy:3128", Status: "407 Proxy Authentication Required"}).Error(),
		"proxy http://proxy:3128 answered 407 Proxy Authentication Required"; got != want {
		t.Errorf("ProxyRefusedError: got %q; want %q", got, want)
	}
}
