// Package postgres stores the listen-reward context in its own schema (listenreward.*) and
// publishes its integration events through the outbox in the same transactions.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	"github.com/vibestream/vibestream/internal/listenreward/infrastructure/postgres/listenrewarddb"
	"github.com/vibestream/vibestream/internal/platform/events"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// Store implements the listen-reward repositories on one pool.
type Store struct {
	pool *pgxpool.Pool
	q    *listenrewarddb.Queries
	bus  events.Publisher
	// ipLockBelow: below this per-IP count the address lock is skipped (SetIPLimit; 0: always)
	ipLockBelow int64
}

var (
	_ domain.Sessions = (*Store)(nil)
	_ domain.Rewards  = (*Store)(nil)
	_ domain.Claims   = (*Store)(nil)
)

// SetIPLimit tells the store the per-IP-per-song hourly limit (Policy.MaxPerIPSongHour), so
// that it can skip the address lock while the count is below the limit minus a margin of four
// times the pool's connections (no more deciders than that can run at once on four instances
// sharing the database: each holds a connection in its transaction). With the default limit
// (30) the margin exceeds it and the lock is always taken.
func (s *Store) SetIPLimit(limit int) {
	s.ipLockBelow = int64(limit) - 4*int64(s.pool.Config().MaxConns)
}

// NewStore builds the store; bus publishes the context's events inside its transactions.
func NewStore(pool *pgxpool.Pool, bus events.Publisher) (*Store, error) {
	if pool == nil || bus == nil {
		return nil, errors.New("listenreward postgres: pool and bus are required")
	}
	return &Store{pool: pool, q: listenrewarddb.New(pool), bus: bus}, nil
}

func ptrID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func idOf(p *uuid.UUID) uuid.UUID {
	if p == nil {
		return uuid.Nil
	}
	return *p
}

func toSession(r listenrewarddb.ListenrewardSession) *domain.Session {
	reasons := make([]domain.Reason, len(r.Reasons))
	for i, x := range r.Reasons {
		reasons[i] = domain.Reason(x)
	}
	var split *domain.Split
	if r.PlatformFee != nil && r.Shareholders != nil && r.ArtistAmount != nil {
		split = &domain.Split{Price: money.MustNew(money.USD, r.Price), PlatformFee: money.MustNew(money.USD, *r.PlatformFee),
			Shareholders: money.MustNew(money.USD, *r.Shareholders), Artist: money.MustNew(money.USD, *r.ArtistAmount)}
	}
	song := domain.Song{ID: r.SongID, ArtistUserID: r.ArtistUserID, DurationMS: int(r.DurationMs), Price: money.MustNew(money.USD, r.Price)}
	return domain.RehydrateSession(r.ID, r.ListenerID, song, r.ClientIp, r.Quality, r.PreviewOnly, idOf(r.HoldID), r.Starting,
		domain.Stream{URL: r.StreamUrl, Quality: r.StreamQuality, BytesPerSecond: r.BytesPerSecond, MaxBytes: r.MaxBytes},
		domain.Status(r.Status), r.StartedAt, r.ExpiresAt, int(r.PositionSeconds), int(r.ListenedSeconds), reasons,
		domain.EndedBy(r.EndedBy), r.DecidedAt, split, domain.PaymentStatus(r.PaymentStatus), idOf(r.EntryID), r.PaidAt)
}

