// Package contracts is the user context's public face: the integration events it publishes and
// the narrow queries other contexts may ask of it.
package contracts

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// Integration event types published by the user context.
const (
	// UserRegisteredV1 is published once per new account (payload UserRegistered).
	UserRegisteredV1 = "user.registered.v1"
	// WalletLinkedV1 is published when a user proves ownership of a chain address (payload WalletLinked).
	WalletLinkedV1 = "user.wallet_linked.v1"
	// WalletUnlinkedV1 is published when a user removes a linked address (payload WalletLinked).
	WalletUnlinkedV1 = "user.wallet_unlinked.v1"
	// LoginThrottledV1 is published when failed sign-ins start slowing down logins to an
	// account (payload LoginThrottled); it is pushed to the owner's WebSocket.
	LoginThrottledV1 = "user.login_throttled.v1"
)

// LoginThrottled is the payload of user.login_throttled.v1.
type LoginThrottled struct {
	UserID uuid.UUID `json:"user_id"`
	// ClientIP is the address the failures came from.
	ClientIP string `json:"client_ip"`
	// KnownDevice: the failures came from one of the account's own devices.
	KnownDevice bool `json:"known_device"`
	// Failures counted in the window so far.
	Failures int `json:"failures"`
	// RetryAfterSeconds is the delay now imposed on that client.
	RetryAfterSeconds int       `json:"retry_after_seconds"`
	At                time.Time `json:"at"`
}

// Source names the user context in event envelopes.
const Source = "user"

// Roles a user may hold.
const (
	RoleListener = "listener"
	RoleArtist   = "artist"
	RoleAdmin    = "admin"
)

// Permissions carried in access tokens. Routes declare the one they need with httpx.Require.
const (
	PermReadMusic     = "read:music"     // browse, stream
	PermWriteLibrary  = "write:library"  // playlists, likes
	PermWriteMusic    = "write:music"    // artists: songs, albums, uploads
	PermReadPayment   = "read:payment"   // own balances, history
	PermWritePayment  = "write:payment"  // top-ups, transfers, withdrawals
	PermWriteListen   = "write:listen"   // listen sessions
	PermAdminUsers    = "admin:users"    // roles, verification
	PermAdminMusic    = "admin:music"    // verify artists, moderate
	PermAdminPayments = "admin:payments" // refunds, review, grants
	PermAdminTreasury = "admin:treasury" // minting
)

// Chains a wallet may be linked on.
const (
	ChainEthereum = "ethereum"
	ChainSolana   = "solana"
)

// UserRegistered is the payload of user.registered.v1.
type UserRegistered struct {
	UserID       uuid.UUID `json:"user_id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	Roles        []string  `json:"roles"`
	RegisteredAt time.Time `json:"registered_at"`
}

// WalletLinked is the payload of user.wallet_linked.v1 and user.wallet_unlinked.v1.
type WalletLinked struct {
	UserID  uuid.UUID `json:"user_id"`
	Chain   string    `json:"chain"`
	Address string    `json:"address"`
	At      time.Time `json:"at"`
}

// UserSummary is what other contexts may know about a user.
type UserSummary struct {
	ID          uuid.UUID
	Username    string
	DisplayName string
	Roles       []string
	// No birthdate: other contexts learn a user's age only from an age proof.
}

// Wallet is a linked chain address.
type Wallet struct {
	Chain   string
	Address string
}

// Directory answers other contexts' questions about users.
type Directory interface {
	// User returns a user's summary, or an error matching ErrUserNotFound.
	User(ctx context.Context, id uuid.UUID) (UserSummary, error)
	// Wallets lists a user's linked addresses.
	Wallets(ctx context.Context, userID uuid.UUID) ([]Wallet, error)
	// WalletOwner returns the user who linked an address on a chain, or an error matching
	// ErrUserNotFound. Ethereum addresses compare case-insensitively.
	WalletOwner(ctx context.Context, chain, address string) (uuid.UUID, error)
	// RegisteredUsers is the number of registered accounts (the platform fee's phases follow it).
	RegisteredUsers(ctx context.Context) (int64, error)
}

// ErrUserNotFound is returned when a user (or a wallet's owner) does not exist.
var ErrUserNotFound = errs.New(errs.NotFound, "user.not_found", "the user does not exist")
