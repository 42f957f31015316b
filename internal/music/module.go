// Package music is the music context: artists, albums, songs, uploads, storage, transcoding,
// search, playlists, likes and streaming.
package music

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/httpapi"
	"github.com/vibestream/vibestream/internal/music/infrastructure/media"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/music/infrastructure/storage"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Config is the music context's configuration.
type Config struct {
	// Storage is "local" (files under MediaDir) or "s3".
	Storage  string
	MediaDir string
	S3       storage.S3Options
	// UploadMaxBytes bounds one upload (413 beyond).
	UploadMaxBytes int64
	// StreamSecret signs stream links (at least 32 bytes).
	StreamSecret []byte
	StreamURLTTL time.Duration
	// FFmpegPath is the ffmpeg binary (name on PATH or path); ffprobe is looked for beside it.
	FFmpegPath string
	// PublicURL is the externally visible base URL, for signed links.
	PublicURL string
	// CacheTTL bounds how long metadata is kept in process (0: one hour).
	CacheTTL time.Duration
	// TranscodeRetryBase is the first retry delay of a failed transcoding job (0: 5s).
	TranscodeRetryBase time.Duration
	// Per-stream prices (USD): the default of songs nobody priced and the range artists may
	// choose in. All zero: 0.004 within 0.001..0.05.
	StreamPriceDefault money.Amount
	StreamPriceMin     money.Amount
	StreamPriceMax     money.Amount
}

// Deps is what the music context needs from the platform.
type Deps struct {
	Pool   *pgxpool.Pool
	Runner *jobs.Runner
	Bus    *events.Bus
	Health *httpx.Health
	Logger *slog.Logger
	Config Config
	// Names gives display names for lazily created artist profiles (optional).
	Names application.UserNames
	// Registerer receives the context's metrics (optional).
	Registerer prometheus.Registerer
	// Concerts: without Ledger and Passes the concert routes are not mounted.
	Concerts ConcertDeps
}

// ConcertDeps are what VR concerts need from other contexts.
type ConcertDeps struct {
	Ledger application.ConcertLedger
	Passes usercontracts.AccessPasses
	Ages   usercontracts.AgeVerifier
	// FeeBPS is the platform's part of a ticket price; JobEvery how often the refund and
	// recovery job runs; StaleAfter how old a pending purchase must be before it finishes it.
	FeeBPS     int
	JobEvery   time.Duration
	StaleAfter time.Duration
	Now        func() time.Time
}

// Module is the wired music context.
type Module struct {
	app      *application.App
	sessions *application.SessionStreams
	store    *postgres.Store
	storage  storage.Store
	cache    *postgres.Cache
	recorder *postgres.StreamRecorder
	handler  *httpapi.Handler
	tools    *media.Tools
	pool     *pgxpool.Pool
	logger   *slog.Logger
	concerts *httpapi.ConcertHandlers
	// concertMetrics count sales, refusals, refunds (nil without concerts)
	concertMetrics *httpapi.ConcertMetrics
}

// New builds the context and registers its transcoding worker and health reports.
func New(ctx context.Context, d Deps) (*Module, error) {
	if d.Pool == nil || d.Runner == nil || d.Bus == nil || d.Health == nil {
		return nil, errors.New("music: pool, runner, bus and health are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	c := d.Config
	if c.CacheTTL == 0 {
		c.CacheTTL = time.Hour
	}
	if c.TranscodeRetryBase == 0 {
		c.TranscodeRetryBase = 5 * time.Second
	}
	var st storage.Store
	switch c.Storage {
	case "", "local":
		l, err := storage.NewLocal(c.MediaDir)
		if err != nil {
			return nil, err
		}
		st = l
	case "s3":
		s, err := storage.NewS3(ctx, c.S3)
		if err != nil {
			return nil, err
		}
		st = s
	default:
		return nil, fmt.Errorf("music: unknown storage %q", c.Storage)
	}
	signer, err := application.NewSigner(c.StreamSecret, c.StreamURLTTL)
	if err != nil {
		return nil, err
	}
	prices := application.DefaultPrices
	if !c.StreamPriceDefault.IsZero() || !c.StreamPriceMin.IsZero() || !c.StreamPriceMax.IsZero() {
		if prices, err = domain.NewPriceRange(c.StreamPriceDefault, c.StreamPriceMin, c.StreamPriceMax); err != nil {
			return nil, fmt.Errorf("music: %w", err)
		}
	}
	cache := postgres.NewCache(c.CacheTTL)
	store := postgres.NewStore(d.Pool, d.Bus, d.Runner, cache)
	recorder := postgres.NewStreamRecorder(store, d.Logger)
	tools := media.NewTools(c.FFmpegPath)
	app, err := application.New(application.Deps{
		Artists: store, Albums: store, Songs: store, Playlists: store, Likes: store,
		Store: st.(application.AudioStore), Tools: media.Inspector{T: tools}, Streams: recorder, Signer: signer,
		Names: d.Names, UploadMaxBytes: c.UploadMaxBytes, Prices: prices,
	})
	if err != nil {
		return nil, err
	}
	sessions, err := application.NewSessionStreams(app, postgres.NewSessionServes(store))
	if err != nil {
		return nil, err
	}
	metrics := httpapi.NewMetrics(d.Registerer)
	m := &Module{app: app, sessions: sessions, store: store, storage: st, cache: cache, recorder: recorder, tools: tools, pool: d.Pool, logger: d.Logger,
		handler: httpapi.New(app, sessions, st, c.PublicURL, c.UploadMaxBytes, metrics)}
	river.AddWorker(d.Runner.Workers(), &transcodeWorker{app: app, retryBase: c.TranscodeRetryBase, metrics: metrics})
	d.Health.AddComponent("transcoding", func() string {
		if tools.CanTranscode() {
			return "available"
		}
		return "unavailable: ffmpeg not found, songs are served in their original quality only"
	})
	d.Health.AddComponent("media_storage", func() string { return st.Name() })
	if !tools.CanTranscode() {
		d.Logger.Warn("ffmpeg not found: uploads become ready with their original audio only", "ffmpeg", c.FFmpegPath)
	}
	if err := m.wireConcerts(d); err != nil {
		return nil, err
	}
	return m, nil
}

// Routes registers the HTTP routes under /api/v1.
func (m *Module) Routes(api *echo.Group) {
	m.handler.Routes(api)
	if m.concerts != nil {
		m.concerts.Routes(api)
	}
}

// Run runs the cache invalidation listener and the stream recorder until ctx ends; the
// recorder writes what is still queued before Run returns.
func (m *Module) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); m.cache.Listen(ctx, m.pool, m.logger, nil) }()
	go func() { defer wg.Done(); m.recorder.Run(ctx) }()
	wg.Wait()
}

