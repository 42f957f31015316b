// Package postgres stores the ownership context in its own schema (ownership.*) and writes its
// integration events to the outbox in the same transactions.
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
	"github.com/vibestream/vibestream/internal/ownership/contracts"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/platform/events"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// Store implements the ownership repositories on one pool.
type Store struct {
	pool *pgxpool.Pool
	bus  events.Publisher
	// MaxWatchers bounds how many watchers one book event is addressed to.
	MaxWatchers int
}

// NewStore builds the store.
func NewStore(pool *pgxpool.Pool, bus events.Publisher) (*Store, error) {
	if pool == nil || bus == nil {
		return nil, errors.New("ownership postgres: pool and bus are required")
	}
	return &Store{pool: pool, bus: bus, MaxWatchers: 1000}, nil
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
		_, err := tx.Exec(ctx, `INSERT INTO ownership.songs (song_id, artist_user_id, shareholder_bps, last_price, created_at)
			VALUES ($1, $2, $3, $4, $5)`, song.ID(), song.ArtistUserID(), song.ShareholderBPS(), song.LastPrice(), song.CreatedAt())
		if pg.IsUniqueViolation(err, "") {
			return domain.ErrOfferingExists
		}
		if err != nil {
			return fmt.Errorf("insert song register: %w", err)
		}
		if err := insertOffering(ctx, tx, o); err != nil {
			return err
		}
		if err := saveHolding(ctx, tx, artist, o.CreatedAt()); err != nil {
			return err
		}
		return s.publish(ctx, tx, recorded)
	})
}

