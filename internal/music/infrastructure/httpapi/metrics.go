package httpapi

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the music context's business metrics.
type Metrics struct {
	StreamBytes  *prometheus.CounterVec
	StreamStarts prometheus.Counter
	Uploads      *prometheus.CounterVec
	Transcodes   *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them on reg (nil: unregistered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		StreamBytes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "music_stream_bytes_total",
			Help: "Audio bytes sent by the stream endpoint, by quality."}, []string{"quality"}),
		StreamStarts: prometheus.NewCounter(prometheus.CounterOpts{Name: "music_stream_starts_total",
			Help: "Stream requests that started at byte 0."}),
		Uploads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "music_uploads_total",
			Help: "Audio uploads by outcome (accepted, rejected)."}, []string{"outcome"}),
		Transcodes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "music_transcode_jobs_total",
			Help: "Transcoding job attempts by outcome (done: the song is ready, failed or superseded; retry: the attempt failed and will be retried)."}, []string{"outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.StreamBytes, m.StreamStarts, m.Uploads, m.Transcodes)
	}
	return m
}
