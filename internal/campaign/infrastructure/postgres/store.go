// Package postgres stores the campaign context in its own schema (campaign.*) and publishes its
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

	"github.com/vibestream/vibestream/internal/campaign/contracts"
	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/campaign/infrastructure/postgres/campaigndb"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/platform/events"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// Store implements the campaign repositories on one pool.
type Store struct {
	pool *pgxpool.Pool
	q    *campaigndb.Queries
	bus  events.Publisher
}

var (
	_ domain.Campaigns = (*Store)(nil)
	_ domain.Boosts    = (*Store)(nil)
)

// NewStore builds the store; bus publishes the context's events inside its transactions.
func NewStore(pool *pgxpool.Pool, bus events.Publisher) (*Store, error) {
	if pool == nil || bus == nil {
		return nil, errors.New("campaign postgres: pool and bus are required")
	}
	return &Store{pool: pool, q: campaigndb.New(pool), bus: bus}, nil
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

func toCampaign(r campaigndb.CampaignCampaign) *domain.Campaign {
	return domain.Rehydrate(domain.Snapshot{ID: r.ID, ArtistUserID: r.ArtistUserID, ArtistID: r.ArtistID, Name: r.Name,
		SongIDs: r.SongIds, StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), Boost: domain.Boost(r.BoostTenths),
		Budget: money.MustNew(money.VIBE, r.Budget), Spent: money.MustNew(money.VIBE, r.Spent), Status: domain.Status(r.Status),
		HoldID: idOf(r.HoldID), Activating: r.Activating, Milestone: int(r.Milestone), EndReason: domain.EndReason(r.EndReason),
		Released: r.Released, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), EndedAt: r.EndedAt})
}

func toCampaigns(rs []campaigndb.CampaignCampaign) []*domain.Campaign {
	out := make([]*domain.Campaign, len(rs))
	for i, r := range rs {
		out[i] = toCampaign(r)
	}
	return out
}

func toBoost(r campaigndb.CampaignBoost) domain.BoostPayment {
	return domain.BoostPayment{SessionID: r.SessionID, CampaignID: r.CampaignID, ListenerID: r.ListenerID, SongID: r.SongID,
		Boost: domain.Boost(r.BoostTenths), Base: money.MustNew(money.VIBE, r.Base), Extra: money.MustNew(money.VIBE, r.Extra),
		CreatedAt: r.CreatedAt.UTC(), SettledAt: r.SettledAt, EntryID: idOf(r.EntryID)}
}

var lifecycleEvent = map[domain.Status]string{domain.StatusScheduled: contracts.ActivatedV1, domain.StatusPaused: contracts.PausedV1,
	domain.StatusEnded: contracts.EndedV1}

func eventType(e domain.StatusChanged) string {
	if e.To == domain.StatusActive {
		switch e.From {
		case domain.StatusDraft:
			return contracts.ActivatedV1
		case domain.StatusPaused:
			return contracts.ResumedV1
		}
		return contracts.StartedV1
	}
	return lifecycleEvent[e.To]
}

