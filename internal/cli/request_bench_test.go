package cli

import (
	"bytes"
	"context"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/jira-oauth/jira-oauth/internal/jiratest"
)

// BenchmarkPaginate is `jira-oauth request --paginate` over a search of
// 10,000 issues, 100 a page (Jira's cap): 100 signed requests, each
// verified by the local provider, merged into one document. It reports
// pages per second and the peak heap of the process (client and provider
// together) sampled every millisecond.
func BenchmarkPaginate(b *testing.B) {
	const issues, perPage = 10000, 100
	provider := jiratest.New(jiratest.Options{})
	provider.SetSearchIssues(issues)
	configPath := benchLinkTo(b, provider)
	args := []string{"--config", configPath, "request", "--paginate", "/rest/api/2/search?jql=project = LOAD&maxResults=100"}

	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	var out, errOut bytes.Buffer
	ctx := context.Background()
	for b.Loop() {
		out.Reset()
		errOut.Reset()
		if code := Main(ctx, args, Env{Stdout: &out, Stderr: &errOut}); code != ExitOK {
			b.Fatalf("request --paginate: exit %d; stderr: %s", code, errOut.String())
		}
	}
	close(stop)
	wg.Wait()
	if n := bytes.Count(out.Bytes(), []byte(`"key":"LOAD-`)); n != issues {
		b.Fatalf("merged document holds %d issues; want %d", n, issues)
	}
	b.ReportMetric(float64(b.N*issues/perPage)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(out.Len())/(1<<20), "output-MiB")
}
