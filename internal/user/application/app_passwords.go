package application

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// SecretBox seals app-password secrets at rest (AES-256-GCM in production); ad binds a sealed
// secret to its row, so a ciphertext copied onto another row does not open.
type SecretBox interface {
	Seal(plain, ad []byte) ([]byte, error)
	Open(sealed, ad []byte) ([]byte, error)
}

// AppPasswordView is what the owner sees of an app password (never the secret, except once in
// CreatedAppPassword).
type AppPasswordView struct {
	ID         uuid.UUID
	Name       string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

// CreatedAppPassword is a new app password with its secret, shown this once.
type CreatedAppPassword struct {
	AppPasswordView
	Secret string
}

// AppPasswords creates, lists and revokes a user's app passwords.
type AppPasswords struct {
	store domain.AppPasswords
	box   SecretBox
	now   Clock
}

// NewAppPasswords builds the use cases.
func NewAppPasswords(store domain.AppPasswords, box SecretBox, now Clock) (*AppPasswords, error) {
	if store == nil || box == nil || now == nil {
		return nil, errNilDependency
	}
	return &AppPasswords{store: store, box: box, now: now}, nil
}

func appPasswordAD(id, userID uuid.UUID) []byte {
	return []byte("vibestream app password " + id.String() + " " + userID.String())
}

// secretAlphabet keeps secrets typeable on a TV remote and safe in any query string.
const secretAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newAppSecret returns 32 random characters of secretAlphabet (~186 bits).
func newAppSecret() (string, error) {
	var b [32]byte
	out := make([]byte, 0, len(b))
	for len(out) < len(b) {
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		for _, x := range b {
			// rejection sampling: no modulo bias
			if int(x) < 256-256%len(secretAlphabet) && len(out) < len(b) {
				out = append(out, secretAlphabet[int(x)%len(secretAlphabet)])
			}
		}
	}
	return string(out), nil
}

// Create makes a named app password and returns its secret once.
func (h *AppPasswords) Create(ctx context.Context, userID uuid.UUID, name string) (CreatedAppPassword, error) {
	now := h.now().UTC()
	p, err := domain.NewAppPassword(uuid.New(), userID, name, now)
	if err != nil {
		return CreatedAppPassword{}, err
	}
	secret, err := newAppSecret()
	if err != nil {
		return CreatedAppPassword{}, err
	}
	sealed, err := h.box.Seal([]byte(secret), appPasswordAD(p.ID(), userID))
	if err != nil {
		return CreatedAppPassword{}, err
	}
	if err := h.store.AddAppPassword(ctx, p, domain.SealedSecret{ID: p.ID(), UserID: userID, Sealed: sealed, Lookup: hashToken(secret)}); err != nil {
		return CreatedAppPassword{}, err
	}
	return CreatedAppPassword{AppPasswordView: appPasswordView(p), Secret: secret}, nil
}

// List returns the user's active app passwords, newest first.
func (h *AppPasswords) List(ctx context.Context, userID uuid.UUID) ([]AppPasswordView, error) {
	ps, err := h.store.ListAppPasswords(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]AppPasswordView, len(ps))
	for i, p := range ps {
		out[i] = appPasswordView(p)
	}
	return out, nil
}

// Revoke ends an app password: the next request a player signs with it is refused.
func (h *AppPasswords) Revoke(ctx context.Context, userID, id uuid.UUID) error {
	return h.store.RevokeAppPassword(ctx, userID, id, h.now().UTC())
}

func appPasswordView(p *domain.AppPassword) AppPasswordView {
	return AppPasswordView{ID: p.ID(), Name: p.Name(), CreatedAt: p.CreatedAt(), LastUsedAt: p.LastUsedAt()}
}
