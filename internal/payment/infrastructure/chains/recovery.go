package chains

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
)

// ErrBusy means another worker (this instance or another) holds the transfer's lock: it is
// being driven already.
var ErrBusy = chaintx.ErrBusy

// transferLockKey maps a transfer to its advisory lock (a namespace in the high bits keeps it
// apart from the other lock keys).
func transferLockKey(id uuid.UUID) int64 {
	return int64(binary.BigEndian.Uint64(id[8:])&0x00ff_ffff_ffff_ffff | 0x5400_0000_0000_0000)
}

// Resume drives every open transfer untouched for olderThan whose lock is free: a transfer
// whose worker died with its process (kill -9, a lost machine) is resumed within one period
// instead of waiting for River's rescuer (an hour). The executor resumes from the stored signed
// transactions, so resuming never sends twice. allow (may be nil) gates each chain (its circuit
// breaker); the done it returns (may be nil) is told each let-through run's outcome. It returns
// how many transfers it drove.
func (e *Executor) Resume(ctx context.Context, olderThan time.Duration, allow func(chain string) (ok bool, done func(error))) (int, error) {
	if e.Run == nil {
		return 0, errors.New("chains: Resume needs Run (the lifecycle's Execute)")
	}
	ids, err := e.Store.Open(ctx, time.Now().Add(-olderThan), 100)
	if err != nil {
		return 0, err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		n    int
		errs []error
		sem  = make(chan struct{}, 4)
	)
	for _, id := range ids {
		t, err := e.Store.Get(ctx, id)
		if err != nil {
			return n, err
		}
		var done func(error)
		if allow != nil {
			var ok bool
			if ok, done = allow(t.Blockchain); !ok {
				continue
			}
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := e.Run(ctx, id)
			if done != nil {
				done(err)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrBusy):
			case err != nil:
				errs = append(errs, fmt.Errorf("resume %s: %w", id, err))
			default:
				n++
				e.logger().InfoContext(ctx, "chain transfer resumed after its worker stopped", "transfer_id", id, "chain", t.Blockchain)
			}
		}()
	}
	wg.Wait()
	return n, errors.Join(errs...)
}

// AuditResult counts what Audit found.
type AuditResult struct {
	Checked     int
	Rebroadcast int
	Missing     int
}

// Audit checks every transfer confirmed since since against its chain: a confirmed transfer
// whose transaction the chain no longer knows (a local chain restored from an older state, a
// reorg on a real one) gets its stored signed transaction broadcast again; if that is refused
// the transfer is reported loudly (error log and metric) for an operator.
func (e *Executor) Audit(ctx context.Context, since time.Time) (AuditResult, error) {
	var res AuditResult
	ids, err := e.Store.ConfirmedSince(ctx, since, 1000)
	if err != nil {
		return res, err
	}
	for _, id := range ids {
		t, err := e.Store.Get(ctx, id)
		if err != nil {
			return res, err
		}
		if t.TxHash == "" {
			continue
		}
		raw := t.RawTx
		sigs, err := e.Store.Signatures(ctx, id)
		if err != nil {
			return res, err
		}
		for _, s := range sigs {
			if s.TxHash == t.TxHash {
				raw = s.RawTx
			}
		}
		present, err := e.onChain(ctx, t)
		if err != nil {
			return res, fmt.Errorf("audit %s: %w", id, err)
		}
		res.Checked++
		if present {
			e.audited(t.Blockchain, "present")
			continue
		}
		if berr := e.broadcast(ctx, t.Blockchain, raw); berr != nil {
			res.Missing++
			e.audited(t.Blockchain, "missing")
			e.logger().ErrorContext(ctx, "CONFIRMED CHAIN TRANSFER IS MISSING FROM THE CHAIN and its signed transaction was refused: the ledger counts it as paid out",
				"transfer_id", id, "chain", t.Blockchain, "tx_hash", t.TxHash, "error", berr)
			continue
		}
		res.Rebroadcast++
		e.audited(t.Blockchain, "rebroadcast")
		e.logger().ErrorContext(ctx, "confirmed chain transfer was missing from the chain: its stored signed transaction was broadcast again",
			"transfer_id", id, "chain", t.Blockchain, "tx_hash", t.TxHash)
	}
	return res, nil
}

func (e *Executor) onChain(ctx context.Context, t chainstore.Transfer) (bool, error) {
	switch t.Blockchain {
	case "ethereum":
		_, err := e.Chains.Ethereum.Status(ctx, common.HexToHash(t.TxHash))
		if errors.Is(err, ethereum.ErrNotFound) {
			return false, nil
		}
		// Known to the node; a pending one was rebroadcast already and is mined soon.
		return err == nil, err
	case "solana":
		sig, err := sol.SignatureFromBase58(t.TxHash)
		if err != nil {
			return false, err
		}
		st, err := e.Chains.Solana.Status(ctx, sig)
		return st.Found, err
	}
	return false, fmt.Errorf("unknown blockchain %q", t.Blockchain)
}

func (e *Executor) broadcast(ctx context.Context, chain string, raw []byte) error {
	if len(raw) == 0 {
		return errors.New("no signed transaction stored")
	}
	if chain == "ethereum" {
		return e.Chains.Ethereum.Broadcast(ctx, raw)
	}
	return e.Chains.Solana.Broadcast(ctx, raw)
}

func (e *Executor) audited(chain, result string) {
	if e.Metrics != nil && e.Metrics.Audited != nil {
		e.Metrics.Audited.WithLabelValues(chain, result).Inc()
	}
}

func (e *Executor) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.Default()
}
