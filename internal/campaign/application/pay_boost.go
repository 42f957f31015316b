package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
)

// Boosts answers the listen-reward context's RewardBoosts port: which boost applies to a song,
// and paying a qualified listen's boost from the best running campaign's held budget.
type Boosts struct{ d Deps }

var _ listencontracts.RewardBoosts = (*Boosts)(nil)

// NewBoosts builds the handler.
func NewBoosts(d Deps) (*Boosts, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &Boosts{d: d}, nil
}

var noBoost = listencontracts.Boost{Tenths: 10}

// Boost implements listencontracts.RewardBoosts: the highest boost of the song's running
// campaigns at at (1.0x when none runs). It reserves nothing; PayBoost decides.
func (h *Boosts) Boost(ctx context.Context, songID uuid.UUID, at time.Time) (listencontracts.Boost, error) {
	cs, err := h.d.Campaigns.Running(ctx, songID, at)
	if err != nil {
		return listencontracts.Boost{}, err
	}
	if c := domain.Best(cs, at); c != nil {
		return listencontracts.Boost{Tenths: int(c.Boost()), CampaignID: c.ID()}, nil
	}
	return noBoost, nil
}

// PayBoost implements listencontracts.RewardBoosts. The extra is drawn from the campaign's
// budget under the lock of the song's running campaigns, in the transaction that records the
// session's payment (so concurrent listens never overspend and a session is paid once); the
// ledger then settles that part of the hold into the listener's rewards account under a key
// derived from the session. A crash after the draw is finished by the next call for the
// session or by the lifecycle job.
func (h *Boosts) PayBoost(ctx context.Context, req listencontracts.BoostRequest) (listencontracts.BoostPaid, error) {
	at := req.At
	if at.IsZero() {
		at = h.d.Now()
	}
	// Most songs have no campaign: one unlocked lookup answers them without a transaction. (A
	// replay whose campaign has ended since answers 1.0x; what it drew is settled by the job.)
	running, err := h.d.Campaigns.Running(ctx, req.SongID, at)
	if err != nil {
		return listencontracts.BoostPaid{}, err
	}
	if len(running) == 0 {
		return listencontracts.BoostPaid{Boost: noBoost, Extra: money.Zero(money.VIBE)}, nil
	}
	r := domain.BoostRequest{SessionID: req.SessionID, SongID: req.SongID, ListenerID: req.ListenerID, Base: req.Base}
	var ended []uuid.UUID
	p, err := h.d.Boosts.Draw(ctx, r, at, func(cs []*domain.Campaign) (*domain.BoostPayment, error) {
		ended = ended[:0]
		p, err := domain.DrawBoost(cs, r, at)
		for _, c := range cs {
			if c.NeedsRelease() {
				ended = append(ended, c.ID())
			}
		}
		return p, err
	})
	if err != nil {
		return listencontracts.BoostPaid{}, err
	}
	for _, id := range ended {
		h.d.Metrics.Transition(domain.StatusEnded)
		if err := giveBack(ctx, h.d, id); err != nil {
			return listencontracts.BoostPaid{}, err
		}
	}
	if p == nil {
		return listencontracts.BoostPaid{Boost: noBoost, Extra: money.Zero(money.VIBE)}, nil
	}
	if p.SettledAt == nil {
		c, err := h.d.Campaigns.Get(ctx, p.CampaignID)
		if err != nil {
			return listencontracts.BoostPaid{}, err
		}
		if err := settleBoost(ctx, h.d, c.HoldID(), *p); err != nil {
			return listencontracts.BoostPaid{}, err
		}
	}
	return listencontracts.BoostPaid{Boost: listencontracts.Boost{Tenths: int(p.Boost), CampaignID: p.CampaignID}, Extra: p.Extra}, nil
}
