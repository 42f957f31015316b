package domain

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Sessions stores listen sessions. Every method that changes a session writes its events to
// the outbox in the same transaction. Not found gives ErrSessionNotFound.
type Sessions interface {
	// Begin locks the listener, decides each of their open (pending or active) sessions with
	// end, which gets the session and its fraud History, and adds s; one transaction.
	Begin(ctx context.Context, s *Session, end func(open *Session, h History) error) error
	Get(ctx context.Context, id uuid.UUID) (*Session, error)
	// Update locks the session, runs fn and saves it.
	Update(ctx context.Context, id uuid.UUID, fn func(*Session) error) error
	// Decide locks the session's listener, then the session, counts its History as of now and runs fn.
	Decide(ctx context.Context, id uuid.UUID, now time.Time, fn func(*Session, History) error) error
	// Open lists a listener's pending and active sessions.
	Open(ctx context.Context, listenerID uuid.UUID) ([]*Session, error)
	// List pages a listener's sessions, newest first, strictly before the cursor (zero: first page).
	List(ctx context.Context, listenerID uuid.UUID, before Cursor, limit int) ([]*Session, error)
	// Due lists active sessions that expired before now and pending ones started before
	// stalledBefore (an interrupted start), at most limit.
	Due(ctx context.Context, now, stalledBefore time.Time, limit int) ([]uuid.UUID, error)
	// Earnings sums an artist's paid listens per song decided in [from, to).
	Earnings(ctx context.Context, artistUserID uuid.UUID, from, to time.Time) ([]SongEarnings, error)
}

// Cursor is a position in a listener's history.
type Cursor struct {
	StartedAt time.Time
	ID        uuid.UUID
}

// SongEarnings is one song's paid listens over a period.
type SongEarnings struct {
	SongID       uuid.UUID
	PaidListens  int64
	Gross        money.Amount
	PlatformFee  money.Amount
	Shareholders money.Amount
	Net          money.Amount
}

// Rewards stores rewards; changes write their events to the outbox in the same transaction.
type Rewards interface {
	// BeginReward locks the listener, loads the session's reward (nil when none) and what the listener
	// earned on day (pending, accrued and capped rewards), and stores the reward decide returns
	// unless one existed. It returns the stored reward.
	BeginReward(ctx context.Context, sessionID, listenerID uuid.UUID, day time.Time,
		decide func(existing *Reward, earnedToday money.Amount) (*Reward, error)) (*Reward, error)
	// UpdateReward locks the reward, runs fn and saves it.
	UpdateReward(ctx context.Context, sessionID uuid.UUID, fn func(*Reward) error) error
	// GetReward returns the session's reward (nil when none).
	GetReward(ctx context.Context, sessionID uuid.UUID) (*Reward, error)
	// Earned sums a listener's rewards (pending, accrued, capped) of day.
	Earned(ctx context.Context, listenerID uuid.UUID, day time.Time) (money.Amount, error)
	// Recent lists a listener's latest rewards.
	Recent(ctx context.Context, listenerID uuid.UUID, limit int) ([]*Reward, error)
	// WithPoolLock runs fn while holding the lock that serialises payments from a low reward pool.
	WithPoolLock(ctx context.Context, fn func(ctx context.Context) error) error
}

// Claim is a move of claimable VIBE to the balance or on chain.
type Claim struct {
	ID             uuid.UUID
	UserID         uuid.UUID
	Destination    Destination
	Amount         money.Amount
	WithdrawalID   uuid.UUID
	WithdrawStatus string
	ToAddress      string
	Status         ClaimStatus
	Failure        string
	CreatedAt      time.Time
}

// ClaimStatus is where a claim is.
type ClaimStatus string

// Claim statuses: pending is written before any money moves, so a retry with the same key
// resumes the same claim.
const (
	ClaimPending   ClaimStatus = "pending"
	ClaimCompleted ClaimStatus = "completed"
	ClaimFailed    ClaimStatus = "failed"
)

// Claims stores claims.
type Claims interface {
	// Add stores a claim; a claim with the same id is left as it is.
	Add(ctx context.Context, c Claim) error
	// GetClaim returns a claim (nil when none).
	GetClaim(ctx context.Context, id uuid.UUID) (*Claim, error)
	// SaveClaim stores a claim's outcome.
	SaveClaim(ctx context.Context, c Claim) error
	// Total sums a user's claims that moved money.
	Total(ctx context.Context, userID uuid.UUID) (money.Amount, error)
}
