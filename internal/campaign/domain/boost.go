package domain

import (
	"errors"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// BoostRequest asks for the boost of one qualified listen whose base reward is Base.
type BoostRequest struct {
	SessionID, SongID, ListenerID uuid.UUID
	Base                          money.Amount
}

// BoostPayment is the extra one campaign pays for one listen (one per session).
type BoostPayment struct {
	SessionID, CampaignID, ListenerID, SongID uuid.UUID
	Boost                                     Boost
	Base, Extra                               money.Amount
	CreatedAt                                 time.Time
	// SettledAt is set once the ledger moved Extra from the campaign's hold to the listener.
	SettledAt *time.Time
	EntryID   uuid.UUID
}

// Rank orders the campaigns that could boost a listen best first: the higher boost wins;
// between equal boosts the older campaign (then the smaller id) pays.
func Rank(cs []*Campaign) {
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.boost != b.boost {
			return a.boost > b.boost
		}
		if !a.createdAt.Equal(b.createdAt) {
			return a.createdAt.Before(b.createdAt)
		}
		return a.id.String() < b.id.String()
	})
}

// Best is the campaign whose boost applies at now (nil when none runs).
func Best(cs []*Campaign, now time.Time) *Campaign {
	cp := append([]*Campaign(nil), cs...)
	Rank(cp)
	for _, c := range cp {
		if c.Running(now) {
			return c
		}
	}
	return nil
}

// DrawBoost picks the campaign that pays a listen's boost and spends the extra from its budget.
// A campaign that cannot pay ends itself and the next best is tried. It returns nil when no
// campaign pays (the listen earns the base reward only). The campaigns must be the song's,
// loaded under lock; those it changes carry their events.
func DrawBoost(cs []*Campaign, req BoostRequest, now time.Time) (*BoostPayment, error) {
	cp := append([]*Campaign(nil), cs...)
	Rank(cp)
	for _, c := range cp {
		if !c.Running(now) {
			continue
		}
		extra, err := c.boost.Extra(req.Base)
		if err != nil {
			return nil, err
		}
		if err := c.Spend(extra, now); err != nil {
			if errors.Is(err, ErrBudgetExhausted) {
				continue
			}
			return nil, err
		}
		return &BoostPayment{SessionID: req.SessionID, CampaignID: c.id, ListenerID: req.ListenerID, SongID: req.SongID,
			Boost: c.boost, Base: req.Base, Extra: extra, CreatedAt: now}, nil
	}
	return nil, nil
}
