// Package postgres stores the user context in its own schema (users.*) and publishes its
// integration events through the outbox in the same transactions.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/platform/events"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
	"github.com/vibestream/vibestream/internal/user/infrastructure/postgres/userdb"
)

// Store implements every repository of the user context on one pool.
type Store struct {
	pool *pgxpool.Pool
	q    *userdb.Queries
	bus  events.Publisher
}

// NewStore builds the store; bus publishes the context's events inside its transactions.
func NewStore(pool *pgxpool.Pool, bus events.Publisher) (*Store, error) {
	if pool == nil || bus == nil {
		return nil, errors.New("user postgres: pool and bus are required")
	}
	return &Store{pool: pool, q: userdb.New(pool), bus: bus}, nil
}

var (
	_ domain.Users         = (*Store)(nil)
	_ domain.RefreshTokens = (*Store)(nil)
	_ domain.Throttles     = (*Store)(nil)
	_ domain.Wallets       = (*Store)(nil)
)

func roleStrings(rs []domain.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func toUser(a userdb.UsersAccount) *domain.User {
	roles := make([]domain.Role, len(a.Roles))
	for i, r := range a.Roles {
		roles[i] = domain.Role(r)
	}
	return domain.RehydrateUser(a.ID, a.Email, a.Username, a.PasswordHash, a.DisplayName, a.Bio, a.AvatarUrl,
		a.Birthdate, roles, a.CreatedAt, a.UpdatedAt)
}

// publish turns recorded domain events into integration events and writes them to the outbox.
func (s *Store) publish(ctx context.Context, tx pgx.Tx, recorded []any) error {
	var envs []events.Envelope
	for _, r := range recorded {
		var (
			env events.Envelope
			err error
		)
		switch e := r.(type) {
		case domain.Registered:
			env, err = events.New(ctx, contracts.UserRegisteredV1, contracts.Source, contracts.UserRegistered{
				UserID: e.UserID, Username: e.Username, DisplayName: e.DisplayName, Roles: roleStrings(e.Roles), RegisteredAt: e.At,
			}, events.ForUsers(e.UserID), events.At(e.At))
		case domain.WalletLinked:
			env, err = events.New(ctx, contracts.WalletLinkedV1, contracts.Source, contracts.WalletLinked{
				UserID: e.UserID, Chain: string(e.Chain), Address: e.Address, At: e.At,
			}, events.ForUsers(e.UserID), events.At(e.At))
		case domain.WalletUnlinked:
			env, err = events.New(ctx, contracts.WalletUnlinkedV1, contracts.Source, contracts.WalletLinked{
				UserID: e.UserID, Chain: string(e.Chain), Address: e.Address, At: e.At,
			}, events.ForUsers(e.UserID), events.At(e.At))
		case domain.LoginThrottled:
			env, err = events.New(ctx, contracts.LoginThrottledV1, contracts.Source, contracts.LoginThrottled{
				UserID: e.UserID, ClientIP: e.ClientIP, KnownDevice: e.KnownDevice, Failures: e.Failures,
				RetryAfterSeconds: int((e.RetryAfter + time.Second - 1) / time.Second), At: e.At,
			}, events.ForUsers(e.UserID), events.At(e.At))
		default:
			return fmt.Errorf("user postgres: unknown domain event %T", r)
		}
		if err != nil {
			return err
		}
		envs = append(envs, env)
	}
	if len(envs) == 0 {
		return nil
	}
	return s.bus.Publish(ctx, tx, envs...)
}

// Add implements domain.Users.
func (s *Store) Add(ctx context.Context, u *domain.User) error {
	recorded := u.PullEvents()
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		err := s.q.WithTx(tx).InsertAccount(ctx, userdb.InsertAccountParams{
			ID: u.ID(), Email: u.Email(), Username: u.Username(), PasswordHash: u.PasswordHash(),
			DisplayName: u.DisplayName(), Bio: u.Bio(), AvatarUrl: u.AvatarURL(), Birthdate: u.Birthdate(),
			Roles: roleStrings(u.Roles()), CreatedAt: u.CreatedAt(), UpdatedAt: u.UpdatedAt(),
		})
		switch {
		case pg.IsUniqueViolation(err, "accounts_email_key"):
			return domain.ErrEmailTaken
		case pg.IsUniqueViolation(err, "accounts_username_key"):
			return domain.ErrUsernameTaken
		case err != nil:
			return fmt.Errorf("insert account: %w", err)
		}
		return s.publish(ctx, tx, recorded)
	})
}

