package domain

import (
	"math/big"
	"math/bits"
)

// TotalShares is how many shares every song has: together they are 100% of its royalty pool.
const TotalShares int64 = 10_000

// AccScale scales the dividend-per-share accumulator: it counts 10^-18 micro-dollars per
// share, so fractions of a micro-dollar are carried instead of rounded away.
const AccScale uint64 = 1_000_000_000_000_000_000

// U128 is an unsigned 128-bit integer: the accumulator and the scaled amounts owed would
// overflow an int64 within the lifetime of a popular song.
type U128 struct{ Hi, Lo uint64 }

// U128From converts a non-negative int64.
func U128From(v int64) U128 {
	if v < 0 {
		panic("ownership: negative U128")
	}
	return U128{Lo: uint64(v)}
}

// Add returns a+b.
func (a U128) Add(b U128) (U128, error) {
	lo, c := bits.Add64(a.Lo, b.Lo, 0)
	hi, c2 := bits.Add64(a.Hi, b.Hi, c)
	if c2 != 0 {
		return U128{}, ErrAccumulatorOverflow
	}
	return U128{hi, lo}, nil
}

// Sub returns a-b (a >= b).
func (a U128) Sub(b U128) (U128, error) {
	lo, br := bits.Sub64(a.Lo, b.Lo, 0)
	hi, br2 := bits.Sub64(a.Hi, b.Hi, br)
	if br2 != 0 {
		return U128{}, ErrAccumulatorOverflow
	}
	return U128{hi, lo}, nil
}

// MulSmall returns a*m.
func (a U128) MulSmall(m uint64) (U128, error) {
	hi1, lo := bits.Mul64(a.Lo, m)
	hi2, lo2 := bits.Mul64(a.Hi, m)
	if hi2 != 0 {
		return U128{}, ErrAccumulatorOverflow
	}
	hi, c := bits.Add64(hi1, lo2, 0)
	if c != 0 {
		return U128{}, ErrAccumulatorOverflow
	}
	return U128{hi, lo}, nil
}

// DivSmall returns a/d and a%d.
func (a U128) DivSmall(d uint64) (q U128, r uint64) {
	qh, rh := bits.Div64(0, a.Hi, d)
	ql, r := bits.Div64(rh, a.Lo, d)
	return U128{qh, ql}, r
}

// Cmp compares a and b.
func (a U128) Cmp(b U128) int {
	switch {
	case a.Hi < b.Hi || (a.Hi == b.Hi && a.Lo < b.Lo):
		return -1
	case a == b:
		return 0
	}
	return 1
}

// IsZero reports zero.
func (a U128) IsZero() bool { return a.Hi == 0 && a.Lo == 0 }

// Big converts to a big.Int (for storage as NUMERIC).
func (a U128) Big() *big.Int {
	v := new(big.Int).SetUint64(a.Hi)
	v.Lsh(v, 64)
	return v.Or(v, new(big.Int).SetUint64(a.Lo))
}

func (a U128) String() string { return a.Big().String() }

// ParseU128 reads a decimal string written by String.
func ParseU128(s string) (U128, error) {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Sign() < 0 || v.BitLen() > 128 {
		return U128{}, ErrAccumulatorOverflow
	}
	lo := new(big.Int).And(v, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi := new(big.Int).Rsh(v, 64).Uint64()
	return U128{hi, lo}, nil
}

// Accumulator is a song's dividend-per-share state (ERC-2222 style): every paid stream adds
// its pool part once, whatever the number of holders. PerShare counts what one share has
// earned since the offering (scaled by AccScale); Carry is the scaled remainder that did not
// divide evenly by the 10,000 shares and is added to the next stream.
type Accumulator struct {
	PerShare U128
	Carry    uint64
	// Entered is every micro-dollar that entered the pool.
	Entered int64
}

// Accrue adds amount micro-dollars to the pool: one update, O(1).
func (a *Accumulator) Accrue(amount int64) error {
	if amount < 0 {
		return ErrInvalidPrice
	}
	if amount == 0 {
		return nil
	}
	scaled, err := U128From(amount).MulSmall(AccScale)
	if err != nil {
		return err
	}
	if scaled, err = scaled.Add(U128{Lo: a.Carry}); err != nil {
		return err
	}
	inc, rem := scaled.DivSmall(uint64(TotalShares))
	per, err := a.PerShare.Add(inc)
	if err != nil {
		return err
	}
	a.PerShare, a.Carry, a.Entered = per, rem, a.Entered+amount
	return nil
}

// Royalty is one holder's royalty position in a song: Checkpoint is the accumulator when it
// last settled and Owed what it has earned and not claimed, scaled by AccScale.
type Royalty struct {
	Checkpoint U128
	Owed       U128
	// Claimed is what was paid out, in micro-dollars.
	Claimed int64
}

// Settle brings the position up to date with the accumulator for the shares held until now.
// A share transfer settles both sides first, so shares carry only future income.
func (r *Royalty) Settle(shares int64, acc Accumulator) error {
	if shares < 0 {
		return ErrInvalidShares
	}
	diff, err := acc.PerShare.Sub(r.Checkpoint)
	if err != nil {
		return err
	}
	earned, err := diff.MulSmall(uint64(shares))
	if err != nil {
		return err
	}
	if r.Owed, err = r.Owed.Add(earned); err != nil {
		return err
	}
	r.Checkpoint = acc.PerShare
	return nil
}

// Claimable is what the position can claim now, in whole micro-dollars (after Settle).
func (r Royalty) Claimable() int64 {
	q, _ := r.Owed.DivSmall(AccScale)
	return int64(q.Lo) //nolint:gosec // bounded by the pool's int64 total
}

// Claim takes the claimable micro-dollars out of the position; the fraction stays owed.
func (r *Royalty) Claim() (int64, error) {
	c := r.Claimable()
	if c <= 0 {
		return 0, ErrNothingToClaim
	}
	paid, err := U128From(c).MulSmall(AccScale)
	if err != nil {
		return 0, err
	}
	if r.Owed, err = r.Owed.Sub(paid); err != nil {
		return 0, err
	}
	r.Claimed += c
	return c, nil
}
