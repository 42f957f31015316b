package application

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// IssueReward decides and pays the reward of a qualified listen from the reward pool
// (contracts.Rewards). It is idempotent on the session: the amount is decided once (under the
// listener's lock, so the daily cap holds), the pool payment has a key derived from the
// session, and the outcome is recorded once.
type IssueReward struct {
	d Deps
	// poolMu keeps this instance's waiters for the pool lock off the connection pool: only one
	// holds a connection while it waits for the database lock.
	poolMu sync.Mutex
}

var _ contracts.Rewards = (*IssueReward)(nil)

// NewIssueReward builds the handler.
func NewIssueReward(d Deps) (*IssueReward, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	return &IssueReward{d: d}, nil
}

var rewardPool = paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE)

// IssueReward implements contracts.Rewards.
func (h *IssueReward) IssueReward(ctx context.Context, sessionID uuid.UUID) error {
	s, err := h.d.Sessions.Get(ctx, sessionID)
	if err != nil {
		return err
	}
	if s.Status() != domain.StatusQualified {
		return domain.ErrRewardNotApplicable
	}
	now := h.d.Now()
	p := h.d.Config.RewardPolicy
	r, err := h.d.Rewards.BeginReward(ctx, sessionID, s.ListenerID(), domain.Day(now), func(existing *domain.Reward, earned money.Amount) (*domain.Reward, error) {
		if existing != nil {
			return existing, nil
		}
		// The pool pays the base (1.0x); a campaign's boost is paid on top from its own budget.
		return domain.NewReward(s, 10, earned, p, now)
	})
	if err != nil {
		return err
	}
	if r.Amount().IsPositive() {
		// Idempotent on the session, so it runs again on every retry until the reward is settled.
		if _, err := h.d.Boosts.PayBoost(ctx, contracts.BoostRequest{SessionID: sessionID, SongID: s.Song().ID,
			ListenerID: s.ListenerID(), Base: r.Amount(), At: r.CreatedAt()}); err != nil {
			return fmt.Errorf("reward boost: %w", err)
		}
	}
	if r.Settled() {
		return nil
	}
	funded, err := h.pay(ctx, r)
	if err != nil {
		return err
	}
	var settled *domain.Reward
	if err := h.d.Rewards.UpdateReward(ctx, sessionID, func(x *domain.Reward) error {
		if funded {
			x.Funded(h.d.Now())
		} else {
			x.Unfunded(h.d.Now())
		}
		settled = x
		return nil
	}); err != nil {
		return err
	}
	h.d.Metrics.Rewarded(settled.Status(), settled.Amount())
	return nil
}

// pay moves the reward from the pool to the listener's claimable account unless the pool cannot
// cover it. The pool is a system account the ledger lets go below zero, so the check is
// ours: a pool comfortably above the largest possible reward times the workers is paid from
// without a lock; a low one is checked and paid under one lock.
func (h *IssueReward) pay(ctx context.Context, r *domain.Reward) (bool, error) {
	req := paymentcontracts.TransferRequest{IdempotencyKey: "listen-reward:" + r.SessionID().String(), From: rewardPool,
		To:      []paymentcontracts.Credit{{To: paymentcontracts.UserAccount(r.ListenerID(), money.VIBE, paymentcontracts.KindRewards), Amount: r.Amount()}},
		Details: paymentcontracts.Details{Reason: "listen_reward", Metadata: map[string]string{"session_id": r.SessionID().String()}}}
	bal, err := h.d.Ledger.Balance(ctx, rewardPool)
	if err != nil {
		return false, err
	}
	if bal.Cmp(h.d.Config.PoolLockBelow) >= 0 {
		_, err := h.d.Ledger.Transfer(ctx, req)
		return err == nil, err
	}
	funded := false
	h.poolMu.Lock()
	defer h.poolMu.Unlock()
	err = h.d.Rewards.WithPoolLock(ctx, func(ctx context.Context) error {
		bal, err := h.d.Ledger.Balance(ctx, rewardPool)
		if err != nil {
			return err
		}
		if bal.Cmp(r.Amount()) < 0 {
			return nil
		}
		if _, err := h.d.Ledger.Transfer(ctx, req); err != nil {
			if errors.Is(err, paymentcontracts.ErrInsufficientFunds) {
				return nil
			}
			return err
		}
		funded = true
		return nil
	})
	return funded, err
}
