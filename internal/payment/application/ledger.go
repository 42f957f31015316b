package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Ledger implements contracts.Ledger on a LedgerStore.
type Ledger struct {
	store LedgerStore
	now   Clock
	newID NewID

	// users, when set, lets the ledger open a user's accounts on first use (account): the
	// user.registered.v1 subscriber stays the eager path, but a posting must not wait for the
	// events queue. Only users the directory confirms get accounts.
	users usercontracts.Directory
}

// LedgerOption configures a Ledger.
type LedgerOption func(*Ledger)

// WithUserDirectory makes the ledger open a confirmed user's accounts on first use instead of
// answering payment.account_not_found until the registration subscriber has run.
func WithUserDirectory(users usercontracts.Directory) LedgerOption {
	return func(l *Ledger) { l.users = users }
}

var _ contracts.Ledger = (*Ledger)(nil)

// NewLedger builds the ledger service.
func NewLedger(store LedgerStore, now Clock, newID NewID, opts ...LedgerOption) (*Ledger, error) {
	if store == nil {
		return nil, errors.New("payment: ledger store is required")
	}
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	if newID == nil {
		newID = uuid.New
	}
	l := &Ledger{store: store, now: now, newID: newID}
	for _, o := range opts {
		o(l)
	}
	return l, nil
}

// OpenUserAccounts opens a user's wallet, held and earnings accounts for every asset.
func (l *Ledger) OpenUserAccounts(ctx context.Context, owner uuid.UUID) error {
	if owner == uuid.Nil {
		return contracts.ErrInvalidRequest.WithMessage("the platform owner's accounts are opened by migrations")
	}
	kinds := make([]string, 0, 3)
	for _, k := range contracts.UserKinds() {
		kinds = append(kinds, string(k))
	}
	return l.store.OpenAccounts(ctx, owner, kinds)
}

func isUserKind(k contracts.AccountKind) bool {
	for _, u := range contracts.UserKinds() {
		if k == u {
			return true
		}
	}
	return false
}

func (l *Ledger) account(ctx context.Context, ref contracts.AccountRef) (domain.Account, error) {
	if !ref.Kind.Valid() || !ref.Asset.Valid() {
		return domain.Account{}, contracts.ErrInvalidRequest.WithMessage("unknown account kind or asset: " + ref.String())
	}
	if ref.Kind.IsSystem() != (ref.Owner == contracts.PlatformOwner) {
		return domain.Account{}, contracts.ErrAccountNotFound.WithMessage("system accounts belong to the platform owner only: " + ref.String())
	}
	a, err := l.store.Account(ctx, ref.Owner, ref.Asset, string(ref.Kind))
	if err == nil || l.users == nil || !isUserKind(ref.Kind) || !errors.Is(err, contracts.ErrAccountNotFound) {
		return a, err
	}
	// Open on demand: a user who registered seconds ago may not have been seen by the
	// user.registered.v1 subscriber yet. The user context must confirm the owner; the opening
	// is idempotent (ON CONFLICT DO NOTHING on owner, asset, kind) and commits before the
	// posting, which is safe because accounts are never deleted and an existing user's empty
	// accounts are exactly what the subscriber opens anyway.
	if _, uerr := l.users.User(ctx, ref.Owner); uerr != nil {
		if errors.Is(uerr, usercontracts.ErrUserNotFound) {
			return domain.Account{}, contracts.ErrAccountNotFound.WithMessage("no such user: " + ref.String())
		}
		return domain.Account{}, uerr
	}
	if err := l.OpenUserAccounts(ctx, ref.Owner); err != nil {
		return domain.Account{}, err
	}
	return l.store.Account(ctx, ref.Owner, ref.Asset, string(ref.Kind))
}

// credits resolves destinations into postings and returns their total.
func (l *Ledger) credits(ctx context.Context, asset money.Asset, to []contracts.Credit) ([]domain.Posting, money.Amount, error) {
	if len(to) == 0 || len(to) > 64 {
		return nil, money.Amount{}, contracts.ErrInvalidRequest.WithMessage("between 1 and 64 destinations are required")
	}
	total := money.Zero(asset)
	out := make([]domain.Posting, 0, len(to)+1)
	for _, c := range to {
		if !c.Amount.IsPositive() {
			return nil, money.Amount{}, domain.ErrNonPositiveAmount
		}
		if c.Amount.Asset() != asset || c.To.Asset != asset {
			return nil, money.Amount{}, money.ErrAssetMismatch
		}
		acc, err := l.account(ctx, c.To)
		if err != nil {
			return nil, money.Amount{}, err
		}
		if total, err = total.Add(c.Amount); err != nil {
			return nil, money.Amount{}, err
		}
		out = append(out, domain.Posting{Account: acc, Amount: c.Amount})
	}
	return out, total, nil
}

