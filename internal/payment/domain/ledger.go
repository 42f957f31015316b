// Package domain holds the payment context's rules: balanced journal entries, holds and the
// fiat Payment aggregate. It is pure: no I/O, no clock, no randomness.
package domain

import (
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

// Ledger rule errors.
var (
	ErrUnbalancedEntry   = errs.New(errs.Unprocessable, "payment.unbalanced_entry", "the postings of an entry must sum to zero per asset")
	ErrInvalidPosting    = errs.New(errs.Unprocessable, "payment.invalid_posting", "a posting needs a known account and a non-zero amount of the account's asset")
	ErrMissingKey        = errs.New(errs.Unprocessable, "payment.idempotency_key_missing", "an idempotency key of 1 to 200 characters is required")
	ErrNonPositiveAmount = errs.New(errs.Unprocessable, "payment.amount_not_positive", "the amount must be greater than zero")
	ErrHoldClosed        = errs.New(errs.Conflict, "payment.hold_closed", "the hold is already fully settled or released")
	ErrHoldExceeded      = errs.New(errs.Conflict, "payment.hold_exceeded", "the amount exceeds what remains of the hold")
	ErrSelfTransfer      = errs.New(errs.Unprocessable, "payment.self_transfer", "an account cannot pay itself")
)

// Account is an opened ledger account. Accounts never change once opened.
type Account struct {
	ID            uuid.UUID
	Owner         uuid.UUID
	Asset         money.Asset
	Kind          string
	AllowNegative bool
	Shards        int
}

// Posting is one line of an entry: a signed amount on an account (credit > 0, debit < 0).
type Posting struct {
	Account Account
	Amount  money.Amount
}

// EntryKind classifies journal entries.
type EntryKind string

// Entry kinds.
const (
	EntryTransfer EntryKind = "transfer"
	EntryHold     EntryKind = "hold"
	EntrySettle   EntryKind = "settle"
	EntryRelease  EntryKind = "release"
	EntryTopUp    EntryKind = "top_up"
	EntryRefund   EntryKind = "refund"
)

// Entry is a balanced set of postings with why they happened, identified by an idempotency key.
type Entry struct {
	id          uuid.UUID
	key         string
	kind        EntryKind
	reason      string
	externalRef string
	metadata    map[string]string
	holdID      uuid.UUID
	postings    []Posting
	createdAt   time.Time
	digest      []byte
}

// EntryInput is what NewEntry needs.
type EntryInput struct {
	ID          uuid.UUID
	Key         string
	Kind        EntryKind
	Reason      string
	ExternalRef string
	Metadata    map[string]string
	HoldID      uuid.UUID
	Postings    []Posting
	Now         time.Time
	// RequestDigest, when set, identifies the request instead of the postings (settlements
	// and releases, whose postings depend on the hold's state at the time).
	RequestDigest []byte
}

// NewEntry checks every ledger rule that does not need balances: a key, at least two postings,
// non-zero amounts of each account's asset, and a zero sum per asset (checked in int64 with
// overflow detection).
func NewEntry(in EntryInput) (*Entry, error) {
	if in.Key == "" || len(in.Key) > 200 {
		return nil, ErrMissingKey
	}
	if len(in.Reason) > 100 || len(in.ExternalRef) > 200 || len(in.Metadata) > 32 {
		return nil, ErrInvalidPosting.WithMessage("reason (100), external reference (200) or metadata (32 keys) too long")
	}
	if len(in.Postings) < 2 {
		return nil, ErrUnbalancedEntry.WithMessage("an entry needs at least two postings")
	}
	sums := map[money.Asset]money.Amount{}
	for _, p := range in.Postings {
		if p.Account.ID == uuid.Nil || p.Amount.IsZero() || p.Amount.Asset() != p.Account.Asset {
			return nil, ErrInvalidPosting
		}
		s, ok := sums[p.Amount.Asset()]
		if !ok {
			s = money.Zero(p.Amount.Asset())
		}
		s, err := s.Add(p.Amount)
		if err != nil {
			return nil, err
		}
		sums[p.Amount.Asset()] = s
	}
	for _, s := range sums {
		if !s.IsZero() {
			return nil, ErrUnbalancedEntry
		}
	}
	reason := in.Reason
	if reason == "" {
		reason = string(in.Kind)
	}
	return &Entry{id: in.ID, key: in.Key, kind: in.Kind, reason: reason, externalRef: in.ExternalRef,
		metadata: in.Metadata, holdID: in.HoldID, postings: append([]Posting(nil), in.Postings...), createdAt: in.Now,
		digest: in.RequestDigest}, nil
}

func (e *Entry) ID() uuid.UUID               { return e.id }
func (e *Entry) Key() string                 { return e.key }
func (e *Entry) Kind() EntryKind             { return e.kind }
func (e *Entry) Reason() string              { return e.reason }
func (e *Entry) ExternalRef() string         { return e.externalRef }
func (e *Entry) Metadata() map[string]string { return e.metadata }
func (e *Entry) HoldID() uuid.UUID           { return e.holdID }
func (e *Entry) Postings() []Posting         { return e.postings }
func (e *Entry) CreatedAt() time.Time        { return e.createdAt }

// Fingerprint digests what the entry does (not its id or time), so that a retry with the same
// key can be told apart from a different request reusing the key.
func (e *Entry) Fingerprint() []byte {
	if len(e.digest) > 0 {
		return e.digest
	}
	h := sha256.New()
	w := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	w(string(e.kind))
	w(e.reason)
	w(e.externalRef)
	if e.kind != EntryHold { // a hold's id is fresh on every attempt; its postings identify it
		w(e.holdID.String())
	}
	keys := make([]string, 0, len(e.metadata))
	for k := range e.metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w(k)
		w(e.metadata[k])
	}
	lines := make([]string, 0, len(e.postings))
	for _, p := range e.postings {
		lines = append(lines, p.Account.ID.String()+" "+p.Amount.Asset().String()+" "+p.Amount.String())
	}
	sort.Strings(lines)
	for _, l := range lines {
		w(l)
	}
	return h.Sum(nil)
}