func reasonStrings(rs []domain.Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func (s *Store) publish(ctx context.Context, tx pgx.Tx, recorded []any) error {
	var envs []events.Envelope
	add := func(typ string, payload any, at time.Time, users ...uuid.UUID) error {
		env, err := events.New(ctx, typ, contracts.Source, payload, events.ForUsers(users...), events.At(at),
			events.WithPriority(events.PriorityHigh))
		if err != nil {
			return err
		}
		envs = append(envs, env)
		return nil
	}
	for _, r := range recorded {
		var err error
		switch e := r.(type) {
		case domain.ListenQualified:
			err = add(contracts.ListenQualifiedV1, contracts.ListenQualified{SessionID: e.SessionID, SongID: e.SongID,
				ListenerID: e.ListenerID, ArtistUserID: e.ArtistUserID, HoldID: e.HoldID, Price: e.Split.Price.String(),
				PlatformFee: e.Split.PlatformFee.String(), Shareholders: e.Split.Shareholders.String(), Artist: e.Split.Artist.String(),
				ListenedSeconds: e.ListenedSeconds, QualifiedAt: e.At}, e.At, e.ListenerID)
		case domain.ListenRejected:
			err = add(contracts.ListenRejectedV1, contracts.ListenRejected{SessionID: e.SessionID, SongID: e.SongID,
				ListenerID: e.ListenerID, HoldID: e.HoldID, Reasons: reasonStrings(e.Reasons), RejectedAt: e.At}, e.At, e.ListenerID)
		case domain.RewardIssued:
			p := contracts.RewardIssued{SessionID: e.SessionID, ListenerID: e.ListenerID, SongID: e.SongID,
				Amount: e.Amount.String(), Status: string(e.Status), IssuedAt: e.At}
			err = add(contracts.RewardIssuedV1, p, e.At, e.ListenerID)
			if err == nil && e.Status == domain.RewardUnfunded {
				err = add(contracts.RewardPoolDepletedV1, p, e.At)
			}
		default:
			return fmt.Errorf("listenreward postgres: unknown domain event %T", r)
		}
		if err != nil {
			return err
		}
	}
	if len(envs) == 0 {
		return nil
	}
	return s.bus.Publish(ctx, tx, envs...)
}

func (s *Store) save(ctx context.Context, tx pgx.Tx, x *domain.Session) error {
	p := listenrewarddb.UpdateSessionParams{ID: x.ID(), PreviewOnly: x.PreviewOnly(), HoldID: ptrID(x.HoldID()), Starting: x.Starting(),
		StreamUrl: x.Stream().URL, StreamQuality: x.Stream().Quality, BytesPerSecond: x.Stream().BytesPerSecond,
		MaxBytes: x.Stream().MaxBytes, Status: string(x.Status()), PositionSeconds: int32(x.Position()),
		ListenedSeconds: int32(x.Listened()), Reasons: reasonStrings(x.Reasons()), EndedBy: string(x.EndedBy()),
		DecidedAt: x.DecidedAt(), PaymentStatus: string(x.Payment()), EntryID: ptrID(x.EntryID()), PaidAt: x.PaidAt()}
	if sp := x.Split(); sp != nil {
		fee, sh, ar := sp.PlatformFee.Units(), sp.Shareholders.Units(), sp.Artist.Units()
		p.PlatformFee, p.Shareholders, p.ArtistAmount = &fee, &sh, &ar
	}
	if err := s.q.WithTx(tx).UpdateSession(ctx, p); err != nil {
		return fmt.Errorf("update session: %w", err)
	}
	return s.publish(ctx, tx, x.PullEvents())
}

func notFound(err error) error {
	if pg.IsNoRows(err) {
		return domain.ErrSessionNotFound
	}
	return err
}

// history counts the paid listens the fraud limits look at, as of now.
func (s *Store) history(ctx context.Context, q *listenrewarddb.Queries, x *domain.Session, now time.Time) (domain.History, error) {
	u, err := q.CountPaidByUser(ctx, listenrewarddb.CountPaidByUserParams{ListenerID: x.ListenerID(), SongID: x.Song().ID, Since: domain.Day(now)})
	if err != nil {
		return domain.History{}, err
	}
	countIP := func() (int64, error) {
		return q.CountPaidByIP(ctx, listenrewarddb.CountPaidByIPParams{SongID: x.Song().ID, ClientIp: x.ClientIP(), Since: now.Add(-time.Hour)})
	}
	// The per-IP count is exact under the address's lock. Far below the limit it need not be:
	// fewer deciders can run at once than the margin left (see SetIPLimit), so the lock, which
	// serialises every listener behind one address (a NAT, a campus), is taken only near it.
	var ip int64
	if s.ipLockBelow > 0 {
		if ip, err = countIP(); err != nil {
			return domain.History{}, err
		}
	}
	if s.ipLockBelow <= 0 || ip >= s.ipLockBelow {
		if err := q.LockIPSong(ctx, listenrewarddb.LockIPSongParams{Ip: x.ClientIP(), SongID: x.Song().ID.String()}); err != nil {
			return domain.History{}, err
		}
		if ip, err = countIP(); err != nil {
			return domain.History{}, err
		}
	}
	return domain.History{SongToday: int(u.SongToday), UserToday: int(u.UserToday), IPSongHour: int(ip)}, nil
}

// Begin implements domain.Sessions.
func (s *Store) Begin(ctx context.Context, x *domain.Session, end func(open *domain.Session, h domain.History) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.EnsureListener(ctx, x.ListenerID()); err != nil {
			return err
		}
		if err := q.LockListener(ctx, x.ListenerID()); err != nil {
			return err
		}
		open, err := q.OpenSessionsForUpdate(ctx, x.ListenerID())
		if err != nil {
			return err
		}
		for _, r := range open {
			o := toSession(r)
			h, err := s.history(ctx, q, o, x.StartedAt())
			if err != nil {
				return err
			}
			if err := end(o, h); err != nil {
				return err
			}
			if err := s.save(ctx, tx, o); err != nil {
				return err
			}
		}
		if err := q.InsertSession(ctx, listenrewarddb.InsertSessionParams{ID: x.ID(), ListenerID: x.ListenerID(),
			SongID: x.Song().ID, ArtistUserID: x.Song().ArtistUserID, DurationMs: int32(x.Song().DurationMS),
			Price: x.Song().Price.Units(), ClientIp: x.ClientIP(), Quality: x.Quality(), Status: string(x.Status()),
			StartedAt: x.StartedAt(), ExpiresAt: x.ExpiresAt()}); err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		return s.save(ctx, tx, x)
	})
}