func receipt(r PostResult) contracts.Receipt {
	return contracts.Receipt{EntryID: r.EntryID, CreatedAt: r.CreatedAt, Replayed: r.Replayed}
}

// Transfer moves money from one account to one or more accounts of the same asset.
func (l *Ledger) Transfer(ctx context.Context, req contracts.TransferRequest) (contracts.Receipt, error) {
	e, err := l.PrepareTransfer(ctx, req)
	if err != nil {
		return contracts.Receipt{}, err
	}
	r, err := l.store.Post(ctx, e)
	return receipt(r), err
}

// PrepareTransfer builds (without posting) the entry Transfer would post, for a use case that
// posts it together with its own change in one transaction.
func (l *Ledger) PrepareTransfer(ctx context.Context, req contracts.TransferRequest) (*domain.Entry, error) {
	from, err := l.account(ctx, req.From)
	if err != nil {
		return nil, err
	}
	postings, total, err := l.credits(ctx, req.From.Asset, req.To)
	if err != nil {
		return nil, err
	}
	for _, p := range postings {
		if p.Account.ID == from.ID {
			return nil, domain.ErrSelfTransfer
		}
	}
	debit, err := total.Neg()
	if err != nil {
		return nil, err
	}
	postings = append(postings, domain.Posting{Account: from, Amount: debit})
	return domain.NewEntry(domain.EntryInput{ID: l.newID(), Key: req.IdempotencyKey, Kind: domain.EntryTransfer,
		Reason: req.Reason, ExternalRef: req.ExternalRef, Metadata: req.Metadata, Postings: postings, Now: l.now()})
}

// Hold moves an amount of the owner's wallet into their held account.
func (l *Ledger) Hold(ctx context.Context, req contracts.HoldRequest) (contracts.HoldReceipt, error) {
	p, err := l.PrepareHold(ctx, req)
	if err != nil {
		return contracts.HoldReceipt{}, err
	}
	r, err := l.store.CreateHold(ctx, p.Hold, p.Entry)
	if err != nil {
		return contracts.HoldReceipt{}, err
	}
	return contracts.HoldReceipt{Receipt: receipt(r), HoldID: r.HoldID}, nil
}

// PreparedHold is a hold and its entry, built but not yet stored.
type PreparedHold struct {
	Hold  *domain.Hold
	Entry *domain.Entry
}

// PrepareHold builds (without storing) what Hold would store, for a use case that stores the
// hold together with its own change in one transaction.
func (l *Ledger) PrepareHold(ctx context.Context, req contracts.HoldRequest) (PreparedHold, error) {
	asset := req.Amount.Asset()
	wallet, err := l.account(ctx, contracts.UserAccount(req.Owner, asset, contracts.KindWallet))
	if err != nil {
		return PreparedHold{}, err
	}
	held, err := l.account(ctx, contracts.UserAccount(req.Owner, asset, contracts.KindHeld))
	if err != nil {
		return PreparedHold{}, err
	}
	now := l.now()
	h, err := domain.NewHold(l.newID(), req.Owner, req.Amount, req.Reason, req.ExternalRef, now)
	if err != nil {
		return PreparedHold{}, err
	}
	neg, err := req.Amount.Neg()
	if err != nil {
		return PreparedHold{}, err
	}
	e, err := domain.NewEntry(domain.EntryInput{ID: l.newID(), Key: req.IdempotencyKey, Kind: domain.EntryHold, Reason: req.Reason,
		ExternalRef: req.ExternalRef, Metadata: req.Metadata, HoldID: h.ID(),
		Postings: []domain.Posting{{Account: wallet, Amount: neg}, {Account: held, Amount: req.Amount}}, Now: now})
	if err != nil {
		return PreparedHold{}, err
	}
	return PreparedHold{Hold: h, Entry: e}, nil
}

