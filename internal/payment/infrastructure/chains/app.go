package chains

import (
	"context"
	"errors"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
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

// burnAddresses nobody holds the key of, on Ethereum.
var burnAddresses = []common.Address{
	{},
	common.HexToAddress("0x000000000000000000000000000000000000dEaD"),
}

// solanaSinks are program and burn addresses on Solana.
var solanaSinks = []sol.PublicKey{
	sol.SystemProgramID, sol.TokenProgramID, sol.Token2022ProgramID, sol.SPLAssociatedTokenAccountProgramID,
	sol.SysVarRentPubkey, sol.MustPublicKeyFromBase58("1nc1nerator11111111111111111111111111111111"),
}

// IsPlatformAddress reports the hot wallet, the VIBE token contract or mint (and the hot
// wallet's token account), precompiles, programs and burn addresses.
func (a AppChains) IsPlatformAddress(blockchain, address string) bool {
	if a.C == nil {
		return false
	}
	switch blockchain {
	case "ethereum":
		if a.C.Ethereum == nil || !common.IsHexAddress(address) {
			return false
		}
		addr := common.HexToAddress(address)
		if addr == a.C.Ethereum.Address() || addr == a.C.Ethereum.Token() {
			return true
		}
		// 0x00..01 to 0x00..ff: precompiles and reserved system addresses.
		if new(big.Int).SetBytes(addr.Bytes()).Cmp(big.NewInt(0xff)) <= 0 {
			return true
		}
		for _, b := range burnAddresses {
			if addr == b {
				return true
			}
		}
	case "solana":
		if a.C.Solana == nil {
			return false
		}
		pk, err := sol.PublicKeyFromBase58(address)
		if err != nil {
			return false
		}
		if pk.Equals(a.C.Solana.Address()) || pk.Equals(a.C.Solana.Mint()) {
			return true
		}
		if ata, err := a.C.Solana.TokenAccount(); err == nil && pk.Equals(ata) {
			return true
		}
		for _, s := range solanaSinks {
			if pk.Equals(s) {
				return true
			}
		}
	}
	return false
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
func (a AppStore) Create(ctx context.Context, t *domain.Transfer) (bool, error) {
	return a.S.Create(ctx, fromDomain(t))
}

func fromDomain(t *domain.Transfer) chainstore.Transfer {
	out := chainstore.Transfer{ID: t.ID(), Kind: string(t.Kind()), Blockchain: t.Blockchain(), To: t.To(), Amount: t.Amount().Units()}
	if u := t.UserID(); u != uuid.Nil {
		out.UserID = &u
	}
	if h := t.HoldID(); h != uuid.Nil {
		out.HoldID = &h
	}
	return out
}

// CreateWithdrawal stores the hold and the transfer in one transaction.
func (a AppStore) CreateWithdrawal(ctx context.Context, t *domain.Transfer, hold application.PreparedHold) (bool, error) {
	return a.S.CreateWithdrawal(ctx, fromDomain(t), hold.Hold, hold.Entry)
}

// RecordDeposit stores a deposit (with its credit and event) once.
func (a AppStore) RecordDeposit(ctx context.Context, d chaintx.Deposit, credit *domain.Entry, event *contracts.DepositCredited) (bool, error) {
	return a.S.RecordDeposit(ctx, chainstore.Deposit{Blockchain: d.Blockchain, TxHash: d.TxHash, LogIndex: d.LogIndex, From: d.From,
		ChainAmount: d.ChainAmount, Amount: d.Amount, BlockNumber: d.BlockNumber, Status: d.Status, UserID: d.UserID, Reason: d.Reason}, credit, event)
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
