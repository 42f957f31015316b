// Package postgres stores the ownership context in its own schema (ownership.*) and writes its
// integration events to the outbox in the same transactions.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/ownership/contracts"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/ownership/infrastructure/postgres/ownershipdb"
	"github.com/vibestream/vibestream/internal/platform/events"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// Store implements the ownership repositories on one pool.
type Store struct {
	pool *pgxpool.Pool
	q    *ownershipdb.Queries
	bus  events.Publisher
	now  func() time.Time
	// MaxWatchers bounds how many watchers one book event is addressed to.
	MaxWatchers int
}

// NewStore builds the store.
func NewStore(pool *pgxpool.Pool, bus events.Publisher) (*Store, error) {
	if pool == nil || bus == nil {
		return nil, errors.New("ownership postgres: pool and bus are required")
	}
	return &Store{pool: pool, q: ownershipdb.New(pool), bus: bus, now: func() time.Time { return time.Now().UTC() }, MaxWatchers: 1000}, nil
}

var (
	_ domain.Markets     = (*Store)(nil)
	_ domain.Settlements = (*Store)(nil)
)

func usd(units int64) string { return money.MustNew(money.USD, units).String() }

// Open implements domain.Markets.
func (s *Store) Open(ctx context.Context, o *domain.Offering, song *domain.Song, artist *domain.Holding) error {
	recorded := o.PullEvents()
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		err := q.InsertSong(ctx, ownershipdb.InsertSongParams{SongID: song.ID(), ArtistUserID: song.ArtistUserID(),
			ShareholderBps: int32(song.ShareholderBPS()), LastPrice: song.LastPrice(), CreatedAt: song.CreatedAt()}) //nolint:gosec // 1..5000
		if pg.IsUniqueViolation(err, "") {
			return domain.ErrOfferingExists
		}
		if err != nil {
			return fmt.Errorf("insert song register: %w", err)
		}
		err = q.InsertOffering(ctx, ownershipdb.InsertOfferingParams{ID: o.ID(), SongID: o.SongID(), ArtistUserID: o.ArtistUserID(),
			ShareholderBps: int32(o.ShareholderBPS()), SharesForSale: o.SharesForSale(), PricePerShare: o.PricePerShare(), //nolint:gosec // 1..5000
			MinPurchaseShares: o.MinPurchaseShares(), MaxSharesPerHolder: o.MaxSharesPerHolder(), FeeBps: int32(o.FeeBPS()), //nolint:gosec // 0..10000
			OpensAt: o.OpensAt(), ClosesAt: o.ClosesAt(), CreatedAt: o.CreatedAt()})
		if pg.IsUniqueViolation(err, "") {
			return domain.ErrOfferingExists
		}
		if err != nil {
			return fmt.Errorf("insert offering: %w", err)
		}
		if err := saveHolding(ctx, q, artist, o.CreatedAt()); err != nil {
			return err
		}
		return s.publish(ctx, q, tx, recorded)
	})
}

func offeringNotFound(err error) error {
	if pg.IsNoRows(err) {
		return domain.ErrOfferingNotFound
	}
	return err
}

// lockMarket locks the song's register for the rest of the transaction and loads it.
func (s *Store) lockMarket(ctx context.Context, q *ownershipdb.Queries, songID uuid.UUID) (*market, error) {
	row, err := q.LockSong(ctx, songID)
	if pg.IsNoRows(err) {
		return nil, domain.ErrSongNotOffered
	}
	if err != nil {
		return nil, fmt.Errorf("lock song register: %w", err)
	}
	song, err := toSong(row)
	if err != nil {
		return nil, err
	}
	return &market{q: q, song: song, now: s.now}, nil
}

