package domain

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Users stores accounts. Not-found lookups return an error matching contracts.ErrUserNotFound.
type Users interface {
	// Add stores a new account and publishes its events; a duplicate email or username gives
	// ErrEmailTaken or ErrUsernameTaken.
	Add(ctx context.Context, u *User) error
	Get(ctx context.Context, id uuid.UUID) (*User, error)
	// FindByLogin looks an account up by email (any case) or by username.
	FindByLogin(ctx context.Context, login string) (*User, error)
	// Update loads the account for update, runs fn and saves it.
	Update(ctx context.Context, id uuid.UUID, fn func(*User) error) error
	// Count is the number of registered accounts.
	Count(ctx context.Context) (int64, error)
}

// NewRefreshToken is a refresh token to store; only its hash is kept.
type NewRefreshToken struct {
	ID        uuid.UUID
	FamilyID  uuid.UUID
	UserID    uuid.UUID
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
}

// RefreshTokens stores session tokens.
type RefreshTokens interface {
	Create(ctx context.Context, t NewRefreshToken) error
	// Rotate locks the token with hash, calls RefreshToken.Rotate and on success stores next
	// in the same family (next.FamilyID and next.UserID are filled in). On ErrRefreshReused it
	// revokes the whole family and commits that before returning the error. An unknown hash
	// gives ErrRefreshInvalid.
	Rotate(ctx context.Context, hash []byte, now time.Time, next NewRefreshToken) (userID uuid.UUID, err error)
	// RevokeFamily revokes every token of the family of the token with hash; unknown hashes
	// are ignored (logout is idempotent).
	RevokeFamily(ctx context.Context, hash []byte, now time.Time) error
}

// Throttles keeps failed-login counters shared by every instance. Each method locks the key's
// row, applies the domain rule and saves, so concurrent logins on any instance all count.
type Throttles interface {
	// Attempt applies ThrottlePolicy.Attempt; false means the attempt must be refused with the
	// returned state's RetryAfter.
	Attempt(ctx context.Context, key string, policy ThrottlePolicy, now time.Time) (Throttle, bool, error)
	// Fail applies ThrottlePolicy.Failed.
	Fail(ctx context.Context, key string, policy ThrottlePolicy, now time.Time) (Throttle, error)
	// Release applies Throttle.Succeeded.
	Release(ctx context.Context, key string) error
	// Reset forgets a key (after a successful login to that account).
	Reset(ctx context.Context, key string) error
}

// Devices remembers the devices an account signed in from, by the SHA-256 of their device
// token.
type Devices interface {
	// SeenDevice reports whether hash is one of the user's devices, noting it was seen at now.
	SeenDevice(ctx context.Context, userID uuid.UUID, hash []byte, now time.Time) (bool, error)
	// AddDevice remembers a new device.
	AddDevice(ctx context.Context, userID uuid.UUID, hash []byte, now time.Time) error
}

// Wallets stores challenges and linked addresses.
type Wallets interface {
	// AddChallenge stores a challenge; more than max open challenges for the user gives
	// ErrTooManyChallenges.
	AddChallenge(ctx context.Context, c *Challenge, max int, now time.Time) error
	// Link locks the challenge with nonce (ErrChallengeNotFound when absent), runs use (which
	// consumes it and returns the wallet to link) and stores the link and its event. An address
	// linked to someone else gives ErrWalletTaken; to this user, ErrWalletAlreadyLinked.
	Link(ctx context.Context, userID uuid.UUID, nonce string, use func(*Challenge) (Wallet, error)) error
	// Unlink removes a link and publishes its event (ErrWalletNotFound when absent).
	Unlink(ctx context.Context, userID uuid.UUID, chain Chain, address string, now time.Time) error
	// List returns a user's links, oldest first.
	List(ctx context.Context, userID uuid.UUID) ([]Wallet, error)
	// Owner returns the user who linked an address (contracts.ErrUserNotFound when nobody).
	Owner(ctx context.Context, chain Chain, address string) (uuid.UUID, error)
}
