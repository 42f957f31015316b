package domain_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/domain"
)

func usd(t *testing.T, s string) money.Amount {
	t.Helper()
	a, err := money.Parse(money.USD, s)
	require.NoError(t, err)
	return a
}

func priceRange(t *testing.T) domain.PriceRange {
	r, err := domain.NewPriceRange(usd(t, "0.004"), usd(t, "0.001"), usd(t, "0.05"))
	require.NoError(t, err)
	return r
}

func TestPriceRangeNeedsMinDefaultMax(t *testing.T) {
	t.Parallel()
	_, err := domain.NewPriceRange(usd(t, "0.0005"), usd(t, "0.001"), usd(t, "0.05"))
	assert.Error(t, err, "default below min")
	_, err = domain.NewPriceRange(usd(t, "0.004"), usd(t, "0.01"), usd(t, "0.005"))
	assert.Error(t, err, "min above max")
	_, err = domain.NewPriceRange(money.Zero(money.USD), money.Zero(money.USD), usd(t, "0.05"))
	assert.Error(t, err, "zero prices")
	_, err = domain.NewPriceRange(money.MustNew(money.VIBE, 4), money.MustNew(money.VIBE, 1), money.MustNew(money.VIBE, 5))
	assert.Error(t, err, "not USD")
}

func TestParseStreamPrice(t *testing.T) {
	t.Parallel()
	r := priceRange(t)
	for _, tc := range []struct {
		in    string
		units int64
		err   error
	}{
		{"0.004", 4000, nil},
		{"0.001", 1000, nil},
		{"0.05", 50000, nil},
		{"0.012345", 12345, nil},
		{"0.0009", 0, domain.ErrStreamPriceOutOfRange},
		{"0.050001", 0, domain.ErrStreamPriceOutOfRange},
		{"1", 0, domain.ErrStreamPriceOutOfRange},
		{"0", 0, domain.ErrStreamPriceOutOfRange},
		{"-0.004", 0, domain.ErrStreamPriceOutOfRange},
		{"0.0040001", 0, domain.ErrStreamPriceInvalid},
		{"abc", 0, domain.ErrStreamPriceInvalid},
		{"1e-3", 0, domain.ErrStreamPriceInvalid},
		{"", 0, domain.ErrStreamPriceInvalid},
	} {
		t.Run(tc.in, func(t *testing.T) {
			p, err := r.ParseStreamPrice(tc.in)
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.units, p.Units())
		})
	}
}

func TestSongStreamPriceFollowsTheDefaultUntilSet(t *testing.T) {
	t.Parallel()
	r := priceRange(t)
	s, err := domain.NewSong(uuid.New(), artist(t), domain.SongDetails{Title: "Tone"}, now)
	require.NoError(t, err)
	assert.Nil(t, s.OwnStreamPrice())
	assert.Equal(t, int64(4000), s.StreamPrice(r).Units())

	p := usd(t, "0.02")
	require.NoError(t, s.SetStreamPrice(&p, r, now))
	assert.Equal(t, int64(20000), s.StreamPrice(r).Units())
	high := usd(t, "0.5")
	assert.ErrorIs(t, s.SetStreamPrice(&high, r, now), domain.ErrStreamPriceOutOfRange)
	assert.Equal(t, int64(20000), s.StreamPrice(r).Units(), "a refused price changes nothing")

	require.NoError(t, s.SetStreamPrice(nil, r, now))
	assert.Nil(t, s.OwnStreamPrice())
	assert.Equal(t, int64(4000), s.StreamPrice(r).Units(), "back to the default")

	s.Delete(now)
	assert.ErrorIs(t, s.SetStreamPrice(&p, r, now), domain.ErrSongDeleted)
}
