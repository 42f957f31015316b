package postgres

import (
	"context"
	"fmt"

	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/postgres/paymentdb"
)

// VerifyReport is the outcome of Verify: what was checked and every broken invariant.
type VerifyReport struct {
	Entries  int64
	Postings int64
	Accounts int64
	// Promotions is the promotions account's USD balance in micro-dollars: what promotional
	// credit has cost so far (negative is expected, not a problem).
	Promotions int64
	Problems   []string
}

// OK reports a ledger with no broken invariant.
func (r VerifyReport) OK() bool { return len(r.Problems) == 0 }

// Verify checks every ledger invariant in one repeatable-read snapshot: each entry has postings
// and they sum to zero per asset, each posting's asset is its account's, every balance equals
// the sum of its postings, no user balance is below zero, and each held account equals what its
// active holds still reserve.
func Verify(ctx context.Context, db paymentdb.DBTX) (VerifyReport, error) {
	q := paymentdb.New(db)
	var r VerifyReport
	counts, err := q.VerifyCounts(ctx)
	if err != nil {
		return r, err
	}
	r.Entries, r.Postings, r.Accounts = counts.Entries, counts.Postings, counts.Accounts
	if r.Promotions, err = q.VerifyPromotionsBalance(ctx); err != nil {
		return r, err
	}

	unbalanced, err := q.VerifyUnbalancedEntries(ctx)
	if err != nil {
		return r, err
	}
	for _, u := range unbalanced {
		r.Problems = append(r.Problems, fmt.Sprintf("entry %s: %s postings sum to %d, not zero", u.EntryID, u.Asset, u.Total))
	}
	empty, err := q.VerifyEntriesWithoutPostings(ctx)
	if err != nil {
		return r, err
	}
	for _, id := range empty {
		r.Problems = append(r.Problems, fmt.Sprintf("entry %s has no postings", id))
	}
	assets, err := q.VerifyPostingAssets(ctx)
	if err != nil {
		return r, err
	}
	for _, id := range assets {
		r.Problems = append(r.Problems, fmt.Sprintf("posting %d has an asset other than its account's", id))
	}
	mismatched, err := q.VerifyBalancesMatchPostings(ctx)
	if err != nil {
		return r, err
	}
	for _, m := range mismatched {
		r.Problems = append(r.Problems, fmt.Sprintf("account %s (%s %s of %s): balance %d but postings sum to %d", m.ID, m.Kind, m.Asset, m.OwnerID, m.Balance, m.Postings))
	}
	negative, err := q.VerifyNegativeUserBalances(ctx)
	if err != nil {
		return r, err
	}
	for _, n := range negative {
		r.Problems = append(r.Problems, fmt.Sprintf("account %s (%s %s of %s) shard %d is negative: %d", n.ID, n.Kind, n.Asset, n.OwnerID, n.Shard, n.Balance))
	}
	held, err := q.VerifyHeldMatchesHolds(ctx)
	if err != nil {
		return r, err
	}
	for _, h := range held {
		r.Problems = append(r.Problems, fmt.Sprintf("held account %s (%s of %s): balance %d but active holds reserve %d", h.ID, h.Asset, h.OwnerID, h.Balance, h.Holds))
	}
	kinds, err := q.VerifyAccountKinds(ctx, knownKinds())
	if err != nil {
		return r, err
	}
	for _, k := range kinds {
		r.Problems = append(r.Problems, fmt.Sprintf("account %s (%s %s of %s) is of an unknown kind or a royalty pool that is not a non-negative USD account", k.ID, k.Kind, k.Asset, k.OwnerID))
	}
	streams, err := q.VerifyStreamPayments(ctx)
	if err != nil {
		return r, err
	}
	for _, sp := range streams {
		r.Problems = append(r.Problems, fmt.Sprintf("stream payment of session %s: price %d but its entry credits %d", sp.SessionID, sp.Price, sp.Credited))
	}
	return r, nil
}

// knownKinds lists every account kind the ledger opens.
func knownKinds() []string {
	all := []contracts.AccountKind{contracts.KindPlatformFees, contracts.KindRewardPool, contracts.KindStripeClearing,
		contracts.KindChainHotWallet, contracts.KindTreasury, contracts.KindPromotions, contracts.KindRoyaltyPool}
	all = append(all, contracts.UserKinds()...)
	out := make([]string, 0, len(all))
	for _, k := range all {
		if k.Valid() {
			out = append(out, string(k))
		}
	}
	return out
}
