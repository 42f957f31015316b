package solana

import (
	"context"
	"fmt"
	"strconv"

	sol "github.com/gagliardetto/solana-go"
	"github.com/gagliardetto/solana-go/rpc"
)

// Deposit is VIBE that reached the hot wallet's token account in one transaction.
type Deposit struct {
	Signature sol.Signature
	Slot      uint64
	// From is the wallet (token account owner) whose VIBE balance fell in the same
	// transaction; zero when it cannot be told (several senders).
	From   sol.PublicKey
	Amount uint64 // base units (= ledger units)
}

// Checkpoints persists the last signature a scanner handled.
type Checkpoints interface {
	Load(ctx context.Context, name string) (signature string, ok bool, err error)
	Save(ctx context.Context, name string, signature string) error
}

// DepositScanner lists transactions touching the hot wallet's token account at the client's
// commitment (finalized: a rooted slot that can no longer be rolled back), oldest first after
// the checkpoint, and hands every incoming VIBE transfer to Handle (which must be idempotent,
// keyed on the signature), saving the checkpoint after each transaction.
type DepositScanner struct {
	Client      *Client
	Checkpoints Checkpoints
	Name        string
	// Commitment overrides the client's (deposits usually wait for finalized).
	Commitment rpc.CommitmentType
	Handle     func(ctx context.Context, d Deposit) error
}

// Poll handles everything new; it returns how many deposits it handed over.
func (s *DepositScanner) Poll(ctx context.Context) (int, error) {
	ata, err := s.Client.TokenAccount()
	if err != nil {
		return 0, err
	}
	last, _, err := s.Checkpoints.Load(ctx, s.Name)
	if err != nil {
		return 0, err
	}
	var until sol.Signature
	if last != "" {
		if until, err = sol.SignatureFromBase58(last); err != nil {
			return 0, fmt.Errorf("solana: bad checkpoint %q: %w", last, err)
		}
	}
	commitment := s.Client.commitment
	if s.Commitment != "" {
		commitment = s.Commitment
	}
	// Newest first, page backwards until the checkpoint.
	var sigs []*rpc.TransactionSignature
	var before sol.Signature
	for {
		limit := 1000
		page, err := s.Client.rpc.GetSignaturesForAddressWithOpts(ctx, ata, &rpc.GetSignaturesForAddressOpts{
			Limit: &limit, Before: before, Until: until, Commitment: commitment})
		if err != nil {
			return 0, fmt.Errorf("solana: signatures for %s: %w", ata, err)
		}
		sigs = append(sigs, page...)
		if len(page) < limit {
			break
		}
		before = page[len(page)-1].Signature
	}
	n := 0
	maxVersion := uint64(0)
	for i := len(sigs) - 1; i >= 0; i-- {
		ts := sigs[i]
		if ts.Err == nil {
			tx, err := s.Client.rpc.GetTransaction(ctx, ts.Signature, &rpc.GetTransactionOpts{
				Encoding: sol.EncodingBase64, Commitment: commitment, MaxSupportedTransactionVersion: &maxVersion})
			if err != nil {
				return n, fmt.Errorf("solana: transaction %s: %w", ts.Signature, err)
			}
			if d, ok := depositIn(tx, ata, s.Client.mint, s.Client.owner); ok {
				d.Signature, d.Slot = ts.Signature, tx.Slot
				if err := s.Handle(ctx, d); err != nil {
					return n, err
				}
				n++
			}
		}
		if err := s.Checkpoints.Save(ctx, s.Name, ts.Signature.String()); err != nil {
			return n, err
		}
	}
	return n, nil
}

// depositIn reads the token balance changes of one transaction: the hot account's increase is
// the deposit, the owner whose balance of the mint fell is the sender.
func depositIn(tx *rpc.GetTransactionResult, hotATA, mint, hot sol.PublicKey) (Deposit, bool) {
	if tx == nil || tx.Meta == nil || tx.Meta.Err != nil || tx.Transaction == nil {
		return Deposit{}, false
	}
	parsed, err := tx.Transaction.GetTransaction()
	if err != nil {
		return Deposit{}, false
	}
	keys := parsed.Message.AccountKeys
	if len(keys) > 0 && keys[0].Equals(hot) {
		// Paid and signed by the platform itself (mints, its own transfers): not a deposit.
		return Deposit{}, false
	}
	type bal struct {
		owner  sol.PublicKey
		amount uint64
	}
	read := func(list []rpc.TokenBalance) map[uint16]bal {
		m := map[uint16]bal{}
		for _, b := range list {
			if !b.Mint.Equals(mint) || b.UiTokenAmount == nil {
				continue
			}
			v, err := strconv.ParseUint(b.UiTokenAmount.Amount, 10, 64)
			if err != nil {
				continue
			}
			var owner sol.PublicKey
			if b.Owner != nil {
				owner = *b.Owner
			}
			m[b.AccountIndex] = bal{owner, v}
		}
		return m
	}
	pre, post := read(tx.Meta.PreTokenBalances), read(tx.Meta.PostTokenBalances)
	var d Deposit
	senders := 0
	for idx, after := range post {
		before := pre[idx]
		if int(idx) < len(keys) && keys[idx].Equals(hotATA) {
			if after.amount > before.amount {
				d.Amount = after.amount - before.amount
			}
			continue
		}
		if after.amount < before.amount {
			d.From = after.owner
			senders++
		}
	}
	if senders != 1 {
		d.From = sol.PublicKey{}
	}
	return d, d.Amount > 0
}
