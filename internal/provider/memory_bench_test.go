package provider

import (
	"context"
	"io"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/vpcep/terraform-provider-vpcep/internal/approval"
	"github.com/vpcep/terraform-provider-vpcep/internal/client"
	"github.com/vpcep/terraform-provider-vpcep/internal/sharedread"
	"github.com/vpcep/terraform-provider-vpcep/internal/vpcepmock"
)

// BenchmarkApplyWaitsMemory replays the memory-heavy part of an apply of many
// approvals against a mock with a transition delay: workers (Terraform's
// parallelism of 10) each accept one connection and poll through the shared
// reader until it is accepted, as the resource's create does. The context
// carries a TRACE logger writing to io.Discard, as in a provider started by
// Terraform, so building log lines counts. It reports the peak heap and the
// memory obtained from the OS (sampled every 5 ms; the in-process mock
// counts too) and the list calls the mock saw. Run it once:
//
//	go test -run '^$' -bench ApplyWaitsMemory -benchtime 1x ./internal/provider/
func BenchmarkApplyWaitsMemory(b *testing.B) {
	const (
		n       = 1000
		workers = 10
		delay   = 200 * time.Millisecond
	)
	for range b.N {
		project, token := vpcepmock.RandomHex(16), "token-"+vpcepmock.RandomHex(16)
		mock := vpcepmock.New(vpcepmock.Config{
			Credentials:     []vpcepmock.Credential{{ProjectID: project, Token: token}},
			TransitionDelay: delay,
		})
		srv := httptest.NewServer(mock)
		manual := true
		svc := vpcepmock.NewID()
		mock.CreateService(project, vpcepmock.ServiceSpec{ID: svc, Name: "svc", ApprovalEnabled: &manual})
		ids := make([]string, n)
		for i := range ids {
			ids[i] = vpcepmock.NewID()
			if _, err := mock.CreateEndpoint(project, vpcepmock.EndpointSpec{ID: ids[i], ServiceID: svc, DomainID: "domain"}); err != nil {
				b.Fatal(err)
			}
		}
		c, err := client.New(client.Config{Endpoint: srv.URL, ProjectID: project, AuthToken: token})
		if err != nil {
			b.Fatal(err)
		}
		d := &approval.Decider{API: c, Reader: sharedread.New(c)}
		ctx := tflogtest.RootLogger(context.Background(), io.Discard)
		mock.ResetRequestCounts()
		runtime.GC()

		var peakHeap, peakSys uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			var ms runtime.MemStats
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&ms)
				peakHeap, peakSys = max(peakHeap, ms.HeapInuse), max(peakSys, ms.Sys)
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()

		jobs := make(chan string)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for id := range jobs {
					if _, err := d.Decide(ctx, approval.Request{ServiceID: svc, EndpointID: id, Action: client.ActionReceive}); err != nil {
						b.Error(err)
					}
				}
			})
		}
		for _, id := range ids {
			jobs <- id
		}
		close(jobs)
		wg.Wait()
		close(stop)
		<-sampled

		srv.Close()
		b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(peakSys)/(1<<20), "peak-sys-MiB")
		b.ReportMetric(float64(mock.RequestCounts()[vpcepmock.OpListServiceConnections]), "list-calls")
	}
}
