package ownership_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// poolLedger stands in for the payment context's royalty pools only while main's ledger does
// not know the song_royalty_pool kind yet (the listen-economy issue adds it): transfers out of
// a pool are recorded and, once, fail as a crash would; everything else is the real ledger.
type poolLedger struct {
	paycontracts.Ledger
	mu       sync.Mutex
	paid     map[string]paycontracts.TransferRequest // by idempotency key
	failNext bool
}

func (p *poolLedger) Transfer(ctx context.Context, req paycontracts.TransferRequest) (paycontracts.Receipt, error) {
	if req.From.Kind != paycontracts.KindRoyaltyPool || paycontracts.KindRoyaltyPool.Valid() {
		return p.Ledger.Transfer(ctx, req)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.failNext {
		p.failNext = false
		return paycontracts.Receipt{}, errCrash
	}
	if _, dup := p.paid[req.IdempotencyKey]; dup {
		return paycontracts.Receipt{Replayed: true}, nil
	}
	p.paid[req.IdempotencyKey] = req
	return paycontracts.Receipt{EntryID: uuid.New()}, nil
}

func (p *poolLedger) total(user uuid.UUID) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n int64
	for _, r := range p.paid {
		if r.To[0].To.Owner == user {
			n += r.To[0].Amount.Units()
		}
	}
	return n
}

func TestClaimRoyalties(t *testing.T) {
	t.Parallel()
	pl := &poolLedger{paid: map[string]paycontracts.TransferRequest{}}
	v := newEnv(t, envOpts{ledger: func(l paycontracts.Ledger) paycontracts.Ledger { pl.Ledger = l; return pl }})
	if paycontracts.KindRoyaltyPool.Valid() {
		t.Skip("the ledger has royalty pools: TestClaimRoyaltiesFromTheRealPool covers claims")
	}
	artist, fan := v.user("0"), v.user("100")
	songA, songB := v.song(artist, "A"), v.song(artist, "B")
	ctx := context.Background()
	for _, s := range []uuid.UUID{songA, songB} {
		off := v.offering(artist, s, 1000, "0.01", nil)
		require.Equal(t, http.StatusCreated, v.buy(off, fan, 1000).Code)
	}
	r := v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil)
	assert.Equal(t, http.StatusConflict, r.Code)
	assert.Equal(t, "ownership.nothing_to_claim", r.errCode())

	require.NoError(t, v.mod.AccrueForTest(ctx, paycontracts.StreamPaid{SessionID: uuid.New(), SongID: songA, Shareholders: "0.01"}))
	require.NoError(t, v.mod.AccrueForTest(ctx, paycontracts.StreamPaid{SessionID: uuid.New(), SongID: songB, Shareholders: "0.000015"}))
	key := uuid.NewString()
	r = v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil, key)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "0.001001", r.Body["total"], "10% of 0.01 and 10% of 0.000015 floored to a micro-dollar")
	assert.Len(t, r.Body["claims"], 2)
	assert.Equal(t, int64(1001), pl.total(fan))
	// a retry with the same key replays; a new claim finds nothing (the 0.5 micro-dollar stays owed)
	r2 := v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil, key)
	assert.Equal(t, r.Body, r2.Body)
	assert.Equal(t, "ownership.nothing_to_claim", v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil).errCode())
	h := holdingOf(portfolio(t, v, fan), songA)
	assert.Equal(t, "0.001000", h["royalties_earned"])
	assert.Equal(t, "0.000000", h["royalties_claimable"])
	r = v.do(http.MethodGet, "/api/v1/ownership/songs/"+songA.String(), uuid.Nil, nil)
	assert.Equal(t, "0.001000", r.Body["royalties_paid"])

	// a claim whose payment fails (a crash) is stored and paid once by the sweeper
	require.NoError(t, v.mod.AccrueForTest(ctx, paycontracts.StreamPaid{SessionID: uuid.New(), SongID: songA, Shareholders: "0.02"}))
	pl.mu.Lock()
	pl.failNext = true
	pl.mu.Unlock()
	r = v.do(http.MethodPost, "/api/v1/ownership/royalties/claim", fan, nil)
	require.Equal(t, http.StatusOK, r.Code, string(r.Raw))
	assert.Equal(t, "pending", r.Body["claims"].([]any)[0].(map[string]any)["status"])
	assert.Equal(t, 1, v.count(`SELECT count(*) FROM ownership.claims WHERE completed_at IS NULL`))
	for i := 0; i < 2; i++ {
		_, err := v.mod.Sweep(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, 0, v.count(`SELECT count(*) FROM ownership.claims WHERE completed_at IS NULL`))
	assert.Equal(t, int64(1001+2000), pl.total(fan))
	assert.Equal(t, 3, v.count(`SELECT count(*) FROM platform.events WHERE type = 'ownership.royalties_claimed.v1'`), "one per paid claim")
}
