package domain_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/ownership/domain"
)

func TestU128RoundTripAndArithmetic(t *testing.T) {
	t.Parallel()
	a, err := domain.U128From(7).MulSmall(domain.AccScale)
	require.NoError(t, err)
	a, err = a.MulSmall(domain.AccScale) // 7e36, beyond 64 bits
	require.NoError(t, err)
	assert.Equal(t, "7000000000000000000000000000000000000", a.String())
	back, err := domain.ParseU128(a.String())
	require.NoError(t, err)
	assert.Equal(t, a, back)
	q, r := a.DivSmall(3)
	q3, _ := q.MulSmall(3)
	sum, _ := q3.Add(domain.U128From(int64(r)))
	assert.Equal(t, a, sum)
	_, err = domain.U128{}.Sub(domain.U128From(1))
	require.ErrorIs(t, err, domain.ErrAccumulatorOverflow)
	_, err = domain.ParseU128("-1")
	require.ErrorIs(t, err, domain.ErrAccumulatorOverflow)
}

func TestAccrualSplitsByShares(t *testing.T) {
	t.Parallel()
	var acc domain.Accumulator
	artist, fan := &domain.Royalty{}, &domain.Royalty{}
	require.NoError(t, acc.Accrue(1_000_000)) // $1 into the pool
	require.NoError(t, artist.Settle(7_500, acc))
	require.NoError(t, fan.Settle(2_500, acc))
	assert.Equal(t, int64(750_000), artist.Claimable())
	assert.Equal(t, int64(250_000), fan.Claimable())
	c, err := fan.Claim()
	require.NoError(t, err)
	assert.Equal(t, int64(250_000), c)
	_, err = fan.Claim()
	require.ErrorIs(t, err, domain.ErrNothingToClaim)
}

func TestSharesCarryOnlyFutureIncome(t *testing.T) {
	t.Parallel()
	var acc domain.Accumulator
	seller, buyer := &domain.Royalty{}, &domain.Royalty{}
	sellerShares, buyerShares := int64(10_000), int64(0)
	require.NoError(t, acc.Accrue(10_000))
	// transfer 5,000 shares: both sides settle first
	require.NoError(t, seller.Settle(sellerShares, acc))
	require.NoError(t, buyer.Settle(buyerShares, acc))
	sellerShares, buyerShares = 5_000, 5_000
	require.NoError(t, acc.Accrue(10_000))
	require.NoError(t, seller.Settle(sellerShares, acc))
	require.NoError(t, buyer.Settle(buyerShares, acc))
	assert.Equal(t, int64(15_000), seller.Claimable())
	assert.Equal(t, int64(5_000), buyer.Claimable())
}

func TestDustIsCarriedNotLost(t *testing.T) {
	t.Parallel()
	var acc domain.Accumulator
	holders := []int64{3_333, 3_333, 3_334}
	pos := make([]domain.Royalty, 3)
	// 1 micro-dollar a stream, 7 streams: nobody can claim a whole micro-dollar on the first
	for i := 0; i < 7; i++ {
		require.NoError(t, acc.Accrue(1))
	}
	var claimable int64
	for i := range pos {
		require.NoError(t, pos[i].Settle(holders[i], acc))
		claimable += pos[i].Claimable()
	}
	assert.Equal(t, int64(6), claimable, "2.3331+2.3331+2.3338 micro-dollars floor to 2+2+2")
	assert.Equal(t, int64(7), acc.Entered)
}

// TestRoyaltyConservationOverRandomStreamsAndTrades: after random streams, share transfers and
// claims, everything that entered = paid out + claimable + dust, where dust (below a
// micro-dollar per holder, plus the accumulator's carry) is exactly the scaled remainder.
func TestRoyaltyConservationOverRandomStreamsAndTrades(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 50; seed++ {
		rng := rand.New(rand.NewPCG(seed, 42))
		const n = 12
		shares := make([]int64, n)
		shares[0] = domain.TotalShares
		pos := make([]domain.Royalty, n)
		var acc domain.Accumulator
		var paid int64
		for step := 0; step < 2000; step++ {
			switch rng.IntN(4) {
			case 0, 1: // a stream
				require.NoError(t, acc.Accrue(rng.Int64N(5000)))
			case 2: // a transfer
				from, to := rng.IntN(n), rng.IntN(n)
				if from == to || shares[from] == 0 {
					continue
				}
				q := 1 + rng.Int64N(shares[from])
				require.NoError(t, pos[from].Settle(shares[from], acc))
				require.NoError(t, pos[to].Settle(shares[to], acc))
				shares[from] -= q
				shares[to] += q
			case 3: // a claim
				h := rng.IntN(n)
				require.NoError(t, pos[h].Settle(shares[h], acc))
				if c, err := pos[h].Claim(); err == nil {
					paid += c
				}
			}
		}
		var total int64
		for _, s := range shares {
			total += s
		}
		require.Equal(t, domain.TotalShares, total)
		var claimable int64
		owedScaled := domain.U128From(0)
		for i := range pos {
			require.NoError(t, pos[i].Settle(shares[i], acc))
			claimable += pos[i].Claimable()
			var err error
			owedScaled, err = owedScaled.Add(pos[i].Owed)
			require.NoError(t, err)
		}
		// exact: entered x scale = paid x scale + every owed (scaled) + carry
		entered, _ := domain.U128From(acc.Entered).MulSmall(domain.AccScale)
		paidScaled, _ := domain.U128From(paid).MulSmall(domain.AccScale)
		rhs, _ := paidScaled.Add(owedScaled)
		rhs, _ = rhs.Add(domain.U128{Lo: acc.Carry})
		require.Equal(t, entered, rhs, "seed %d: scaled conservation", seed)
		dust := acc.Entered - paid - claimable
		require.GreaterOrEqual(t, dust, int64(0), "seed %d: never invented", seed)
		require.Less(t, dust, int64(n+1), "seed %d: dust is below a micro-dollar per holder", seed)
	}
}

func TestAccrueRefusesNegative(t *testing.T) {
	t.Parallel()
	var acc domain.Accumulator
	require.ErrorIs(t, acc.Accrue(-1), domain.ErrInvalidPrice)
	require.NoError(t, acc.Accrue(0))
	assert.Zero(t, acc.Entered)
}

// BenchmarkAccrue is the per-stream cost of the accumulator, which knows nothing of the
// number of holders (the persisted benchmark with 10,000 holders is in the postgres package).
func BenchmarkAccrue(b *testing.B) {
	var acc domain.Accumulator
	for i := 0; i < b.N; i++ {
		if err := acc.Accrue(4_000); err != nil {
			b.Fatal(err)
		}
	}
}
