package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// SongEarningsView is one song's paid listens (USD decimal strings).
type SongEarningsView struct {
	SongID                                uuid.UUID
	Title                                 string
	PaidListens                           int64
	Gross, PlatformFee, Shareholders, Net string
}

// EarningsView is an artist's paid listens over a period.
type EarningsView struct {
	From, To time.Time
	Songs    []SongEarningsView
	Totals   SongEarningsView
}

// Earnings answers an artist's question about their paid listens.
type Earnings struct{ d Deps }

// NewEarnings builds the query.
func NewEarnings(d Deps) (*Earnings, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Earnings{d: d}, nil
}

// DefaultEarningsPeriod is the period when from is not given.
const DefaultEarningsPeriod = 30 * 24 * time.Hour

// Handle sums the artist's listens paid in [from, to); zero times default to the last 30 days.
func (q *Earnings) Handle(ctx context.Context, artistUserID uuid.UUID, from, to time.Time) (EarningsView, error) {
	if to.IsZero() {
		to = q.d.Now()
	}
	if from.IsZero() {
		from = to.Add(-DefaultEarningsPeriod)
	}
	if !from.Before(to) {
		return EarningsView{}, domain.ErrInvalidPeriod
	}
	rows, err := q.d.Sessions.Earnings(ctx, artistUserID, from, to)
	if err != nil {
		return EarningsView{}, err
	}
	out := EarningsView{From: from, To: to, Songs: []SongEarningsView{}}
	var n int64
	gross, fee, share, net := money.Zero(money.USD), money.Zero(money.USD), money.Zero(money.USD), money.Zero(money.USD)
	for _, r := range rows {
		v := SongEarningsView{SongID: r.SongID, PaidListens: r.PaidListens, Gross: r.Gross.String(), PlatformFee: r.PlatformFee.String(),
			Shareholders: r.Shareholders.String(), Net: r.Net.String()}
		if s, err := q.d.Songs.Song(ctx, r.SongID); err == nil {
			v.Title = s.Title
		}
		out.Songs = append(out.Songs, v)
		n += r.PaidListens
		for _, x := range []struct {
			acc *money.Amount
			add money.Amount
		}{{&gross, r.Gross}, {&fee, r.PlatformFee}, {&share, r.Shareholders}, {&net, r.Net}} {
			if *x.acc, err = x.acc.Add(x.add); err != nil {
				return EarningsView{}, err
			}
		}
	}
	out.Totals = SongEarningsView{PaidListens: n, Gross: gross.String(), PlatformFee: fee.String(), Shareholders: share.String(), Net: net.String()}
	return out, nil
}
