// Package ownership_test runs the ownership context against real Postgres, the real payment
// ledger and the event bus: offerings, the persisted book, settlement across crashes and kills,
// royalties and claims. It lives outside internal/ because a context's own tests may not build
// another context's module (internal/archtest).
package ownership_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/ownership"
	"github.com/vibestream/vibestream/internal/payment"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// catalog is the music context as ownership sees it.
type catalog struct {
	mu    sync.Mutex
	songs map[uuid.UUID]musiccontracts.SongSummary
}

var errSongNotFound = errs.New(errs.NotFound, "music.song_not_found_test", "no such song")

func (c *catalog) Song(_ context.Context, id uuid.UUID) (musiccontracts.SongSummary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.songs[id]
	if !ok {
		return s, errSongNotFound
	}
	return s, nil
}

func (c *catalog) StreamTotals(context.Context, uuid.UUID, uuid.UUID) (musiccontracts.StreamTotals, error) {
	return musiccontracts.StreamTotals{}, nil
}

// tokens authenticates "Bearer <user uuid>" with every permission.
type tokens struct{}

func (tokens) Authenticate(_ context.Context, tok string) (httpx.Principal, error) {
	id, err := uuid.Parse(tok)
	if err != nil {
		return httpx.Principal{}, errs.ErrUnauthenticated
	}
	return httpx.Principal{UserID: id, Roles: []string{"listener", "artist"}, Permissions: []string{usercontracts.PermWritePayment,
		usercontracts.PermReadPayment, usercontracts.PermWriteMusic}}, nil
}

// env is one context wired on a fresh database with the real ledger and bus.
type env struct {
	t       testing.TB
	pool    *pgxpool.Pool
	runner  *jobs.Runner
	bus     *events.Bus
	ledger  paycontracts.Ledger
	payment *payment.Module
	cat     *catalog
	mod     *ownership.Module
	e       *echo.Echo
}

type envOpts struct {
	ledger func(paycontracts.Ledger) paycontracts.Ledger
	now    func() time.Time
	// url: an existing database (another process's) instead of a fresh one
	url string
}

func newEnv(t testing.TB, opts ...envOpts) *env {
	t.Helper()
	var o envOpts
	if len(opts) > 0 {
		o = opts[0]
	}
	var pool *pgxpool.Pool
	if o.url != "" {
		var err error
		pool, err = pg.Connect(context.Background(), o.url, 10)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
	} else {
		pool = pgtest.NewDB(t)
	}
	runner := jobs.NewRunner(pool, jobs.Options{Logger: quiet, FetchPollInterval: 50 * time.Millisecond})
	bus := events.NewBus(pool, runner, quiet)
	pm, err := payment.New(payment.Deps{Pool: pool, Bus: bus, Runner: runner, Logger: quiet})
	require.NoError(t, err)
	ledger := pm.Ledger()
	if o.ledger != nil {
		ledger = o.ledger(ledger)
	}
	cat := &catalog{songs: map[uuid.UUID]musiccontracts.SongSummary{}}
	mod, err := ownership.New(ownership.Deps{Pool: pool, Bus: bus, Runner: runner, Ledger: ledger, Catalog: cat, Logger: quiet,
		Now: o.now, Config: ownership.Config{SweepGrace: time.Millisecond}})
	require.NoError(t, err)
	mod.Subscribe(bus)
	e := httpx.New(httpx.Options{Logger: quiet})
	e.Use(httpx.Authenticate(tokens{}))
	mod.Routes(e.Group("/api/v1"))
	return &env{t: t, pool: pool, runner: runner, bus: bus, ledger: pm.Ledger(), payment: pm, cat: cat, mod: mod, e: e}
}

// start runs the job runner (event delivery, the sweeper) until the test ends.
func (v *env) start() {
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(v.t, v.runner.Start(ctx))
	v.t.Cleanup(func() {
		stop, c2 := context.WithTimeout(context.Background(), 5*time.Second)
		defer c2()
		_ = v.runner.Stop(stop)
		cancel()
	})
}

// user opens a user's accounts and gives them usd dollars.
func (v *env) user(usd string) uuid.UUID {
	v.t.Helper()
	id := uuid.New()
	ctx := context.Background()
	require.NoError(v.t, v.ledger.OpenUserAccounts(ctx, id))
	if usd != "" && usd != "0" {
		amt, err := money.Parse(money.USD, usd)
		require.NoError(v.t, err)
		_, err = v.ledger.Transfer(ctx, paycontracts.TransferRequest{IdempotencyKey: "fund:" + id.String(),
			From: paycontracts.System(paycontracts.KindTreasury, money.USD), To: []paycontracts.Credit{{To: paycontracts.Wallet(id, money.USD), Amount: amt}},
			Details: paycontracts.Details{Reason: "test_grant"}})
		require.NoError(v.t, err)
	}
	return id
}

