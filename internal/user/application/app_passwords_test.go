package application

import (
	"bytes"
	"context"
	"crypto/md5" //nolint:gosec // the Subsonic token scheme
	"encoding/hex"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// fakeBox "seals" by appending the associated data, so opening under other data fails.
type fakeBox struct{}

func (fakeBox) Seal(plain, ad []byte) ([]byte, error) {
	return append(append([]byte{}, plain...), ad...), nil
}
func (fakeBox) Open(sealed, ad []byte) ([]byte, error) {
	if !bytes.HasSuffix(sealed, ad) {
		return nil, errors.New("cannot open")
	}
	return sealed[:len(sealed)-len(ad)], nil
}

type fakeAppPasswords struct {
	mu      sync.Mutex
	rows    map[uuid.UUID]*domain.AppPassword
	secrets map[uuid.UUID]domain.SealedSecret
	touched int
}

func newFakeAppPasswords() *fakeAppPasswords {
	return &fakeAppPasswords{rows: map[uuid.UUID]*domain.AppPassword{}, secrets: map[uuid.UUID]domain.SealedSecret{}}
}

func (f *fakeAppPasswords) AddAppPassword(_ context.Context, p *domain.AppPassword, s domain.SealedSecret) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.rows {
		if r.UserID() == p.UserID() && r.RevokedAt() == nil {
			n++
		}
	}
	if n >= domain.MaxAppPasswords {
		return domain.ErrTooManyAppPasswords
	}
	f.rows[p.ID()], f.secrets[p.ID()] = p, s
	return nil
}

