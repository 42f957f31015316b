package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/migrations"
)

var qualifiedAt = time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)

// failingBus refuses every publish, as a broken outbox would.
type failingBus struct{}

func (failingBus) Publish(context.Context, pgx.Tx, ...events.Envelope) error {
	return errors.New("outbox unavailable")
}

type streamEnv struct {
	pool   *pgxpool.Pool
	ledger *application.Ledger
	pay    *application.PayStreamHandler
	store  *paymentpg.StreamPaymentStore
}

func newStreamEnv(t testing.TB, bus events.Publisher) *streamEnv {
	t.Helper()
	pool := pgtest.NewDB(t)
	if bus == nil {
		bus = events.NewBus(pool, jobs.NewRunner(pool, jobs.Options{}), observability.DiscardLogger())
	}
	ls := paymentpg.NewLedgerStore(pool)
	l, err := application.NewLedger(ls, nil, nil)
	require.NoError(t, err)
	store := paymentpg.NewStreamPaymentStore(pool, ls, bus)
	pay, err := application.NewPayStreamHandler(l, store, nil, nil, nil)
	require.NoError(t, err)
	return &streamEnv{pool: pool, ledger: l, pay: pay, store: store}
}

// listen funds a listener and holds the price, as a listen session's start does.
func (e *streamEnv) listen(t testing.TB, price money.Amount) (listener, holdID uuid.UUID) {
	t.Helper()
	listener = fund(t, e.ledger, price)
	h, err := e.ledger.Hold(context.Background(), contracts.HoldRequest{IdempotencyKey: "listen_hold:" + listener.String(), Owner: listener,
		Amount: price, Details: contracts.Details{Reason: "listen_session"}})
	require.NoError(t, err)
	return listener, h.HoldID
}

func (e *streamEnv) outbox(t *testing.T, sessionID uuid.UUID) []events.Envelope {
	t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT id, type, source, payload, user_ids FROM platform.events
		WHERE type = $1 AND payload->>'session_id' = $2`, contracts.StreamPaidV1, sessionID.String())
	require.NoError(t, err)
	defer rows.Close()
	var out []events.Envelope
	for rows.Next() {
		var env events.Envelope
		require.NoError(t, rows.Scan(&env.ID, &env.Type, &env.Source, &env.Payload, &env.UserIDs))
		out = append(out, env)
	}
	require.NoError(t, rows.Err())
	return out
}

func (e *streamEnv) verify(t *testing.T) {
	t.Helper()
	r, err := paymentpg.VerifyLedger(context.Background(), e.pool)
	require.NoError(t, err)
	require.True(t, r.OK(), "ledger verify: %v", r.Problems)
}

func (e *streamEnv) entries(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT count(*) FROM payment.journal_entries WHERE reason = 'stream_payment'`).Scan(&n))
	return n
}

