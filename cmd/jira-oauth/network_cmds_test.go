package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/jira-oauth/jira-oauth/internal/jiratest"
)

// proxiedHost is the host name of $JIRA_VIA_PROXY and $JIRA_TLS_VIA_PROXY:
// it does not resolve (.test is reserved), so a call can reach it only
// through the script's proxy, which maps it to 127.0.0.1. (A proxy test
// cannot use 127.0.0.1 itself: Go never proxies loopback addresses.)
const proxiedHost = "jira.internal.test"

// setupNetwork starts the script's TLS, mutual-TLS, proxy and trickling
// servers and returns the provider behind $JIRA_TLS and $JIRA_MTLS:
//
//	$JIRA_TLS            HTTPS, certificate from a test CA ($WORK/jira-ca.pem)
//	$JIRA_MTLS           the same provider, requiring a client certificate from
//	                     that CA ($WORK/client.pem, $WORK/client-key.pem);
//	                     $WORK/other-client*.pem come from another CA
//	$PROXY               a forward proxy (absolute-URI and CONNECT) that logs
//	                     each call in $WORK/proxy.log and serves only
//	                     jira.internal.test; $PROXY_HOSTPORT is its address
//	$JIRA_VIA_PROXY      http://jira.internal.test:<port of $JIRA>
//	$JIRA_TLS_VIA_PROXY  https://jira.internal.test:<port of $JIRA_TLS>
//	$JIRA_TRICKLE        answers 200 at once, then one byte every 50ms, forever
func setupNetwork(env *testscript.Env) (*jiratest.Provider, error) {
	ca, err := newTestCA("jira-oauth test CA")
	if err != nil {
		return nil, err
	}
	other, err := newTestCA("some other CA")
	if err != nil {
		return nil, err
	}
	serverCert, err := ca.issue("127.0.0.1", false)
	if err != nil {
		return nil, err
	}
	work := func(name string) string { return filepath.Join(env.WorkDir, name) }
	if err := os.WriteFile(work("jira-ca.pem"), ca.certPEM, 0o644); err != nil {
		return nil, err
	}
	for prefix, issuer := range map[string]*testCA{"client": ca, "other-client": other} {
		cert, err := issuer.issue("ci-bot", true)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(work(prefix+".pem"), cert.certPEM, 0o644); err != nil {
			return nil, err
		}
		if err := os.WriteFile(work(prefix+"-key.pem"), cert.keyPEM, 0o600); err != nil {
			return nil, err
		}
	}

	p := jiratest.New(jiratest.Options{})
	startTLS := func(c *tls.Config) *httptest.Server {
		s := httptest.NewUnstartedServer(p)
		// Scripts make handshakes fail on purpose (untrusted, no client cert).
		s.Config.ErrorLog = log.New(io.Discard, "", 0)
		s.TLS = c
		s.StartTLS()
		env.Defer(s.Close)
		return s
	}
	tlsServer := startTLS(&tls.Config{Certificates: []tls.Certificate{serverCert.pair}})
	env.Setenv("JIRA_TLS", tlsServer.URL)
	mtls := startTLS(&tls.Config{
		Certificates: []tls.Certificate{serverCert.pair},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    ca.pool(),
	})
	env.Setenv("JIRA_MTLS", mtls.URL)
	// $JIRA_TLS_HOSTILE: a certificate from the same CA whose name holds
	// escape sequences (doctor prints certificate names).
	hostileCert, err := ca.issue("jira\x1b]0;hostile title\x07\x1b[2J\u202eesrever", false)
	if err != nil {
		return nil, err
	}
	env.Setenv("JIRA_TLS_HOSTILE", startTLS(&tls.Config{Certificates: []tls.Certificate{hostileCert.pair}}).URL)

	proxy, err := startProxy(env, work("proxy.log"))
	if err != nil {
		return nil, err
	}
	env.Setenv("PROXY", "http://"+proxy)
	env.Setenv("PROXY_HOSTPORT", proxy)
	for name, base := range map[string]string{"JIRA_VIA_PROXY": env.Getenv("JIRA"), "JIRA_TLS_VIA_PROXY": tlsServer.URL} {
		u, err := url.Parse(base)
		if err != nil {
			return nil, err
		}
		env.Setenv(name, u.Scheme+"://"+net.JoinHostPort(proxiedHost, u.Port()))
	}

	env.Setenv("JIRA_TRICKLE", startTrickle(env))
	return p, nil
}

// testCA is a certificate authority made for one script.
type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

// issued is a certificate with its key, as PEM and as a tls.Certificate.
type issued struct {
	certPEM, keyPEM []byte
	pair            tls.Certificate
}

var serial struct {
	sync.Mutex
	n int64
}

func nextSerial() *big.Int {
	serial.Lock()
	defer serial.Unlock()
	serial.n++
	return big.NewInt(serial.n)
}

