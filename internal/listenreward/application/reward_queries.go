package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// RewardItem is one listen's reward.
type RewardItem struct {
	SessionID, SongID uuid.UUID
	Amount            string
	Status            string
	CreatedAt         time.Time
}

// RewardsSummary is a listener's reward position.
type RewardsSummary struct {
	Claimable, ClaimedTotal, EarnedToday, DailyCap, MinClaim string
	Items                                                    []RewardItem
}

// RewardQueries answers a listener's questions about their rewards.
type RewardQueries struct{ d Deps }

// NewRewardQueries builds the queries.
func NewRewardQueries(d Deps) (*RewardQueries, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &RewardQueries{d: d}, nil
}

// Summary returns the listener's claimable VIBE, what they claimed and earned today, and their
// latest rewards.
func (q *RewardQueries) Summary(ctx context.Context, userID uuid.UUID, limit int) (RewardsSummary, error) {
	claimable, err := q.d.Ledger.Balance(ctx, paymentcontracts.UserAccount(userID, money.VIBE, paymentcontracts.KindRewards))
	if errors.Is(err, paymentcontracts.ErrAccountNotFound) {
		claimable, err = money.Zero(money.VIBE), nil
	}
	if err != nil {
		return RewardsSummary{}, err
	}
	claimed, err := q.d.Claims.Total(ctx, userID)
	if err != nil {
		return RewardsSummary{}, err
	}
	today, err := q.d.Rewards.Earned(ctx, userID, domain.Day(q.d.Now()))
	if err != nil {
		return RewardsSummary{}, err
	}
	rs, err := q.d.Rewards.Recent(ctx, userID, limit)
	if err != nil {
		return RewardsSummary{}, err
	}
	p := q.d.Config.RewardPolicy
	out := RewardsSummary{Claimable: claimable.String(), ClaimedTotal: claimed.String(), EarnedToday: today.String(),
		DailyCap: p.DailyCap.String(), MinClaim: p.MinClaim.String(), Items: []RewardItem{}}
	for _, r := range rs {
		out.Items = append(out.Items, RewardItem{SessionID: r.SessionID(), SongID: r.SongID(), Amount: r.Amount().String(),
			Status: string(r.Status()), CreatedAt: r.CreatedAt()})
	}
	return out, nil
}