func insertOffering(ctx context.Context, tx pgx.Tx, o *domain.Offering) error {
	_, err := tx.Exec(ctx, `INSERT INTO ownership.offerings (id, song_id, artist_user_id, shareholder_bps, shares_for_sale,
		price_per_share, min_purchase_shares, max_shares_per_holder, fee_bps, opens_at, closes_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		o.ID(), o.SongID(), o.ArtistUserID(), o.ShareholderBPS(), o.SharesForSale(), o.PricePerShare(), o.MinPurchaseShares(),
		o.MaxSharesPerHolder(), o.FeeBPS(), o.OpensAt(), o.ClosesAt(), o.CreatedAt())
	if pg.IsUniqueViolation(err, "") {
		return domain.ErrOfferingExists
	}
	if err != nil {
		return fmt.Errorf("insert offering: %w", err)
	}
	return nil
}

const offeringCols = `id, song_id, artist_user_id, shareholder_bps, shares_for_sale, shares_sold, shares_paid, price_per_share,
	min_purchase_shares, max_shares_per_holder, fee_bps, opens_at, closes_at, closed_at, milestones, created_at`

func scanOffering(row pgx.Row) (*domain.Offering, error) {
	var (
		id, songID, artist                                    uuid.UUID
		bps, fee, milestones                                  int
		forSale, sold, paid, price, minPurchase, maxPerHolder int64
		opensAt, createdAt                                    time.Time
		closesAt, closedAt                                    *time.Time
	)
	if err := row.Scan(&id, &songID, &artist, &bps, &forSale, &sold, &paid, &price, &minPurchase, &maxPerHolder, &fee,
		&opensAt, &closesAt, &closedAt, &milestones, &createdAt); err != nil {
		if pg.IsNoRows(err) {
			return nil, domain.ErrOfferingNotFound
		}
		return nil, err
	}
	return domain.RehydrateOffering(id, songID, artist, bps, forSale, sold, paid, price, minPurchase, maxPerHolder, fee,
		opensAt, closesAt, closedAt, milestones, createdAt), nil
}

// With implements domain.Markets.
func (s *Store) With(ctx context.Context, songID uuid.UUID, fn func(context.Context, domain.Market) error) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			artist                           uuid.UUID
			bps                              int
			acc, carry                       string
			entered, claimed, lastPrice, seq int64
			createdAt                        time.Time
		)
		err := tx.QueryRow(ctx, `SELECT artist_user_id, shareholder_bps, acc_per_share::text, acc_carry::text, royalty_entered,
			royalty_claimed, last_price, order_seq, created_at FROM ownership.songs WHERE song_id = $1 FOR UPDATE`, songID).
			Scan(&artist, &bps, &acc, &carry, &entered, &claimed, &lastPrice, &seq, &createdAt)
		if pg.IsNoRows(err) {
			return domain.ErrSongNotOffered
		}
		if err != nil {
			return fmt.Errorf("lock song register: %w", err)
		}
		a, err := parseAcc(acc, carry, entered)
		if err != nil {
			return err
		}
		m := &market{tx: tx, song: domain.RehydrateSong(songID, artist, bps, a, claimed, lastPrice, seq, createdAt)}
		if err := fn(ctx, m); err != nil {
			return err
		}
		sa := m.song.Accumulator()
		if _, err := tx.Exec(ctx, `UPDATE ownership.songs SET acc_per_share = $2::numeric, acc_carry = $3::numeric,
			royalty_entered = $4, royalty_claimed = $5, last_price = $6, order_seq = $7 WHERE song_id = $1`,
			songID, sa.PerShare.String(), fmt.Sprint(sa.Carry), sa.Entered, m.song.RoyaltiesClaimed(), m.song.LastPrice(), m.song.Seq()); err != nil {
			return fmt.Errorf("save song register: %w", err)
		}
		return s.publish(ctx, tx, m.events)
	})
}

func parseAcc(per, carry string, entered int64) (domain.Accumulator, error) {
	p, err := domain.ParseU128(per)
	if err != nil {
		return domain.Accumulator{}, err
	}
	c, err := domain.ParseU128(carry)
	if err != nil || c.Hi != 0 {
		return domain.Accumulator{}, domain.ErrAccumulatorOverflow
	}
	return domain.Accumulator{PerShare: p, Carry: c.Lo, Entered: entered}, nil
}

type market struct {
	tx     pgx.Tx
	song   *domain.Song
	events []any
}

func (m *market) Song() *domain.Song { return m.song }
func (m *market) Record(e ...any)    { m.events = append(m.events, e...) }

func (m *market) Offering(ctx context.Context) (*domain.Offering, error) {
	return scanOffering(m.tx.QueryRow(ctx, `SELECT `+offeringCols+` FROM ownership.offerings WHERE song_id = $1 FOR UPDATE`, m.song.ID()))
}

func (m *market) SaveOffering(ctx context.Context, o *domain.Offering) error {
	_, err := m.tx.Exec(ctx, `UPDATE ownership.offerings SET shares_sold = $2, shares_paid = $3, closed_at = $4, milestones = $5
		WHERE id = $1`, o.ID(), o.SharesSold(), o.SharesPaid(), o.ClosedAt(), o.Milestones())
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
	var (
		shares, locked, cost, claimed int64
		cp, owed                      string
	)
	err := m.tx.QueryRow(ctx, `SELECT shares, locked, cost_basis, checkpoint::text, owed::text, claimed FROM ownership.holdings
		WHERE song_id = $1 AND user_id = $2 FOR UPDATE`, m.song.ID(), userID).Scan(&shares, &locked, &cost, &cp, &owed, &claimed)
	if pg.IsNoRows(err) {
		return domain.NewHolding(m.song.ID(), userID, m.song.Accumulator()), nil
	}
	if err != nil {
		return nil, fmt.Errorf("load holding: %w", err)
	}
	c, err := domain.ParseU128(cp)
	if err != nil {
		return nil, err
	}
	o, err := domain.ParseU128(owed)
	if err != nil {
		return nil, err
	}
	return domain.RehydrateHolding(m.song.ID(), userID, shares, locked, cost, domain.Royalty{Checkpoint: c, Owed: o, Claimed: claimed}), nil
}

func (m *market) SaveHolding(ctx context.Context, h *domain.Holding) error {
	return saveHolding(ctx, m.tx, h, time.Now().UTC())
}

func saveHolding(ctx context.Context, tx pgx.Tx, h *domain.Holding, at time.Time) error {
	r := h.Royalty()
	_, err := tx.Exec(ctx, `INSERT INTO ownership.holdings (song_id, user_id, shares, locked, cost_basis, checkpoint, owed, claimed, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6::numeric, $7::numeric, $8, $9)
		ON CONFLICT (song_id, user_id) DO UPDATE SET shares = EXCLUDED.shares, locked = EXCLUDED.locked,
			cost_basis = EXCLUDED.cost_basis, checkpoint = EXCLUDED.checkpoint, owed = EXCLUDED.owed,
			claimed = EXCLUDED.claimed, updated_at = EXCLUDED.updated_at`,
		h.SongID(), h.UserID(), h.Shares(), h.Locked(), h.CostBasis(), r.Checkpoint.String(), r.Owed.String(), r.Claimed, at)
	if err != nil {
		return fmt.Errorf("save holding: %w", err)
	}
	return nil
}

const orderCols = `id, song_id, owner_id, side, tif, price, shares, filled, spent, status, seq, hold_amount, fee_bps, hold_id, released,
	cancel_reason, created_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanOrder(row scanner) (*domain.Order, error) {
	var (
		id, songID, owner          uuid.UUID
		side, tif, status, reason  string
		price, shares, filled, seq int64
		holdAmount, spent          int64
		feeBPS                     int
		holdID                     *uuid.UUID
		released                   bool
		createdAt, updatedAt       time.Time
	)
	if err := row.Scan(&id, &songID, &owner, &side, &tif, &price, &shares, &filled, &spent, &status, &seq, &holdAmount, &feeBPS, &holdID,
		&released, &reason, &createdAt, &updatedAt); err != nil {
		if pg.IsNoRows(err) {
			return nil, domain.ErrOrderNotFound
		}
		return nil, err
	}
	sd, _ := domain.ParseSide(side)
	tf, _ := domain.ParseTimeInForce(tif)
	var hid uuid.UUID
	if holdID != nil {
		hid = *holdID
	}
	return domain.RehydrateOrder(id, songID, owner, sd, tf, price, shares, filled, spent, domain.OrderStatus(status), seq, holdAmount,
		feeBPS, hid, released, reason, createdAt, updatedAt), nil
}

func scanOrders(rows pgx.Rows, err error) ([]*domain.Order, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*domain.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func (m *market) Crossing(ctx context.Context, side domain.Side, limit int64, n int) ([]*domain.Order, error) {
	q := `SELECT ` + orderCols + ` FROM ownership.orders WHERE song_id = $1 AND side = 'sell' AND status IN ('open', 'partially_filled')
		AND price <= $2 ORDER BY price, seq LIMIT $3 FOR UPDATE`
	if side == domain.Buy {
		q = `SELECT ` + orderCols + ` FROM ownership.orders WHERE song_id = $1 AND side = 'buy' AND status IN ('open', 'partially_filled')
		AND price >= $2 ORDER BY price DESC, seq LIMIT $3 FOR UPDATE`
	}
	return scanOrders(m.tx.Query(ctx, q, m.song.ID(), limit, n))
}

func (m *market) Order(ctx context.Context, id uuid.UUID) (*domain.Order, error) {
	return scanOrder(m.tx.QueryRow(ctx, `SELECT `+orderCols+` FROM ownership.orders WHERE id = $1 AND song_id = $2 FOR UPDATE`, id, m.song.ID()))
}

func nilUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func insertOrder(ctx context.Context, tx pgx.Tx, o *domain.Order) error {
	_, err := tx.Exec(ctx, `INSERT INTO ownership.orders (`+orderCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		o.ID(), o.SongID(), o.Owner(), o.Side().String(), o.TIF().String(), o.Price(), o.Shares(), o.Filled(), o.Spent(), string(o.Status()),
		o.Seq(), o.HoldAmount(), o.FeeBPS(), nilUUID(o.HoldID()), o.Released(), o.CancelReason(), o.CreatedAt(), o.UpdatedAt())
	if pg.IsUniqueViolation(err, "") {
		return domain.ErrDuplicateOrder
	}
	if pg.IsForeignKeyViolation(err, "") {
		return domain.ErrSongNotOffered
	}
	return err
}

func (m *market) AddOrder(ctx context.Context, o *domain.Order) error {
	return insertOrder(ctx, m.tx, o)
}

func (m *market) SaveOrder(ctx context.Context, o *domain.Order) error {
	_, err := m.tx.Exec(ctx, `UPDATE ownership.orders SET filled = $2, spent = $9, status = $3, seq = $4, hold_id = $5, released = $6,
		cancel_reason = $7, updated_at = $8 WHERE id = $1`, o.ID(), o.Filled(), string(o.Status()), o.Seq(), nilUUID(o.HoldID()),
		o.Released(), o.CancelReason(), o.UpdatedAt(), o.Spent())
	if err != nil {
		return fmt.Errorf("save order: %w", err)
	}
	return nil
}

func (m *market) AddTrade(ctx context.Context, t domain.Trade) error {
	_, err := m.tx.Exec(ctx, `INSERT INTO ownership.trades (id, song_id, buy_order_id, sell_order_id, buyer_id, seller_id, buy_hold_id,
		shares, price, gross, fee, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		t.ID, t.SongID, t.BuyOrderID, t.SellOrderID, t.BuyerID, t.SellerID, t.BuyHoldID, t.Shares, t.Price, t.Gross, t.Fee, t.At)
	if err != nil {
		return fmt.Errorf("insert trade: %w", err)
	}
	return nil
}

func (m *market) Committed(ctx context.Context, userID uuid.UUID) (int64, error) {
	var n int64
	err := m.tx.QueryRow(ctx, `SELECT
		COALESCE((SELECT sum(shares) FROM ownership.purchases WHERE song_id = $1 AND buyer_id = $2 AND status = 'pending'), 0) +
		COALESCE((SELECT sum(shares - filled) FROM ownership.orders WHERE song_id = $1 AND owner_id = $2 AND side = 'buy'
			AND status IN ('pending', 'open', 'partially_filled')), 0)`, m.song.ID(), userID).Scan(&n)
	return n, err
}

const purchaseCols = `id, offering_id, song_id, buyer_id, artist_user_id, shares, price_per_share, gross, fee, status, created_at, updated_at`

func scanPurchase(row scanner) (domain.Purchase, error) {
	var p domain.Purchase
	var st string
	err := row.Scan(&p.ID, &p.OfferingID, &p.SongID, &p.BuyerID, &p.ArtistUserID, &p.Shares, &p.Price, &p.Gross, &p.Fee, &st, &p.CreatedAt, &p.UpdatedAt)
	if pg.IsNoRows(err) {
		return p, domain.ErrOfferingNotFound.WithMessage("no such purchase")
	}
	p.Status = domain.PurchaseStatus(st)
	return p, err
}

func (m *market) AddPurchase(ctx context.Context, p domain.Purchase) error {
	_, err := m.tx.Exec(ctx, `INSERT INTO ownership.purchases (`+purchaseCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		p.ID, p.OfferingID, p.SongID, p.BuyerID, p.ArtistUserID, p.Shares, p.Price, p.Gross, p.Fee, string(p.Status), p.CreatedAt, p.UpdatedAt)
	return err
}

func (m *market) Purchase(ctx context.Context, id uuid.UUID) (domain.Purchase, error) {
	return scanPurchase(m.tx.QueryRow(ctx, `SELECT `+purchaseCols+` FROM ownership.purchases WHERE id = $1 FOR UPDATE`, id))
}

func (m *market) SavePurchase(ctx context.Context, p domain.Purchase) error {
	_, err := m.tx.Exec(ctx, `UPDATE ownership.purchases SET status = $2, updated_at = $3 WHERE id = $1`, p.ID, string(p.Status), p.UpdatedAt)
	return err
}

func (m *market) AccrueOnce(ctx context.Context, sessionID uuid.UUID, amount int64, at time.Time) (bool, error) {
	tag, err := m.tx.Exec(ctx, `INSERT INTO ownership.stream_accruals (session_id, song_id, amount, accrued_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_id) DO NOTHING`, sessionID, m.song.ID(), amount, at)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

func (m *market) AddClaim(ctx context.Context, c domain.Claim) error {
	_, err := m.tx.Exec(ctx, `INSERT INTO ownership.claims (id, user_id, song_id, amount, created_at) VALUES ($1, $2, $3, $4, $5)`,
		c.ID, c.UserID, c.SongID, c.Amount, c.CreatedAt)
	return err
}

// publish maps domain events to integration events and writes them to the outbox.
func (s *Store) publish(ctx context.Context, tx pgx.Tx, recorded []any) error {
	var envs []events.Envelope
	watchers := map[uuid.UUID][]uuid.UUID{}
	watchersOf := func(song uuid.UUID) ([]uuid.UUID, error) {
		if w, ok := watchers[song]; ok {
			return w, nil
		}
		rows, err := tx.Query(ctx, `SELECT user_id FROM ownership.watchers WHERE song_id = $1 ORDER BY created_at LIMIT $2`, song, s.MaxWatchers)
		if err != nil {
			return nil, err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
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
			env, err = events.New(ctx, contracts.BookChangedV1, contracts.Source, contracts.BookChanged{SongID: e.SongID, At: e.At},
				events.ForUsers(w...), events.At(e.At))
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
