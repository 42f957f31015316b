package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Accounts of the listen economy.
const (
	// KindRewards is a user's claimable VIBE: listen rewards accrue here and a claim moves them
	// to the wallet (or on chain). Opened for every user like the other user kinds.
	KindRewards AccountKind = "user_rewards"
	// KindRoyaltyPool is a song's shareholders' pool (owner = the song id, USD). Stream prices
	// put the shareholders' part here; the ownership context distributes it. It never goes
	// below zero and is opened on first use.
	KindRoyaltyPool AccountKind = "song_royalty_pool"
)

// RoyaltyPool refers to a song's royalty pool account.
func RoyaltyPool(songID uuid.UUID) AccountRef {
	return AccountRef{Owner: songID, Asset: money.USD, Kind: KindRoyaltyPool}
}

// Integration events of the listen economy published by the payment context.
const (
	// StreamPaidV1 is published, in the transaction that settles a listen's hold, to the
	// listener and the artist (payload StreamPaid).
	StreamPaidV1 = "payment.stream_paid.v1"
)

// StreamPaid is the payload of payment.stream_paid.v1. Amounts are USD decimal strings.
type StreamPaid struct {
	SessionID    uuid.UUID `json:"session_id"`
	SongID       uuid.UUID `json:"song_id"`
	ListenerID   uuid.UUID `json:"listener_id"`
	ArtistUserID uuid.UUID `json:"artist_user_id"`
	EntryID      uuid.UUID `json:"entry_id"`
	Gross        string    `json:"gross"`
	PlatformFee  string    `json:"platform_fee"`
	Shareholders string    `json:"shareholders"`
	Net          string    `json:"net"`
	QualifiedAt  time.Time `json:"qualified_at"`
	PaidAt       time.Time `json:"paid_at"`
}

// StreamPayment settles a qualified listen's hold as ONE journal entry split between the
// platform fee account, the song's royalty pool and the artist's earnings. The parts must sum
// to the hold's amount (Price); zero parts are left out of the entry.
type StreamPayment struct {
	SessionID    uuid.UUID
	HoldID       uuid.UUID
	SongID       uuid.UUID
	ListenerID   uuid.UUID
	ArtistUserID uuid.UUID
	Price        money.Amount
	PlatformFee  money.Amount
	Shareholders money.Amount
	Artist       money.Amount
	QualifiedAt  time.Time
}

// StreamPayments pays qualified listens.
type StreamPayments interface {
	// PayStream settles the hold and writes payment.stream_paid.v1 in the same transaction.
	// It is idempotent on the session id: a second call returns the first receipt
	// (Replayed = true) and publishes nothing.
	PayStream(ctx context.Context, p StreamPayment) (Receipt, error)
}

// WithdrawalRequest asks for VIBE (or USD-denominated chain assets later) to leave a user's
// wallet to their linked address on a chain, through the durable transfers flow.
type WithdrawalRequest struct {
	// IdempotencyKey makes a retry return the first transaction.
	IdempotencyKey string
	UserID         uuid.UUID
	// Chain is "ethereum" or "solana".
	Chain  string
	Amount money.Amount
	// ToAddress is empty for the user's linked wallet on Chain.
	ToAddress string
}

// Withdrawal is an accepted chain transfer.
type Withdrawal struct {
	ID        uuid.UUID
	Chain     string
	Status    string
	ToAddress string
	Amount    money.Amount
	CreatedAt time.Time
}

// Withdrawals lets other contexts send a user's money on chain the way the transactions API
// does (the amount is held at once, the transfer is durable).
type Withdrawals interface {
	Withdraw(ctx context.Context, req WithdrawalRequest) (Withdrawal, error)
}
