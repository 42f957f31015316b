package ownership_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
)

// TestClaimRoyaltiesFromTheRealPool: listens paid by the payment context (one split entry per
// stream into the song's royalty pool, payment.stream_paid.v1 through the outbox) accrue to the
// holders; claims move the money out of the pool; afterwards the pool's balance in the ledger
// is exactly what is still claimable plus the dust.
func TestClaimRoyaltiesFromTheRealPool(t *testing.T) {
	t.Parallel()
	v := newEnv(t)
	sp := v.payment
	v.start()
	ctx := context.Background()
	artist, fan, listener := v.user("0"), v.user("100"), v.user("100")
	song := v.song(artist, "Pool")
	off := v.offering(artist, song, 3000, "0.01", nil)
	require.Equal(t, http.StatusCreated, v.buy(off, fan, 1500).Code) // 15%
	usd := func(s string) money.Amount { a, err := money.Parse(money.USD, s); require.NoError(t, err); return a }
	const streams = 7
	for i := 0; i < streams; i++ {
		session := uuid.New()
		h, err := v.ledger.Hold(ctx, paycontracts.HoldRequest{IdempotencyKey: "listen:" + session.String(), Owner: listener, Amount: usd("0.004"),
			Details: paycontracts.Details{Reason: "listen"}})
		require.NoError(t, err)
		_, err = sp.StreamPayments().PayStream(ctx, paycontracts.StreamPayment{SessionID: session, HoldID: h.HoldID, SongID: song,
			ListenerID: listener, ArtistUserID: artist, Price: usd("0.004"), PlatformFee: usd("0.0004"), Shareholders: usd("0.000721"),
			Artist: usd("0.002879"), QualifiedAt: time.Now()})
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		return v.count(`SELECT count(*) FROM ownership.stream_accruals WHERE song_id = $1`, song) == streams
	}, 10*time.Second, 20*time.Millisecond)
	pool := paycontracts.RoyaltyPool(song)
	assert.Equal(t, "0.005047", v.balance(pool), "7 x 0.000721")

	before := v.wallet(fan)
	r := v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "0.000757", r.Body["total"], "15% of 0.005047 = 0.00075705")
	b, _ := money.Parse(money.USD, before)
	after, _ := money.Parse(money.USD, v.wallet(fan))
	assert.Equal(t, int64(757), after.Units()-b.Units())
	r = v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", artist, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "0.004289", r.Body["total"], "85% of 0.005047 = 0.00428995")
	// what is left in the pool is the dust: 0.00000005 + 0.00000095 of a dollar, below a micro-dollar per holder
	assert.Equal(t, "0.000001", v.balance(pool))
	paymenttest.RequireLedgerConsistent(t, v.pool)
}
