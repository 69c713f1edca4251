// webhook-load is a closed-loop load generator for the injection webhook, written as the real caller
// is: the kube-apiserver's webhook client is Go's net/http over TLS (client-go's transport), HTTP/1.1
// for a webhook reached through a Service and HTTP/2 for a URL on loopback
// (k8s.io/apiserver/pkg/util/webhook/client.go). Only the standard library, so what it costs per
// request is what a Go client costs, not a JVM's.
//
// C workers each send one AdmissionReview at a time (the next as soon as the answer is read) over
// their own keep-alive connection (or, with -conns N and HTTP/2, streams shared over N connections,
// as the apiserver multiplexes), TLS verified against -ca. A warm-up of -warmup requests is sent and
// not measured; then the workers run for -duration. Every answer is checked: HTTP 200, an
// admission.k8s.io/v1 AdmissionReview whose response echoes the request's uid, allowed, with a
// JSONPatch that is a JSON array. Anything else is an error, counted by kind.
//
// Usage:
//
//	webhook-load -url https://127.0.0.1:8443/inject -ca ca.crt -body review.json \
//	  [-c 8] [-warmup 5000] [-duration 30s] [-requests 0] [-http 1.1|2] [-conns 0] [-server-pid PID]
//
// -body is an AdmissionReview whose uid is the placeholder __UID__ (once); each request gets its own
// uid. -server-pid names the webhook's process: its CPU time (utime+stime from /proc) over the
// measured phase is reported per request, beside this program's own.
//
// `webhook-load floor ...` is the other half of the floor row: a server that answers with a fixed
// answer and does nothing else (floor.go).
//
// Output: a Markdown table header and one row; error kinds on a line after it. Exit status 0 when
// every request succeeded, 1 when any failed, 2 on usage errors.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type options struct {
	url       *url.URL
	c         int
	warmup    int
	duration  time.Duration
	requests  int
	http2     bool
	conns     int
	serverPid int
	pre, suf  []byte
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "floor" {
		floor(os.Args[2:])
		return
	}
	rawURL := flag.String("url", "", "webhook URL (loopback only)")
	caFile := flag.String("ca", "", "PEM file of the CA that signs the webhook's certificate")
	bodyFile := flag.String("body", "", "AdmissionReview template with __UID__ for the uid")
	o := options{}
	flag.IntVar(&o.c, "c", 8, "concurrent closed-loop workers")
	flag.IntVar(&o.warmup, "warmup", 5000, "unmeasured warm-up requests (all workers together)")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "length of the measured phase")
	flag.IntVar(&o.requests, "requests", 0, "stop the measured phase after this many (0: by time)")
	version := flag.String("http", "1.1", "HTTP version: 1.1 or 2")
	flag.IntVar(&o.conns, "conns", 0, "HTTP/2 only: connections the workers share (0: one each)")
	flag.IntVar(&o.serverPid, "server-pid", 0, "the webhook's pid, for its CPU time per request")
	flag.Parse()
	if *rawURL == "" || *caFile == "" || *bodyFile == "" || o.c < 1 || o.warmup < 0 {
		flag.Usage()
		os.Exit(2)
	}
	var err error
	if o.url, err = url.Parse(*rawURL); err != nil || o.url.Scheme != "https" || !loopback(o.url.Hostname()) {
		// A benchmark, not a load test against someone's cluster.
		fail("the URL must be https on loopback: %s", *rawURL)
	}
	o.http2 = *version == "2"
	if !o.http2 && *version != "1.1" {
		fail("-http must be 1.1 or 2")
	}
	template, err := os.ReadFile(*bodyFile)
	if err != nil {
		fail("%v", err)
	}
	parts := bytes.Split(template, []byte("__UID__"))
	if len(parts) != 2 {
		fail("%s must contain __UID__ exactly once", *bodyFile)
	}
	o.pre, o.suf = parts[0], parts[1]
	pem, err := os.ReadFile(*caFile)
	if err != nil {
		fail("%v", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		fail("no certificate in %s", *caFile)
	}

	var dials atomic.Int64
	clients := make([]*http.Client, o.c)
	shared := o.conns
	if !o.http2 || shared <= 0 || shared > o.c {
		shared = o.c
	}
	for i := range clients {
		if i < shared {
			clients[i] = client(roots, o.http2, &dials)
		} else {
			clients[i] = clients[i%shared]
		}
	}

	if o.warmup > 0 {
		run(o, clients, o.warmup, time.Now().Add(5*time.Minute), false)
	}
	cpu0, server0 := selfCPU(), processCPU(o.serverPid)
	r := run(o, clients, o.requests, time.Now().Add(o.duration), true)
	cpu1, server1 := selfCPU(), processCPU(o.serverPid)

	protocol := "http/1.1"
	if o.http2 {
		protocol = "h2"
	}
	n := len(r.latencies)
	perRequest := func(before, after time.Duration) string {
		if n == 0 || before < 0 || after < 0 {
			return "-"
		}
		return fmt.Sprintf("%.3f", (after-before).Seconds()*1000/float64(n))
	}
	fmt.Println("| C | protocol | connections | s | N | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms" +
		" | max ms | client CPU ms/req | server CPU ms/req | errors |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	fmt.Printf("| %d | %s | %d | %.0f | %d | %.0f | %s | %s | %s | %s | %s | %s | %s | %d |\n",
		o.c, protocol, dials.Load(), r.elapsed.Seconds(), n, float64(n)/r.elapsed.Seconds(),
		ms(pct(r.latencies, 50)), ms(pct(r.latencies, 90)), ms(pct(r.latencies, 99)),
		ms(pct(r.latencies, 99.9)), ms(pct(r.latencies, 100)),
		perRequest(cpu0, cpu1), perRequest(server0, server1), r.errors)
	if r.errors > 0 {
		fmt.Printf("errors: %v\n", r.kinds)
		os.Exit(1)
	}
}

