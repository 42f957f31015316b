package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
)

// ErrInvalidThreshold is a solvency threshold that is not a positive amount of the asset.
var ErrInvalidThreshold = errs.New(errs.Invalid, "payment.invalid_threshold", "the threshold must be a positive amount of the asset")

// SolvencyStatement is a proof that a hidden balance is at least a threshold, with the
// platform's attestation that the hidden balance is the ledger's.
type SolvencyStatement struct {
	Circuit      string
	Proof        string
	PublicInputs []string
	KeyID        string
	Commitment   string
	Attestation  string
	ExpiresAt    time.Time
}

// SolvencyProver proves balance >= threshold against a fresh commitment to the balance and
// attests that commitment for the user and asset.
type SolvencyProver interface {
	ProveSolvency(ctx context.Context, user uuid.UUID, asset money.Asset, balance, threshold int64) (SolvencyStatement, error)
}

// BalanceOf reads an account's balance.
type BalanceOf interface {
	Balance(ctx context.Context, ref contracts.AccountRef) (money.Amount, error)
}

// ProveSolvencyCommand asks for a proof that the caller's available balance covers Threshold.
type ProveSolvencyCommand struct {
	UserID    uuid.UUID
	Asset     string
	Threshold string
}

// SolvencyResult is the proof with the statement in the asset's terms.
type SolvencyResult struct {
	SolvencyStatement
	Asset     money.Asset
	Threshold money.Amount
}

// ProveSolvency checks the balance natively (a clear refusal when it is short) and only then
// proves.
type ProveSolvency struct {
	balances BalanceOf
	prover   SolvencyProver
}

// NewProveSolvency builds the use case.
func NewProveSolvency(balances BalanceOf, prover SolvencyProver) (*ProveSolvency, error) {
	if balances == nil || prover == nil {
		return nil, errors.New("payment: solvency needs a balance reader and a prover")
	}
	return &ProveSolvency{balances: balances, prover: prover}, nil
}

// Handle runs the use case.
func (h *ProveSolvency) Handle(ctx context.Context, cmd ProveSolvencyCommand) (SolvencyResult, error) {
	asset, err := money.ParseAsset(cmd.Asset)
	if err != nil {
		return SolvencyResult{}, err
	}
	threshold, err := money.Parse(asset, cmd.Threshold)
	if err != nil || threshold.Units() <= 0 {
		return SolvencyResult{}, ErrInvalidThreshold.WithField("threshold", "a positive "+asset.String()+" amount, e.g. \"10.00\"")
	}
	bal, err := h.balances.Balance(ctx, contracts.Wallet(cmd.UserID, asset))
	if errors.Is(err, contracts.ErrAccountNotFound) {
		// accounts open just after registration: until then the balance is zero
		bal, err = money.Zero(asset), nil
	}
	if err != nil {
		return SolvencyResult{}, err
	}
	if bal.Units() < threshold.Units() {
		return SolvencyResult{}, contracts.ErrInsufficientFunds.WithMessage("the available " + asset.String() +
			" balance is below the threshold: no proof can be made")
	}
	st, err := h.prover.ProveSolvency(ctx, cmd.UserID, asset, bal.Units(), threshold.Units())
	if err != nil {
		return SolvencyResult{}, err
	}
	return SolvencyResult{SolvencyStatement: st, Asset: asset, Threshold: threshold}, nil
}
