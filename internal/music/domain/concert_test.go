package domain_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/domain"
)

var concertNow = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

func concertTerms() domain.ConcertTerms {
	return domain.ConcertTerms{Title: "Live", StartsAt: concertNow.Add(time.Hour), DurationMinutes: 60, Capacity: 2,
		TicketPrice: money.MustNew(money.USD, 2_500_000), VenueURL: "https://vr.example.com/r"}
}

func TestConcertRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(*domain.ConcertTerms)
		err    error
	}{
		{"valid", func(*domain.ConcertTerms) {}, nil},
		{"free", func(x *domain.ConcertTerms) { x.TicketPrice = money.Zero(money.USD) }, nil},
		{"wss venue", func(x *domain.ConcertTerms) { x.VenueURL = "wss://rooms.example.com/a" }, nil},
		{"short title", func(x *domain.ConcertTerms) { x.Title = " ab " }, domain.ErrConcertTitle},
		{"start now", func(x *domain.ConcertTerms) { x.StartsAt = concertNow }, domain.ErrConcertStart},
		{"no duration", func(x *domain.ConcertTerms) { x.DurationMinutes = 0 }, domain.ErrConcertDuration},
		{"too long", func(x *domain.ConcertTerms) { x.DurationMinutes = 721 }, domain.ErrConcertDuration},
		{"no seats", func(x *domain.ConcertTerms) { x.Capacity = 0 }, domain.ErrConcertCapacity},
		{"too many seats", func(x *domain.ConcertTerms) { x.Capacity = 100_001 }, domain.ErrConcertCapacity},
		{"negative price", func(x *domain.ConcertTerms) { x.TicketPrice = money.MustNew(money.USD, -1) }, domain.ErrConcertPrice},
		{"VIBE price", func(x *domain.ConcertTerms) { x.TicketPrice = money.MustNew(money.VIBE, 1) }, domain.ErrConcertPrice},
		{"age 131", func(x *domain.ConcertTerms) { x.MinAge = 131 }, domain.ErrConcertMinAge},
		{"http venue", func(x *domain.ConcertTerms) { x.VenueURL = "http://vr.example.com" }, domain.ErrConcertVenue},
		{"script venue", func(x *domain.ConcertTerms) { x.VenueURL = "javascript:alert(1)" }, domain.ErrConcertVenue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := concertTerms()
			tc.change(&x)
			_, err := domain.NewConcert(uuid.New(), uuid.New(), uuid.New(), x, concertNow)
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func TestConcertSeatsCancelAndPresence(t *testing.T) {
	t.Parallel()
	artist := uuid.New()
	c, err := domain.NewConcert(uuid.New(), uuid.New(), artist, concertTerms(), concertNow)
	require.NoError(t, err)
	require.ErrorIs(t, c.Reserve(artist, concertNow), domain.ErrOwnConcert)
	require.NoError(t, c.Reserve(uuid.New(), concertNow))
	require.NoError(t, c.Reserve(uuid.New(), concertNow))
	require.ErrorIs(t, c.Reserve(uuid.New(), concertNow), domain.ErrSoldOut)
	assert.Equal(t, 0, c.Left())
	c.Unreserve()
	assert.Equal(t, 1, c.Left())
	require.ErrorIs(t, c.Reserve(uuid.New(), c.EndsAt()), domain.ErrConcertOver)
	require.ErrorIs(t, c.Cancel(c.EndsAt()), domain.ErrConcertNotCancelled, "a finished concert is not cancelled")
	require.NoError(t, c.Cancel(concertNow))
	require.ErrorIs(t, c.Cancel(concertNow), domain.ErrConcertNotCancelled)
	require.ErrorIs(t, c.Reserve(uuid.New(), concertNow), domain.ErrConcertCancelled)
	assert.Equal(t, concertNow, c.PassValidFrom(), "doors open an hour before")

	var p domain.Presence
	require.ErrorIs(t, p.CheckOut(), domain.ErrPassNotCheckedIn)
	require.NoError(t, p.CheckIn(concertNow))
	require.ErrorIs(t, p.CheckIn(concertNow.Add(time.Minute)), domain.ErrPassInUse, "a second device while the first is in")
	require.NoError(t, p.CheckOut())
	require.NoError(t, p.CheckIn(concertNow.Add(2*time.Minute)))
	assert.Equal(t, concertNow, *p.FirstCheckInAt)

	fee, net, err := domain.TicketSplit(money.MustNew(money.USD, 2_500_001), 1000)
	require.NoError(t, err)
	assert.Equal(t, int64(250_000), fee.Units(), "fee floored")
	assert.Equal(t, int64(2_250_001), net.Units(), "the remainder to the artist")
}