// saveMarket writes the register's accumulator, price and order sequence back.
func saveMarket(ctx context.Context, q *ownershipdb.Queries, m *market) error {
	a := m.song.Accumulator()
	if err := q.UpdateSong(ctx, ownershipdb.UpdateSongParams{SongID: m.song.ID(), AccPerShare: a.PerShare.String(),
		AccCarry: strconv.FormatUint(a.Carry, 10), RoyaltyEntered: a.Entered, RoyaltyClaimed: m.song.RoyaltiesClaimed(),
		LastPrice: m.song.LastPrice(), OrderSeq: m.song.Seq()}); err != nil {
		return fmt.Errorf("save song register: %w", err)
	}
	return nil
}

// With implements domain.Markets.
func (s *Store) With(ctx context.Context, songID uuid.UUID, fn func(context.Context, domain.Market) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		m, err := s.lockMarket(ctx, q, songID)
		if err != nil {
			return err
		}
		if err := fn(ctx, m); err != nil {
			return err
		}
		if err := saveMarket(ctx, q, m); err != nil {
			return err
		}
		return s.publish(ctx, q, tx, m.events)
	})
}

// WithEach implements domain.Markets: the song's register is locked once for a batch of
// commands; each runs inside a savepoint, so a command that fails is rolled back alone (the
// register's in-memory state and its recorded events too) and the others commit together
// with one register update and one outbox write. The batch's BookChanged events are
// coalesced into the last one (watchers re-read the book; one notice per commit is enough).
func (s *Store) WithEach(ctx context.Context, songID uuid.UUID, fns []func(context.Context, domain.Market) error) ([]error, error) {
	var out []error
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		out = make([]error, len(fns))
		q := s.q.WithTx(tx)
		m, err := s.lockMarket(ctx, q, songID)
		if err != nil {
			return err
		}
		ok := 0
		for i, fn := range fns {
			before, recorded := *m.song, len(m.events)
			if _, err := tx.Exec(ctx, "SAVEPOINT each"); err != nil {
				return fmt.Errorf("savepoint: %w", err)
			}
			if out[i] = fn(ctx, m); out[i] == nil {
				ok++
				continue
			}
			if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT each"); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
			*m.song, m.events = before, m.events[:recorded]
		}
		if ok == 0 {
			return nil // nothing to commit; the transaction's end releases the lock
		}
		if err := saveMarket(ctx, q, m); err != nil {
			return err
		}
		return s.publish(ctx, q, tx, coalesceBookChanges(m.events))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// coalesceBookChanges keeps only the last BookChanged of each song.
func coalesceBookChanges(recorded []any) []any {
	last := map[uuid.UUID]int{}
	for i, r := range recorded {
		if e, ok := r.(domain.BookChanged); ok {
			last[e.SongID] = i
		}
	}
	out := recorded[:0:0]
	for i, r := range recorded {
		if e, ok := r.(domain.BookChanged); ok && last[e.SongID] != i {
			continue
		}
		out = append(out, r)
	}
	return out
}

type market struct {
	q      *ownershipdb.Queries
	song   *domain.Song
	now    func() time.Time
	events []any
}

func (m *market) Song() *domain.Song { return m.song }
func (m *market) Record(e ...any)    { m.events = append(m.events, e...) }

func (m *market) Offering(ctx context.Context) (*domain.Offering, error) {
	r, err := m.q.LockOfferingBySong(ctx, m.song.ID())
	if err != nil {
		return nil, offeringNotFound(err)
	}
	return toOffering(r), nil
}

func (m *market) SaveOffering(ctx context.Context, o *domain.Offering) error {
	err := m.q.UpdateOffering(ctx, ownershipdb.UpdateOfferingParams{ID: o.ID(), SharesSold: o.SharesSold(), SharesPaid: o.SharesPaid(),
		ClosedAt: o.ClosedAt(), Milestones: int32(o.Milestones())}) //nolint:gosec // 0..4
	if pg.IsCheckViolation(err, "offerings_not_oversold") {
		return domain.ErrOfferingSoldOut
	}
	if err != nil {
		return fmt.Errorf("save offering: %w", err)
	}
	m.Record(o.PullEvents()...)
	return nil
}

func (m *market) Holding(ctx context.Context, userID uuid.UUID) (*domain.Holding, error) {
	r, err := m.q.LockHolding(ctx, ownershipdb.LockHoldingParams{SongID: m.song.ID(), UserID: userID})
	if pg.IsNoRows(err) {
		return domain.NewHolding(m.song.ID(), userID, m.song.Accumulator()), nil
	}
	if err != nil {
		return nil, fmt.Errorf("load holding: %w", err)
	}
	return toHolding(r)
}

func (m *market) SaveHolding(ctx context.Context, h *domain.Holding) error {
	return saveHolding(ctx, m.q, h, m.now())
}

func saveHolding(ctx context.Context, q *ownershipdb.Queries, h *domain.Holding, at time.Time) error {
	r := h.Royalty()
	if err := q.UpsertHolding(ctx, ownershipdb.UpsertHoldingParams{SongID: h.SongID(), UserID: h.UserID(), Shares: h.Shares(),
		Locked: h.Locked(), CostBasis: h.CostBasis(), Checkpoint: r.Checkpoint.String(), Owed: r.Owed.String(), Claimed: r.Claimed,
		UpdatedAt: at}); err != nil {
		return fmt.Errorf("save holding: %w", err)
	}
	return nil
}

func (m *market) Crossing(ctx context.Context, side domain.Side, limit int64, n int) ([]*domain.Order, error) {
	if side == domain.Buy {
		return toOrders(m.q.CrossingBuys(ctx, ownershipdb.CrossingBuysParams{SongID: m.song.ID(), LimitPrice: limit, MaxOrders: limit32(n)}))
	}
	return toOrders(m.q.CrossingSells(ctx, ownershipdb.CrossingSellsParams{SongID: m.song.ID(), LimitPrice: limit, MaxOrders: limit32(n)}))
}

func (m *market) Order(ctx context.Context, id uuid.UUID) (*domain.Order, error) {
	r, err := m.q.LockOrder(ctx, ownershipdb.LockOrderParams{ID: id, SongID: m.song.ID()})
	if pg.IsNoRows(err) {
		return nil, domain.ErrOrderNotFound
	}
	if err != nil {
		return nil, err
	}
	return toOrder(r), nil
}

func insertOrder(ctx context.Context, q *ownershipdb.Queries, o *domain.Order) error {
	err := q.InsertOrder(ctx, ownershipdb.InsertOrderParams{ID: o.ID(), SongID: o.SongID(), OwnerID: o.Owner(), Side: o.Side().String(),
		Tif: o.TIF().String(), Price: o.Price(), Shares: o.Shares(), Filled: o.Filled(), Spent: o.Spent(), Status: string(o.Status()),
		Seq: o.Seq(), HoldAmount: o.HoldAmount(), FeeBps: int32(o.FeeBPS()), HoldID: nilUUID(o.HoldID()), Released: o.Released(), //nolint:gosec // 0..10000
		CancelReason: o.CancelReason(), CreatedAt: o.CreatedAt(), UpdatedAt: o.UpdatedAt()})
	switch {
	case pg.IsUniqueViolation(err, ""):
		return domain.ErrDuplicateOrder
	case pg.IsForeignKeyViolation(err, ""):
		return domain.ErrSongNotOffered
	case err != nil:
		return fmt.Errorf("insert order: %w", err)
	}
	return nil
}

func (m *market) AddOrder(ctx context.Context, o *domain.Order) error {
	return insertOrder(ctx, m.q, o)
}

func (m *market) SaveOrder(ctx context.Context, o *domain.Order) error {
	if err := m.q.UpdateOrder(ctx, ownershipdb.UpdateOrderParams{ID: o.ID(), Filled: o.Filled(), Spent: o.Spent(), Status: string(o.Status()),
		Seq: o.Seq(), HoldID: nilUUID(o.HoldID()), Released: o.Released(), CancelReason: o.CancelReason(), UpdatedAt: o.UpdatedAt()}); err != nil {
		return fmt.Errorf("save order: %w", err)
	}
	return nil
}

func (m *market) AddTrade(ctx context.Context, t domain.Trade) error {
	if err := m.q.InsertTrade(ctx, ownershipdb.InsertTradeParams{ID: t.ID, SongID: t.SongID, BuyOrderID: t.BuyOrderID, SellOrderID: t.SellOrderID,
		BuyerID: t.BuyerID, SellerID: t.SellerID, BuyHoldID: t.BuyHoldID, Shares: t.Shares, Price: t.Price, Gross: t.Gross, Fee: t.Fee,
		BuyerRefund: t.Refund, CreatedAt: t.At}); err != nil {
		return fmt.Errorf("insert trade: %w", err)
	}
	return nil
}

func (m *market) Committed(ctx context.Context, userID uuid.UUID) (int64, error) {
	return m.q.Committed(ctx, ownershipdb.CommittedParams{SongID: m.song.ID(), UserID: userID})
}

func (m *market) AddPurchase(ctx context.Context, p domain.Purchase) error {
	return m.q.InsertPurchase(ctx, ownershipdb.InsertPurchaseParams{ID: p.ID, OfferingID: p.OfferingID, SongID: p.SongID, BuyerID: p.BuyerID,
		ArtistUserID: p.ArtistUserID, Shares: p.Shares, PricePerShare: p.Price, Gross: p.Gross, Fee: p.Fee, Status: string(p.Status),
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt})
}

func (m *market) Purchase(ctx context.Context, id uuid.UUID) (domain.Purchase, error) {
	r, err := m.q.LockPurchase(ctx, id)
	if pg.IsNoRows(err) {
		return domain.Purchase{}, domain.ErrOfferingNotFound.WithMessage("no such purchase")
	}
	if err != nil {
		return domain.Purchase{}, err
	}
	return toPurchase(r), nil
}

func (m *market) SavePurchase(ctx context.Context, p domain.Purchase) error {
	return m.q.UpdatePurchase(ctx, ownershipdb.UpdatePurchaseParams{ID: p.ID, Status: string(p.Status), UpdatedAt: p.UpdatedAt})
}

func (m *market) AccrueOnce(ctx context.Context, sessionID uuid.UUID, amount int64, at time.Time) (bool, error) {
	n, err := m.q.InsertAccrual(ctx, ownershipdb.InsertAccrualParams{SessionID: sessionID, SongID: m.song.ID(), Amount: amount, AccruedAt: at})
	return n == 1, err
}

func (m *market) AddClaim(ctx context.Context, c domain.Claim) error {
	return m.q.InsertClaim(ctx, ownershipdb.InsertClaimParams{ID: c.ID, UserID: c.UserID, SongID: c.SongID, Amount: c.Amount, CreatedAt: c.CreatedAt})
}

// publish maps domain events to integration events and writes them to the outbox.
func (s *Store) publish(ctx context.Context, q *ownershipdb.Queries, tx pgx.Tx, recorded []any) error {
	var envs []events.Envelope
	watchers := map[uuid.UUID][]uuid.UUID{}
	watchersOf := func(song uuid.UUID) ([]uuid.UUID, error) {
		if w, ok := watchers[song]; ok {
			return w, nil
		}
		ids, err := q.Watchers(ctx, ownershipdb.WatchersParams{SongID: song, MaxWatchers: limit32(s.MaxWatchers)})
		if err != nil {
			return nil, err
		}
		watchers[song] = ids
		return ids, nil
	}
	for _, r := range recorded {
		var (
			env events.Envelope
			err error
		)
		switch e := r.(type) {
		case domain.OfferingOpened:
			env, err = events.New(ctx, contracts.OfferingOpenedV1, contracts.Source, contracts.OfferingOpened{OfferingID: e.OfferingID,
				SongID: e.SongID, ArtistUserID: e.ArtistUserID, ShareholderBPS: e.ShareholderBPS, SharesForSale: e.SharesForSale,
				PricePerShare: usd(e.PricePerShare), At: e.At}, events.ForUsers(e.ArtistUserID), events.At(e.At))
		case domain.OfferingMilestone:
			env, err = events.New(ctx, contracts.OfferingMilestoneV1, contracts.Source, contracts.OfferingMilestone{OfferingID: e.OfferingID,
				SongID: e.SongID, Percent: e.Percent, SharesSold: e.SharesSold, At: e.At}, events.ForUsers(e.ArtistUserID), events.At(e.At))
		case domain.OfferingClosed:
			env, err = events.New(ctx, contracts.OfferingClosedV1, contracts.Source, contracts.OfferingClosed{OfferingID: e.OfferingID,
				SongID: e.SongID, SharesSold: e.SharesSold, At: e.At}, events.ForUsers(e.ArtistUserID), events.At(e.At))
		case domain.SharesPurchased:
			p := e.Purchase
			env, err = events.New(ctx, contracts.SharesPurchasedV1, contracts.Source, contracts.SharesPurchased{PurchaseID: p.ID,
				OfferingID: p.OfferingID, SongID: p.SongID, BuyerID: p.BuyerID, Shares: p.Shares, Gross: usd(p.Gross), Fee: usd(p.Fee),
				At: p.UpdatedAt}, events.ForUsers(p.BuyerID, p.ArtistUserID), events.At(p.UpdatedAt))
		case domain.TradeExecuted:
			t := e.Trade
			var w []uuid.UUID
			if w, err = watchersOf(t.SongID); err != nil {
				return err
			}
			users := append([]uuid.UUID{t.BuyerID, t.SellerID}, w...)
			env, err = events.New(ctx, contracts.TradeExecutedV1, contracts.Source, contracts.Trade{TradeID: t.ID, SongID: t.SongID,
				BuyerID: t.BuyerID, SellerID: t.SellerID, Shares: t.Shares, Price: usd(t.Price), At: t.At}, events.ForUsers(dedupe(users)...), events.At(t.At))
		case domain.BookChanged:
			var w []uuid.UUID
			if w, err = watchersOf(e.SongID); err != nil {
				return err
			}
			if len(w) == 0 {
				continue
			}
			p := contracts.BookChanged{SongID: e.SongID, At: e.At}
			bids, err := q.DepthBids(ctx, ownershipdb.DepthBidsParams{SongID: e.SongID, Levels: 1})
			if err != nil {
				return err
			}
			asks, err := q.DepthAsks(ctx, ownershipdb.DepthAsksParams{SongID: e.SongID, Levels: 1})
			if err != nil {
				return err
			}
			if len(bids) > 0 {
				p.BestBid, p.BidShares = usd(bids[0].Price), bids[0].Shares
			}
			if len(asks) > 0 {
				p.BestAsk, p.AskShares = usd(asks[0].Price), asks[0].Shares
			}
			env, err = events.New(ctx, contracts.BookChangedV1, contracts.Source, p, events.ForUsers(w...), events.At(e.At))
		case domain.OrderUpdated:
			env, err = events.New(ctx, contracts.OrderUpdatedV1, contracts.Source, contracts.OrderUpdated{OrderID: e.OrderID, SongID: e.SongID,
				Status: string(e.Status), FilledShares: e.Filled, At: e.At}, events.ForUsers(e.Owner), events.At(e.At))
		case domain.RoyaltiesClaimed:
			c := e.Claim
			env, err = events.New(ctx, contracts.RoyaltiesClaimedV1, contracts.Source, contracts.RoyaltiesClaimed{ClaimID: c.ID, UserID: c.UserID,
				SongID: c.SongID, Amount: usd(c.Amount), At: e.At}, events.ForUsers(c.UserID), events.At(e.At))
		default:
			return fmt.Errorf("ownership postgres: unknown domain event %T", r)
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

func dedupe(ids []uuid.UUID) []uuid.UUID {
	seen := make(map[uuid.UUID]bool, len(ids))
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