// Settle pays part of a hold to its destinations, optionally releasing the rest.
func (l *Ledger) Settle(ctx context.Context, req contracts.SettleRequest) (contracts.Receipt, error) {
	if req.IdempotencyKey == "" {
		return contracts.Receipt{}, domain.ErrMissingKey
	}
	if len(req.To) == 0 {
		return contracts.Receipt{}, contracts.ErrInvalidRequest.WithMessage("between 1 and 64 destinations are required")
	}
	asset := req.To[0].Amount.Asset()
	credits, _, err := l.credits(ctx, asset, req.To)
	if err != nil {
		return contracts.Receipt{}, err
	}
	digest := domain.RequestDigest(domain.EntrySettle, req.HoldID, credits, req.ReleaseRest, req.Reason, req.ExternalRef, req.Metadata)
	r, err := l.store.UpdateHold(ctx, req.HoldID, req.IdempotencyKey, digest, func(h *domain.Hold) (*domain.Entry, error) {
		if h.Asset() != asset {
			return nil, money.ErrAssetMismatch
		}
		postings, total, err := l.credits(ctx, h.Asset(), req.To)
		if err != nil {
			return nil, err
		}
		now := l.now()
		if err := h.Settle(total, now); err != nil {
			return nil, err
		}
		held, err := l.account(ctx, contracts.UserAccount(h.Owner(), h.Asset(), contracts.KindHeld))
		if err != nil {
			return nil, err
		}
		out, _ := total.Neg()
		if req.ReleaseRest && h.Status() == domain.HoldActive {
			rest, err := h.Release(now)
			if err != nil {
				return nil, err
			}
			wallet, err := l.account(ctx, contracts.UserAccount(h.Owner(), h.Asset(), contracts.KindWallet))
			if err != nil {
				return nil, err
			}
			postings = append(postings, domain.Posting{Account: wallet, Amount: rest})
			restNeg, _ := rest.Neg()
			if out, err = out.Add(restNeg); err != nil {
				return nil, err
			}
		}
		postings = append(postings, domain.Posting{Account: held, Amount: out})
		return domain.NewEntry(domain.EntryInput{ID: l.newID(), Key: req.IdempotencyKey, Kind: domain.EntrySettle, Reason: req.Reason,
			ExternalRef: req.ExternalRef, Metadata: req.Metadata, HoldID: h.ID(), Postings: postings, Now: now, RequestDigest: digest})
	})
	return receipt(r), err
}

// Release returns what remains of a hold to the owner's wallet.
func (l *Ledger) Release(ctx context.Context, req contracts.ReleaseRequest) (contracts.Receipt, error) {
	if req.IdempotencyKey == "" {
		return contracts.Receipt{}, domain.ErrMissingKey
	}
	digest := domain.RequestDigest(domain.EntryRelease, req.HoldID, nil, false, req.Reason, req.ExternalRef, req.Metadata)
	r, err := l.store.UpdateHold(ctx, req.HoldID, req.IdempotencyKey, digest, func(h *domain.Hold) (*domain.Entry, error) {
		now := l.now()
		rest, err := h.Release(now)
		if err != nil {
			return nil, err
		}
		wallet, err := l.account(ctx, contracts.UserAccount(h.Owner(), h.Asset(), contracts.KindWallet))
		if err != nil {
			return nil, err
		}
		held, err := l.account(ctx, contracts.UserAccount(h.Owner(), h.Asset(), contracts.KindHeld))
		if err != nil {
			return nil, err
		}
		neg, _ := rest.Neg()
		return domain.NewEntry(domain.EntryInput{ID: l.newID(), Key: req.IdempotencyKey, Kind: domain.EntryRelease, Reason: req.Reason,
			ExternalRef: req.ExternalRef, Metadata: req.Metadata, HoldID: h.ID(),
			Postings: []domain.Posting{{Account: held, Amount: neg}, {Account: wallet, Amount: rest}}, Now: now, RequestDigest: digest})
	})
	return receipt(r), err
}

// Balance returns an account's balance.
func (l *Ledger) Balance(ctx context.Context, ref contracts.AccountRef) (money.Amount, error) {
	acc, err := l.account(ctx, ref)
	if err != nil {
		return money.Amount{}, err
	}
	units, err := l.store.Balance(ctx, acc.ID)
	if err != nil {
		return money.Amount{}, err
	}
	return money.New(acc.Asset, units)
}