func TestPayStreamSplitsTheHoldInOneEntryAndAnnouncesIt(t *testing.T) {
	t.Parallel()
	e := newStreamEnv(t, nil)
	ctx := context.Background()
	artist := fund(t, e.ledger, usd(t, "0"))
	listener, hold := e.listen(t, usd(t, "0.004"))
	song, session := uuid.New(), uuid.New()
	fees := balance(t, e.ledger, contracts.System(contracts.KindPlatformFees, money.USD))

	p := contracts.StreamPayment{SessionID: session, HoldID: hold, SongID: song, ListenerID: listener, ArtistUserID: artist,
		Price: usd(t, "0.004"), PlatformFee: usd(t, "0.0006"), Shareholders: usd(t, "0.0005"), Artist: usd(t, "0.0029"), QualifiedAt: qualifiedAt}
	r, err := e.pay.PayStream(ctx, p)
	require.NoError(t, err)
	assert.False(t, r.Replayed)

	assert.Equal(t, "0.002900", balance(t, e.ledger, contracts.UserAccount(artist, money.USD, contracts.KindEarnings)))
	assert.Equal(t, "0.000500", balance(t, e.ledger, contracts.RoyaltyPool(song)), "the pool is opened on first use")
	assert.Equal(t, "0.000000", balance(t, e.ledger, contracts.UserAccount(listener, money.USD, contracts.KindHeld)))
	assert.Equal(t, "0.000000", balance(t, e.ledger, contracts.Wallet(listener, money.USD)))
	feesAfter := balance(t, e.ledger, contracts.System(contracts.KindPlatformFees, money.USD))
	assert.Equal(t, usd(t, fees).Units()+600, usd(t, feesAfter).Units())

	// ONE entry: the hold's debit and the three credits
	var postings []int64
	rows, err := e.pool.Query(ctx, `SELECT amount FROM payment.postings WHERE entry_id = $1 ORDER BY amount`, r.EntryID)
	require.NoError(t, err)
	for rows.Next() {
		var a int64
		require.NoError(t, rows.Scan(&a))
		postings = append(postings, a)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int64{-4000, 500, 600, 2900}, postings)
	var holdStatus string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT status FROM payment.holds WHERE id = $1`, hold).Scan(&holdStatus))
	assert.Equal(t, "settled", holdStatus)

	// the event, to both the listener and the artist
	evs := e.outbox(t, session)
	require.Len(t, evs, 1)
	assert.Equal(t, contracts.Source, evs[0].Source)
	assert.ElementsMatch(t, []uuid.UUID{listener, artist}, evs[0].UserIDs)
	var paid contracts.StreamPaid
	require.NoError(t, json.Unmarshal(evs[0].Payload, &paid))
	assert.Equal(t, contracts.StreamPaid{SessionID: session, SongID: song, ListenerID: listener, ArtistUserID: artist, EntryID: r.EntryID,
		Gross: "0.004000", PlatformFee: "0.000600", Shareholders: "0.000500", Net: "0.002900", QualifiedAt: qualifiedAt, PaidAt: paid.PaidAt}, paid)
	assert.False(t, paid.PaidAt.IsZero())

	// replay: the first receipt, nothing moves, nothing is published
	again, err := e.pay.PayStream(ctx, p)
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, r.EntryID, again.EntryID)
	assert.Len(t, e.outbox(t, session), 1, "a replay publishes nothing")
	assert.Equal(t, int64(1), e.entries(t))
	assert.Equal(t, "0.002900", balance(t, e.ledger, contracts.UserAccount(artist, money.USD, contracts.KindEarnings)))

	// the same session with another split is not a replay
	other := p
	other.PlatformFee, other.Artist = usd(t, "0.001"), usd(t, "0.0025")
	_, err = e.pay.PayStream(ctx, other)
	assert.ErrorIs(t, err, contracts.ErrIdempotencyKeyReused)

	// a second session on the now settled hold
	second := p
	second.SessionID = uuid.New()
	_, err = e.pay.PayStream(ctx, second)
	assert.Error(t, err)
	assert.Equal(t, int64(1), e.entries(t))
	e.verify(t)
}

func TestPayStreamLeavesZeroPartsOutAndNeedsNoPoolWithoutShareholders(t *testing.T) {
	t.Parallel()
	e := newStreamEnv(t, nil)
	ctx := context.Background()
	artist := fund(t, e.ledger, usd(t, "0"))
	listener, hold := e.listen(t, usd(t, "0.004"))
	song := uuid.New()
	r, err := e.pay.PayStream(ctx, contracts.StreamPayment{SessionID: uuid.New(), HoldID: hold, SongID: song, ListenerID: listener,
		ArtistUserID: artist, Price: usd(t, "0.004"), Artist: usd(t, "0.004"), QualifiedAt: qualifiedAt})
	require.NoError(t, err)
	var n int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM payment.postings WHERE entry_id = $1`, r.EntryID).Scan(&n))
	assert.Equal(t, 2, n, "held -> artist only")
	_, err = e.ledger.Balance(ctx, contracts.RoyaltyPool(song))
	assert.ErrorIs(t, err, contracts.ErrAccountNotFound, "no pool is opened for nothing")
	e.verify(t)
}