// HoldStatus is the state of a hold.
type HoldStatus string

// Hold states.
const (
	HoldActive   HoldStatus = "active"
	HoldSettled  HoldStatus = "settled"
	HoldReleased HoldStatus = "released"
)

// Hold reserves part of a user's wallet until it is settled (possibly in parts) or released.
type Hold struct {
	id          uuid.UUID
	owner       uuid.UUID
	amount      money.Amount
	settled     money.Amount
	released    money.Amount
	status      HoldStatus
	reason      string
	externalRef string
	createdAt   time.Time
	updatedAt   time.Time
}

// NewHold opens an active hold of a positive amount.
func NewHold(id, owner uuid.UUID, amount money.Amount, reason, externalRef string, now time.Time) (*Hold, error) {
	if !amount.IsPositive() {
		return nil, ErrNonPositiveAmount
	}
	return &Hold{id: id, owner: owner, amount: amount, settled: money.Zero(amount.Asset()), released: money.Zero(amount.Asset()),
		status: HoldActive, reason: reason, externalRef: externalRef, createdAt: now, updatedAt: now}, nil
}

// RehydrateHold rebuilds a stored hold (repositories only).
func RehydrateHold(id, owner uuid.UUID, amount, settled, released money.Amount, status HoldStatus, reason, externalRef string, createdAt, updatedAt time.Time) *Hold {
	return &Hold{id: id, owner: owner, amount: amount, settled: settled, released: released, status: status,
		reason: reason, externalRef: externalRef, createdAt: createdAt, updatedAt: updatedAt}
}

func (h *Hold) ID() uuid.UUID          { return h.id }
func (h *Hold) Owner() uuid.UUID       { return h.owner }
func (h *Hold) Asset() money.Asset     { return h.amount.Asset() }
func (h *Hold) Amount() money.Amount   { return h.amount }
func (h *Hold) Settled() money.Amount  { return h.settled }
func (h *Hold) Released() money.Amount { return h.released }
func (h *Hold) Status() HoldStatus     { return h.status }
func (h *Hold) Reason() string         { return h.reason }
func (h *Hold) ExternalRef() string    { return h.externalRef }
func (h *Hold) CreatedAt() time.Time   { return h.createdAt }
func (h *Hold) UpdatedAt() time.Time   { return h.updatedAt }

// Remaining is what is still held.
func (h *Hold) Remaining() money.Amount {
	used, _ := h.settled.Add(h.released) // bounded by amount
	r, _ := h.amount.Sub(used)
	return r
}

// Settle pays part of what remains; the hold closes when nothing remains.
func (h *Hold) Settle(amount money.Amount, now time.Time) error {
	if h.status != HoldActive {
		return ErrHoldClosed
	}
	if !amount.IsPositive() || amount.Asset() != h.Asset() {
		return ErrNonPositiveAmount
	}
	if amount.Cmp(h.Remaining()) > 0 {
		return ErrHoldExceeded
	}
	h.settled, _ = h.settled.Add(amount)
	h.close(now)
	return nil
}

// Release returns what remains to the owner and closes the hold.
func (h *Hold) Release(now time.Time) (money.Amount, error) {
	if h.status != HoldActive {
		return money.Amount{}, ErrHoldClosed
	}
	rest := h.Remaining()
	h.released, _ = h.released.Add(rest)
	h.close(now)
	return rest, nil
}

func (h *Hold) close(now time.Time) {
	h.updatedAt = now
	if h.Remaining().IsZero() {
		if h.released.IsPositive() {
			h.status = HoldReleased
		} else {
			h.status = HoldSettled
		}
	}
}

// RequestDigest digests a settlement or release request: its kind, hold, destinations (in any
// order), whether the rest is released, and its details.
func RequestDigest(kind EntryKind, holdID uuid.UUID, credits []Posting, releaseRest bool, reason, externalRef string, metadata map[string]string) []byte {
	h := sha256.New()
	w := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	w("request")
	w(string(kind))
	w(holdID.String())
	if releaseRest {
		w("release-rest")
	}
	w(reason)
	w(externalRef)
	keys := make([]string, 0, len(metadata))
	for k := range metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w(k)
		w(metadata[k])
	}
	lines := make([]string, 0, len(credits))
	for _, c := range credits {
		lines = append(lines, c.Account.ID.String()+" "+c.Amount.Asset().String()+" "+c.Amount.String())
	}
	sort.Strings(lines)
	for _, l := range lines {
		w(l)
	}
	return h.Sum(nil)
}
