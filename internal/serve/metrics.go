package serve

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus collectors, on a registry of its own
// (no globals: two servers in one test process do not share counts).
type metrics struct {
	reg         *prometheus.Registry
	jobsTotal   *prometheus.CounterVec   // jobs that reached a state
	aligned     prometheus.Counter       // sequences of finished jobs
	jobDuration prometheus.Histogram     // run time of finished jobs
	httpDur     *prometheus.HistogramVec // by route, method and code
	rejected    *prometheus.CounterVec   // 400, 401, 403, 413, 429 by reason
}

func newMetrics(st jobStore) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.jobsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wtscan_serve_jobs_total", Help: "Jobs that reached each state (queued counts accepted jobs).",
	}, []string{"state"})
	m.aligned = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "wtscan_serve_sequences_aligned_total", Help: "Sequences aligned and called in finished jobs.",
	})
	m.jobDuration = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "wtscan_serve_job_duration_seconds", Help: "Run time of finished jobs (from start to done).",
		Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 12),
	})
	m.httpDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "wtscan_serve_http_request_duration_seconds", Help: "HTTP request durations by route, method and status code.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method", "code"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wtscan_serve_rejected_total", Help: "Requests refused, by reason.",
	}, []string{"reason"})
	m.reg.MustRegister(m.jobsTotal, storeCollector{st}, m.aligned, m.jobDuration, m.httpDur, m.rejected,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, s := range states {
		m.jobsTotal.WithLabelValues(s)
	}
	return m
}

// storeCollector reports the store's jobs by state, and the queue depth,
// as the store has them at scrape time (shared by every instance of a
// PostgreSQL store).
type storeCollector struct{ st jobStore }

var (
	descJobs  = prometheus.NewDesc("wtscan_serve_jobs", "Jobs in each state now (in the store).", []string{"state"}, nil)
	descQueue = prometheus.NewDesc("wtscan_serve_queue_depth", "Jobs queued and waiting for a worker.", nil, nil)
)

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descJobs
	ch <- descQueue
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	n, err := c.st.counts()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descJobs, err)
		return
	}
	for _, s := range states {
		ch <- prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(n[s]), s)
	}
	ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(n[StateQueued]))
}

func (m *metrics) jobDone(d time.Duration, sequences int) {
	m.jobDuration.Observe(d.Seconds())
	m.aligned.Add(float64(sequences))
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// instrument times a route's requests.
func (m *metrics) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		m.httpDur.WithLabelValues(route, r.Method, strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}