func TestPayStreamRefusesWrongSplitsAndWritesNothing(t *testing.T) {
	t.Parallel()
	e := newStreamEnv(t, nil)
	ctx := context.Background()
	artist := fund(t, e.ledger, usd(t, "0"))
	listener, hold := e.listen(t, usd(t, "0.004"))
	stranger, strangerHold := e.listen(t, usd(t, "0.004"))
	_ = stranger
	song := uuid.New()
	base := contracts.StreamPayment{SessionID: uuid.New(), HoldID: hold, SongID: song, ListenerID: listener, ArtistUserID: artist,
		Price: usd(t, "0.004"), PlatformFee: usd(t, "0.0006"), Shareholders: usd(t, "0.0005"), Artist: usd(t, "0.0029"), QualifiedAt: qualifiedAt}
	for _, tc := range []struct {
		name   string
		change func(*contracts.StreamPayment)
		want   error
	}{
		{"parts sum to less", func(p *contracts.StreamPayment) { p.Artist = usd(t, "0.0028") }, application.ErrStreamSplitMismatch},
		{"parts sum to more", func(p *contracts.StreamPayment) { p.Artist = usd(t, "0.003") }, application.ErrStreamSplitMismatch},
		{"negative part", func(p *contracts.StreamPayment) {
			p.PlatformFee, p.Artist = usd(t, "-0.001"), usd(t, "0.0045")
		}, application.ErrStreamSplitMismatch},
		{"VIBE part", func(p *contracts.StreamPayment) { p.Shareholders = money.MustNew(money.VIBE, 500) }, application.ErrStreamSplitMismatch},
		{"zero price", func(p *contracts.StreamPayment) {
			p.Price, p.PlatformFee, p.Shareholders, p.Artist = usd(t, "0"), usd(t, "0"), usd(t, "0"), usd(t, "0")
		}, application.ErrStreamSplitMismatch},
		{"price other than the hold", func(p *contracts.StreamPayment) {
			p.Price, p.Artist = usd(t, "0.003"), usd(t, "0.0019")
		}, application.ErrStreamHoldMismatch},
		{"someone else's hold", func(p *contracts.StreamPayment) { p.HoldID = strangerHold }, application.ErrStreamHoldMismatch},
		{"unknown hold", func(p *contracts.StreamPayment) { p.HoldID = uuid.New() }, contracts.ErrHoldNotFound},
		{"no session", func(p *contracts.StreamPayment) { p.SessionID = uuid.Nil }, contracts.ErrInvalidRequest},
		{"artist without accounts", func(p *contracts.StreamPayment) { p.ArtistUserID = uuid.New() }, contracts.ErrAccountNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			p.SessionID = uuid.New()
			tc.change(&p)
			_, err := e.pay.PayStream(ctx, p)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	assert.Equal(t, int64(0), e.entries(t), "nothing was written")
	assert.Equal(t, "0.004000", balance(t, e.ledger, contracts.UserAccount(listener, money.USD, contracts.KindHeld)), "the hold is untouched")
	var n int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM platform.events WHERE type = $1`, contracts.StreamPaidV1).Scan(&n))
	assert.Zero(t, n)
	e.verify(t)
}

func TestPayStreamFailingPublishRollsTheSettlementBack(t *testing.T) {
	t.Parallel()
	e := newStreamEnv(t, failingBus{})
	ctx := context.Background()
	artist := fund(t, e.ledger, usd(t, "0"))
	listener, hold := e.listen(t, usd(t, "0.004"))
	song, session := uuid.New(), uuid.New()
	p := contracts.StreamPayment{SessionID: session, HoldID: hold, SongID: song, ListenerID: listener, ArtistUserID: artist,
		Price: usd(t, "0.004"), Artist: usd(t, "0.004"), QualifiedAt: qualifiedAt}
	_, err := e.pay.PayStream(ctx, p)
	require.ErrorContains(t, err, "outbox unavailable")
	assert.Equal(t, int64(0), e.entries(t))
	assert.Equal(t, "0.000000", balance(t, e.ledger, contracts.UserAccount(artist, money.USD, contracts.KindEarnings)))
	assert.Equal(t, "0.004000", balance(t, e.ledger, contracts.UserAccount(listener, money.USD, contracts.KindHeld)))
	var status string
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT status FROM payment.holds WHERE id = $1`, hold).Scan(&status))
	assert.Equal(t, "active", status)
	var rows int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM payment.stream_payments WHERE session_id = $1`, session).Scan(&rows))
	assert.Zero(t, rows)

	// once the outbox works again the same call pays, once
	e2 := *e
	bus := events.NewBus(e.pool, jobs.NewRunner(e.pool, jobs.Options{}), observability.DiscardLogger())
	ls := paymentpg.NewLedgerStore(e.pool)
	pay, err := application.NewPayStreamHandler(e.ledger, paymentpg.NewStreamPaymentStore(e.pool, ls, bus), nil, nil, nil)
	require.NoError(t, err)
	e2.pay = pay
	r, err := e2.pay.PayStream(ctx, p)
	require.NoError(t, err)
	assert.False(t, r.Replayed)
	assert.Len(t, e.outbox(t, session), 1)
	e.verify(t)
}

func TestPayStreamTwoHundredListenersOfOneSongAtOnce(t *testing.T) {
	t.Parallel()
	e := newStreamEnv(t, nil)
	ctx := context.Background()
	artist := fund(t, e.ledger, usd(t, "0"))
	song := uuid.New()
	const n = 200
	price := usd(t, "0.004")
	payments := make([]contracts.StreamPayment, n)
	for i := range payments {
		listener, hold := e.listen(t, price)
		payments[i] = contracts.StreamPayment{SessionID: uuid.New(), HoldID: hold, SongID: song, ListenerID: listener, ArtistUserID: artist,
			Price: price, PlatformFee: usd(t, "0.0002"), Shareholders: usd(t, "0.0001"), Artist: usd(t, "0.0037"), QualifiedAt: qualifiedAt}
	}
	// every listen is delivered twice at once (at-least-once delivery): each is paid exactly once
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh, replays := 0, 0
	errCh := make(chan error, 2*n)
	for i := range 2 * n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := e.pay.PayStream(ctx, payments[i%n])
			if err != nil {
				errCh <- err
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if r.Replayed {
				replays++
			} else {
				fresh++
			}
		}()
	}
	wg.Wait()
	close(errCh)
	for err := range errCh {
		require.NoError(t, err)
	}
	assert.Equal(t, n, fresh, "each listen paid once")
	assert.Equal(t, n, replays)
	assert.Equal(t, int64(n), e.entries(t))
	assert.Equal(t, money.MustNew(money.USD, n*3700).String(), balance(t, e.ledger, contracts.UserAccount(artist, money.USD, contracts.KindEarnings)),
		"the artist's earnings are the sum of the artist parts")
	assert.Equal(t, money.MustNew(money.USD, n*100).String(), balance(t, e.ledger, contracts.RoyaltyPool(song)))
	totals, err := e.store.StreamTotals(ctx, artist)
	require.NoError(t, err)
	assert.Equal(t, int64(n), totals.Payments)
	assert.Equal(t, int64(n*4000), totals.Gross)
	var published int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM platform.events WHERE type = $1`, contracts.StreamPaidV1).Scan(&published))
	assert.Equal(t, n, published, "one event per paid listen")
	for _, p := range payments[:5] {
		assert.Equal(t, "0.000000", balance(t, e.ledger, contracts.UserAccount(p.ListenerID, money.USD, contracts.KindHeld)))
	}
	e.verify(t)
}