func (f *fakeAppPasswords) ListAppPasswords(_ context.Context, userID uuid.UUID) ([]*domain.AppPassword, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*domain.AppPassword
	for _, r := range f.rows {
		if r.UserID() == userID && r.RevokedAt() == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeAppPasswords) RevokeAppPassword(_ context.Context, userID, id uuid.UUID, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.rows[id]
	if !ok || r.UserID() != userID || r.RevokedAt() != nil {
		return domain.ErrAppPasswordNotFound
	}
	f.rows[id] = domain.RehydrateAppPassword(r.ID(), r.UserID(), r.Name(), r.CreatedAt(), r.LastUsedAt(), &now)
	return nil
}

func (f *fakeAppPasswords) ActiveSecrets(_ context.Context, userID uuid.UUID) ([]domain.SealedSecret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []domain.SealedSecret
	for id, s := range f.secrets {
		if s.UserID == userID && f.rows[id].RevokedAt() == nil {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeAppPasswords) SecretByLookup(_ context.Context, lookup []byte) (domain.SealedSecret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, s := range f.secrets {
		if bytes.Equal(s.Lookup, lookup) && f.rows[id].RevokedAt() == nil {
			return s, nil
		}
	}
	return domain.SealedSecret{}, domain.ErrAppPasswordNotFound
}

func (f *fakeAppPasswords) TouchAppPassword(context.Context, uuid.UUID, time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.touched++
	return nil
}

func token(secret, salt string) string {
	sum := md5.Sum([]byte(secret + salt)) //nolint:gosec
	return hex.EncodeToString(sum[:])
}

func TestAppPasswordsAuthenticatePlayersAndRevokeAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res, err := f.register.Handle(context.Background(), RegisterCommand{Email: "p@example.com", Username: "player_one", Password: "password-123", DisplayName: "P"})
	require.NoError(t, err)
	uid := res.User.ID
	store := newFakeAppPasswords()
	aps, err := NewAppPasswords(store, fakeBox{}, fixedClock)
	require.NoError(t, err)
	auth, err := NewAuthenticatePlayer(f.users, store, f.throttles, fakeBox{}, policy, fixedClock)
	require.NoError(t, err)
	ctx := context.Background()

	created, err := aps.Create(ctx, uid, "  Phone  ")
	require.NoError(t, err)
	assert.Equal(t, "Phone", created.Name)
	require.Len(t, created.Secret, 32)
	other, err := aps.Create(ctx, uid, "Laptop")
	require.NoError(t, err)
	assert.NotEqual(t, created.Secret, other.Secret)
	assert.NotContains(t, string(store.secrets[created.ID].Lookup), created.Secret, "only a hash is the lookup")

	for name, c := range map[string]contracts.PlayerCredentials{
		"token":         {Username: "player_one", Token: token(created.Secret, "s4lt"), Salt: "s4lt"},
		"token upper":   {Username: "Player_One", Token: token(created.Secret, "x"), Salt: "x"},
		"plain":         {Username: "player_one", Password: created.Secret},
		"enc":           {Username: "player_one", Password: "enc:" + hex.EncodeToString([]byte(created.Secret))},
		"email":         {Username: "p@example.com", Password: created.Secret},
		"api key":       {APIKey: created.Secret},
		"other (token)": {Username: "player_one", Token: token(other.Secret, "y"), Salt: "y"},
	} {
		acc, err := auth.Handle(ctx, c)
		require.NoError(t, err, name)
		assert.Equal(t, uid, acc.UserID, name)
		assert.Contains(t, acc.Permissions, contracts.PermWriteListen, name)
	}
	for name, c := range map[string]contracts.PlayerCredentials{
		"account password": {Username: "player_one", Password: "password-123"},
		"wrong token":      {Username: "player_one", Token: token("nope", "s"), Salt: "s"},
		"token, no salt":   {Username: "player_one", Token: token(created.Secret, "")},
		"unknown user":     {Username: "nobody", Password: created.Secret},
		"bad hex":          {Username: "player_one", Password: "enc:xyz"},
	} {
		_, err := auth.Handle(ctx, contracts.PlayerCredentials{Username: c.Username, Password: c.Password, Token: c.Token, Salt: c.Salt, ClientIP: name})
		assert.ErrorIs(t, err, contracts.ErrPlayerCredentials, name)
	}
	_, err = auth.Handle(ctx, contracts.PlayerCredentials{APIKey: "x" + created.Secret[1:]})
	assert.ErrorIs(t, err, contracts.ErrPlayerAPIKey)

	// A sealed secret copied onto another row does not open there.
	s := store.secrets[other.ID]
	s.Sealed = store.secrets[created.ID].Sealed
	store.secrets[other.ID] = s
	_, err = auth.Handle(ctx, contracts.PlayerCredentials{Username: "player_one", Token: token(created.Secret, "z"), Salt: "z"})
	require.NoError(t, err, "the genuine row still opens")

	require.NoError(t, aps.Revoke(ctx, uid, created.ID))
	assert.ErrorIs(t, aps.Revoke(ctx, uid, created.ID), domain.ErrAppPasswordNotFound)
	for _, c := range []contracts.PlayerCredentials{
		{Username: "player_one", Token: token(created.Secret, "s"), Salt: "s"},
		{Username: "player_one", Password: created.Secret, ClientIP: "10.0.0.9"},
	} {
		_, err := auth.Handle(ctx, c)
		assert.ErrorIs(t, err, contracts.ErrPlayerCredentials, "revoked at once")
	}
	_, err = auth.Handle(ctx, contracts.PlayerCredentials{APIKey: created.Secret})
	assert.ErrorIs(t, err, contracts.ErrPlayerAPIKey)
	list, err := aps.List(ctx, uid)
	require.NoError(t, err)
	assert.Len(t, list, 1)

	_, err = aps.Create(ctx, uid, "")
	assert.ErrorIs(t, err, domain.ErrInvalidAppPasswordName)
}

func TestPlayerFailuresAreThrottled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res, err := f.register.Handle(context.Background(), RegisterCommand{Email: "q@example.com", Username: "player_two", Password: "password-123", DisplayName: "Q"})
	require.NoError(t, err)
	store := newFakeAppPasswords()
	aps, _ := NewAppPasswords(store, fakeBox{}, fixedClock)
	auth, err := NewAuthenticatePlayer(f.users, store, f.throttles, fakeBox{}, policy, fixedClock)
	require.NoError(t, err)
	created, err := aps.Create(context.Background(), res.User.ID, "Phone")
	require.NoError(t, err)
	ctx := context.Background()
	for i := range policy.PerAccount.MaxFailures {
		_, err := auth.Handle(ctx, contracts.PlayerCredentials{Username: "player_two", Password: "wrong", ClientIP: "1.2.3.4"})
		require.ErrorIs(t, err, contracts.ErrPlayerCredentials, "failure %d", i)
	}
	_, err = auth.Handle(ctx, contracts.PlayerCredentials{Username: "player_two", Password: created.Secret, ClientIP: "1.2.3.4"})
	e, ok := errs.As(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, errs.TooManyRequests, e.Kind())
	assert.Positive(t, e.RetryAfter())
	// another address is not slowed by these failures
	_, err = auth.Handle(ctx, contracts.PlayerCredentials{Username: "player_two", Password: created.Secret, ClientIP: "5.6.7.8"})
	assert.NoError(t, err)
	_, err = NewAuthenticatePlayer(nil, store, f.throttles, fakeBox{}, policy, fixedClock)
	assert.Error(t, err)
}
