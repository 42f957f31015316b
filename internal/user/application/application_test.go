package application

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

type fixture struct {
	users     *fakeUsers
	hasher    *fakeHasher
	throttles *fakeThrottles
	refresh   *fakeRefresh
	wallets   *fakeWallets
	signer    *fakeSigner
	sessions  *Sessions
	register  *Register
	login     *Login
	devices   *fakeDevices
}

var policy = LoginPolicy{
	PerAccount:               domain.ThrottlePolicy{MaxFailures: 3, Window: time.Hour, BaseDelay: time.Minute, Lockout: 10 * time.Minute},
	PerAccountUnknownClients: domain.ThrottlePolicy{MaxFailures: 10, Window: time.Hour, BaseDelay: time.Minute, Lockout: 10 * time.Minute},
	PerAddress:               domain.ThrottlePolicy{MaxFailures: 5, Window: time.Hour, BaseDelay: time.Minute, Lockout: 10 * time.Minute},
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{users: newFakeUsers(), hasher: &fakeHasher{}, throttles: newFakeThrottles(), refresh: &fakeRefresh{},
		wallets: newFakeWallets(), signer: &fakeSigner{}, devices: newFakeDevices()}
	var err error
	f.sessions, err = NewSessions(f.wallets, f.refresh, f.signer, SessionConfig{AccessTTL: 15 * time.Minute, RefreshTTL: time.Hour}, fixedClock)
	require.NoError(t, err)
	f.register, err = NewRegister(f.users, f.hasher, f.sessions, fixedClock)
	require.NoError(t, err)
	f.login, err = NewLogin(f.users, f.throttles, f.devices, f.hasher, f.sessions, policy, fixedClock)
	require.NoError(t, err)
	return f
}

func (f *fixture) mustRegister(t *testing.T, email, username string) RegisterResult {
	t.Helper()
	res, err := f.register.Handle(context.Background(), RegisterCommand{Email: email, Username: username, Password: "password-123", DisplayName: "X"})
	require.NoError(t, err)
	return res
}

func TestConstructorsRefuseNilDependencies(t *testing.T) {
	t.Parallel()
	_, err := NewRegister(nil, &fakeHasher{}, nil, fixedClock)
	assert.Error(t, err)
	_, err = NewLogin(newFakeUsers(), nil, newFakeDevices(), &fakeHasher{}, nil, policy, fixedClock)
	assert.Error(t, err)
	_, err = NewSessions(newFakeWallets(), &fakeRefresh{}, &fakeSigner{}, SessionConfig{}, fixedClock)
	assert.Error(t, err, "token lifetimes are required")
}

func TestRegisterValidatesBeforeHashing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	hashedAtStart := f.hasher.hashed // NewLogin hashed its dummy password
	_, err := f.register.Handle(context.Background(), RegisterCommand{Email: "x", Username: "a", Password: "short", DisplayName: "", Role: "admin"})
	e, ok := errs.As(err)
	require.True(t, ok)
	assert.ErrorIs(t, err, errs.ErrValidation)
	assert.Len(t, e.Fields(), 5)
	assert.Equal(t, hashedAtStart, f.hasher.hashed, "no hashing for an invalid request")
	assert.Zero(t, f.users.added)
}

func TestRegisterIssuesASession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res, err := f.register.Handle(context.Background(), RegisterCommand{Email: "a@example.com", Username: "Ann", Password: "password-123",
		DisplayName: "Ann", Role: "artist", Birthdate: "2001-05-06"})
	require.NoError(t, err)
	assert.Equal(t, "ann", res.User.Username)
	assert.Equal(t, []string{"artist"}, res.User.Roles)
	assert.Contains(t, res.User.Permissions, contracts.PermWriteMusic)
	assert.Equal(t, "token-for-"+res.User.ID.String(), res.Tokens.AccessToken)
	require.Len(t, f.refresh.created, 1)
	assert.Equal(t, hashToken(res.Tokens.RefreshToken), f.refresh.created[0].Hash, "only the hash is stored")
	assert.Equal(t, testNow.Add(time.Hour), f.refresh.created[0].ExpiresAt)
	require.Len(t, f.signer.signed, 1)
	assert.Equal(t, testNow.Add(15*time.Minute), f.signer.signed[0].ExpiresAt)

	_, err = f.register.Handle(context.Background(), RegisterCommand{Email: "A@EXAMPLE.com", Username: "ann2", Password: "password-123", DisplayName: "A"})
	assert.ErrorIs(t, err, domain.ErrEmailTaken)
}

