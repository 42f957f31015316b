package application

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

// fakeUsers is an in-memory domain.Users.
type fakeUsers struct {
	mu     sync.Mutex
	byID   map[uuid.UUID]*domain.User
	added  int
	events []any // recorded by Update
}

func newFakeUsers() *fakeUsers { return &fakeUsers{byID: map[uuid.UUID]*domain.User{}} }

func (f *fakeUsers) Add(_ context.Context, u *domain.User) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.byID {
		if strings.EqualFold(o.Email(), u.Email()) {
			return domain.ErrEmailTaken
		}
		if o.Username() == u.Username() {
			return domain.ErrUsernameTaken
		}
	}
	u.PullEvents()
	f.byID[u.ID()] = u
	f.added++
	return nil
}

func (f *fakeUsers) Count(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int64(len(f.byID)), nil
}

func (f *fakeUsers) Get(_ context.Context, id uuid.UUID) (*domain.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u, ok := f.byID[id]; ok {
		return u, nil
	}
	return nil, contracts.ErrUserNotFound
}

func (f *fakeUsers) FindByLogin(_ context.Context, login string) (*domain.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.byID {
		if strings.EqualFold(u.Email(), login) || u.Username() == login {
			return u, nil
		}
	}
	return nil, contracts.ErrUserNotFound
}

func (f *fakeUsers) Update(ctx context.Context, id uuid.UUID, fn func(*domain.User) error) error {
	u, err := f.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := fn(u); err != nil {
		return err
	}
	f.mu.Lock()
	f.events = append(f.events, u.PullEvents()...)
	f.mu.Unlock()
	return nil
}

// fakeDevices is an in-memory domain.Devices.
type fakeDevices struct {
	mu    sync.Mutex
	known map[string]uuid.UUID
}

func newFakeDevices() *fakeDevices { return &fakeDevices{known: map[string]uuid.UUID{}} }

func (f *fakeDevices) SeenDevice(_ context.Context, userID uuid.UUID, hash []byte, _ time.Time) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.known[string(hash)] == userID, nil
}

func (f *fakeDevices) AddDevice(_ context.Context, userID uuid.UUID, hash []byte, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.known[string(hash)] = userID
	return nil
}

// fakeHasher records what it was asked to verify.
type fakeHasher struct {
	mu       sync.Mutex
	hashed   int
	verified []string // encoded hashes passed to Verify
}

func (h *fakeHasher) Hash(pw string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hashed++
	return "hash:" + pw, nil
}

func (h *fakeHasher) Verify(enc, pw string) (bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.verified = append(h.verified, enc)
	return enc == "hash:"+pw, nil
}

// fakeThrottles keeps counters in memory with the domain policy.
type fakeThrottles struct {
	states map[string]domain.Throttle
	resets []string
}

func newFakeThrottles() *fakeThrottles { return &fakeThrottles{states: map[string]domain.Throttle{}} }

func (f *fakeThrottles) Attempt(_ context.Context, key string, p domain.ThrottlePolicy, now time.Time) (domain.Throttle, bool, error) {
	st, ok := p.Attempt(f.states[key], now)
	f.states[key] = st
	return st, ok, nil
}

func (f *fakeThrottles) Fail(_ context.Context, key string, p domain.ThrottlePolicy, now time.Time) (domain.Throttle, error) {
	f.states[key] = p.Failed(f.states[key], now)
	return f.states[key], nil
}

func (f *fakeThrottles) Release(_ context.Context, key string) error {
	f.states[key] = f.states[key].Succeeded()
	return nil
}

func (f *fakeThrottles) Reset(_ context.Context, key string) error {
	delete(f.states, key)
	f.resets = append(f.resets, key)
	return nil
}

// fakeRefresh stores token hashes.
type fakeRefresh struct {
	created []domain.NewRefreshToken
	revoked [][]byte
}

func (f *fakeRefresh) Create(_ context.Context, t domain.NewRefreshToken) error {
	f.created = append(f.created, t)
	return nil
}

func (f *fakeRefresh) Rotate(_ context.Context, hash []byte, _ time.Time, next domain.NewRefreshToken) (uuid.UUID, error) {
	for _, c := range f.created {
		if string(c.Hash) == string(hash) {
			next.FamilyID, next.UserID = c.FamilyID, c.UserID
			f.created = append(f.created, next)
			return c.UserID, nil
		}
	}
	return uuid.Nil, domain.ErrRefreshInvalid
}

func (f *fakeRefresh) RevokeFamily(_ context.Context, hash []byte, _ time.Time) error {
	f.revoked = append(f.revoked, hash)
	return nil
}

// fakeWallets implements domain.Wallets in memory.
type fakeWallets struct {
	challenges map[string]*domain.Challenge
	links      map[uuid.UUID][]domain.Wallet
}

func newFakeWallets() *fakeWallets {
	return &fakeWallets{challenges: map[string]*domain.Challenge{}, links: map[uuid.UUID][]domain.Wallet{}}
}

func (f *fakeWallets) AddChallenge(_ context.Context, c *domain.Challenge, _ int, _ time.Time) error {
	f.challenges[c.Nonce()] = c
	return nil
}

func (f *fakeWallets) Link(_ context.Context, userID uuid.UUID, nonce string, use func(*domain.Challenge) (domain.Wallet, error)) error {
	c, ok := f.challenges[nonce]
	if !ok {
		return domain.ErrChallengeNotFound
	}
	w, err := use(c)
	if err != nil {
		return err
	}
	f.links[userID] = append(f.links[userID], w)
	return nil
}

func (f *fakeWallets) Unlink(_ context.Context, userID uuid.UUID, c domain.Chain, address string, _ time.Time) error {
	return domain.ErrWalletNotFound
}

func (f *fakeWallets) List(_ context.Context, userID uuid.UUID) ([]domain.Wallet, error) {
	return f.links[userID], nil
}

func (f *fakeWallets) Owner(context.Context, domain.Chain, string) (uuid.UUID, error) {
	return uuid.Nil, contracts.ErrUserNotFound
}

// fakeSigner encodes claims in a recognisable string.
type fakeSigner struct{ signed []AccessClaims }

func (s *fakeSigner) Sign(c AccessClaims) (string, error) {
	s.signed = append(s.signed, c)
	return "token-for-" + c.UserID.String(), nil
}

func (s *fakeSigner) Verify(string, time.Time) (AccessClaims, error) {
	return AccessClaims{}, domain.ErrInvalidToken
}

// fakeVerifier accepts signatures equal to "signed:"+message.
type fakeVerifier struct{ calls int }

func (v *fakeVerifier) Normalize(address string) (string, error) {
	if address == "" || strings.Contains(address, " ") {
		return "", domain.ErrInvalidAddress
	}
	return address, nil
}

func (v *fakeVerifier) Verify(_, message, signature string) error {
	v.calls++
	if signature != "signed:"+message {
		return domain.ErrInvalidSignature
	}
	return nil
}
