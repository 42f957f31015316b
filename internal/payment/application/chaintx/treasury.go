package chaintx

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

// MaxGrantReason bounds a grant's reason (characters); the reason is stored on the entry.
const MaxGrantReason = 500

// Mint asks to mint VIBE to the platform hot wallet on a chain; once confirmed the ledger's
// reward pool is credited from the treasury, so chains and ledger stay reconcilable.
type Mint struct {
	AdminID        uuid.UUID
	IdempotencyKey string
	Blockchain     string
	Amount         string
}

// MintHandler stores the mint (its job sends it).
type MintHandler struct {
	chains Chains
	store  Store
	now    func() time.Time
}

// NewMintHandler refuses nil dependencies.
func NewMintHandler(c Chains, s Store) *MintHandler {
	if c == nil || s == nil {
		panic("chaintx: nil dependency")
	}
	return &MintHandler{chains: c, store: s, now: func() time.Time { return time.Now().UTC() }}
}

// Handle validates and stores the mint.
func (h *MintHandler) Handle(ctx context.Context, cmd Mint) (Transaction, error) {
	if cmd.IdempotencyKey == "" {
		return Transaction{}, ErrIdempotencyKey
	}
	id := derivedID("mint", cmd.AdminID, cmd.IdempotencyKey)
	if t, err := h.store.Get(ctx, id); err == nil {
		return t, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Transaction{}, err
	}
	f := errs.Fields{}
	chain, err := parseBlockchain(cmd.Blockchain)
	if err != nil {
		f.Add("blockchain", "must be ethereum or solana")
	}
	amount, err := parseVIBE(cmd.Amount)
	if err != nil {
		f.Add("amount", "must be a positive VIBE amount with at most 9 decimals, as a string")
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return Transaction{}, err
	}
	if !h.chains.Enabled(chain) {
		return Transaction{}, ErrChainUnavailable
	}
	t, err := domain.NewMint(id, chain, amount, h.now())
	if err != nil {
		return Transaction{}, err
	}
	if _, err := h.store.Create(ctx, t); err != nil {
		return Transaction{}, err
	}
	stored, err := h.store.Get(ctx, id)
	if err != nil {
		return Transaction{}, err
	}
	// The answer describes the request as accepted; its job may already have moved it on.
	stored.Status, stored.TxHash, stored.FailureReason, stored.ConfirmedAt, stored.Fee = "pending", "", "", nil, ""
	return stored, nil
}

// Grant moves VIBE (or USD) from the reward pool to a user: promotions, airdrops.
type Grant struct {
	AdminID        uuid.UUID
	IdempotencyKey string
	UserID         uuid.UUID
	Asset          string
	Amount         string
	Reason         string
}

// GrantHandler books grants.
type GrantHandler struct{ ledger contracts.Ledger }

// NewGrantHandler refuses a nil ledger.
func NewGrantHandler(l contracts.Ledger) *GrantHandler {
	if l == nil {
		panic("chaintx: nil dependency")
	}
	return &GrantHandler{ledger: l}
}

// Handle transfers VIBE from the reward pool (an underfunded pool answers
// payment.insufficient_funds) and USD from the promotions account.
func (h *GrantHandler) Handle(ctx context.Context, cmd Grant) (contracts.Receipt, money.Amount, error) {
	if cmd.IdempotencyKey == "" {
		return contracts.Receipt{}, money.Amount{}, ErrIdempotencyKey
	}
	f := errs.Fields{}
	asset, err := money.ParseAsset(strings.ToUpper(cmd.Asset))
	if err != nil {
		f.Add("asset", "must be VIBE or USD")
	}
	var amount money.Amount
	if err == nil {
		if amount, err = money.Parse(asset, cmd.Amount); err != nil || !amount.IsPositive() {
			f.Add("amount", "must be a positive decimal amount of the asset")
		}
	}
	if cmd.UserID == uuid.Nil {
		f.Add("user_id", "is required")
	}
	if strings.TrimSpace(cmd.Reason) == "" {
		f.Add("reason", "is required")
	} else if utf8.RuneCountInString(cmd.Reason) > MaxGrantReason {
		f.Add("reason", "must be at most 500 characters")
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return contracts.Receipt{}, money.Amount{}, err
	}
	// USD grants are promotional credit, a marketing expense drawn from the promotions account
	// (which may go negative); VIBE grants come out of the reward pool and need it funded.
	pool := contracts.System(contracts.KindRewardPool, asset)
	if asset == money.USD {
		pool = contracts.System(contracts.KindPromotions, money.USD)
	} else {
		bal, err := h.ledger.Balance(ctx, pool)
		if err != nil && !errors.Is(err, contracts.ErrAccountNotFound) {
			return contracts.Receipt{}, money.Amount{}, err
		}
		if err != nil || bal.Cmp(amount) < 0 {
			return contracts.Receipt{}, money.Amount{}, contracts.ErrInsufficientFunds.WithMessage("the reward pool does not cover this grant: mint to the treasury first")
		}
	}
	r, err := h.ledger.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "grant:" + cmd.AdminID.String() + ":" + cmd.IdempotencyKey,
		From: pool, To: []contracts.Credit{{To: contracts.Wallet(cmd.UserID, asset), Amount: amount}},
		Details: contracts.Details{Reason: "grant", ExternalRef: cmd.AdminID.String(), Metadata: map[string]string{"reason": cmd.Reason}}})
	return r, amount, err
}