// Get implements domain.Sessions.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (*domain.Session, error) {
	r, err := s.q.GetSession(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	return toSession(r), nil
}

// Update implements domain.Sessions.
func (s *Store) Update(ctx context.Context, id uuid.UUID, fn func(*domain.Session) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		r, err := s.q.WithTx(tx).GetSessionForUpdate(ctx, id)
		if err != nil {
			return notFound(err)
		}
		x := toSession(r)
		if err := fn(x); err != nil {
			return err
		}
		return s.save(ctx, tx, x)
	})
}

// Decide implements domain.Sessions.
func (s *Store) Decide(ctx context.Context, id uuid.UUID, now time.Time, fn func(*domain.Session, domain.History) error) error {
	first, err := s.q.GetSession(ctx, id)
	if err != nil {
		return notFound(err)
	}
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.LockListener(ctx, first.ListenerID); err != nil {
			return err
		}
		r, err := q.GetSessionForUpdate(ctx, id)
		if err != nil {
			return notFound(err)
		}
		x := toSession(r)
		var h domain.History
		if x.Status() == domain.StatusActive {
			if h, err = s.history(ctx, q, x, now); err != nil {
				return err
			}
		}
		if err := fn(x, h); err != nil {
			return err
		}
		return s.save(ctx, tx, x)
	})
}

// Open implements domain.Sessions.
func (s *Store) Open(ctx context.Context, listenerID uuid.UUID) ([]*domain.Session, error) {
	rows, err := s.q.OpenSessions(ctx, listenerID)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Session, len(rows))
	for i, r := range rows {
		out[i] = toSession(r)
	}
	return out, nil
}