func TestLoginUnknownUserSpendsTheDummyHash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.login.Handle(context.Background(), LoginCommand{Login: "ghost@example.com", Password: "password-123", ClientIP: "1.1.1.1"})
	assert.ErrorIs(t, err, domain.ErrInvalidCredentials)
	require.Len(t, f.hasher.verified, 1)
	assert.Equal(t, f.login.dummyHash, f.hasher.verified[0], "the unknown login is checked against the dummy hash")
	assert.Equal(t, 1, f.throttles.states["login:ghost@example.com:ip:1.1.1.1"].Failures)
	assert.Equal(t, 1, f.throttles.states["login:ghost@example.com"].Failures)
	assert.Equal(t, 1, f.throttles.states["ip:1.1.1.1"].Failures)
}

func TestLoginThrottlesAndResets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.mustRegister(t, "b@example.com", "bea")
	ctx := context.Background()
	acct := "user:" + u.User.ID.String()
	_, err := f.login.Handle(ctx, LoginCommand{Login: "BEA", Password: "wrong-password", ClientIP: "2.2.2.2"})
	assert.ErrorIs(t, err, domain.ErrInvalidCredentials)
	assert.Equal(t, 1, f.throttles.states[acct+":ip:2.2.2.2"].Failures, "failures count against the account from that client, whatever login form")
	assert.Equal(t, 1, f.throttles.states[acct].Failures)

	pair, err := f.login.Handle(ctx, LoginCommand{Login: "b@example.com", Password: "password-123", ClientIP: "2.2.2.2"})
	require.NoError(t, err)
	assert.NotEmpty(t, pair.RefreshToken)
	assert.NotEmpty(t, pair.DeviceToken, "a new device gets a device token")
	assert.Contains(t, f.throttles.resets, acct+":ip:2.2.2.2")

	for range 3 {
		_, err = f.login.Handle(ctx, LoginCommand{Login: "bea", Password: "wrong-password", ClientIP: "3.3.3.3"})
		assert.ErrorIs(t, err, domain.ErrInvalidCredentials)
	}
	verified := len(f.hasher.verified)
	_, err = f.login.Handle(ctx, LoginCommand{Login: "bea", Password: "password-123", ClientIP: "3.3.3.3"})
	assert.ErrorIs(t, err, domain.ErrTooManyAttempts)
	e, _ := errs.As(err)
	assert.Equal(t, time.Minute, e.RetryAfter(), "the first delay, not a 10-minute lock")
	assert.Equal(t, verified, len(f.hasher.verified), "a slowed-down login does not reach the password check")

	// the owner is told once, when the slowing down starts
	require.Len(t, f.users.events, 1)
	ev := f.users.events[0].(domain.LoginThrottled)
	assert.Equal(t, u.User.ID, ev.UserID)
	assert.Equal(t, "3.3.3.3", ev.ClientIP)
	assert.Equal(t, 3, ev.Failures)

	// meanwhile the owner signs in from their known device, from anywhere, at once
	pair2, err := f.login.Handle(ctx, LoginCommand{Login: "bea", Password: "password-123", ClientIP: "3.3.3.3", DeviceToken: pair.DeviceToken})
	require.NoError(t, err)
	assert.Equal(t, pair.DeviceToken, pair2.DeviceToken, "a known device keeps its token")
	// and from another new client too: only the guesser's address is slowed
	_, err = f.login.Handle(ctx, LoginCommand{Login: "bea", Password: "password-123", ClientIP: "4.4.4.4"})
	require.NoError(t, err)
	// a forged device token counts as an unknown client
	_, err = f.login.Handle(ctx, LoginCommand{Login: "bea", Password: "password-123", ClientIP: "3.3.3.3", DeviceToken: "forged"})
	assert.ErrorIs(t, err, domain.ErrTooManyAttempts)
}

func TestLoginBoundsAGuesserSpreadOverManyAddresses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u := f.mustRegister(t, "d@example.com", "dee")
	ctx := context.Background()
	owner, err := f.login.Handle(ctx, LoginCommand{Login: "dee", Password: "password-123", ClientIP: "9.9.9.9"})
	require.NoError(t, err)
	checked := 0
	for i := range 40 {
		before := len(f.hasher.verified)
		_, err := f.login.Handle(ctx, LoginCommand{Login: "dee", Password: "guess", ClientIP: fmt.Sprintf("10.0.0.%d", i)})
		require.Error(t, err)
		checked += len(f.hasher.verified) - before
	}
	assert.Equal(t, policy.PerAccountUnknownClients.MaxFailures, checked, "unknown clients together get the account-wide limit, then wait")
	_, err = f.login.Handle(ctx, LoginCommand{Login: "dee", Password: "password-123", ClientIP: "11.0.0.1", DeviceToken: owner.DeviceToken})
	assert.NoError(t, err, "the owner's known device is not slowed by them")
	_ = u
}

