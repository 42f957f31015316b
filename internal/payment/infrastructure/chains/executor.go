package chains

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
)

// Executor drives stored transfers to a final state without ever sending one twice: every
// signed version is stored before broadcast, and each run first asks the chain about all stored
// versions. It is safe to run again after a crash at any point, and from any instance.
type Executor struct {
	Store   *chainstore.Store
	Chains  *Chains
	Metrics *Metrics
	// StuckAfter is how long an Ethereum transaction may stay unmined before it is replaced
	// with a higher fee (default 30s).
	StuckAfter time.Duration
	// Run drives one transfer through the application's lifecycle (chaintx.Lifecycle.Execute,
	// which calls Send): what Resume runs for each orphaned transfer.
	Run func(ctx context.Context, id uuid.UUID) error

	// EthSendLock, when set, serialises new Ethereum sends across instances (they share the
	// hot wallet's nonce sequence): under it the nonce is read from the node again, so an
	// instance never reuses a nonce another instance just broadcast.
	EthSendLock func(ctx context.Context) (unlock func(), err error)

	// Lock, when set, makes each transfer's execution exclusive across workers and instances
	// (Execute answers ErrBusy when another holds it); it dies with its holder, which is what
	// lets Resume take over a transfer whose worker crashed.
	Lock TryLock
	// Logger for recovery (Resume, Audit); nil: slog.Default.
	Logger *slog.Logger

	// crashAfterPersist, in tests, simulates the process dying between storing a signed
	// transaction and broadcasting it.
	crashAfterPersist func() error
}

var errPermanent = errors.New("permanent")

var _ chaintx.Gateway = (*Executor)(nil)

// drive is one Send: the executor, the lifecycle's submitted callback and the landing found.
type drive struct {
	*Executor
	onSubmitted func(ctx context.Context, txHash string) error
	landing     *chaintx.Landing
}

// Send drives one transfer's transaction on its chain as far as it can within ctx and returns
// where it landed (or why it provably never can); an error means "try again later". It holds
// the transfer's lock meanwhile (chaintx.ErrBusy when another worker does).
func (e *Executor) Send(ctx context.Context, tr *domain.Transfer, submitted func(ctx context.Context, txHash string) error) (chaintx.Landing, error) {
	if e.Lock != nil {
		unlock, ok, err := e.Lock(ctx, transferLockKey(tr.ID()))
		if err != nil {
			return chaintx.Landing{}, err
		}
		if !ok {
			return chaintx.Landing{}, chaintx.ErrBusy
		}
		defer unlock()
	}
	t, err := e.Store.Get(ctx, tr.ID())
	if err != nil {
		return chaintx.Landing{}, err
	}
	d := &drive{Executor: e, onSubmitted: submitted}
	switch t.Blockchain {
	case "ethereum":
		err = d.executeEthereum(ctx, t)
	case "solana":
		err = d.executeSolana(ctx, t)
	default:
		err = fmt.Errorf("%w: unknown blockchain %q", errPermanent, t.Blockchain)
	}
	if errors.Is(err, errPermanent) {
		err = d.fail(ctx, t, err.Error())
	}
	if err != nil {
		if e.Metrics != nil {
			e.Metrics.RPCErrors.WithLabelValues(t.Blockchain).Inc()
		}
		return chaintx.Landing{}, err
	}
	if d.landing == nil {
		return chaintx.Landing{}, fmt.Errorf("chains: transfer %s ended without an outcome", t.ID)
	}
	return *d.landing, nil
}

// fail and confirm record the landing Send returns (the lifecycle books and stores it).
func (e *drive) fail(_ context.Context, t chainstore.Transfer, reason string) error {
	e.landing = &chaintx.Landing{Failed: true, Reason: reason}
	e.observe(t, chainstore.StatusFailed)
	return nil
}

// confirmation is what a landed transaction cost and where it landed.
type confirmation struct {
	TxHash  string
	Block   int64
	GasUsed int64
	Fee     string
}