func notFound(err error) error {
	if pg.IsNoRows(err) {
		return contracts.ErrUserNotFound
	}
	return err
}

// Get implements domain.Users.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (*domain.User, error) {
	a, err := s.q.GetAccount(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	return toUser(a), nil
}

// FindByLogin implements domain.Users.
func (s *Store) FindByLogin(ctx context.Context, login string) (*domain.User, error) {
	var (
		a   userdb.UsersAccount
		err error
	)
	if domain.LooksLikeEmail(login) {
		a, err = s.q.GetAccountByEmail(ctx, login)
	} else {
		a, err = s.q.GetAccountByUsername(ctx, login)
	}
	if err != nil {
		return nil, notFound(err)
	}
	return toUser(a), nil
}

// Update implements domain.Users.
func (s *Store) Update(ctx context.Context, id uuid.UUID, fn func(*domain.User) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		a, err := q.GetAccountForUpdate(ctx, id)
		if err != nil {
			return notFound(err)
		}
		u := toUser(a)
		if err := fn(u); err != nil {
			return err
		}
		if err := q.UpdateAccount(ctx, userdb.UpdateAccountParams{ID: id, DisplayName: u.DisplayName(), Bio: u.Bio(),
			AvatarUrl: u.AvatarURL(), Roles: roleStrings(u.Roles()), UpdatedAt: u.UpdatedAt()}); err != nil {
			return fmt.Errorf("update account: %w", err)
		}
		if !sameDate(a.Birthdate, u.Birthdate()) {
			// hand-written: the birthdate changes only through SetBirthdate (set once, then admin)
			if _, err := tx.Exec(ctx, `UPDATE users.accounts SET birthdate = $2 WHERE id = $1`, id, u.Birthdate()); err != nil {
				return fmt.Errorf("update birthdate: %w", err)
			}
		}
		if u.SessionsEnded() {
			at := u.UpdatedAt()
			if err := q.RevokeUserRefreshTokens(ctx, userdb.RevokeUserRefreshTokensParams{UserID: id, RevokedAt: &at}); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return s.publish(ctx, tx, u.PullEvents())
	})
}

// Count implements domain.Users.
func (s *Store) Count(ctx context.Context) (int64, error) { return s.q.CountAccounts(ctx) }

// Create implements domain.RefreshTokens.
func (s *Store) Create(ctx context.Context, t domain.NewRefreshToken) error {
	return s.q.InsertRefreshToken(ctx, userdb.InsertRefreshTokenParams{ID: t.ID, FamilyID: t.FamilyID, UserID: t.UserID,
		TokenHash: t.Hash, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt})
}

// Rotate implements domain.RefreshTokens.
func (s *Store) Rotate(ctx context.Context, hash []byte, now time.Time, next domain.NewRefreshToken) (uuid.UUID, error) {
	var (
		userID uuid.UUID
		reused bool
	)
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		reused = false
		q := s.q.WithTx(tx)
		row, err := q.GetRefreshTokenForUpdate(ctx, hash)
		if pg.IsNoRows(err) {
			return domain.ErrRefreshInvalid
		}
		if err != nil {
			return err
		}
		tok := domain.RehydrateRefreshToken(row.ID, row.FamilyID, row.UserID, row.ExpiresAt, row.UsedAt, row.RevokedAt)
		if err := tok.Rotate(now); err != nil {
			if errors.Is(err, domain.ErrRefreshReused) {
				// Commit the revocation, then report the reuse.
				reused = true
				return q.RevokeRefreshFamily(ctx, userdb.RevokeRefreshFamilyParams{FamilyID: tok.FamilyID(), RevokedAt: &now})
			}
			return err
		}
		if err := q.MarkRefreshTokenUsed(ctx, userdb.MarkRefreshTokenUsedParams{ID: tok.ID(), UsedAt: tok.UsedAt()}); err != nil {
			return err
		}
		next.FamilyID, next.UserID = tok.FamilyID(), tok.UserID()
		userID = tok.UserID()
		return q.InsertRefreshToken(ctx, userdb.InsertRefreshTokenParams{ID: next.ID, FamilyID: next.FamilyID, UserID: next.UserID,
			TokenHash: next.Hash, CreatedAt: next.CreatedAt, ExpiresAt: next.ExpiresAt})
	})
	if err != nil {
		return uuid.Nil, err
	}
	if reused {
		return uuid.Nil, domain.ErrRefreshReused
	}
	return userID, nil
}

