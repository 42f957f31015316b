package domain

import (
	"errors"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Price errors.
var (
	ErrStreamPriceInvalid    = errs.New(errs.Unprocessable, "music.stream_price_invalid", "stream_price must be a USD decimal string with at most 6 decimals")
	ErrStreamPriceOutOfRange = errs.New(errs.Unprocessable, "music.stream_price_out_of_range", "stream_price is outside the range the platform allows")
)

// PriceRange is what the platform allows artists to charge per stream, and what songs nobody
// priced cost.
type PriceRange struct {
	Default money.Amount
	Min     money.Amount
	Max     money.Amount
}

// NewPriceRange checks 0 < min <= default <= max, all in USD.
func NewPriceRange(def, minPrice, maxPrice money.Amount) (PriceRange, error) {
	for _, a := range []money.Amount{def, minPrice, maxPrice} {
		if a.Asset() != money.USD || !a.IsPositive() {
			return PriceRange{}, errors.New("stream prices must be positive USD amounts")
		}
	}
	if minPrice.Cmp(def) > 0 || def.Cmp(maxPrice) > 0 {
		return PriceRange{}, errors.New("stream prices need min <= default <= max")
	}
	return PriceRange{Default: def, Min: minPrice, Max: maxPrice}, nil
}

// ParseStreamPrice reads an API price ("0.004") and checks it against the range.
func (r PriceRange) ParseStreamPrice(s string) (money.Amount, error) {
	p, err := money.Parse(money.USD, s)
	if err != nil {
		return money.Amount{}, ErrStreamPriceInvalid
	}
	return p, r.Check(p)
}

// Check refuses a price outside [Min, Max].
func (r PriceRange) Check(p money.Amount) error {
	if p.Asset() != money.USD {
		return ErrStreamPriceInvalid
	}
	if p.Cmp(r.Min) < 0 || p.Cmp(r.Max) > 0 {
		return ErrStreamPriceOutOfRange.WithMessage("stream_price must be between " + r.Min.String() + " and " + r.Max.String() + " USD")
	}
	return nil
}