// song adds a song by artist to the catalog.
func (v *env) song(artist uuid.UUID, title string) uuid.UUID {
	id := uuid.New()
	v.cat.mu.Lock()
	v.cat.songs[id] = musiccontracts.SongSummary{ID: id, ArtistID: uuid.New(), ArtistUserID: artist, Title: title, Ready: true, Published: true,
		StreamPrice: money.MustNew(money.USD, 4000)}
	v.cat.mu.Unlock()
	return id
}

func (v *env) balance(ref paycontracts.AccountRef) string {
	v.t.Helper()
	b, err := v.ledger.Balance(context.Background(), ref)
	require.NoError(v.t, err)
	return b.String()
}

func (v *env) wallet(id uuid.UUID) string { return v.balance(paycontracts.Wallet(id, money.USD)) }
func (v *env) held(id uuid.UUID) string {
	return v.balance(paycontracts.UserAccount(id, money.USD, paycontracts.KindHeld))
}

type resp struct {
	Code int
	Body map[string]any
	Raw  []byte
}

func (r resp) errCode() string {
	e, _ := r.Body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// do sends a request as user (uuid.Nil: anonymous); key sets the Idempotency-Key.
func (v *env) do(method, path string, user uuid.UUID, body any, key ...string) resp {
	v.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(v.t, err)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != uuid.Nil {
		req.Header.Set("Authorization", "Bearer "+user.String())
	}
	if len(key) > 0 {
		req.Header.Set(httpx.HeaderIdempotencyKey, key[0])
	} else if method == http.MethodPost {
		req.Header.Set(httpx.HeaderIdempotencyKey, uuid.NewString())
	}
	rec := httptest.NewRecorder()
	v.e.ServeHTTP(rec, req)
	r := resp{Code: rec.Code, Raw: rec.Body.Bytes()}
	_ = json.Unmarshal(rec.Body.Bytes(), &r.Body)
	return r
}

// offering opens an offering of song by artist and returns its id.
func (v *env) offering(artist, song uuid.UUID, forSale int64, price string, extra map[string]any) uuid.UUID {
	v.t.Helper()
	body := map[string]any{"song_id": song, "shareholder_bps": 2000, "shares_for_sale": forSale, "price_per_share": price}
	for k, x := range extra {
		body[k] = x
	}
	r := v.do(http.MethodPost, "/api/v1/ownership/offerings", artist, body)
	require.Equal(v.t, http.StatusCreated, r.Code, string(r.Raw))
	return uuid.MustParse(r.Body["id"].(string))
}

func (v *env) buy(offering, user uuid.UUID, shares int64) resp {
	return v.do(http.MethodPost, "/api/v1/ownership/offerings/"+offering.String()+"/purchases", user, map[string]any{"shares": shares})
}

func (v *env) order(user, song uuid.UUID, side string, shares int64, price, tif string) resp {
	return v.do(http.MethodPost, "/api/v1/ownership/orders", user, map[string]any{"song_id": song, "side": side, "shares": shares,
		"limit_price": price, "time_in_force": tif})
}

// holding reads a holding straight from the table.
func (v *env) holding(song, user uuid.UUID) (shares, locked int64) {
	v.t.Helper()
	err := v.pool.QueryRow(context.Background(), `SELECT shares, locked FROM ownership.holdings WHERE song_id = $1 AND user_id = $2`, song, user).Scan(&shares, &locked)
	if err == pgx.ErrNoRows {
		return 0, 0
	}
	require.NoError(v.t, err)
	return shares, locked
}

func (v *env) count(q string, args ...any) int {
	v.t.Helper()
	var n int
	require.NoError(v.t, v.pool.QueryRow(context.Background(), q, args...).Scan(&n))
	return n
}

// streamPaid publishes payment.stream_paid.v1 through the bus, as payment does.
func (v *env) streamPaid(song, artist uuid.UUID, shareholders string) uuid.UUID {
	v.t.Helper()
	session := uuid.New()
	now := time.Now().UTC()
	env, err := events.New(context.Background(), paycontracts.StreamPaidV1, paycontracts.Source, paycontracts.StreamPaid{SessionID: session,
		SongID: song, ListenerID: uuid.New(), ArtistUserID: artist, EntryID: uuid.New(), Gross: "0.004", PlatformFee: "0.0004",
		Shareholders: shareholders, Net: "0.0028", QualifiedAt: now, PaidAt: now})
	require.NoError(v.t, err)
	require.NoError(v.t, pg.InTx(context.Background(), v.pool, func(tx pgx.Tx) error { return v.bus.Publish(context.Background(), tx, env) }))
	return session
}
