package chains

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
)

// AppChains adapts the chains to the application's Chains port.
type AppChains struct{ C *Chains }

// Enabled reports a configured chain.
func (a AppChains) Enabled(blockchain string) bool {
	if a.C == nil {
		return false
	}
	switch blockchain {
	case "ethereum":
		return a.C.Ethereum != nil
	case "solana":
		return a.C.Solana != nil
	}
	return false
}

// NormalizeAddress validates per chain: EIP-55 on Ethereum, an on-curve base58 key on Solana.
func (a AppChains) NormalizeAddress(blockchain, address string) (string, error) {
	switch blockchain {
	case "ethereum":
		addr, err := ethereum.ParseAddress(address)
		if err != nil {
			return "", err
		}
		return addr.Hex(), nil
	case "solana":
		pk, err := solana.ParseAddress(address)
		if err != nil {
			return "", err
		}
		return pk.String(), nil
	}
	return "", chaintx.ErrUnknownBlockchain
}

// EstimateFee quotes a transfer; with no destination, a transfer to an existing account.
func (a AppChains) EstimateFee(ctx context.Context, blockchain, to string, amount int64) (chaintx.Fee, error) {
	if to == "" {
		switch blockchain {
		case "ethereum":
			to = a.C.Ethereum.Address().Hex()
		case "solana":
			to = a.C.Solana.Address().String()
		}
	}
	f, err := a.C.EstimateFee(ctx, blockchain, to, amount)
	if err != nil {
		return chaintx.Fee{}, err
	}
	return chaintx.Fee{Blockchain: f.Blockchain, Native: f.Native, Currency: f.Currency, Decimals: f.Decimals, Gas: f.Gas, AccountRent: f.AccountRent}, nil
}

// HotWalletBalances in ledger units (dust below one unit is left out).
func (a AppChains) HotWalletBalances(ctx context.Context) (map[string]int64, error) {
	b, err := a.C.HotWalletBalances(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for k, v := range b {
		out[k] = v.Ledger
	}
	return out, nil
}

// AppStore adapts the chain store to the application's Store port.
type AppStore struct{ S *chainstore.Store }

// Create stores a transfer (and schedules its job).
func (a AppStore) Create(ctx context.Context, t chaintx.Transaction) (bool, error) {
	return a.S.Create(ctx, chainstore.Transfer{ID: t.ID, Kind: t.Kind, UserID: t.UserID, HoldID: t.HoldID, Blockchain: t.Blockchain, To: t.To, Amount: t.Amount.Units()})
}

// Get loads one.
func (a AppStore) Get(ctx context.Context, id uuid.UUID) (chaintx.Transaction, error) {
	t, err := a.S.Get(ctx, id)
	if errors.Is(err, chainstore.ErrNotFound) {
		return chaintx.Transaction{}, chaintx.ErrNotFound
	}
	if err != nil {
		return chaintx.Transaction{}, err
	}
	return toApp(t), nil
}

// ListByUser lists newest first.
func (a AppStore) ListByUser(ctx context.Context, user uuid.UUID, before *chaintx.Cursor, limit int) ([]chaintx.Transaction, error) {
	var at *time.Time
	var id *uuid.UUID
	if before != nil {
		at, id = &before.CreatedAt, &before.ID
	}
	ts, err := a.S.ListByUser(ctx, user, at, id, limit)
	if err != nil {
		return nil, err
	}
	out := make([]chaintx.Transaction, len(ts))
	for i, t := range ts {
		out[i] = toApp(t)
	}
	return out, nil
}

func toApp(t chainstore.Transfer) chaintx.Transaction {
	return chaintx.Transaction{ID: t.ID, Kind: t.Kind, UserID: t.UserID, HoldID: t.HoldID, Blockchain: t.Blockchain, To: t.To,
		Amount: money.MustNew(money.VIBE, t.Amount), Status: t.Status, TxHash: t.TxHash, FailureReason: t.FailureReason, Fee: t.Fee,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, ConfirmedAt: t.ConfirmedAt}
}