func TestRefreshRotatesIntoANewPair(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	reg := f.mustRegister(t, "c@example.com", "cid")
	h, err := NewRefresh(f.users, f.refresh, f.sessions, fixedClock)
	require.NoError(t, err)
	pair, err := h.Handle(context.Background(), reg.Tokens.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, reg.Tokens.RefreshToken, pair.RefreshToken)
	last := f.refresh.created[len(f.refresh.created)-1]
	assert.Equal(t, f.refresh.created[0].FamilyID, last.FamilyID, "the new token stays in the family")
	_, err = h.Handle(context.Background(), strings.Repeat("x", 600))
	assert.ErrorIs(t, err, domain.ErrRefreshInvalid)
}

func newWallets(t *testing.T, f *fixture, v *fakeVerifier) *Wallets {
	t.Helper()
	w, err := NewWallets(f.wallets, map[domain.Chain]WalletVerifier{domain.ChainEthereum: v, domain.ChainSolana: v},
		WalletConfig{Domain: "d.example", URI: "https://d.example", ChallengeTTL: time.Minute,
			ChainIDs: map[domain.Chain]string{domain.ChainEthereum: "1", domain.ChainSolana: "devnet"}}, fixedClock)
	require.NoError(t, err)
	return w
}

func TestWalletLinkFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := &fakeVerifier{}
	w := newWallets(t, f, v)
	ctx := context.Background()
	user := uuid.New()
	c, err := w.Challenge(ctx, user, "ethereum", "0xabc")
	require.NoError(t, err)
	assert.Len(t, c.Nonce, 24)
	assert.Equal(t, testNow.Add(time.Minute), c.ExpiresAt)

	// Checks on the message's fields happen before the (costly) signature check.
	wrongDomain := strings.Replace(c.Message, "d.example wants", "e.example wants", 1)
	_, err = w.Link(ctx, LinkCommand{UserID: user, Chain: "ethereum", Address: "0xabc", Message: wrongDomain, Signature: "signed:" + wrongDomain})
	assert.ErrorIs(t, err, domain.ErrMessageMismatch)
	_, err = w.Link(ctx, LinkCommand{UserID: user, Chain: "solana", Address: "0xabc", Message: c.Message, Signature: "signed:" + c.Message})
	assert.ErrorIs(t, err, domain.ErrMessageMismatch, "the message names another chain")
	assert.Zero(t, v.calls)

	_, err = w.Link(ctx, LinkCommand{UserID: user, Chain: "ethereum", Address: "0xabc", Message: c.Message, Signature: "forged"})
	assert.ErrorIs(t, err, domain.ErrInvalidSignature)

	linked, err := w.Link(ctx, LinkCommand{UserID: user, Chain: "ethereum", Address: "0xabc", Message: c.Message, Signature: "signed:" + c.Message})
	require.NoError(t, err)
	assert.Equal(t, "0xabc", linked.Address)
	_, err = w.Link(ctx, LinkCommand{UserID: user, Chain: "ethereum", Address: "0xabc", Message: c.Message, Signature: "signed:" + c.Message})
	assert.ErrorIs(t, err, domain.ErrChallengeUsed)

	// The next access token carries the address.
	u, err := domain.NewUser(domain.NewUserParams{ID: user, Email: "w@example.com", Username: "wally", PasswordHash: "h", DisplayName: "W", Role: domain.RoleListener, Now: testNow})
	require.NoError(t, err)
	_, err = f.sessions.AccessToken(ctx, u)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"ethereum": "0xabc"}, f.signer.signed[len(f.signer.signed)-1].Wallets)
}

func TestPermissionsOfRoles(t *testing.T) {
	t.Parallel()
	l := PermissionsOf([]domain.Role{domain.RoleListener})
	a := PermissionsOf([]domain.Role{domain.RoleArtist})
	ad := PermissionsOf([]domain.Role{domain.RoleAdmin})
	assert.NotContains(t, l, contracts.PermWriteMusic)
	assert.Contains(t, a, contracts.PermWriteMusic)
	assert.Subset(t, a, l, "an artist is also a listener")
	assert.Subset(t, ad, a)
	for _, p := range []string{contracts.PermAdminUsers, contracts.PermAdminMusic, contracts.PermAdminPayments, contracts.PermAdminTreasury} {
		assert.Contains(t, ad, p)
		assert.NotContains(t, a, p)
	}
	assert.Equal(t, ad, PermissionsOf([]domain.Role{domain.RoleListener, domain.RoleAdmin}), "no duplicates, sorted")
}
