// Package application holds the listen-reward context's use cases: starting, following and
// deciding listen sessions, the expiry and recovery job, recording payments, issuing rewards,
// claims, and the listener's and the artist's queries.
package application

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Clock gives the current time (the benchmark and tests drive it).
type Clock func() time.Time

// Songs is what the context asks the music catalog.
type Songs interface {
	Song(ctx context.Context, id uuid.UUID) (musiccontracts.SongSummary, error)
}

// Streams issues session-bound stream links and reports what they served (music).
type Streams interface {
	OpenSessionStream(ctx context.Context, req musiccontracts.SessionStreamRequest) (musiccontracts.SessionStream, error)
	SessionStreamed(ctx context.Context, sessionID uuid.UUID) (musiccontracts.SessionStreamed, error)
}

// Ledger is the part of the payment ledger the context moves value through.
type Ledger interface {
	OpenUserAccounts(ctx context.Context, owner uuid.UUID) error
	Hold(ctx context.Context, req paymentcontracts.HoldRequest) (paymentcontracts.HoldReceipt, error)
	Transfer(ctx context.Context, req paymentcontracts.TransferRequest) (paymentcontracts.Receipt, error)
	Balance(ctx context.Context, ref paymentcontracts.AccountRef) (money.Amount, error)
}

// Withdrawals sends VIBE on chain (payment).
type Withdrawals interface {
	Withdraw(ctx context.Context, req paymentcontracts.WithdrawalRequest) (paymentcontracts.Withdrawal, error)
}

// Users is what the context asks the user directory.
type Users interface {
	RegisteredUsers(ctx context.Context) (int64, error)
	Wallets(ctx context.Context, userID uuid.UUID) ([]usercontracts.Wallet, error)
}

// Metrics records the business metrics (a no-op when nil).
type Metrics interface {
	Decided(status domain.Status, reasons []domain.Reason)
	Paid(price money.Amount, sinceQualified time.Duration)
	Rewarded(status domain.RewardStatus, amount money.Amount)
}

type noMetrics struct{}

func (noMetrics) Decided(domain.Status, []domain.Reason)     {}
func (noMetrics) Paid(money.Amount, time.Duration)           {}
func (noMetrics) Rewarded(domain.RewardStatus, money.Amount) {}

var errNilDependency = errors.New("listenreward application: a required dependency is nil")

// Config is the use cases' configuration.
type Config struct {
	Policy       domain.Policy
	RewardPolicy domain.RewardPolicy
	// FeeBPS is the platform fee; negative follows the phases by registered users.
	FeeBPS int
	// StalledAfter is how long a start may take before the recovery job settles its hold.
	StalledAfter time.Duration
	// PoolLockBelow: below this reward pool balance, pool payments are serialised so the pool
	// never goes below zero (above it, concurrent rewards cannot exhaust it).
	PoolLockBelow money.Amount
}

// Deps are the ports every use case draws from.
type Deps struct {
	Sessions    domain.Sessions
	Rewards     domain.Rewards
	Claims      domain.Claims
	Songs       Songs
	Streams     Streams
	Ledger      Ledger
	Withdrawals Withdrawals
	Users       Users
	Shares      contracts.RoyaltyShares
	Boosts      contracts.RewardBoosts
	Metrics     Metrics
	Now         Clock
	NewID       func() uuid.UUID
	Config      Config
}

func (d *Deps) check() error {
	if d.Sessions == nil || d.Rewards == nil || d.Claims == nil || d.Songs == nil || d.Streams == nil || d.Ledger == nil ||
		d.Users == nil || d.Now == nil || d.NewID == nil {
		return errNilDependency
	}
	if d.Metrics == nil {
		d.Metrics = noMetrics{}
	}
	if d.Shares == nil {
		d.Shares = NoShares{}
	}
	if d.Boosts == nil {
		d.Boosts = NoBoost{}
	}
	return nil
}

// NoShares answers 0 basis points for every song (no offerings until the ownership issue).
type NoShares struct{}

// ShareholderBPS implements contracts.RoyaltyShares.
func (NoShares) ShareholderBPS(context.Context, uuid.UUID) (int, error) { return 0, nil }

// NoBoost answers 1.0x for every listen (no campaigns until the campaign issue).
type NoBoost struct{}

// Boost implements contracts.RewardBoosts.
func (NoBoost) Boost(context.Context, uuid.UUID, time.Time) (contracts.Boost, error) {
	return contracts.Boost{Tenths: 10}, nil
}

// PayBoost implements contracts.RewardBoosts: nothing to pay at 1.0x.
func (NoBoost) PayBoost(context.Context, contracts.BoostRequest) (contracts.BoostPaid, error) {
	return contracts.BoostPaid{Boost: contracts.Boost{Tenths: 10}, Extra: money.Zero(money.VIBE)}, nil
}

// feeSource gives the platform fee, caching the number of registered users for a minute.
type feeSource struct {
	fixed int
	users Users
	mu    sync.Mutex
	bps   int
	at    time.Time
}

func (f *feeSource) BPS(ctx context.Context, now time.Time) (int, error) {
	if f.fixed >= 0 {
		return f.fixed, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.at.IsZero() && now.Sub(f.at) < time.Minute && now.Sub(f.at) >= 0 {
		return f.bps, nil
	}
	n, err := f.users.RegisteredUsers(ctx)
	if err != nil {
		return 0, err
	}
	f.bps, f.at = domain.PhaseFee(n, domain.DefaultFeePhases, domain.DefaultFeeAbove), now
	return f.bps, nil
}

// holdRequest is the hold of a session; the recovery job repeats it byte for byte so that the
// ledger replays the first one.
func holdRequest(s *domain.Session) paymentcontracts.HoldRequest {
	return paymentcontracts.HoldRequest{IdempotencyKey: "listen-hold:" + s.ID().String(), Owner: s.ListenerID(),
		Amount: s.Song().Price, Details: paymentcontracts.Details{Reason: "stream_hold",
			Metadata: map[string]string{"session_id": s.ID().String(), "song_id": s.Song().ID.String()}}}
}