// farFuture stands for "no cursor".
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// List implements domain.Sessions.
func (s *Store) List(ctx context.Context, listenerID uuid.UUID, before domain.Cursor, limit int) ([]*domain.Session, error) {
	if before.StartedAt.IsZero() {
		before = domain.Cursor{StartedAt: farFuture, ID: uuid.Max}
	}
	rows, err := s.q.ListSessions(ctx, listenrewarddb.ListSessionsParams{ListenerID: listenerID, Limit: int32(limit),
		BeforeAt: before.StartedAt, BeforeID: before.ID})
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Session, len(rows))
	for i, r := range rows {
		out[i] = toSession(r)
	}
	return out, nil
}

// Due implements domain.Sessions.
func (s *Store) Due(ctx context.Context, now, stalledBefore time.Time, limit int) ([]uuid.UUID, error) {
	return s.q.DueSessions(ctx, listenrewarddb.DueSessionsParams{Now: now, StalledBefore: stalledBefore, MaxRows: int32(limit)})
}

// Earnings implements domain.Sessions.
func (s *Store) Earnings(ctx context.Context, artistUserID uuid.UUID, from, to time.Time) ([]domain.SongEarnings, error) {
	rows, err := s.q.Earnings(ctx, listenrewarddb.EarningsParams{ArtistUserID: artistUserID, FromAt: from, ToAt: to})
	if err != nil {
		return nil, err
	}
	out := make([]domain.SongEarnings, len(rows))
	for i, r := range rows {
		out[i] = domain.SongEarnings{SongID: r.SongID, PaidListens: r.PaidListens, Gross: money.MustNew(money.USD, r.Gross),
			PlatformFee: money.MustNew(money.USD, r.PlatformFee), Shareholders: money.MustNew(money.USD, r.Shareholders),
			Net: money.MustNew(money.USD, r.Net)}
	}
	return out, nil
}

func toReward(r listenrewarddb.ListenrewardReward) *domain.Reward {
	return domain.RehydrateReward(r.SessionID, r.ListenerID, r.SongID, money.MustNew(money.VIBE, r.Amount), r.Capped,
		domain.RewardStatus(r.Status), r.Day, r.CreatedAt, r.SettledAt)
}

// BeginReward implements domain.Rewards.
func (s *Store) BeginReward(ctx context.Context, sessionID, listenerID uuid.UUID, day time.Time,
	decide func(existing *domain.Reward, earnedToday money.Amount) (*domain.Reward, error)) (*domain.Reward, error) {
	var out *domain.Reward
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.LockListener(ctx, listenerID); err != nil {
			return err
		}
		var existing *domain.Reward
		if r, err := q.GetReward(ctx, sessionID); err == nil {
			existing = toReward(r)
		} else if !pg.IsNoRows(err) {
			return err
		}
		earned, err := q.EarnedOnDay(ctx, listenrewarddb.EarnedOnDayParams{ListenerID: listenerID, Day: day})
		if err != nil {
			return err
		}
		r, err := decide(existing, money.MustNew(money.VIBE, earned))
		if err != nil {
			return err
		}
		out = r
		if existing != nil {
			return nil
		}
		if err := q.InsertReward(ctx, listenrewarddb.InsertRewardParams{SessionID: r.SessionID(), ListenerID: r.ListenerID(),
			SongID: r.SongID(), Amount: r.Amount().Units(), Capped: r.Capped(), Status: string(r.Status()), Day: r.Day(),
			CreatedAt: r.CreatedAt(), SettledAt: r.SettledAt()}); err != nil {
			return fmt.Errorf("insert reward: %w", err)
		}
		return s.publish(ctx, tx, r.PullEvents())
	})
	return out, err
}