// RevokeFamily implements domain.RefreshTokens.
func (s *Store) RevokeFamily(ctx context.Context, hash []byte, now time.Time) error {
	fam, err := s.q.GetRefreshFamily(ctx, hash)
	if pg.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.q.RevokeRefreshFamily(ctx, userdb.RevokeRefreshFamilyParams{FamilyID: fam, RevokedAt: &now})
}

// DeviceMemory is how long an unused device stays known.
const DeviceMemory = 365 * 24 * time.Hour

// SeenDevice implements domain.Devices.
func (s *Store) SeenDevice(ctx context.Context, userID uuid.UUID, hash []byte, now time.Time) (bool, error) {
	n, err := s.q.TouchDevice(ctx, userdb.TouchDeviceParams{TokenHash: hash, UserID: userID, LastSeenAt: now})
	return n == 1, err
}

// AddDevice implements domain.Devices.
func (s *Store) AddDevice(ctx context.Context, userID uuid.UUID, hash []byte, now time.Time) error {
	return s.q.InsertDevice(ctx, userdb.InsertDeviceParams{TokenHash: hash, UserID: userID, CreatedAt: now})
}

// modifyThrottle locks key's row (creating it), applies fn and saves the result.
func (s *Store) modifyThrottle(ctx context.Context, key string, now time.Time, fn func(domain.Throttle) domain.Throttle) (domain.Throttle, error) {
	var out domain.Throttle
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		r, err := q.LockThrottle(ctx, userdb.LockThrottleParams{Key: key, WindowStartedAt: now})
		if err != nil {
			return err
		}
		out = fn(domain.Throttle{Failures: int(r.Failures), WindowStarted: r.WindowStartedAt, BlockedUntil: r.BlockedUntil})
		return q.SaveThrottle(ctx, userdb.SaveThrottleParams{Key: key, Failures: int32(out.Failures),
			WindowStartedAt: out.WindowStarted, BlockedUntil: out.BlockedUntil})
	})
	return out, err
}

// Attempt implements domain.Throttles.
func (s *Store) Attempt(ctx context.Context, key string, p domain.ThrottlePolicy, now time.Time) (domain.Throttle, bool, error) {
	var allowed bool
	st, err := s.modifyThrottle(ctx, key, now, func(t domain.Throttle) domain.Throttle {
		var next domain.Throttle
		next, allowed = p.Attempt(t, now)
		return next
	})
	return st, allowed, err
}

// Fail implements domain.Throttles.
func (s *Store) Fail(ctx context.Context, key string, p domain.ThrottlePolicy, now time.Time) (domain.Throttle, error) {
	return s.modifyThrottle(ctx, key, now, func(t domain.Throttle) domain.Throttle { return p.Failed(t, now) })
}

// Release implements domain.Throttles.
func (s *Store) Release(ctx context.Context, key string) error {
	_, err := s.modifyThrottle(ctx, key, time.Now(), func(t domain.Throttle) domain.Throttle { return t.Succeeded() })
	return err
}

// Reset implements domain.Throttles.
func (s *Store) Reset(ctx context.Context, key string) error { return s.q.DeleteThrottle(ctx, key) }

// AddChallenge implements domain.Wallets.
func (s *Store) AddChallenge(ctx context.Context, c *domain.Challenge, max int, now time.Time) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		// Serialise one user's challenge creation so the limit holds under concurrency.
		if _, err := q.GetAccountForUpdate(ctx, c.UserID()); err != nil {
			return notFound(err)
		}
		n, err := q.CountOpenChallenges(ctx, userdb.CountOpenChallengesParams{UserID: c.UserID(), ExpiresAt: now})
		if err != nil {
			return err
		}
		if n >= int64(max) {
			return domain.ErrTooManyChallenges
		}
		return q.InsertChallenge(ctx, userdb.InsertChallengeParams{Nonce: c.Nonce(), UserID: c.UserID(), Chain: string(c.Chain()),
			Address: c.Address(), Message: c.Message(), IssuedAt: c.IssuedAt(), ExpiresAt: c.ExpiresAt()})
	})
}

