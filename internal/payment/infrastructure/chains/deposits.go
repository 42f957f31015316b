package chains

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
)

// DepositRecorder is the application's deposit use case: it decides whether a deposit is
// credited and records it (with its credit and event) once.
type DepositRecorder interface {
	Record(ctx context.Context, d chaintx.Deposit) (chaintx.Deposit, bool, error)
}

// DepositWatcher turns confirmed incoming transfers into ledger credits (known sender) or
// records for an admin (unknown sender, or an amount with no exact ledger value).
type DepositWatcher struct {
	Chains   *Chains
	Store    *chainstore.Store
	Deposits DepositRecorder
	Metrics  *Metrics
	// Lock, when set, keeps two scans (overlapping runs, several instances) from working at
	// once: a scan that cannot take it returns at once, having done nothing.
	Lock TryLock
}

// Scan polls both chains once and returns how many deposits it handled.
func (w *DepositWatcher) Scan(ctx context.Context) (int, error) {
	if w.Lock != nil {
		unlock, ok, err := w.Lock(ctx, depositScanLockKey)
		if err != nil || !ok {
			return 0, err
		}
		defer unlock()
	}
	eth := &ethereum.DepositScanner{Client: w.Chains.Ethereum, Checkpoints: chainstore.BlockCheckpoints{S: w.Store},
		Name: "ethereum:" + w.Chains.Ethereum.Token().Hex(), StartBlock: w.Chains.EthStartBlock,
		Handle: func(ctx context.Context, ts []ethereum.Transfer) error {
			for _, t := range ts {
				if t.From == (common.Address{}) || t.From == w.Chains.Ethereum.Address() {
					continue // a treasury mint (or the platform's own transfer), not a deposit
				}
				d := chaintx.Deposit{Blockchain: "ethereum", TxHash: t.TxHash.Hex(), LogIndex: int(t.LogIndex),
					From: t.From.Hex(), ChainAmount: t.Amount.String(), BlockNumber: int64(t.BlockNumber)}
				if v, err := ethereum.ToLedgerUnits(t.Amount); err == nil {
					d.Amount = &v
				} else {
					d.Reason = err.Error()
				}
				if err := w.handle(ctx, d); err != nil {
					return err
				}
			}
			return nil
		}}
	n1, err1 := eth.Poll(ctx)
	sol := &solana.DepositScanner{Client: w.Chains.Solana, Checkpoints: chainstore.SignatureCheckpoints{S: w.Store},
		Name: "solana:" + w.Chains.Solana.Mint().String(), Commitment: w.Chains.SolanaDepositCommitment,
		Handle: func(ctx context.Context, dep solana.Deposit) error {
			d := chaintx.Deposit{Blockchain: "solana", TxHash: dep.Signature.String(), LogIndex: 0,
				From: dep.From.String(), ChainAmount: fmt.Sprint(dep.Amount), BlockNumber: int64(dep.Slot)}
			if dep.From.IsZero() {
				d.From, d.Reason = "", "sender could not be determined"
			}
			if dep.Amount <= 1<<63-1 {
				v := int64(dep.Amount)
				d.Amount = &v
			}
			return w.handle(ctx, d)
		}}
	n2, err2 := sol.Poll(ctx)
	if w.Metrics != nil && w.Metrics.DepositScans != nil {
		w.Metrics.DepositScans.Inc()
	}
	return n1 + n2, errors.Join(err1, err2)
}

func (w *DepositWatcher) handle(ctx context.Context, d chaintx.Deposit) error {
	d, inserted, err := w.Deposits.Record(ctx, d)
	if err != nil || !inserted {
		return err
	}
	if w.Metrics != nil {
		w.Metrics.Deposits.WithLabelValues(d.Blockchain, d.Status).Inc()
	}
	return nil
}

// RunScan scans once, bounded to a minute (the deposit loop of every instance; the scan lock
// lets one scan at a time do the work).
func (w *DepositWatcher) RunScan(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	_, err := w.Scan(ctx)
	return err
}