// UpdateReward implements domain.Rewards.
func (s *Store) UpdateReward(ctx context.Context, sessionID uuid.UUID, fn func(*domain.Reward) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		row, err := q.GetRewardForUpdate(ctx, sessionID)
		if err != nil {
			return notFound(err)
		}
		r := toReward(row)
		if err := fn(r); err != nil {
			return err
		}
		if err := q.UpdateReward(ctx, listenrewarddb.UpdateRewardParams{SessionID: sessionID, Status: string(r.Status()),
			SettledAt: r.SettledAt()}); err != nil {
			return err
		}
		return s.publish(ctx, tx, r.PullEvents())
	})
}

// GetReward implements domain.Rewards.
func (s *Store) GetReward(ctx context.Context, sessionID uuid.UUID) (*domain.Reward, error) {
	r, err := s.q.GetReward(ctx, sessionID)
	if err != nil {
		if pg.IsNoRows(err) {
			return nil, nil
		}
		return nil, err
	}
	return toReward(r), nil
}

// Earned implements domain.Rewards.
func (s *Store) Earned(ctx context.Context, listenerID uuid.UUID, day time.Time) (money.Amount, error) {
	n, err := s.q.EarnedOnDay(ctx, listenrewarddb.EarnedOnDayParams{ListenerID: listenerID, Day: day})
	if err != nil {
		return money.Amount{}, err
	}
	return money.New(money.VIBE, n)
}

// Recent implements domain.Rewards.
func (s *Store) Recent(ctx context.Context, listenerID uuid.UUID, limit int) ([]*domain.Reward, error) {
	rows, err := s.q.RecentRewards(ctx, listenrewarddb.RecentRewardsParams{ListenerID: listenerID, Limit: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Reward, len(rows))
	for i, r := range rows {
		out[i] = toReward(r)
	}
	return out, nil
}

// WithPoolLock implements domain.Rewards: a transaction-scoped advisory lock held while fn runs.
func (s *Store) WithPoolLock(ctx context.Context, fn func(ctx context.Context) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.q.WithTx(tx).LockRewardPool(ctx); err != nil {
			return err
		}
		return fn(ctx)
	})
}

// Add implements domain.Claims.
func (s *Store) Add(ctx context.Context, c domain.Claim) error {
	return s.q.InsertClaim(ctx, listenrewarddb.InsertClaimParams{ID: c.ID, UserID: c.UserID, Destination: string(c.Destination),
		Amount: c.Amount.Units(), WithdrawalID: ptrID(c.WithdrawalID), WithdrawStatus: c.WithdrawStatus, ToAddress: c.ToAddress,
		Status: string(c.Status), Failure: c.Failure, CreatedAt: c.CreatedAt})
}

// GetClaim implements domain.Claims.
func (s *Store) GetClaim(ctx context.Context, id uuid.UUID) (*domain.Claim, error) {
	r, err := s.q.GetClaim(ctx, id)
	if pg.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &domain.Claim{ID: r.ID, UserID: r.UserID, Destination: domain.Destination(r.Destination), Amount: money.MustNew(money.VIBE, r.Amount),
		WithdrawalID: idOf(r.WithdrawalID), WithdrawStatus: r.WithdrawStatus, ToAddress: r.ToAddress, Status: domain.ClaimStatus(r.Status),
		Failure: r.Failure, CreatedAt: r.CreatedAt}, nil
}

// SaveClaim implements domain.Claims.
func (s *Store) SaveClaim(ctx context.Context, c domain.Claim) error {
	return s.q.UpdateClaim(ctx, listenrewarddb.UpdateClaimParams{ID: c.ID, WithdrawalID: ptrID(c.WithdrawalID),
		WithdrawStatus: c.WithdrawStatus, ToAddress: c.ToAddress, Status: string(c.Status), Failure: c.Failure})
}

// Total implements domain.Claims.
func (s *Store) Total(ctx context.Context, userID uuid.UUID) (money.Amount, error) {
	n, err := s.q.ClaimedTotal(ctx, userID)
	if err != nil {
		return money.Amount{}, err
	}
	return money.New(money.VIBE, n)
}
