package application

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// BirthCommitments keeps the commitment H(birthdate in days, salt) stored with each birthdate.
type BirthCommitments interface {
	// Commit stores a fresh commitment for the user's birthdate (replacing one made for an
	// earlier birthdate).
	Commit(ctx context.Context, user uuid.UUID, birthdate time.Time) error
}

// AgeStatement is a proof that a hidden birthdate is on or before a day, with the platform's
// attestation of the commitment.
type AgeStatement struct {
	Circuit      string
	Proof        string
	PublicInputs []string
	KeyID        string
	Commitment   string
	Attestation  string
	ExpiresAt    time.Time
}

// AgeProver proves "born on or before" against the stored commitment.
type AgeProver interface {
	ProveBornBy(ctx context.Context, user uuid.UUID, birthdate, bornOnOrBefore time.Time) (AgeStatement, error)
}

// SetBirthdate sets a birthdate: once by its user, afterwards only by an administrator.
type SetBirthdate struct {
	users       domain.Users
	commitments BirthCommitments
	now         Clock
}

// SetBirthdateCommand names the account, the date and whether an administrator sets it.
type SetBirthdateCommand struct {
	UserID    uuid.UUID
	Birthdate string
	ByAdmin   bool
}

// NewSetBirthdate builds the use case.
func NewSetBirthdate(users domain.Users, commitments BirthCommitments, now Clock) (*SetBirthdate, error) {
	if users == nil || commitments == nil || now == nil {
		return nil, errNilDependency
	}
	return &SetBirthdate{users: users, commitments: commitments, now: now}, nil
}

// Handle validates, saves and commits the birthdate.
func (h *SetBirthdate) Handle(ctx context.Context, cmd SetBirthdateCommand) error {
	now := h.now()
	d, err := domain.ParseBirthdate(cmd.Birthdate, now)
	if err != nil {
		return err
	}
	if err := h.users.Update(ctx, cmd.UserID, func(u *domain.User) error { return u.SetBirthdate(d, cmd.ByAdmin, now) }); err != nil {
		return err
	}
	return h.commitments.Commit(ctx, cmd.UserID, d)
}

// ProveAge proves that the caller is at least MinAgeYears old today, checking it natively
// first.
type ProveAge struct {
	users  domain.Users
	prover AgeProver
	now    Clock
}

// ProveAgeCommand asks for an age proof.
type ProveAgeCommand struct {
	UserID      uuid.UUID
	MinAgeYears int
}

// AgeResult is the proof with its statement in calendar terms.
type AgeResult struct {
	AgeStatement
	MinAgeYears    int
	AsOf           time.Time
	BornOnOrBefore time.Time
}

// NewProveAge builds the use case.
func NewProveAge(users domain.Users, prover AgeProver, now Clock) (*ProveAge, error) {
	if users == nil || prover == nil || now == nil {
		return nil, errNilDependency
	}
	return &ProveAge{users: users, prover: prover, now: now}, nil
}

// Handle runs the use case.
func (h *ProveAge) Handle(ctx context.Context, cmd ProveAgeCommand) (AgeResult, error) {
	if cmd.MinAgeYears < 1 || cmd.MinAgeYears > 130 {
		return AgeResult{}, domain.ErrInvalidMinimumAge
	}
	u, err := h.users.Get(ctx, cmd.UserID)
	if err != nil {
		return AgeResult{}, err
	}
	if u.Birthdate() == nil {
		return AgeResult{}, domain.ErrBirthdateMissing
	}
	today := h.now().UTC().Truncate(24 * time.Hour)
	cutoff := domain.AgeOn(today, cmd.MinAgeYears)
	if u.Birthdate().After(cutoff) {
		return AgeResult{}, domain.ErrBelowMinimumAge
	}
	st, err := h.prover.ProveBornBy(ctx, cmd.UserID, *u.Birthdate(), cutoff)
	if err != nil {
		return AgeResult{}, err
	}
	return AgeResult{AgeStatement: st, MinAgeYears: cmd.MinAgeYears, AsOf: today, BornOnOrBefore: cutoff}, nil
}
