package application_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// fakeSettlements keeps one hold and records what the use case asked for.
type fakeSettlements struct {
	ledger  *fakeStore
	hold    *domain.Hold
	opened  []contracts.AccountRef
	settled []application.StreamSettlement
	keys    map[string][]byte
}

func (f *fakeSettlements) OpenAccount(_ context.Context, ref contracts.AccountRef) error {
	f.opened = append(f.opened, ref)
	if _, err := f.ledger.Account(context.Background(), ref.Owner, ref.Asset, string(ref.Kind)); err != nil {
		f.ledger.open(ref.Owner, string(ref.Kind)) // opening twice keeps the account
	}
	return nil
}

func (f *fakeSettlements) SettleStream(_ context.Context, holdID uuid.UUID, key string, digest []byte, fn func(*domain.Hold) (application.StreamSettlement, error)) (application.PostResult, error) {
	if d, ok := f.keys[key]; ok {
		if string(d) != string(digest) {
			return application.PostResult{}, contracts.ErrIdempotencyKeyReused
		}
		return application.PostResult{Replayed: true}, nil
	}
	if f.hold == nil || f.hold.ID() != holdID {
		return application.PostResult{}, contracts.ErrHoldNotFound
	}
	st, err := fn(f.hold)
	if err != nil {
		return application.PostResult{}, err
	}
	f.keys[key] = digest
	f.settled = append(f.settled, st)
	return application.PostResult{EntryID: st.Entry.ID(), CreatedAt: st.Entry.CreatedAt()}, nil
}

type countingMetrics struct{ paid int }

func (m *countingMetrics) StreamPaid(contracts.StreamPayment) { m.paid++ }

type payFixture struct {
	pay      *application.PayStreamHandler
	store    *fakeSettlements
	metrics  *countingMetrics
	listener uuid.UUID
	artist   uuid.UUID
}

func newPayFixture(t *testing.T, price money.Amount) payFixture {
	t.Helper()
	ls := &fakeStore{accounts: map[string]domain.Account{}}
	listener, artist := uuid.New(), uuid.New()
	ls.open(listener, string(contracts.KindHeld), string(contracts.KindWallet))
	ls.open(artist, string(contracts.KindEarnings))
	ls.open(contracts.PlatformOwner, string(contracts.KindPlatformFees))
	l, err := application.NewLedger(ls, clock, nil)
	require.NoError(t, err)
	hold, err := domain.NewHold(uuid.New(), listener, price, "listen_session", "", fixed)
	require.NoError(t, err)
	store := &fakeSettlements{ledger: ls, hold: hold, keys: map[string][]byte{}}
	m := &countingMetrics{}
	pay, err := application.NewPayStreamHandler(l, store, m, clock, nil)
	require.NoError(t, err)
	return payFixture{pay: pay, store: store, metrics: m, listener: listener, artist: artist}
}

func (f payFixture) payment(price, fee, sh, artist int64) contracts.StreamPayment {
	u := func(n int64) money.Amount { return money.MustNew(money.USD, n) }
	return contracts.StreamPayment{SessionID: uuid.New(), HoldID: f.store.hold.ID(), SongID: uuid.New(), ListenerID: f.listener,
		ArtistUserID: f.artist, Price: u(price), PlatformFee: u(fee), Shareholders: u(sh), Artist: u(artist), QualifiedAt: fixed}
}

func TestPayStreamBuildsOneBalancedSplitEntry(t *testing.T) {
	t.Parallel()
	f := newPayFixture(t, money.MustNew(money.USD, 4000))
	p := f.payment(4000, 600, 500, 2900)
	r, err := f.pay.PayStream(context.Background(), p)
	require.NoError(t, err)
	require.Len(t, f.store.settled, 1)
	st := f.store.settled[0]
	assert.Equal(t, r.EntryID, st.Entry.ID())
	assert.Equal(t, domain.EntrySettle, st.Entry.Kind())
	assert.Equal(t, "stream_paid:"+p.SessionID.String(), st.Entry.Key())
	assert.Equal(t, f.store.hold.ID(), st.Entry.HoldID())
	var sum int64
	kinds := map[string]int64{}
	for _, ps := range st.Entry.Postings() {
		sum += ps.Amount.Units()
		kinds[ps.Account.Kind] += ps.Amount.Units()
	}
	assert.Zero(t, sum)
	assert.Equal(t, map[string]int64{"user_held": -4000, "platform_fees": 600, "song_royalty_pool": 500, "user_earnings": 2900}, kinds)
	assert.Equal(t, []contracts.AccountRef{contracts.RoyaltyPool(p.SongID)}, f.store.opened, "the pool is opened on first use")
	assert.Equal(t, domain.HoldSettled, f.store.hold.Status())
	assert.Equal(t, contracts.StreamPaid{SessionID: p.SessionID, SongID: p.SongID, ListenerID: f.listener, ArtistUserID: f.artist,
		EntryID: r.EntryID, Gross: "0.004000", PlatformFee: "0.000600", Shareholders: "0.000500", Net: "0.002900", QualifiedAt: fixed, PaidAt: fixed}, st.Paid)
	assert.Equal(t, 1, f.metrics.paid)

	again, err := f.pay.PayStream(context.Background(), p)
	require.NoError(t, err)
	assert.True(t, again.Replayed)
	assert.Equal(t, 1, f.metrics.paid, "a replay is not counted")
}

// Property: whatever the price and split, PayStream accepts exactly the splits whose
// non-negative parts sum to the price, and the entry it builds always balances.
func TestPayStreamAcceptsExactlyTheSplitsThatSumToThePrice(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(10, 2))
	for i := range 500 {
		price := 1 + rng.Int64N(50_000)
		fee := rng.Int64N(price + 1)
		sh := rng.Int64N(price - fee + 1)
		artist := price - fee - sh
		exact := true
		switch rng.IntN(4) {
		case 0:
			artist += 1 + rng.Int64N(10)
			exact = false
		case 1:
			if artist > 0 {
				artist--
				exact = false
			}
		}
		f := newPayFixture(t, money.MustNew(money.USD, price))
		_, err := f.pay.PayStream(context.Background(), f.payment(price, fee, sh, artist))
		if !exact {
			require.ErrorIs(t, err, application.ErrStreamSplitMismatch, "case %d: %d = %d + %d + %d", i, price, fee, sh, artist)
			require.Empty(t, f.store.settled)
			continue
		}
		require.NoError(t, err, "case %d: %d = %d + %d + %d", i, price, fee, sh, artist)
		var sum int64
		for _, ps := range f.store.settled[0].Entry.Postings() {
			require.NotZero(t, ps.Amount.Units(), "zero parts are left out")
			sum += ps.Amount.Units()
		}
		require.Zero(t, sum)
	}
}
