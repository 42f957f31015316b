package ownership_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

// poolLedger is the real ledger whose next transfer out of a royalty pool can be made to fail
// as a crash would.
type poolLedger struct {
	paycontracts.Ledger
	failNext atomic.Bool
}

func (p *poolLedger) Transfer(ctx context.Context, req paycontracts.TransferRequest) (paycontracts.Receipt, error) {
	if req.From.Kind == paycontracts.KindRoyaltyPool && p.failNext.CompareAndSwap(true, false) {
		return paycontracts.Receipt{}, errCrash
	}
	return p.Ledger.Transfer(ctx, req)
}

// payStream pays one listen the way the listen economy does: the listener's price is held and
// settled as one split entry, shareholders' part into the song's pool, and
// payment.stream_paid.v1 goes out through the outbox.
func (v *env) payStream(song, artist, listener uuid.UUID, shareholders string) {
	v.t.Helper()
	ctx := context.Background()
	part, err := money.Parse(money.USD, shareholders)
	require.NoError(v.t, err)
	price, _ := part.Add(money.MustNew(money.USD, 1000))
	session := uuid.New()
	h, err := v.ledger.Hold(ctx, paycontracts.HoldRequest{IdempotencyKey: "listen:" + session.String(), Owner: listener, Amount: price,
		Details: paycontracts.Details{Reason: "listen"}})
	require.NoError(v.t, err)
	_, err = v.payment.StreamPayments().PayStream(ctx, paycontracts.StreamPayment{SessionID: session, HoldID: h.HoldID, SongID: song,
		ListenerID: listener, ArtistUserID: artist, Price: price, PlatformFee: money.Zero(money.USD), Shareholders: part,
		Artist: money.MustNew(money.USD, 1000), QualifiedAt: time.Now()})
	require.NoError(v.t, err)
}

func TestClaimRoyalties(t *testing.T) {
	t.Parallel()
	pl := &poolLedger{}
	v := newEnv(t, envOpts{ledger: func(l paycontracts.Ledger) paycontracts.Ledger { pl.Ledger = l; return pl }})
	v.start()
	artist, fan, listener := v.user("0"), v.user("100"), v.user("100")
	songA, songB := v.song(artist, "A"), v.song(artist, "B")
	ctx := context.Background()
	for _, s := range []uuid.UUID{songA, songB} {
		off := v.offering(artist, s, 1000, "0.01", nil)
		require.Equal(t, http.StatusCreated, v.buy(off, fan, 1000).Code) // 10% of each
	}
	r := v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil)
	assert.Equal(t, http.StatusConflict, r.Code)
	assert.Equal(t, "ownership.nothing_to_claim", r.errCode())

	accrued := func(n int) {
		require.Eventually(t, func() bool { return v.count(`SELECT count(*) FROM ownership.stream_accruals`) == n }, 10*time.Second, 20*time.Millisecond)
	}
	v.payStream(songA, artist, listener, "0.01")
	v.payStream(songB, artist, listener, "0.000015")
	accrued(2)
	wallet := func() int64 {
		b, err := v.ledger.Balance(ctx, paycontracts.Wallet(fan, money.USD))
		require.NoError(t, err)
		return b.Units()
	}
	w0 := wallet()
	key := uuid.NewString()
	r = v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil, key)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "0.001001", r.Body["total"], "10% of 0.01 and 10% of 0.000015 floored to a micro-dollar")
	assert.Len(t, r.Body["claims"], 2)
	assert.Equal(t, int64(1001), wallet()-w0)
	// a retry with the same key replays; a new claim finds nothing (the 0.5 micro-dollar stays owed)
	r2 := v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil, key)
	assert.Equal(t, r.Body, r2.Body)
	assert.Equal(t, int64(1001), wallet()-w0)
	assert.Equal(t, "ownership.nothing_to_claim", v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil).errCode())
	h := holdingOf(portfolio(t, v, fan), songA)
	assert.Equal(t, "0.001000", h["royalties_earned"])
	assert.Equal(t, "0.000000", h["royalties_claimable"])
	r = v.do(http.MethodGet, "/api/v1/ownership/songs/"+songA.String(), uuid.Nil, nil)
	assert.Equal(t, "0.001000", r.Body["royalties_paid"])
	assert.Equal(t, "0.009000", v.balance(paycontracts.RoyaltyPool(songA)), "the artist's 90% is still in the pool")

	// a claim whose payment fails (a crash) is stored, answered pending, and paid once by the sweeper
	v.payStream(songA, artist, listener, "0.02")
	accrued(3)
	pl.failNext.Store(true)
	r = v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "pending", r.Body["claims"].([]any)[0].(map[string]any)["status"])
	assert.Equal(t, 1, v.count(`SELECT count(*) FROM ownership.claims WHERE completed_at IS NULL`))
	for i := 0; i < 2; i++ {
		_, err := v.mod.Sweep(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.claims WHERE completed_at IS NULL`))
	assert.Equal(t, int64(1001+2000), wallet()-w0)
	assert.Equal(t, 3, v.count(`SELECT count(*) FROM platform.events WHERE type = 'ownership.royalties_claimed.v1'`), "one per paid claim")
	paymenttest.RequireLedgerConsistent(t, v.pool)
}
