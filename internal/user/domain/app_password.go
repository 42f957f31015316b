package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// App password errors.
var (
	ErrInvalidAppPasswordName = errs.New(errs.Unprocessable, "user.invalid_app_password_name", "the name must be 1 to 100 characters")
	ErrAppPasswordNotFound    = errs.New(errs.NotFound, "user.app_password_not_found", "no such app password on your account")
	ErrTooManyAppPasswords    = errs.New(errs.Conflict, "user.too_many_app_passwords", "an account may have at most 20 app passwords; revoke one first")
)

// MaxAppPasswords bounds the active app passwords of one account.
const MaxAppPasswords = 20

// AppPassword is a secret a user gives a music player instead of the account password (the
// Subsonic API): it can only sign in players, and revoking it stops them at once.
type AppPassword struct {
	id         uuid.UUID
	userID     uuid.UUID
	name       string
	createdAt  time.Time
	lastUsedAt *time.Time
	revokedAt  *time.Time
}

// NewAppPassword names a new app password of a user.
func NewAppPassword(id, userID uuid.UUID, name string, now time.Time) (*AppPassword, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > 100 {
		return nil, ErrInvalidAppPasswordName
	}
	return &AppPassword{id: id, userID: userID, name: name, createdAt: now}, nil
}

// RehydrateAppPassword is for repositories only.
func RehydrateAppPassword(id, userID uuid.UUID, name string, createdAt time.Time, lastUsedAt, revokedAt *time.Time) *AppPassword {
	return &AppPassword{id: id, userID: userID, name: name, createdAt: createdAt, lastUsedAt: lastUsedAt, revokedAt: revokedAt}
}

func (p *AppPassword) ID() uuid.UUID          { return p.id }
func (p *AppPassword) UserID() uuid.UUID      { return p.userID }
func (p *AppPassword) Name() string           { return p.name }
func (p *AppPassword) CreatedAt() time.Time   { return p.createdAt }
func (p *AppPassword) LastUsedAt() *time.Time { return p.lastUsedAt }
func (p *AppPassword) RevokedAt() *time.Time  { return p.revokedAt }

// SealedSecret is an app password's secret as stored: sealed (encrypted) and its SHA-256.
type SealedSecret struct {
	ID     uuid.UUID
	UserID uuid.UUID
	Sealed []byte
	Lookup []byte
}

// AppPasswords stores app passwords.
type AppPasswords interface {
	// AddAppPassword stores p with its sealed secret, refusing with ErrTooManyAppPasswords when
	// the account already has MaxAppPasswords active ones.
	AddAppPassword(ctx context.Context, p *AppPassword, secret SealedSecret) error
	// ListAppPasswords lists the account's active app passwords, newest first.
	ListAppPasswords(ctx context.Context, userID uuid.UUID) ([]*AppPassword, error)
	// RevokeAppPassword revokes one of the account's app passwords (ErrAppPasswordNotFound if it
	// has no such active one).
	RevokeAppPassword(ctx context.Context, userID, id uuid.UUID, now time.Time) error
	// ActiveSecrets returns the account's active sealed secrets.
	ActiveSecrets(ctx context.Context, userID uuid.UUID) ([]SealedSecret, error)
	// SecretByLookup returns the active secret whose SHA-256 is lookup (ErrAppPasswordNotFound).
	SecretByLookup(ctx context.Context, lookup []byte) (SealedSecret, error)
	// TouchAppPassword records a use (at most once a minute is written).
	TouchAppPassword(ctx context.Context, id uuid.UUID, now time.Time) error
}