func (e *drive) confirm(ctx context.Context, t chainstore.Transfer, c confirmation) error {
	gas := c.GasUsed
	if err := e.Store.RecordCost(ctx, t.ID, &gas, c.Fee); err != nil {
		return err
	}
	e.landing = &chaintx.Landing{TxHash: c.TxHash, Block: c.Block}
	e.observe(t, chainstore.StatusConfirmed)
	if e.Metrics != nil {
		if t.SubmittedAt != nil {
			e.Metrics.ConfirmSeconds.WithLabelValues(t.Blockchain).Observe(time.Since(*t.SubmittedAt).Seconds())
		} else {
			e.Metrics.ConfirmSeconds.WithLabelValues(t.Blockchain).Observe(time.Since(t.CreatedAt).Seconds())
		}
		if t.Blockchain == "ethereum" {
			e.Metrics.GasUsed.Observe(float64(gas))
		}
	}
	return nil
}

func (e *drive) submitted(ctx context.Context, t chainstore.Transfer, hash string) error {
	if e.onSubmitted != nil {
		if err := e.onSubmitted(ctx, hash); err != nil {
			return err
		}
	}
	if t.Status == chainstore.StatusPending {
		e.observe(t, chainstore.StatusSubmitted)
	}
	return nil
}

func (e *Executor) observe(t chainstore.Transfer, status string) {
	if e.Metrics != nil {
		e.Metrics.Transactions.WithLabelValues(t.Blockchain, status).Inc()
	}
}

// ---- Ethereum ----

