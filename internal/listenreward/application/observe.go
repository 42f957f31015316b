package application

import (
	"context"
	"time"

	"github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// observer gathers, outside any transaction, what the server knows about a session.
type observer struct {
	songs   Songs
	streams Streams
	shares  contracts.RoyaltyShares
	fees    *feeSource
}

func newObserver(d Deps) *observer {
	return &observer{songs: d.Songs, streams: d.Streams, shares: d.Shares, fees: &feeSource{fixed: d.Config.FeeBPS, users: d.Users}}
}

func (o *observer) observe(ctx context.Context, s *domain.Session, now time.Time) (domain.Observation, error) {
	var obs domain.Observation
	if s.Status() != domain.StatusActive {
		return obs, nil
	}
	st, err := o.streams.SessionStreamed(ctx, s.ID())
	if err != nil {
		return obs, err
	}
	obs.Served = domain.Served{Bytes: st.BytesServed, HighestOffset: st.HighestOffset}
	// A song that is gone (deleted) reads as not found: it is not playable.
	if song, err := o.songs.Song(ctx, s.Song().ID); err == nil {
		obs.Playable = song.Published && song.Ready
	}
	if obs.FeeBPS, err = o.fees.BPS(ctx, now); err != nil {
		return obs, err
	}
	if obs.ShareholderBPS, err = o.shares.ShareholderBPS(ctx, s.Song().ID); err != nil {
		return obs, err
	}
	return obs, nil
}