// FlushStreams waits until queued stream records are written (tests).
func (m *Module) FlushStreams(ctx context.Context) { m.recorder.Flush(ctx) }

// Cache exposes the metadata cache (tests).
func (m *Module) Cache() *postgres.Cache { return m.cache }

// ArtistProfiles is the contract the orchestrator uses for new artist accounts.
func (m *Module) ArtistProfiles() contracts.ArtistProfiles { return m.app }

// Streams issues stream links bound to listen sessions and reports what they served.
func (m *Module) Streams() contracts.Streams { return m.sessions }

// Catalog is the contract other contexts use to ask about songs.
func (m *Module) Catalog() contracts.Catalog { return catalog{m} }

// PublishedSongs lists the published catalog page by page (the listen proofs' catalog tree).
func (m *Module) PublishedSongs() contracts.PublishedSongs { return m.store }

type catalog struct{ m *Module }

func (c catalog) Song(ctx context.Context, id uuid.UUID) (contracts.SongSummary, error) {
	s, err := c.m.store.GetSong(ctx, id)
	if err != nil {
		return contracts.SongSummary{}, err
	}
	out := contracts.SongSummary{ID: s.ID(), ArtistID: s.ArtistID(), Title: s.Title(), Ready: s.Status() == domain.StatusReady,
		Published: s.VisibleToPublic(), StreamPrice: s.StreamPrice(c.m.app.Prices())}
	if d := s.DurationMS(); d != nil {
		out.DurationMS = *d
	}
	if a, err := c.m.store.GetArtist(ctx, s.ArtistID()); err == nil {
		out.ArtistUserID = a.UserID()
	}
	return out, nil
}

func (c catalog) StreamTotals(ctx context.Context, songID, userID uuid.UUID) (contracts.StreamTotals, error) {
	return c.m.store.StreamTotals(ctx, songID, userID)
}

// transcodeWorker runs the durable transcoding job on the media queue.
type transcodeWorker struct {
	river.WorkerDefaults[postgres.TranscodeArgs]
	app       *application.App
	retryBase time.Duration
	metrics   *httpapi.Metrics
}

func (w *transcodeWorker) Work(ctx context.Context, job *river.Job[postgres.TranscodeArgs]) error {
	last := job.Attempt >= job.MaxAttempts
	err := w.app.Process(ctx, application.ProcessUpload{SongID: job.Args.SongID, Version: job.Args.Version, LastAttempt: last})
	if err != nil {
		w.metrics.Transcodes.WithLabelValues("retry").Inc()
	} else {
		w.metrics.Transcodes.WithLabelValues("done").Inc()
	}
	return err
}

func (w *transcodeWorker) NextRetry(job *river.Job[postgres.TranscodeArgs]) time.Time {
	d := w.retryBase
	for i := 1; i < job.Attempt; i++ {
		d *= 2
	}
	return time.Now().Add(d)
}

func (w *transcodeWorker) Timeout(*river.Job[postgres.TranscodeArgs]) time.Duration {
	return 30 * time.Minute
}
