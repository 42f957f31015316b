package domain

import "github.com/vibestream/vibestream/internal/kernel/money"

// Split is how one stream price is divided. Every part is floored and the artist takes the
// remainder, so the parts always sum to Price exactly.
type Split struct {
	Price        money.Amount
	PlatformFee  money.Amount
	Shareholders money.Amount
	Artist       money.Amount
}

// MaxBPS is 100% in basis points.
const MaxBPS = 10_000

// NewSplit divides price: the platform fee is feeBPS of the price, the shareholders get
// shareholderBPS of what remains after the fee, and the artist gets the rest.
func NewSplit(price money.Amount, feeBPS, shareholderBPS int) (Split, error) {
	if price.Asset() != money.USD || !price.IsPositive() {
		return Split{}, ErrInvalidPrice
	}
	if feeBPS < 0 || feeBPS > MaxBPS || shareholderBPS < 0 || shareholderBPS > MaxBPS {
		return Split{}, ErrInvalidSplit
	}
	fee, err := price.MulDiv(int64(feeBPS), MaxBPS)
	if err != nil {
		return Split{}, err
	}
	afterFee, err := price.Sub(fee)
	if err != nil {
		return Split{}, err
	}
	share, err := afterFee.MulDiv(int64(shareholderBPS), MaxBPS)
	if err != nil {
		return Split{}, err
	}
	artist, err := afterFee.Sub(share)
	if err != nil {
		return Split{}, err
	}
	return Split{Price: price, PlatformFee: fee, Shareholders: share, Artist: artist}, nil
}

// FeePhase is one step of the platform fee by registered users (the original design's
// phases): below Below users, the fee is BPS.
type FeePhase struct {
	Below int64
	BPS   int
}

// DefaultFeePhases are the original design's: under 1,000 users 0%, under 10,000 5%, else 15%.
var DefaultFeePhases = []FeePhase{{Below: 1_000, BPS: 0}, {Below: 10_000, BPS: 500}}

// DefaultFeeAbove is the fee once every phase is passed (15%).
const DefaultFeeAbove = 1_500

// PhaseFee returns the platform fee for a platform with users registered accounts.
func PhaseFee(users int64, phases []FeePhase, above int) int {
	for _, p := range phases {
		if users < p.Below {
			return p.BPS
		}
	}
	return above
}