func (s *Store) publish(ctx context.Context, tx pgx.Tx, recorded []any) error {
	var envs []events.Envelope
	for _, r := range recorded {
		var (
			env events.Envelope
			err error
		)
		switch e := r.(type) {
		case domain.StatusChanged:
			typ := eventType(e)
			if typ == "" {
				return fmt.Errorf("campaign postgres: no event for %s -> %s", e.From, e.To)
			}
			env, err = events.New(ctx, typ, contracts.Source, contracts.StatusChanged{CampaignID: e.CampaignID, From: string(e.From),
				Status: string(e.To), Reason: string(e.Reason), Spent: e.Spent.String(), Remaining: e.Remaining.String(), At: e.At},
				events.ForUsers(e.ArtistUserID), events.At(e.At))
		case domain.MilestoneReached:
			env, err = events.New(ctx, contracts.MilestoneReachedV1, contracts.Source, contracts.Milestone{CampaignID: e.CampaignID,
				Percent: e.Percent, Spent: e.Spent.String(), Budget: e.Budget.String(), At: e.At},
				events.ForUsers(e.ArtistUserID), events.At(e.At))
		default:
			return fmt.Errorf("campaign postgres: unknown domain event %T", r)
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

func (s *Store) save(ctx context.Context, tx pgx.Tx, c *domain.Campaign) error {
	x := c.Snapshot()
	if err := s.q.WithTx(tx).UpdateCampaign(ctx, campaigndb.UpdateCampaignParams{ID: x.ID, ArtistID: x.ArtistID, Name: x.Name,
		SongIds: x.SongIDs, StartsAt: x.StartsAt, EndsAt: x.EndsAt, BoostTenths: int32(x.Boost), Budget: x.Budget.Units(),
		Spent: x.Spent.Units(), Status: string(x.Status), HoldID: ptrID(x.HoldID), Activating: x.Activating,
		Milestone: int32(x.Milestone), EndReason: string(x.EndReason), Released: x.Released, UpdatedAt: x.UpdatedAt,
		EndedAt: x.EndedAt}); err != nil {
		return fmt.Errorf("update campaign: %w", err)
	}
	return s.publish(ctx, tx, c.PullEvents())
}

func notFound(err error) error {
	if pg.IsNoRows(err) {
		return domain.ErrNotFound
	}
	return err
}

// Add implements domain.Campaigns.
func (s *Store) Add(ctx context.Context, c *domain.Campaign) error {
	x := c.Snapshot()
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := s.q.WithTx(tx).InsertCampaign(ctx, campaigndb.InsertCampaignParams{ID: x.ID, ArtistUserID: x.ArtistUserID,
			ArtistID: x.ArtistID, Name: x.Name, SongIds: x.SongIDs, StartsAt: x.StartsAt, EndsAt: x.EndsAt,
			BoostTenths: int32(x.Boost), Budget: x.Budget.Units(), Spent: x.Spent.Units(), Status: string(x.Status),
			HoldID: ptrID(x.HoldID), Activating: x.Activating, Milestone: int32(x.Milestone), EndReason: string(x.EndReason),
			Released: x.Released, CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt, EndedAt: x.EndedAt}); err != nil {
			return fmt.Errorf("insert campaign: %w", err)
		}
		return s.publish(ctx, tx, c.PullEvents())
	})
}

// Get implements domain.Campaigns.
func (s *Store) Get(ctx context.Context, id uuid.UUID) (*domain.Campaign, error) {
	r, err := s.q.GetCampaign(ctx, id)
	if err != nil {
		return nil, notFound(err)
	}
	return toCampaign(r), nil
}

// Update implements domain.Campaigns.
func (s *Store) Update(ctx context.Context, id uuid.UUID, fn func(*domain.Campaign) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		r, err := s.q.WithTx(tx).GetCampaignForUpdate(ctx, id)
		if err != nil {
			return notFound(err)
		}
		c := toCampaign(r)
		if err := fn(c); err != nil {
			return err
		}
		return s.save(ctx, tx, c)
	})
}

// WithCampaignLock implements domain.Boosts.
func (s *Store) WithCampaignLock(ctx context.Context, id uuid.UUID, fn func(ctx context.Context, c *domain.Campaign) error) error {
	return s.Update(ctx, id, func(c *domain.Campaign) error { return fn(ctx, c) })
}

// List implements domain.Campaigns.
func (s *Store) List(ctx context.Context, f domain.Filter) ([]*domain.Campaign, error) {
	rs, err := s.q.ListCampaigns(ctx, campaigndb.ListCampaignsParams{Status: string(f.Status), ArtistID: ptrID(f.ArtistID),
		OwnerID: ptrID(f.OwnerID), AfterCreated: f.AfterCreated, AfterID: f.AfterID, Lim: int32(f.Limit)})
	if err != nil {
		return nil, err
	}
	return toCampaigns(rs), nil
}

// Running implements domain.Campaigns.
func (s *Store) Running(ctx context.Context, songID uuid.UUID, now time.Time) ([]*domain.Campaign, error) {
	rs, err := s.q.RunningCampaigns(ctx, campaigndb.RunningCampaignsParams{SongID: songID, At: now})
	if err != nil {
		return nil, err
	}
	return toCampaigns(rs), nil
}

