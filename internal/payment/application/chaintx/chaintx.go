// Package chaintx holds the payment context's blockchain use cases: withdrawals of VIBE to a
// user's wallet (POST /api/v1/transactions), their queries and fee estimates, the lifecycle of
// a chain transfer (domain.Transfer) and its booking in the ledger, deposits credited from
// linked wallets, treasury mints and admin grants. The ports it needs (Chains, Holds, Store,
// Transfers, Credits, DepositStore) are declared here and implemented by the infrastructure.
package chaintx

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// Errors.
var (
	ErrUnknownBlockchain = errs.New(errs.Invalid, "chain.unknown_blockchain", "blockchain must be ethereum or solana")
	ErrChainUnavailable  = errs.New(errs.Unavailable, "chain.unavailable", "this blockchain is not configured on this server")
	ErrUnsupportedToken  = errs.New(errs.Invalid, "chain.unsupported_token", "only the VIBE token can be withdrawn")
	ErrInvalidAddress    = errs.New(errs.Invalid, "chain.invalid_address", "the destination address is not valid for this blockchain")
	ErrNoLinkedWallet    = errs.New(errs.Unprocessable, "chain.no_linked_wallet", "no destination given and no wallet linked on this blockchain")
	ErrAmountNotPositive = errs.New(errs.Invalid, "chain.invalid_amount", "the amount must be a positive VIBE amount with at most 9 decimals")
	ErrNotFound          = domain.ErrTransferNotFound
	ErrIdempotencyKey    = errs.New(errs.Invalid, "chain.idempotency_key_required", "an Idempotency-Key header is required")
	// ErrPlatformDestination refuses withdrawals to the platform's own addresses (hot wallet,
	// token contract, mint, programs) and to burn addresses: the VIBE would leave the user's
	// balance without ever coming back as a deposit.
	ErrPlatformDestination = errs.New(errs.Unprocessable, "chain.platform_destination", "the destination is an address of the platform (or a burn address): withdraw to a wallet you control")
)

// Transaction is a chain transfer as the API shows it (the read model of domain.Transfer).
type Transaction struct {
	ID            uuid.UUID
	Kind          string // withdrawal | mint
	UserID        *uuid.UUID
	HoldID        *uuid.UUID
	Blockchain    string
	To            string
	Amount        money.Amount
	Status        string // pending | submitted | confirmed | failed
	TxHash        string
	FailureReason string
	Fee           string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ConfirmedAt   *time.Time
}

// Fee is a fee quote in the chain's native coin.
type Fee struct {
	Blockchain  string
	Native      string // smallest native unit (wei, lamports)
	Currency    string
	Decimals    int
	Gas         uint64
	AccountRent uint64
}

// Chains is what the use cases need from the chain adapters.
type Chains interface {
	// Enabled reports whether blockchain is configured.
	Enabled(blockchain string) bool
	// NormalizeAddress validates a wallet address and returns its canonical form.
	NormalizeAddress(blockchain, address string) (string, error)
	EstimateFee(ctx context.Context, blockchain, to string, amount int64) (Fee, error)
	// HotWalletBalances is each hot wallet's VIBE on chain, in ledger units.
	HotWalletBalances(ctx context.Context) (map[string]int64, error)
	// IsPlatformAddress reports an address (canonical form) the platform controls or that
	// nobody controls: the hot wallet, the token contract or mint, system programs, burn
	// addresses.
	IsPlatformAddress(blockchain, address string) bool
}

// Holds builds ledger holds without storing them: a withdrawal stores its hold together with
// its transfer.
type Holds interface {
	PrepareHold(ctx context.Context, req contracts.HoldRequest) (application.PreparedHold, error)
}

// Store persists chain transfers (creating one also schedules its job).
type Store interface {
	// Create stores a new transfer that holds nothing (a treasury mint) and its job; false if
	// it existed.
	Create(ctx context.Context, t *domain.Transfer) (bool, error)
	// CreateWithdrawal stores the hold and the transfer (and its job) in one transaction; a
	// replay (same hold key, same transfer id) stores nothing and returns false.
	CreateWithdrawal(ctx context.Context, t *domain.Transfer, hold application.PreparedHold) (bool, error)
	Get(ctx context.Context, id uuid.UUID) (Transaction, error)
	ListByUser(ctx context.Context, user uuid.UUID, before *Cursor, limit int) ([]Transaction, error)
}

// Cursor is a position in a user's newest-first list.
type Cursor struct {
	CreatedAt time.Time `json:"t"`
	ID        uuid.UUID `json:"id"`
}

// Blockchains are the supported chains.
var Blockchains = []string{"ethereum", "solana"}

func parseBlockchain(s string) (string, error) {
	for _, b := range Blockchains {
		if s == b {
			return b, nil
		}
	}
	return "", ErrUnknownBlockchain
}

func parseVIBE(s string) (money.Amount, error) {
	a, err := money.Parse(money.VIBE, s)
	if err != nil || !a.IsPositive() {
		return money.Amount{}, ErrAmountNotPositive
	}
	return a, nil
}

// withdrawalNamespace derives transaction ids from (user, Idempotency-Key): a retry of the
// same request finds the same transaction, whatever instance serves it.
var withdrawalNamespace = uuid.MustParse("5b0f7c8e-0f6e-4d4b-9a57-3f2f8a1c9d10")

func derivedID(kind string, user uuid.UUID, key string) uuid.UUID {
	return uuid.NewSHA1(withdrawalNamespace, []byte(kind+"\x00"+user.String()+"\x00"+key))
}

// FormatVIBE renders ledger units as a decimal VIBE string.
func FormatVIBE(units int64) string { return money.MustNew(money.VIBE, units).String() }