func TestRewardsAccountsForNewAndExistingUsers(t *testing.T) {
	t.Parallel()
	e := newStreamEnv(t, nil)
	ctx := context.Background()
	fresh := fund(t, e.ledger, usd(t, "0"))
	b, err := e.ledger.Balance(ctx, contracts.UserAccount(fresh, money.VIBE, contracts.KindRewards))
	require.NoError(t, err, "new users get a rewards account with their others")
	assert.True(t, b.IsZero())

	// a user from before the listen economy: their accounts have no rewards kind
	old := fund(t, e.ledger, usd(t, "0"))
	_, err = e.pool.Exec(ctx, `DELETE FROM payment.balances b USING payment.accounts a
		WHERE b.account_id = a.id AND a.owner_id = $1 AND a.kind = 'user_rewards'`, old)
	require.NoError(t, err)
	_, err = e.pool.Exec(ctx, `DELETE FROM payment.accounts WHERE owner_id = $1 AND kind = 'user_rewards'`, old)
	require.NoError(t, err)

	// the migration opens them (and is harmless for users who have them)
	raw, err := migrations.FS.ReadFile("00081_payment_stream_accounts.sql")
	require.NoError(t, err)
	up, _, ok := strings.Cut(string(raw), "-- +goose Down")
	require.True(t, ok)
	_, err = e.pool.Exec(ctx, up)
	require.NoError(t, err)
	for _, u := range []uuid.UUID{old, fresh} {
		for _, a := range money.Assets() {
			b, err := e.ledger.Balance(ctx, contracts.UserAccount(u, a, contracts.KindRewards))
			require.NoError(t, err)
			assert.True(t, b.IsZero())
		}
	}
	var n int
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM payment.accounts WHERE owner_id = $1 AND kind = 'user_rewards'`, fresh).Scan(&n))
	assert.Equal(t, 2, n, "one per asset, never twice")
	e.verify(t)
}

func TestVerifyKnowsTheListenEconomyKinds(t *testing.T) {
	t.Parallel()
	e := newStreamEnv(t, nil)
	ctx := context.Background()
	e.verify(t) // rewards accounts and pools are known kinds
	_, err := e.pool.Exec(ctx, `INSERT INTO payment.accounts (id, owner_id, asset, kind, allow_negative, shards)
		VALUES (gen_random_uuid(), gen_random_uuid(), 'VIBE', 'song_royalty_pool', false, 1), (gen_random_uuid(), gen_random_uuid(), 'USD', 'mystery', false, 1)`)
	require.NoError(t, err)
	r, err := paymentpg.VerifyLedger(ctx, e.pool)
	require.NoError(t, err)
	require.Len(t, r.Problems, 2, "%v", r.Problems)
	assert.Contains(t, r.Problems[0]+r.Problems[1], "song_royalty_pool")
	assert.Contains(t, r.Problems[0]+r.Problems[1], "mystery")
}

// BenchmarkPayStreamOneArtist pays listens of one artist's song from many listeners at once
// (the artist's earnings row is the hot spot): listens/s and latency percentiles.
func BenchmarkPayStreamOneArtist(b *testing.B) { benchPayStream(b, 1) }

// BenchmarkPayStreamManyArtists is the control: every listen pays another artist.
func BenchmarkPayStreamManyArtists(b *testing.B) { benchPayStream(b, 0) }

func benchPayStream(b *testing.B, artists int) {
	e := newStreamEnv(b, nil)
	price := money.MustNew(money.USD, 4000)
	payments := make([]contracts.StreamPayment, b.N)
	var artist uuid.UUID
	song := uuid.New()
	for i := range payments {
		if artists == 0 || i == 0 {
			artist, song = fund(b, e.ledger, money.MustNew(money.USD, 0)), uuid.New()
		}
		listener, hold := e.listen(b, price)
		payments[i] = contracts.StreamPayment{SessionID: uuid.New(), HoldID: hold, SongID: song, ListenerID: listener, ArtistUserID: artist,
			Price: price, PlatformFee: money.MustNew(money.USD, 200), Shareholders: money.MustNew(money.USD, 100), Artist: money.MustNew(money.USD, 3700),
			QualifiedAt: qualifiedAt}
	}
	runTransfers(b, func(_, i int) error {
		_, err := e.pay.PayStream(context.Background(), payments[i])
		return err
	})
	b.StopTimer()
	r, err := paymentpg.VerifyLedger(context.Background(), e.pool)
	require.NoError(b, err)
	require.True(b, r.OK(), "%v", r.Problems)
}