// client is one keep-alive HTTPS client: HTTP/1.1 holds at most one connection, so a worker with
// its own client always reuses its own connection; HTTP/2 multiplexes whoever shares it.
func client(roots *x509.CertPool, http2 bool, dials *atomic.Int64) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		MaxConnsPerHost:     1,
		MaxIdleConnsPerHost: 1,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		Protocols: new(http.Protocols),
	}
	t.Protocols.SetHTTP1(!http2)
	t.Protocols.SetHTTP2(http2)
	return &http.Client{Transport: t, Timeout: 30 * time.Second}
}

type result struct {
	latencies []time.Duration // sorted
	elapsed   time.Duration
	errors    int
	kinds     map[string]int
}

// run drives every worker until count requests were sent (0: no count) or the deadline passed.
func run(o options, clients []*http.Client, count int, deadline time.Time, measured bool) result {
	var next atomic.Int64
	var mu sync.Mutex
	r := result{kinds: map[string]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var own []time.Duration
			var response bytes.Buffer
			errs := map[string]int{}
			for seq := 0; ; seq++ {
				if (count > 0 && next.Add(1) > int64(count)) || time.Now().After(deadline) {
					break
				}
				uid := fmt.Sprintf("%08x-0000-4000-8000-%012x", w, seq)
				if !measured {
					uid = fmt.Sprintf("%08x-0000-4000-9000-%012x", w, seq)
				}
				body := make([]byte, 0, len(o.pre)+len(uid)+len(o.suf))
				body = append(append(append(body, o.pre...), uid...), o.suf...)
				t0 := time.Now()
				kind := send(clients[w], o.url.String(), body, uid, &response)
				elapsed := time.Since(t0)
				if kind != "" {
					errs[kind]++
				} else if measured {
					own = append(own, elapsed)
				}
			}
			mu.Lock()
			r.latencies = append(r.latencies, own...)
			for k, v := range errs {
				r.kinds[k] += v
				r.errors += v
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	slices.Sort(r.latencies)
	return r
}

type review struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Response   *struct {
		UID       string  `json:"uid"`
		Allowed   bool    `json:"allowed"`
		PatchType *string `json:"patchType"`
		Patch     []byte  `json:"patch"` // base64 in JSON, decoded by encoding/json
		Status    *struct {
			Message string `json:"message"`
		} `json:"status"`
	} `json:"response"`
}

// send posts one review and checks the answer; "" when it is a successful injection answer,
// otherwise the kind of error.
func send(c *http.Client, target string, body []byte, uid string, buf *bytes.Buffer) string {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return "request: " + err.Error()
	}
	// What the apiserver's client sends (client-go's REST client, JSON content type).
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, */*")
	req.Header.Set("User-Agent", "kube-apiserver-admission")
	resp, err := c.Do(req)
	if err != nil {
		return "transport: " + errorKind(err)
	}
	buf.Reset()
	_, err = buf.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "read: " + errorKind(err)
	}
	if resp.StatusCode != http.StatusOK {
		return "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	var rv review
	if err := json.Unmarshal(buf.Bytes(), &rv); err != nil {
		return "not JSON"
	}
	switch {
	case rv.APIVersion != "admission.k8s.io/v1" || rv.Kind != "AdmissionReview" || rv.Response == nil:
		return "not an AdmissionReview answer"
	case rv.Response.UID != uid:
		return "uid not echoed"
	case !rv.Response.Allowed:
		message := ""
		if rv.Response.Status != nil {
			message = rv.Response.Status.Message
		}
		return "not allowed: " + message
	case rv.Response.PatchType == nil || *rv.Response.PatchType != "JSONPatch":
		return "no JSONPatch"
	case len(rv.Response.Patch) == 0 || rv.Response.Patch[0] != '[' || !json.Valid(rv.Response.Patch):
		return "patch is not a JSON array"
	}
	return ""
}

func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

// pct is the nearest-rank percentile of sorted values.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100 + 0.999999)
	return sorted[max(0, min(len(sorted), rank)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d.Microseconds())/1000) }

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1 << 62
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU is utime+stime of pid from /proc (USER_HZ is 100 on Linux); very negative if unknown.
func processCPU(pid int) time.Duration {
	if pid <= 0 {
		return -1 << 62
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1 << 62
	}
	// Fields after the command name, which is in parentheses and may contain spaces.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return -1 << 62
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "webhook-load: "+format+"\n", args...)
	os.Exit(2)
}
