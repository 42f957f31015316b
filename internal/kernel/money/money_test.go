package money

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAndFormat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		asset Asset
		in    string
		units int64
		out   string
		err   error
	}{
		{USD, "12.5", 12_500_000, "12.500000", nil},
		{USD, "0.004", 4_000, "0.004000", nil},
		{USD, "100", 100_000_000, "100.000000", nil},
		{USD, "-0.000001", -1, "-0.000001", nil},
		{USD, "+1.000001", 1_000_001, "1.000001", nil},
		{VIBE, "1.000000001", 1_000_000_001, "1.000000001", nil},
		{VIBE, "0", 0, "0.000000000", nil},
		{USD, "9223372036854.775807", math.MaxInt64, "9223372036854.775807", nil},
		{USD, "-9223372036854.775808", math.MinInt64, "-9223372036854.775808", nil},
		{USD, "9223372036854.775808", 0, "", ErrOverflow},
		{USD, "99999999999999999999", 0, "", ErrOverflow},
		{USD, "0.0000001", 0, "", ErrInvalidAmount},
		{USD, "1e3", 0, "", ErrInvalidAmount},
		{USD, "1.", 0, "", ErrInvalidAmount},
		{USD, ".5", 0, "", ErrInvalidAmount},
		{USD, "", 0, "", ErrInvalidAmount},
		{USD, " 1", 0, "", ErrInvalidAmount},
		{USD, "1,5", 0, "", ErrInvalidAmount},
		{USD, "--1", 0, "", ErrInvalidAmount},
		{Asset("EUR"), "1", 0, "", ErrUnknownAsset},
	}
	for _, c := range cases {
		t.Run(string(c.asset)+" "+c.in, func(t *testing.T) {
			a, err := Parse(c.asset, c.in)
			if c.err != nil {
				assert.ErrorIs(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.units, a.Units())
			assert.Equal(t, c.out, a.String())
			back, err := Parse(c.asset, a.String())
			require.NoError(t, err)
			assert.Equal(t, a, back, "format then parse is the identity")
		})
	}
}

func TestArithmeticIsChecked(t *testing.T) {
	t.Parallel()
	max := MustNew(USD, math.MaxInt64)
	one := MustNew(USD, 1)
	_, err := max.Add(one)
	assert.ErrorIs(t, err, ErrOverflow)
	_, err = MustNew(USD, math.MinInt64).Sub(one)
	assert.ErrorIs(t, err, ErrOverflow)
	_, err = MustNew(USD, math.MinInt64).Neg()
	assert.ErrorIs(t, err, ErrOverflow)
	_, err = one.Add(MustNew(VIBE, 1))
	assert.ErrorIs(t, err, ErrAssetMismatch)

	s, err := MustNew(USD, 7).Sub(MustNew(USD, 10))
	require.NoError(t, err)
	assert.Equal(t, int64(-3), s.Units())
	assert.True(t, s.IsNegative())
	assert.Equal(t, -1, s.Cmp(one))
	assert.Panics(t, func() { one.Cmp(MustNew(VIBE, 1)) })
}

func TestMulDivIsExact(t *testing.T) {
	t.Parallel()
	price, _ := Parse(USD, "0.004")
	fee, err := price.MulDiv(15, 100)
	require.NoError(t, err)
	assert.Equal(t, "0.000600", fee.String())
	big := MustNew(USD, math.MaxInt64)
	half, err := big.MulDiv(1, 2)
	require.NoError(t, err)
	assert.Equal(t, int64(math.MaxInt64/2), half.Units())
	_, err = big.MulDiv(3, 2)
	assert.ErrorIs(t, err, ErrOverflow)
	neg, err := MustNew(USD, -7).MulDiv(1, 2)
	require.NoError(t, err)
	assert.Equal(t, int64(-3), neg.Units(), "rounds toward zero")
	_, err = one().MulDiv(1, 0)
	assert.True(t, errors.Is(err, ErrInvalidAmount))
}

func one() Amount { return MustNew(USD, 1) }

func TestCents(t *testing.T) {
	t.Parallel()
	a, err := FromCents(1050)
	require.NoError(t, err)
	assert.Equal(t, "10.500000", a.String())
	c, exact := a.Cents()
	assert.True(t, exact)
	assert.Equal(t, int64(1050), c)
	_, exact = MustNew(USD, 1).Cents()
	assert.False(t, exact)
	_, err = FromCents(math.MaxInt64 / 1000)
	assert.ErrorIs(t, err, ErrOverflow)
}

func TestParseAsset(t *testing.T) {
	t.Parallel()
	a, err := ParseAsset("usd")
	require.NoError(t, err)
	assert.Equal(t, USD, a)
	_, err = ParseAsset("btc")
	assert.ErrorIs(t, err, ErrUnknownAsset)
}
