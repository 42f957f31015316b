// Package money is the exact amount type every context uses: an asset and a signed number of
// its minor units in an int64. Arithmetic is checked (overflow is an error, never a wrap) and
// amounts are read and written as decimal strings: there are no floats anywhere.
package money

import (
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// Errors of amount handling.
var (
	ErrUnknownAsset  = errs.New(errs.Unprocessable, "money.unknown_asset", "the asset is not supported (USD or VIBE)")
	ErrInvalidAmount = errs.New(errs.Unprocessable, "money.invalid_amount", "the amount is not a valid decimal for its asset")
	ErrOverflow      = errs.New(errs.Unprocessable, "money.overflow", "the amount is out of range")
	ErrAssetMismatch = errs.New(errs.Unprocessable, "money.asset_mismatch", "amounts of different assets cannot be combined")
)

// Asset is a currency or token the ledger keeps.
type Asset string

// The supported assets.
const (
	// USD is kept in micro-dollars (6 decimals) so that a $0.004 stream price is exact.
	USD Asset = "USD"
	// VIBE is the platform token, kept in 9 decimals.
	VIBE Asset = "VIBE"
)

// Assets lists every supported asset.
func Assets() []Asset { return []Asset{USD, VIBE} }

// ParseAsset reads an asset code, case-insensitively.
func ParseAsset(s string) (Asset, error) {
	switch a := Asset(strings.ToUpper(strings.TrimSpace(s))); a {
	case USD, VIBE:
		return a, nil
	}
	return "", ErrUnknownAsset
}

// Decimals is the number of decimal places of the asset's minor unit.
func (a Asset) Decimals() int {
	switch a {
	case USD:
		return 6
	case VIBE:
		return 9
	}
	return 0
}

// Valid reports whether a is a supported asset.
func (a Asset) Valid() bool { return a == USD || a == VIBE }

func (a Asset) String() string { return string(a) }

// scale is 10^Decimals.
func (a Asset) scale() int64 {
	s := int64(1)
	for range a.Decimals() {
		s *= 10
	}
	return s
}

// Amount is a signed quantity of one asset in minor units. The zero value has no asset and is
// not a valid amount; build amounts with New, Zero, Parse or FromCents.
type Amount struct {
	asset Asset
	units int64
}

// New builds an amount from minor units.
func New(asset Asset, units int64) (Amount, error) {
	if !asset.Valid() {
		return Amount{}, ErrUnknownAsset
	}
	return Amount{asset: asset, units: units}, nil
}

// MustNew is New for constants known to be valid; it panics otherwise.
func MustNew(asset Asset, units int64) Amount {
	a, err := New(asset, units)
	if err != nil {
		panic(err)
	}
	return a
}

// Zero is the zero amount of an asset.
func Zero(asset Asset) Amount { return Amount{asset: asset} }

// FromCents converts US cents to a USD amount.
func FromCents(cents int64) (Amount, error) {
	const perCent = 10_000 // micro-dollars per cent
	if cents > math.MaxInt64/perCent || cents < math.MinInt64/perCent {
		return Amount{}, ErrOverflow
	}
	return Amount{asset: USD, units: cents * perCent}, nil
}

// Parse reads an exact decimal string such as "12.5", "-0.004" or "100" for asset. More
// fractional digits than the asset has, exponents, spaces, and out-of-range values are errors.
func Parse(asset Asset, s string) (Amount, error) {
	if !asset.Valid() {
		return Amount{}, ErrUnknownAsset
	}
	if s == "" || len(s) > 64 {
		return Amount{}, ErrInvalidAmount
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") || !digits(whole) || !digits(frac) {
		return Amount{}, ErrInvalidAmount
	}
	if len(frac) > asset.Decimals() {
		return Amount{}, ErrInvalidAmount.WithMessage("the amount has more than " + strconv.Itoa(asset.Decimals()) + " decimals for " + string(asset))
	}
	frac += strings.Repeat("0", asset.Decimals()-len(frac))
	w, err := strconv.ParseUint(whole, 10, 64)
	if err != nil {
		return Amount{}, ErrOverflow
	}
	var f uint64
	if frac != "" {
		if f, err = strconv.ParseUint(frac, 10, 64); err != nil {
			return Amount{}, ErrInvalidAmount
		}
	}
	hi, lo := bits.Mul64(w, uint64(asset.scale()))
	sum, carry := bits.Add64(lo, f, 0)
	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // |MinInt64|
	}
	if hi != 0 || carry != 0 || sum > limit {
		return Amount{}, ErrOverflow
	}
	if neg {
		return Amount{asset: asset, units: int64(-sum)}, nil //nolint:gosec // checked above
	}
	return Amount{asset: asset, units: int64(sum)}, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Asset returns the amount's asset.
func (a Amount) Asset() Asset { return a.asset }

// Units returns the amount in minor units.
func (a Amount) Units() int64 { return a.units }

// IsZero reports a zero amount.
func (a Amount) IsZero() bool { return a.units == 0 }

// IsPositive reports an amount above zero.
func (a Amount) IsPositive() bool { return a.units > 0 }

// IsNegative reports an amount below zero.
func (a Amount) IsNegative() bool { return a.units < 0 }

// Add returns a+b, refusing mixed assets and overflow.
func (a Amount) Add(b Amount) (Amount, error) {
	if a.asset != b.asset {
		return Amount{}, ErrAssetMismatch
	}
	s := a.units + b.units
	if (b.units > 0 && s < a.units) || (b.units < 0 && s > a.units) {
		return Amount{}, ErrOverflow
	}
	return Amount{asset: a.asset, units: s}, nil
}

// Sub returns a-b, refusing mixed assets and overflow.
func (a Amount) Sub(b Amount) (Amount, error) {
	nb, err := b.Neg()
	if err != nil {
		return Amount{}, err
	}
	return a.Add(nb)
}

// Neg returns -a.
func (a Amount) Neg() (Amount, error) {
	if a.units == math.MinInt64 {
		return Amount{}, ErrOverflow
	}
	return Amount{asset: a.asset, units: -a.units}, nil
}

// Cmp compares two amounts of the same asset (-1, 0, +1); it panics on mixed assets, which is a
// programming error.
func (a Amount) Cmp(b Amount) int {
	if a.asset != b.asset {
		panic("money: comparing " + string(a.asset) + " with " + string(b.asset))
	}
	switch {
	case a.units < b.units:
		return -1
	case a.units > b.units:
		return 1
	}
	return 0
}

// MulDiv returns a*num/den rounded toward zero, computed exactly in 128 bits (for shares and
// fees such as a 10% platform cut: MulDiv(10, 100)). num and den must be positive.
func (a Amount) MulDiv(num, den int64) (Amount, error) {
	if num < 0 || den <= 0 {
		return Amount{}, ErrInvalidAmount.WithMessage("a ratio must be non-negative with a positive denominator")
	}
	neg := a.units < 0
	u := uint64(a.units)
	if neg {
		u = uint64(-(a.units + 1)) + 1 // |a| without overflow for MinInt64
	}
	hi, lo := bits.Mul64(u, uint64(num))
	if hi >= uint64(den) {
		return Amount{}, ErrOverflow
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > math.MaxInt64 {
		return Amount{}, ErrOverflow
	}
	r := int64(q)
	if neg {
		r = -r
	}
	return Amount{asset: a.asset, units: r}, nil
}

// Cents returns a USD amount in whole cents, and whether it converts exactly.
func (a Amount) Cents() (int64, bool) {
	if a.asset != USD {
		return 0, false
	}
	return a.units / 10_000, a.units%10_000 == 0
}

// String formats the amount as an exact decimal with all of its asset's decimals, e.g.
// "12.500000" for USD or "-0.000000001" for VIBE.
func (a Amount) String() string {
	d := a.asset.Decimals()
	if d == 0 {
		return strconv.FormatInt(a.units, 10)
	}
	u := uint64(a.units)
	sign := ""
	if a.units < 0 {
		sign = "-"
		u = uint64(-(a.units + 1)) + 1
	}
	s := strconv.FormatUint(u, 10)
	if len(s) <= d {
		s = strings.Repeat("0", d-len(s)+1) + s
	}
	return sign + s[:len(s)-d] + "." + s[len(s)-d:]
}