func (e *drive) executeEthereum(ctx context.Context, t chainstore.Transfer) error {
	c := e.Chains.Ethereum
	var to common.Address
	if t.Kind != "mint" {
		a, err := ethereum.ParseAddress(t.To)
		if err != nil {
			return fmt.Errorf("%w: %v", errPermanent, err)
		}
		to = a
	}
	amount, err := ethereum.ToTokenUnits(t.Amount)
	if err != nil {
		return fmt.Errorf("%w: %v", errPermanent, err)
	}
	persist := func(ctx context.Context, s ethereum.SignedTx) error {
		n := int64(s.Nonce)
		if err := e.Store.RecordSigned(ctx, t.ID, chainstore.Signature{TxHash: s.Hash.Hex(), RawTx: s.Raw, Nonce: &n}, nil); err != nil {
			return err
		}
		if e.crashAfterPersist != nil {
			return e.crashAfterPersist()
		}
		return nil
	}
	send := func() (ethereum.SignedTx, error) {
		if e.EthSendLock != nil {
			unlock, err := e.EthSendLock(ctx)
			if err != nil {
				return ethereum.SignedTx{}, err
			}
			defer unlock()
			c.ResetNonce()
		}
		if t.Kind == "mint" {
			return c.MintRef(ctx, c.Address(), amount, t.ID[:], persist)
		}
		return c.TransferRef(ctx, to, amount, t.ID[:], persist)
	}
	stuckAfter := e.StuckAfter
	if stuckAfter <= 0 {
		stuckAfter = 30 * time.Second
	}

	for {
		sigs, err := e.Store.Signatures(ctx, t.ID)
		if err != nil {
			return err
		}
		// 1. Ask the chain first: has any stored version been mined?
		var pending *chainstore.Signature
		for i := range sigs {
			r, err := c.Status(ctx, common.HexToHash(sigs[i].TxHash))
			if errors.Is(err, ethereum.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if r.Confirmations > 0 {
				return e.finishEthereum(ctx, t, r.Hash)
			}
			pending = &sigs[i]
		}
		var current ethereum.SignedTx
		switch {
		case len(sigs) == 0:
			// 2. Never signed: sign, store, broadcast.
			current, err = send()
			if err != nil {
				if errors.Is(err, ethereum.ErrRejected) && current.Hash == (common.Hash{}) {
					return fmt.Errorf("%w: %v", errPermanent, err)
				}
				if errors.Is(err, ethereum.ErrRejected) {
					// Refused by the node: never in a pool. Retry from the stored state.
					continue
				}
				return err
			}
		default:
			latest := sigs[len(sigs)-1]
			if pending != nil {
				latest = *pending
			}
			current = ethereum.SignedTx{Hash: common.HexToHash(latest.TxHash), Raw: latest.RawTx}
			if latest.Nonce != nil {
				current.Nonce = uint64(*latest.Nonce)
			}
			if pending == nil {
				// 3. Stored but unknown to the node (crash before broadcast, or dropped):
				// broadcast the same bytes again.
				if err := c.Broadcast(ctx, latest.RawTx); err != nil {
					if !ethereum.IsNonceTooLow(err) {
						return err
					}
					// The nonce went to another transaction. Ask again (one of ours may have
					// been mined meanwhile); if not, the stored bytes can never be mined, so
					// signing anew with a fresh nonce cannot double-spend.
					if mined, err := e.anyMined(ctx, sigs); err != nil || mined {
						if err != nil {
							return err
						}
						continue
					}
					c.ResetNonce()
					current, err = send()
					if err != nil {
						return err
					}
				}
			}
		}
		if err := e.submitted(ctx, t, current.Hash.Hex()); err != nil {
			return err
		}
		// 4. Wait for the receipt; replace when stuck.
		wctx, cancel := context.WithTimeout(ctx, stuckAfter)
		_, err = c.WaitMined(wctx, current.Hash, 1)
		cancel()
		switch {
		case err == nil || errors.Is(err, ethereum.ErrReverted):
			return e.finishEthereum(ctx, t, current.Hash)
		case ctx.Err() != nil:
			return ctx.Err()
		}
		if _, err := c.Replace(ctx, current, persist); err != nil && !ethereum.IsNonceTooLow(err) {
			return err
		}
	}
}

func (e *Executor) anyMined(ctx context.Context, sigs []chainstore.Signature) (bool, error) {
	for _, s := range sigs {
		r, err := e.Chains.Ethereum.Status(ctx, common.HexToHash(s.TxHash))
		if errors.Is(err, ethereum.ErrNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		if r.Confirmations > 0 {
			return true, nil
		}
	}
	return false, nil
}

// finishEthereum waits for the configured depth on the mined version and records the outcome.
func (e *drive) finishEthereum(ctx context.Context, t chainstore.Transfer, hash common.Hash) error {
	r, err := e.Chains.Ethereum.WaitMined(ctx, hash, 0)
	if errors.Is(err, ethereum.ErrReverted) {
		return e.fail(ctx, t, "reverted on chain in transaction "+hash.Hex())
	}
	if err != nil {
		return err
	}
	fee := ""
	if r.EffectiveGasFee != nil {
		fee = new(big.Int).Mul(r.EffectiveGasFee, new(big.Int).SetUint64(r.GasUsed)).String()
	}
	return e.confirm(ctx, t, confirmation{TxHash: hash.Hex(), Block: int64(r.BlockNumber), GasUsed: int64(r.GasUsed), Fee: fee})
}

// ---- Solana ----

func (e *drive) executeSolana(ctx context.Context, t chainstore.Transfer) error {
	c := e.Chains.Solana
	var to sol.PublicKey
	if t.Kind != "mint" {
		pk, err := solana.ParseAddress(t.To)
		if err != nil {
			return fmt.Errorf("%w: %v", errPermanent, err)
		}
		to = pk
	}
	if t.Amount <= 0 {
		return fmt.Errorf("%w: amount must be positive", errPermanent)
	}
	persist := func(ctx context.Context, s solana.SignedTx) error {
		lv := int64(s.LastValidBlockHeight)
		if err := e.Store.RecordSigned(ctx, t.ID, chainstore.Signature{TxHash: s.Signature.String(), RawTx: s.Raw}, &lv); err != nil {
			return err
		}
		if e.crashAfterPersist != nil {
			return e.crashAfterPersist()
		}
		return nil
	}
	sign := func() (solana.SignedTx, error) {
		var s solana.SignedTx
		var err error
		if t.Kind == "mint" {
			s, err = c.SignMintTo(ctx, uint64(t.Amount), t.ID.String())
		} else {
			s, err = c.SignTransfer(ctx, to, uint64(t.Amount), t.ID.String())
		}
		if err != nil {
			return s, err
		}
		if err := persist(ctx, s); err != nil {
			return solana.SignedTx{}, err
		}
		return s, nil
	}
	for {
		t2, err := e.Store.Get(ctx, t.ID)
		if err != nil {
			return err
		}
		sigs, err := e.Store.Signatures(ctx, t.ID)
		if err != nil {
			return err
		}
		// 1. Ask the cluster first about every stored version.
		for _, s := range sigs {
			sig, err := sol.SignatureFromBase58(s.TxHash)
			if err != nil {
				return err
			}
			st, err := c.Status(ctx, sig)
			if err != nil {
				return err
			}
			if st.Found {
				return e.finishSolana(ctx, t, solana.SignedTx{Signature: sig, Raw: s.RawTx, LastValidBlockHeight: ^uint64(0)})
			}
		}
		var current solana.SignedTx
		if len(sigs) == 0 {
			// 2. Never signed.
			if current, err = sign(); err != nil {
				return err
			}
		} else {
			latest := sigs[len(sigs)-1]
			sig, _ := sol.SignatureFromBase58(latest.TxHash)
			current = solana.SignedTx{Signature: sig, Raw: latest.RawTx}
			if t2.LastValidBlockHeight != nil {
				current.LastValidBlockHeight = uint64(*t2.LastValidBlockHeight)
			}
			expired, err := c.Expired(ctx, current)
			if err != nil {
				return err
			}
			if expired {
				// 3. Provably never landed and never can: sign anew with a fresh blockhash.
				if current, err = sign(); err != nil {
					return err
				}
			}
		}
		if err := c.Broadcast(ctx, current.Raw); err != nil {
			if errors.Is(err, solana.ErrBlockhashNotFound) {
				// Retry later: once the blockhash has provably expired, the next run re-signs.
				return err
			}
			if errors.Is(err, solana.ErrRejected) {
				// Preflight refused it (e.g. the hot wallet lacks VIBE or SOL). Nothing landed.
				if st, serr := c.Status(ctx, current.Signature); serr == nil && !st.Found {
					return fmt.Errorf("%w: %v", errPermanent, err)
				}
			}
			return err
		}
		if err := e.submitted(ctx, t, current.Signature.String()); err != nil {
			return err
		}
		st, err := c.WaitConfirmed(ctx, current)
		switch {
		case err == nil:
			return e.recordSolana(ctx, t, current.Signature, st)
		case errors.Is(err, solana.ErrFailed):
			return e.fail(ctx, t, err.Error())
		case errors.Is(err, solana.ErrExpired):
			continue
		default:
			return err
		}
	}
}

func (e *drive) finishSolana(ctx context.Context, t chainstore.Transfer, tx solana.SignedTx) error {
	st, err := e.Chains.Solana.WaitConfirmed(ctx, tx)
	if errors.Is(err, solana.ErrFailed) {
		return e.fail(ctx, t, err.Error())
	}
	if err != nil {
		return err
	}
	return e.recordSolana(ctx, t, tx.Signature, st)
}

func (e *drive) recordSolana(ctx context.Context, t chainstore.Transfer, sig sol.Signature, st solana.Status) error {
	return e.confirm(ctx, t, confirmation{TxHash: sig.String(), Block: int64(st.Slot), Fee: "5000"})
}
