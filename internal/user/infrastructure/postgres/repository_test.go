package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
	"github.com/vibestream/vibestream/internal/user/infrastructure/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var now = time.Now().UTC().Truncate(time.Microsecond)

func newStore(t *testing.T) (*postgres.Store, *pgxpool.Pool) {
	t.Helper()
	pool := pgtest.NewDB(t)
	bus := events.NewBus(pool, jobs.NewRunner(pool, jobs.Options{}), observability.DiscardLogger())
	s, err := postgres.NewStore(pool, bus)
	require.NoError(t, err)
	return s, pool
}

func newUser(t *testing.T, email, username string) *domain.User {
	t.Helper()
	u, err := domain.NewUser(domain.NewUserParams{ID: uuid.New(), Email: email, Username: username, PasswordHash: "$argon2id$test",
		DisplayName: "Name", Role: domain.RoleListener, Now: now})
	require.NoError(t, err)
	return u
}

func countEvents(t *testing.T, pool *pgxpool.Pool, typ string) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM platform.events WHERE type = $1`, typ).Scan(&n))
	return n
}

func TestUsersAddGetFindUpdate(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := context.Background()
	bd := time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)
	u, err := domain.NewUser(domain.NewUserParams{ID: uuid.New(), Email: "Bob@Example.com", Username: "bob", PasswordHash: "$h",
		DisplayName: "Bob", Role: domain.RoleArtist, Birthdate: &bd, Now: now})
	require.NoError(t, err)
	require.NoError(t, s.Add(ctx, u))
	assert.Equal(t, 1, countEvents(t, pool, contracts.UserRegisteredV1), "the event is in the outbox with the account")

	got, err := s.Get(ctx, u.ID())
	require.NoError(t, err)
	assert.Equal(t, "Bob@Example.com", got.Email())
	assert.Equal(t, []domain.Role{domain.RoleArtist}, got.Roles())
	require.NotNil(t, got.Birthdate())
	assert.True(t, bd.Equal(*got.Birthdate()))
	assert.True(t, now.Equal(got.CreatedAt()))

	for _, login := range []string{"bob@example.com", "BOB@EXAMPLE.COM", "bob"} {
		f, err := s.FindByLogin(ctx, login)
		require.NoError(t, err, login)
		assert.Equal(t, u.ID(), f.ID())
	}
	_, err = s.FindByLogin(ctx, "nobody")
	assert.ErrorIs(t, err, contracts.ErrUserNotFound)
	_, err = s.Get(ctx, uuid.New())
	assert.ErrorIs(t, err, contracts.ErrUserNotFound)

	bio := "bio"
	require.NoError(t, s.Update(ctx, u.ID(), func(u *domain.User) error {
		u.GrantRole(domain.RoleAdmin, now)
		return u.UpdateProfile(domain.ProfilePatch{Bio: &bio}, now)
	}))
	got, err = s.Get(ctx, u.ID())
	require.NoError(t, err)
	assert.Equal(t, "bio", got.Bio())
	assert.True(t, got.HasRole(domain.RoleAdmin))

	boom := errors.New("boom")
	assert.ErrorIs(t, s.Update(ctx, u.ID(), func(u *domain.User) error {
		u.GrantRole(domain.RoleListener, now)
		return boom
	}), boom)
	got, err = s.Get(ctx, u.ID())
	require.NoError(t, err)
	assert.False(t, got.HasRole(domain.RoleListener), "a failed update saves nothing")
}

func TestDuplicatesAreDistinctConflicts(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := context.Background()
	require.NoError(t, s.Add(ctx, newUser(t, "carol@example.com", "carol")))
	assert.ErrorIs(t, s.Add(ctx, newUser(t, "CAROL@example.COM", "carol2")), domain.ErrEmailTaken)
	assert.ErrorIs(t, s.Add(ctx, newUser(t, "other@example.com", "carol")), domain.ErrUsernameTaken)
	assert.Equal(t, 1, countEvents(t, pool, contracts.UserRegisteredV1), "rejected registrations publish nothing")
}

func TestConcurrentRegistrationsOfOneEmail(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	const n = 20
	var wg sync.WaitGroup
	results := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = s.Add(context.Background(), newUser(t, "Same@Example.com", fmt.Sprintf("same_%d", i)))
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range results {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, domain.ErrEmailTaken)
		}
	}
	assert.Equal(t, 1, ok)
	assert.Equal(t, 1, countEvents(t, pool, contracts.UserRegisteredV1))
}

func addRefresh(t *testing.T, s *postgres.Store, userID uuid.UUID, hash string, exp time.Time) uuid.UUID {
	t.Helper()
	fam := uuid.New()
	require.NoError(t, s.Create(context.Background(), domain.NewRefreshToken{ID: uuid.New(), FamilyID: fam, UserID: userID,
		Hash: []byte(hash), CreatedAt: now, ExpiresAt: exp}))
	return fam
}

func next(hash string) domain.NewRefreshToken {
	return domain.NewRefreshToken{ID: uuid.New(), Hash: []byte(hash), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	u := newUser(t, "d@example.com", "dave")
	require.NoError(t, s.Add(ctx, u))
	addRefresh(t, s, u.ID(), "t1", now.Add(time.Hour))

	uid, err := s.Rotate(ctx, []byte("t1"), now, next("t2"))
	require.NoError(t, err)
	assert.Equal(t, u.ID(), uid)
	uid, err = s.Rotate(ctx, []byte("t2"), now, next("t3"))
	require.NoError(t, err)
	assert.Equal(t, u.ID(), uid)

	// t1 is replayed: the family is revoked, so even the newest token t3 stops working.
	_, err = s.Rotate(ctx, []byte("t1"), now, next("t4"))
	assert.ErrorIs(t, err, domain.ErrRefreshReused)
	_, err = s.Rotate(ctx, []byte("t3"), now, next("t5"))
	assert.ErrorIs(t, err, domain.ErrRefreshInvalid)
	_, err = s.Rotate(ctx, []byte("t4"), now, next("t6"))
	assert.ErrorIs(t, err, domain.ErrRefreshInvalid, "the token of the rejected rotation was never stored")

	_, err = s.Rotate(ctx, []byte("unknown"), now, next("t7"))
	assert.ErrorIs(t, err, domain.ErrRefreshInvalid)

	addRefresh(t, s, u.ID(), "old", now.Add(-time.Second))
	_, err = s.Rotate(ctx, []byte("old"), now, next("t8"))
	assert.ErrorIs(t, err, domain.ErrRefreshInvalid, "expired")

	// Logout revokes the family; a second logout is harmless.
	addRefresh(t, s, u.ID(), "l1", now.Add(time.Hour))
	require.NoError(t, s.RevokeFamily(ctx, []byte("l1"), now))
	require.NoError(t, s.RevokeFamily(ctx, []byte("l1"), now))
	require.NoError(t, s.RevokeFamily(ctx, []byte("never-issued"), now))
	_, err = s.Rotate(ctx, []byte("l1"), now, next("l2"))
	assert.ErrorIs(t, err, domain.ErrRefreshInvalid)
}

func TestConcurrentRotationsOfOneToken(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	u := newUser(t, "e@example.com", "erin")
	require.NoError(t, s.Add(ctx, u))
	addRefresh(t, s, u.ID(), "race", now.Add(time.Hour))
	const n = 8
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = s.Rotate(ctx, []byte("race"), now, next(fmt.Sprintf("race-%d", i)))
		}()
	}
	wg.Wait()
	ok, reused, winner := 0, 0, -1
	for i, err := range results {
		switch {
		case err == nil:
			ok, winner = ok+1, i
		case errors.Is(err, domain.ErrRefreshReused):
			reused++
		default:
			assert.ErrorIs(t, err, domain.ErrRefreshInvalid)
		}
	}
	assert.Equal(t, 1, ok, "exactly one rotation wins")
	assert.GreaterOrEqual(t, reused, 1)
	// The reuse revoked the family, including the winner's new token.
	_, err := s.Rotate(ctx, []byte(fmt.Sprintf("race-%d", winner)), now, next("after"))
	assert.ErrorIs(t, err, domain.ErrRefreshInvalid)
}

func TestThrottleCountsConcurrentAttempts(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	p := domain.ThrottlePolicy{MaxFailures: 5, Window: time.Hour, Lockout: time.Minute}
	const n = 25
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		allowed int
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := s.Attempt(ctx, "ip:1.2.3.4", p, now)
			assert.NoError(t, err)
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 6, allowed, "the free attempts plus one that blocks the key while it is checked, however many race")
	st, ok, err := s.Attempt(ctx, "ip:1.2.3.4", p, now)
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, p.Delay(1), st.RetryAfter(now), "the block is stored for every instance")

	strict := domain.ThrottlePolicy{MaxFailures: 2, Window: time.Hour, Lockout: time.Minute}
	for range 2 {
		_, ok, err = s.Attempt(ctx, "user:x", strict, now)
		require.NoError(t, err)
		require.True(t, ok)
		_, err = s.Fail(ctx, "user:x", strict, now)
		require.NoError(t, err)
	}
	_, ok, err = s.Attempt(ctx, "user:x", strict, now)
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, s.Reset(ctx, "user:x"))
	_, ok, err = s.Attempt(ctx, "user:x", strict, now)
	require.NoError(t, err)
	assert.True(t, ok, "reset forgets the key")

	_, _, err = s.Attempt(ctx, "ip:9.9.9.9", strict, now)
	require.NoError(t, err)
	require.NoError(t, s.Release(ctx, "ip:9.9.9.9"))
	st, _, err = s.Attempt(ctx, "ip:9.9.9.9", strict, now)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Failures, "a released attempt no longer counts")
}

// A successful sign-in resets (deletes) its key while another request for the same key is
// attempting: the attempt must still find its row (found by parallel Subsonic requests, which
// answered "no rows in result set").
func TestThrottleAttemptsRaceResets(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	p := domain.ThrottlePolicy{MaxFailures: 1000, Window: time.Hour, Lockout: time.Minute}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				_, _, err := s.Attempt(ctx, "user:race", p, now)
				assert.NoError(t, err)
				assert.NoError(t, s.Reset(ctx, "user:race"))
			}
		}()
	}
	wg.Wait()
}

func challenge(t *testing.T, user uuid.UUID, chain domain.Chain, addr, nonce string) *domain.Challenge {
	t.Helper()
	c, err := domain.NewChallenge(domain.ChallengeParams{UserID: user, Chain: chain, Address: addr, Domain: "d.example",
		URI: "https://d.example", ChainID: "1", Nonce: nonce, Now: now, TTL: time.Minute})
	require.NoError(t, err)
	return c
}

func use(user uuid.UUID, c domain.Chain, addr string) func(*domain.Challenge) (domain.Wallet, error) {
	return func(ch *domain.Challenge) (domain.Wallet, error) {
		if err := ch.Use(user, c, addr, ch.Message(), now); err != nil {
			return domain.Wallet{}, err
		}
		return domain.Wallet{Chain: c, Address: ch.Address(), LinkedAt: now}, nil
	}
}

const addr = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"

func TestWalletLinkLifecycle(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := context.Background()
	alice, bob := newUser(t, "a@example.com", "alice"), newUser(t, "b@example.com", "bobby")
	require.NoError(t, s.Add(ctx, alice))
	require.NoError(t, s.Add(ctx, bob))

	require.NoError(t, s.AddChallenge(ctx, challenge(t, alice.ID(), domain.ChainEthereum, addr, "nonce-a-1"), 10, now))
	require.NoError(t, s.Link(ctx, alice.ID(), "nonce-a-1", use(alice.ID(), domain.ChainEthereum, addr)))
	assert.Equal(t, 1, countEvents(t, pool, contracts.WalletLinkedV1))
	assert.ErrorIs(t, s.Link(ctx, alice.ID(), "nonce-a-1", use(alice.ID(), domain.ChainEthereum, addr)), domain.ErrChallengeUsed)
	assert.ErrorIs(t, s.Link(ctx, alice.ID(), "never-issued", use(alice.ID(), domain.ChainEthereum, addr)), domain.ErrChallengeNotFound)

	ws, err := s.List(ctx, alice.ID())
	require.NoError(t, err)
	require.Len(t, ws, 1)
	assert.Equal(t, addr, ws[0].Address)
	owner, err := s.Owner(ctx, domain.ChainEthereum, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")
	require.NoError(t, err)
	assert.Equal(t, alice.ID(), owner, "owners are found whatever the case")

	// Bob proves he holds the key too (e.g. a shared wallet): the address still has one owner.
	require.NoError(t, s.AddChallenge(ctx, challenge(t, bob.ID(), domain.ChainEthereum, addr, "nonce-b-1"), 10, now))
	assert.ErrorIs(t, s.Link(ctx, bob.ID(), "nonce-b-1", use(bob.ID(), domain.ChainEthereum, addr)), domain.ErrWalletTaken)
	// Bob cannot consume Alice's nonce.
	require.NoError(t, s.AddChallenge(ctx, challenge(t, alice.ID(), domain.ChainEthereum, addr, "nonce-a-2"), 10, now))
	assert.ErrorIs(t, s.Link(ctx, bob.ID(), "nonce-a-2", use(bob.ID(), domain.ChainEthereum, addr)), domain.ErrChallengeNotFound)
	assert.ErrorIs(t, s.Link(ctx, alice.ID(), "nonce-a-2", use(alice.ID(), domain.ChainEthereum, addr)), domain.ErrWalletAlreadyLinked)

	require.NoError(t, s.Unlink(ctx, alice.ID(), domain.ChainEthereum, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", now))
	assert.Equal(t, 1, countEvents(t, pool, contracts.WalletUnlinkedV1))
	assert.ErrorIs(t, s.Unlink(ctx, alice.ID(), domain.ChainEthereum, addr, now), domain.ErrWalletNotFound)
	_, err = s.Owner(ctx, domain.ChainEthereum, addr)
	assert.ErrorIs(t, err, contracts.ErrUserNotFound)
}

func TestOpenChallengesAreBounded(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	u := newUser(t, "f@example.com", "frank")
	require.NoError(t, s.Add(ctx, u))
	for i := range 3 {
		require.NoError(t, s.AddChallenge(ctx, challenge(t, u.ID(), domain.ChainEthereum, addr, fmt.Sprintf("nonce-%04d", i)), 3, now))
	}
	assert.ErrorIs(t, s.AddChallenge(ctx, challenge(t, u.ID(), domain.ChainEthereum, addr, "nonce-9999"), 3, now), domain.ErrTooManyChallenges)
	// Once they expire, new ones may be issued.
	require.NoError(t, s.AddChallenge(ctx, challenge(t, u.ID(), domain.ChainEthereum, addr, "nonce-later"), 3, now.Add(time.Hour)))
}

func TestConcurrentLinksOfOneAddress(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	const n = 6
	users := make([]*domain.User, n)
	for i := range n {
		users[i] = newUser(t, fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("user_%d", i))
		require.NoError(t, s.Add(ctx, users[i]))
		require.NoError(t, s.AddChallenge(ctx, challenge(t, users[i].ID(), domain.ChainEthereum, addr, fmt.Sprintf("race-nonce-%d", i)), 10, now))
	}
	var wg sync.WaitGroup
	results := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.Link(ctx, users[i].ID(), fmt.Sprintf("race-nonce-%d", i), use(users[i].ID(), domain.ChainEthereum, addr))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, domain.ErrWalletTaken)
		}
	}
	assert.Equal(t, 1, ok, "one owner per address")
}

func TestCleanupDeletesExpiredRows(t *testing.T) {
	t.Parallel()
	s, pool := newStore(t)
	ctx := context.Background()
	u := newUser(t, "g@example.com", "grace")
	require.NoError(t, s.Add(ctx, u))
	addRefresh(t, s, u.ID(), "expired", now.Add(-time.Minute))
	addRefresh(t, s, u.ID(), "live", now.Add(time.Hour))
	n, err := s.Cleanup(ctx, now)
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	var left int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM users.refresh_tokens`).Scan(&left))
	assert.Equal(t, 1, left)
}

func TestCountRegisteredUsers(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	n, err := s.Count(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	require.NoError(t, s.Add(ctx, newUser(t, "c1@example.com", "count_one")))
	require.NoError(t, s.Add(ctx, newUser(t, "c2@example.com", "count_two")))
	n, err = s.Count(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
}
