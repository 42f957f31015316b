package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// MusicConfig is the music context's part of the configuration.
type MusicConfig struct {
	// ConcertFeeBPS is CONCERT_PLATFORM_FEE_BPS (default 1000: 10% of a ticket's price);
	// ConcertJobEvery CONCERT_JOB_INTERVAL (refunds of cancelled concerts, interrupted
	// purchases); ConcertStaleAfter CONCERT_PURCHASE_STALE_AFTER.
	ConcertFeeBPS     int
	ConcertJobEvery   time.Duration
	ConcertStaleAfter time.Duration
	// ConcertClock drives the concerts' clock (nil: time.Now); tests only.
	ConcertClock   func() time.Time
	Storage        string // MEDIA_STORAGE: local | s3
	MediaDir       string // MEDIA_DIR, default $DATA_DIR/media
	S3Endpoint     string // S3_ENDPOINT host:port
	S3Bucket       string // S3_BUCKET
	S3AccessKey    string // S3_ACCESS_KEY
	S3SecretKey    string // S3_SECRET_KEY
	S3Region       string // S3_REGION
	S3UseSSL       bool   // S3_USE_SSL
	UploadMaxBytes int64  // UPLOAD_MAX_BYTES, default 200MB
	StreamSecret   string // STREAM_URL_SECRET; default generated once under $DATA_DIR
	StreamURLTTL   time.Duration
	FFmpegPath     string // FFMPEG_PATH, default ffmpeg on PATH
	CacheTTL       time.Duration
	// TranscodeRetryDelay is the first retry delay of a failed transcoding job (doubling).
	TranscodeRetryDelay time.Duration
	// Per-stream prices in USD: STREAM_PRICE_DEFAULT (0.004) for songs their artist did not
	// price, and the range artists may choose in, STREAM_PRICE_MIN..STREAM_PRICE_MAX (0.001, 0.05).
	StreamPriceDefault money.Amount
	StreamPriceMin     money.Amount
	StreamPriceMax     money.Amount
}

func loadMusicConfig(e *env, dataDir string) MusicConfig {
	c := MusicConfig{
		Storage:        strings.ToLower(e.str("MEDIA_STORAGE", "local")),
		MediaDir:       e.str("MEDIA_DIR", filepath.Join(dataDir, "media")),
		S3Endpoint:     e.str("S3_ENDPOINT", ""),
		S3Bucket:       e.str("S3_BUCKET", "vibestream-media"),
		S3AccessKey:    e.str("S3_ACCESS_KEY", ""),
		S3SecretKey:    e.str("S3_SECRET_KEY", ""),
		S3Region:       e.str("S3_REGION", "us-east-1"),
		S3UseSSL:       e.boolean("S3_USE_SSL", false),
		UploadMaxBytes: e.bytes("UPLOAD_MAX_BYTES", 200<<20),
		StreamSecret:   e.str("STREAM_URL_SECRET", ""),
		StreamURLTTL:   e.duration("STREAM_URL_TTL", 15*time.Minute),
		FFmpegPath:     e.str("FFMPEG_PATH", "ffmpeg"),
		CacheTTL:       e.duration("MUSIC_CACHE_TTL", time.Hour),

		TranscodeRetryDelay: e.duration("TRANSCODE_RETRY_DELAY", 5*time.Second),

		StreamPriceDefault: e.usd("STREAM_PRICE_DEFAULT", "0.004"),
		StreamPriceMin:     e.usd("STREAM_PRICE_MIN", "0.001"),
		StreamPriceMax:     e.usd("STREAM_PRICE_MAX", "0.05"),
	}
	if c.StreamPriceMin.IsPositive() && c.StreamPriceMax.IsPositive() && c.StreamPriceDefault.IsPositive() {
		if c.StreamPriceMin.Cmp(c.StreamPriceMax) > 0 {
			e.fail("STREAM_PRICE_MIN", "must not be above STREAM_PRICE_MAX")
		} else if c.StreamPriceDefault.Cmp(c.StreamPriceMin) < 0 || c.StreamPriceDefault.Cmp(c.StreamPriceMax) > 0 {
			e.fail("STREAM_PRICE_DEFAULT", "must be between STREAM_PRICE_MIN and STREAM_PRICE_MAX")
		}
	}
	switch c.Storage {
	case "local":
	case "s3":
		if c.S3Endpoint == "" {
			e.fail("S3_ENDPOINT", "is required when MEDIA_STORAGE=s3 (host:port)")
		}
		if c.S3AccessKey == "" || c.S3SecretKey == "" {
			e.fail("S3_ACCESS_KEY", "S3_ACCESS_KEY and S3_SECRET_KEY are required when MEDIA_STORAGE=s3")
		}
		if c.S3Bucket == "" {
			e.fail("S3_BUCKET", "is required when MEDIA_STORAGE=s3")
		}
	default:
		e.fail("MEDIA_STORAGE", "must be local or s3, got %q", c.Storage)
	}
	if c.StreamSecret != "" && len(c.StreamSecret) < 32 {
		e.fail("STREAM_URL_SECRET", "must be at least 32 characters")
	}
	if c.StreamURLTTL > 24*time.Hour {
		e.fail("STREAM_URL_TTL", "must be at most 24h (links are meant to be short-lived)")
	}
	if abs, err := filepath.Abs(c.MediaDir); err == nil {
		c.MediaDir = abs
	}
	c.ConcertFeeBPS = e.integer("CONCERT_PLATFORM_FEE_BPS", 1000, 0, 10_000)
	c.ConcertJobEvery = e.duration("CONCERT_JOB_INTERVAL", 10*time.Second)
	c.ConcertStaleAfter = e.duration("CONCERT_PURCHASE_STALE_AFTER", time.Minute)
	return c
}

// usd reads a positive USD decimal string (at most 6 decimals).
func (e *env) usd(name, def string) money.Amount {
	v := e.str(name, def)
	a, err := money.Parse(money.USD, v)
	if err != nil || !a.IsPositive() {
		e.fail(name, "must be a positive USD amount with at most 6 decimals, got %q", v)
		return money.Amount{}
	}
	return a
}

// streamSecret returns STREAM_URL_SECRET, or the secret generated on first start and kept in
// $DATA_DIR/secrets/stream-url.key so that links survive restarts (share it, or set
// STREAM_URL_SECRET, when several instances serve the same clients).
func streamSecret(c MusicConfig, dataDir string) ([]byte, error) {
	if c.StreamSecret != "" {
		return []byte(c.StreamSecret), nil
	}
	dir := filepath.Join(dataDir, "secrets")
	path := filepath.Join(dir, "stream-url.key")
	if b, err := os.ReadFile(path); err == nil {
		if s := strings.TrimSpace(string(b)); len(s) >= 32 {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("STREAM_URL_SECRET: %s holds a secret shorter than 32 characters", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("STREAM_URL_SECRET: read %s: %w", path, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("STREAM_URL_SECRET: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	s := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return streamSecret(c, dataDir) // another instance won the race
	}
	if err != nil {
		return nil, fmt.Errorf("STREAM_URL_SECRET: write %s: %w", path, err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return []byte(s), f.Close()
}