// Due implements domain.Campaigns.
func (s *Store) Due(ctx context.Context, now, staleBefore time.Time, limit int) ([]uuid.UUID, error) {
	return s.q.DueCampaigns(ctx, campaigndb.DueCampaignsParams{Now: now, StaleBefore: staleBefore, Lim: int32(limit)})
}

// Analytics implements domain.Campaigns.
func (s *Store) Analytics(ctx context.Context, id uuid.UUID) (domain.Analytics, error) {
	t, err := s.q.CampaignTotals(ctx, id)
	if err != nil {
		return domain.Analytics{}, err
	}
	days, err := s.q.CampaignDays(ctx, id)
	if err != nil {
		return domain.Analytics{}, err
	}
	a := domain.Analytics{Listens: t.Listens, Listeners: t.Listeners, Spent: money.MustNew(money.VIBE, t.Spent)}
	for _, d := range days {
		a.Days = append(a.Days, domain.DayStats{Day: d.Day.UTC(), Listens: d.Listens, Listeners: d.Listeners,
			Spent: money.MustNew(money.VIBE, d.Spent)})
	}
	return a, nil
}

// Draw implements domain.Boosts: the song's running campaigns are locked in id order (so two
// listens never deadlock), the draw runs under those locks, and the changed campaigns, their
// events and the payment commit together.
func (s *Store) Draw(ctx context.Context, req domain.BoostRequest, at time.Time,
	draw func(cs []*domain.Campaign) (*domain.BoostPayment, error)) (*domain.BoostPayment, error) {
	var out *domain.BoostPayment
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if r, err := q.GetBoost(ctx, req.SessionID); err == nil {
			b := toBoost(r)
			out = &b
			return nil
		} else if !pg.IsNoRows(err) {
			return err
		}
		rs, err := q.RunningCampaignsForUpdate(ctx, campaigndb.RunningCampaignsForUpdateParams{SongID: req.SongID, At: at})
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return nil
		}
		cs := toCampaigns(rs)
		p, err := draw(cs)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if evs := c.PullEvents(); len(evs) > 0 || (p != nil && c.ID() == p.CampaignID) {
				// Put the events back for save to publish.
				if err := s.saveWith(ctx, tx, c, evs); err != nil {
					return err
				}
			}
		}
		if p == nil {
			return nil
		}
		if err := q.InsertBoost(ctx, campaigndb.InsertBoostParams{SessionID: p.SessionID, CampaignID: p.CampaignID,
			ListenerID: p.ListenerID, SongID: p.SongID, BoostTenths: int32(p.Boost), Base: p.Base.Units(), Extra: p.Extra.Units(),
			CreatedAt: p.CreatedAt}); err != nil {
			if pg.IsUniqueViolation(err, "boosts_pkey") {
				return errBoostRace
			}
			return fmt.Errorf("insert boost: %w", err)
		}
		out = p
		return nil
	})
	if errors.Is(err, errBoostRace) {
		// Another call for the same session won: answer its payment.
		r, err := s.q.GetBoost(ctx, req.SessionID)
		if err != nil {
			return nil, err
		}
		b := toBoost(r)
		return &b, nil
	}
	return out, err
}

var errBoostRace = errors.New("campaign postgres: the session's boost was drawn concurrently")

func (s *Store) saveWith(ctx context.Context, tx pgx.Tx, c *domain.Campaign, evs []any) error {
	if err := s.save(ctx, tx, c); err != nil {
		return err
	}
	return s.publish(ctx, tx, evs)
}

// Unsettled implements domain.Boosts.
func (s *Store) Unsettled(ctx context.Context, campaignID uuid.UUID, olderThan time.Time, limit int) ([]domain.BoostPayment, error) {
	rs, err := s.q.UnsettledBoosts(ctx, campaigndb.UnsettledBoostsParams{CampaignID: ptrID(campaignID), OlderThan: olderThan, Lim: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]domain.BoostPayment, len(rs))
	for i, r := range rs {
		out[i] = toBoost(r)
	}
	return out, nil
}

// MarkSettled implements domain.Boosts.
func (s *Store) MarkSettled(ctx context.Context, sessionID, entryID uuid.UUID, at time.Time) error {
	return s.q.MarkBoostSettled(ctx, campaigndb.MarkBoostSettledParams{SessionID: sessionID, SettledAt: &at, EntryID: ptrID(entryID)})
}
