package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is everything the binary reads from its environment. Each context's part is loaded by
// its own config_<context>.go file.
type Config struct {
	HTTPAddr        string
	PublicURL       string
	DatabaseURL     string
	DBMaxConns      int32
	DataDir         string
	LogLevel        string
	CORSOrigins     []string
	BodyLimit       string
	ShutdownTimeout time.Duration
	// JobTimeout (JOB_TIMEOUT, default 5m) bounds one attempt of a background job;
	// JobRescueAfter (JOB_RESCUE_AFTER, default JOB_TIMEOUT + 1m) is when the jobs a crashed
	// instance was running are taken back by the others.
	JobTimeout     time.Duration
	JobRescueAfter time.Duration
	TrustProxy     bool
	InstanceID     string
	Payment        PaymentConfig
	Chains         ChainsConfig
	Ownership      OwnershipConfig

	User     UserConfig
	Music    MusicConfig
	Listen   ListenConfig
	Campaign CampaignConfig
	ZK       ZKConfig
}

// env reads variables and collects every problem, each naming its variable.
type env struct {
	get      func(string) string
	problems []string
}

func (e *env) str(name, def string) string {
	if v := strings.TrimSpace(e.get(name)); v != "" {
		return v
	}
	return def
}

func (e *env) fail(name, format string, args ...any) {
	e.problems = append(e.problems, name+": "+fmt.Sprintf(format, args...))
}

func (e *env) integer(name string, def, min, max int) int {
	v := e.get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < min || n > max {
		e.fail(name, "must be an integer between %d and %d, got %q", min, max, v)
		return def
	}
	return n
}

func (e *env) duration(name string, def time.Duration) time.Duration {
	v := e.get(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d <= 0 {
		e.fail(name, "must be a positive duration such as 30s or 5m, got %q", v)
		return def
	}
	return d
}

func (e *env) boolean(name string, def bool) bool {
	v := e.get(name)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		e.fail(name, "must be true or false, got %q", v)
		return def
	}
	return b
}

func (e *env) bytes(name string, def int64) int64 {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return def
	}
	n, err := parseBytes(v)
	if err != nil || n <= 0 {
		e.fail(name, "must be a size such as 200MB or 1048576, got %q", v)
		return def
	}
	return n
}

func parseBytes(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n * mult, err
}

func (e *env) err() error {
	if len(e.problems) == 0 {
		return nil
	}
	return fmt.Errorf("invalid configuration:\n  %s", strings.Join(e.problems, "\n  "))
}

// loadConfig reads the platform configuration; see the README for every variable.
func loadConfig(getenv func(string) string) (Config, error) {
	e := &env{get: getenv}
	c := Config{
		HTTPAddr:        e.str("HTTP_ADDR", ":3000"),
		DatabaseURL:     e.str("DATABASE_URL", ""),
		DBMaxConns:      int32(e.integer("DB_MAX_CONNS", 40, 2, 1000)),
		DataDir:         e.str("DATA_DIR", "./var"),
		LogLevel:        e.str("LOG_LEVEL", "info"),
		BodyLimit:       e.str("HTTP_BODY_LIMIT", "1M"),
		ShutdownTimeout: e.duration("SHUTDOWN_TIMEOUT", 20*time.Second),
		JobTimeout:      e.duration("JOB_TIMEOUT", 5*time.Minute),
		JobRescueAfter:  e.duration("JOB_RESCUE_AFTER", 0),
		TrustProxy:      e.boolean("TRUST_PROXY", false),
		InstanceID:      e.str("INSTANCE_ID", ""),
	}
	c.Payment = loadPaymentConfig(e)
	c.Chains = loadChainsConfig(e)
	c.Ownership = loadOwnershipConfig(e)
	if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil || port == "" {
		e.fail("HTTP_ADDR", "must be host:port or :port, got %q", c.HTTPAddr)
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			e.fail("DATABASE_URL", "must be a postgres:// URL")
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		e.fail("LOG_LEVEL", "must be one of debug, info, warn, error, got %q", c.LogLevel)
	}
	if _, err := parseBytes(c.BodyLimit); err != nil {
		e.fail("HTTP_BODY_LIMIT", "must be a size such as 1M, got %q", c.BodyLimit)
	}
	if v := e.str("CORS_ORIGINS", ""); v != "" {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				c.CORSOrigins = append(c.CORSOrigins, o)
			}
		}
	}
	c.PublicURL = strings.TrimRight(e.str("PUBLIC_URL", defaultPublicURL(c.HTTPAddr)), "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		e.fail("PUBLIC_URL", "must be an absolute http(s) URL, got %q", c.PublicURL)
	}
	if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	} else {
		e.fail("DATA_DIR", "cannot be resolved: %v", err)
	}
	c.User = loadUserConfig(e, &c)
	c.Music = loadMusicConfig(e, c.DataDir)
	c.Listen = loadListenConfig(e)
	c.Campaign = loadCampaignConfig(e)
	c.ZK = loadZKConfig(e, &c)
	return c, e.err()
}

func defaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:3000"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func osEnv(name string) string { return os.Getenv(name) }