// Link implements domain.Wallets.
func (s *Store) Link(ctx context.Context, userID uuid.UUID, nonce string, use func(*domain.Challenge) (domain.Wallet, error)) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		// Lock the account first: linking and counting one user's wallets is serialised.
		if _, err := q.GetAccountForUpdate(ctx, userID); err != nil {
			return notFound(err)
		}
		r, err := q.GetChallengeForUpdate(ctx, nonce)
		if pg.IsNoRows(err) {
			return domain.ErrChallengeNotFound
		}
		if err != nil {
			return err
		}
		ch := domain.RehydrateChallenge(r.Nonce, r.UserID, domain.Chain(r.Chain), r.Address, r.Message, r.IssuedAt, r.ExpiresAt, r.UsedAt)
		w, err := use(ch)
		if err != nil {
			return err
		}
		if err := q.MarkChallengeUsed(ctx, userdb.MarkChallengeUsedParams{Nonce: nonce, UsedAt: ch.UsedAt()}); err != nil {
			return err
		}
		key := domain.AddressKey(w.Chain, w.Address)
		owner, err := q.GetWalletOwner(ctx, userdb.GetWalletOwnerParams{Chain: string(w.Chain), AddressKey: key})
		switch {
		case err == nil && owner == userID:
			return domain.ErrWalletAlreadyLinked
		case err == nil:
			return domain.ErrWalletTaken
		case !pg.IsNoRows(err):
			return err
		}
		n, err := q.CountWallets(ctx, userID)
		if err != nil {
			return err
		}
		if n >= domain.MaxWalletsPerUser {
			return domain.ErrTooManyWallets
		}
		err = q.InsertWallet(ctx, userdb.InsertWalletParams{Chain: string(w.Chain), AddressKey: key, Address: w.Address,
			UserID: userID, LinkedAt: w.LinkedAt})
		if pg.IsUniqueViolation(err, "wallets_pkey") {
			// Another user linked it between our check and insert.
			return domain.ErrWalletTaken
		}
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, []any{domain.WalletLinked{UserID: userID, Chain: w.Chain, Address: w.Address, At: w.LinkedAt}})
	})
}

// Unlink implements domain.Wallets.
func (s *Store) Unlink(ctx context.Context, userID uuid.UUID, chain domain.Chain, address string, now time.Time) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		addr, err := q.DeleteWallet(ctx, userdb.DeleteWalletParams{UserID: userID, Chain: string(chain), AddressKey: domain.AddressKey(chain, address)})
		if pg.IsNoRows(err) {
			return domain.ErrWalletNotFound
		}
		if err != nil {
			return err
		}
		return s.publish(ctx, tx, []any{domain.WalletUnlinked{UserID: userID, Chain: chain, Address: addr, At: now.UTC()}})
	})
}

// List implements domain.Wallets.
func (s *Store) List(ctx context.Context, userID uuid.UUID) ([]domain.Wallet, error) {
	rows, err := s.q.ListWallets(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Wallet, len(rows))
	for i, r := range rows {
		out[i] = domain.Wallet{Chain: domain.Chain(r.Chain), Address: r.Address, LinkedAt: r.LinkedAt}
	}
	return out, nil
}

// Owner implements domain.Wallets.
func (s *Store) Owner(ctx context.Context, chain domain.Chain, address string) (uuid.UUID, error) {
	id, err := s.q.GetWalletOwner(ctx, userdb.GetWalletOwnerParams{Chain: string(chain), AddressKey: domain.AddressKey(chain, address)})
	if err != nil {
		return uuid.Nil, notFound(err)
	}
	return id, nil
}

// Cleanup deletes expired refresh tokens, challenges and stale throttle rows.
func (s *Store) Cleanup(ctx context.Context, now time.Time) (int64, error) {
	a, err := s.q.DeleteExpiredRefreshTokens(ctx, now)
	if err != nil {
		return 0, err
	}
	b, err := s.q.DeleteOldChallenges(ctx, now.Add(-time.Hour))
	if err != nil {
		return 0, err
	}
	c, err := s.q.DeleteStaleThrottles(ctx, userdb.DeleteStaleThrottlesParams{Before: now.Add(-24 * time.Hour), Now: now})
	if err != nil {
		return 0, err
	}
	d, err := s.q.DeleteStaleDevices(ctx, now.Add(-DeviceMemory))
	return a + b + c + d, err
}

func sameDate(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