func newTestCA(name string) (*testCA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &testCA{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

func (ca *testCA) pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}

// issue signs a certificate: a client certificate for name, or a server
// certificate for 127.0.0.1, ::1, localhost and proxiedHost.
func (ca *testCA) issue(name string, client bool) (*issued, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	} else {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		tmpl.DNSNames = []string{"localhost", proxiedHost}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	out := &issued{
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
	}
	out.pair, err = tls.X509KeyPair(out.certPEM, out.keyPEM)
	return out, err
}

// startProxy starts a forward proxy on loopback and returns its address.
// It serves absolute-URI requests (http) and CONNECT tunnels (https) to
// proxiedHost only, dialling 127.0.0.1 on the same port; anything else
// gets 403. Each call is appended to logPath as "GET http://host:port/path"
// or "CONNECT host:port" (never a query, which may hold tokens), with
// " (Proxy-Authorization)" when the client sent proxy credentials.
func startProxy(env *testscript.Env, logPath string) (string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	var (
		mu      sync.Mutex
		tunnels []net.Conn
	)
	logCall := func(r *http.Request, line string) {
		if r.Header.Get("Proxy-Authorization") != "" {
			line += " (Proxy-Authorization)"
		}
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return
		}
		defer f.Close()
		fmt.Fprintln(f, line)
	}
	// mapped returns the loopback address for host:port, or "" if the
	// proxy does not serve that host.
	mapped := func(hostPort string) string {
		host, port, err := net.SplitHostPort(hostPort)
		if err != nil || host != proxiedHost {
			return ""
		}
		return net.JoinHostPort("127.0.0.1", port)
	}
	forward := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			target := mapped(addr)
			if target == "" {
				return nil, fmt.Errorf("proxy serves only %s", proxiedHost)
			}
			var d net.Dialer
			return d.DialContext(ctx, network, target)
		},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodConnect {
			logCall(r, "CONNECT "+r.Host)
			target := mapped(r.Host)
			if target == "" {
				http.Error(w, "this proxy serves only "+proxiedHost, http.StatusForbidden)
				return
			}
			upstream, err := net.Dial("tcp", target)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			client, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				upstream.Close()
				return
			}
			mu.Lock()
			tunnels = append(tunnels, client, upstream)
			mu.Unlock()
			io.WriteString(client, "HTTP/1.1 200 Connection established\r\n\r\n")
			go func() {
				io.Copy(upstream, io.MultiReader(io.LimitReader(buf, int64(buf.Reader.Buffered())), client))
				upstream.Close()
			}()
			io.Copy(client, upstream)
			client.Close()
			return
		}
		if !r.URL.IsAbs() {
			http.Error(w, "a proxy wants an absolute URL", http.StatusBadRequest)
			return
		}
		logCall(r, r.Method+" "+r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
		if mapped(r.URL.Host) == "" {
			http.Error(w, "this proxy serves only "+proxiedHost, http.StatusForbidden)
			return
		}
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.Header.Del("Proxy-Authorization")
		out.Header.Del("Proxy-Connection")
		resp, err := forward.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for name, values := range resp.Header {
			w.Header()[name] = values
		}
		w.Header().Add("Via", "1.1 jira-oauth-testproxy")
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
	server := &http.Server{Handler: handler, ErrorLog: log.New(io.Discard, "", 0)}
	go server.Serve(listener)
	env.Defer(func() {
		server.Close()
		forward.CloseIdleConnections()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range tunnels {
			c.Close()
		}
	})
	return listener.Addr().String(), nil
}

// startTrickle starts a server that answers every request with 200 and a
// body that never ends, one byte every 50ms, until the client leaves or
// the script ends. It returns its URL.
func startTrickle(env *testscript.Env) string {
	done := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		for {
			if _, err := io.WriteString(w, "x"); err != nil {
				return
			}
			http.NewResponseController(w).Flush()
			select {
			case <-done:
				return
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	env.Defer(func() {
		close(done)
		s.Close()
	})
	return s.URL
}

// throttle N STATUS RETRY_AFTER makes the next N requests to $JIRA (and
// $JIRA_VIA_PROXY) answer STATUS with that Retry-After ("" for none), as
// a rate limiter or a busy load balancer would; throttle left N checks
// that N of them are still unused (so a script can count attempts).
func cmdThrottle(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("throttle does not support !")
	}
	p := provider(ts)
	if len(args) == 2 && args[0] == "left" {
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if left, answered := p.Throttled(); left != want {
			ts.Fatalf("%d throttled answers left (%d given); want %d left", left, answered, want)
		}
		return
	}
	if len(args) != 3 {
		ts.Fatalf("usage: throttle N STATUS RETRY_AFTER | throttle left N")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	status, err := strconv.Atoi(args[1])
	ts.Check(err)
	p.Throttle(n, status, args[2])
}
