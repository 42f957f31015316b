-- name: InsertSong :exec
INSERT INTO ownership.songs (song_id, artist_user_id, shareholder_bps, last_price, created_at)
VALUES (@song_id, @artist_user_id, @shareholder_bps, @last_price, @created_at);

-- name: LockSong :one
SELECT * FROM ownership.songs WHERE song_id = @song_id FOR UPDATE;

-- name: GetSong :one
SELECT * FROM ownership.songs WHERE song_id = @song_id;

-- name: UpdateSong :exec
UPDATE ownership.songs SET acc_per_share = @acc_per_share, acc_carry = @acc_carry, royalty_entered = @royalty_entered,
    royalty_claimed = @royalty_claimed, last_price = @last_price, order_seq = @order_seq
WHERE song_id = @song_id;

-- name: InsertOffering :exec
INSERT INTO ownership.offerings (id, song_id, artist_user_id, shareholder_bps, shares_for_sale, price_per_share,
    min_purchase_shares, max_shares_per_holder, fee_bps, opens_at, closes_at, created_at)
VALUES (@id, @song_id, @artist_user_id, @shareholder_bps, @shares_for_sale, @price_per_share,
    @min_purchase_shares, @max_shares_per_holder, @fee_bps, @opens_at, @closes_at, @created_at);

-- name: LockOfferingBySong :one
SELECT * FROM ownership.offerings WHERE song_id = @song_id FOR UPDATE;

-- name: GetOffering :one
SELECT * FROM ownership.offerings WHERE id = @id;

-- name: GetOfferingBySong :one
SELECT * FROM ownership.offerings WHERE song_id = @song_id;

-- name: ListOfferings :many
SELECT * FROM ownership.offerings ORDER BY created_at DESC, id DESC LIMIT @max_offerings;

-- name: UpdateOffering :exec
UPDATE ownership.offerings SET shares_sold = @shares_sold, shares_paid = @shares_paid, closed_at = @closed_at,
    milestones = @milestones
WHERE id = @id;

-- name: LockHolding :one
SELECT * FROM ownership.holdings WHERE song_id = @song_id AND user_id = @user_id FOR UPDATE;

-- name: UpsertHolding :exec
INSERT INTO ownership.holdings (song_id, user_id, shares, locked, cost_basis, checkpoint, owed, claimed, updated_at)
VALUES (@song_id, @user_id, @shares, @locked, @cost_basis, @checkpoint, @owed, @claimed, @updated_at)
ON CONFLICT (song_id, user_id) DO UPDATE SET shares = EXCLUDED.shares, locked = EXCLUDED.locked,
    cost_basis = EXCLUDED.cost_basis, checkpoint = EXCLUDED.checkpoint, owed = EXCLUDED.owed,
    claimed = EXCLUDED.claimed, updated_at = EXCLUDED.updated_at;

-- name: HoldingsOf :many
SELECT * FROM ownership.holdings
WHERE user_id = @user_id AND (shares > 0 OR owed > 0 OR claimed > 0)
ORDER BY song_id;

-- name: LockOrder :one
SELECT * FROM ownership.orders WHERE id = @id AND song_id = @song_id FOR UPDATE;

-- name: GetOrder :one
SELECT * FROM ownership.orders WHERE id = @id;

-- name: CrossingSells :many
SELECT * FROM ownership.orders
WHERE song_id = @song_id AND side = 'sell' AND status IN ('open', 'partially_filled') AND price <= @limit_price
ORDER BY price, seq
LIMIT @max_orders FOR UPDATE;

-- name: CrossingBuys :many
SELECT * FROM ownership.orders
WHERE song_id = @song_id AND side = 'buy' AND status IN ('open', 'partially_filled') AND price >= @limit_price
ORDER BY price DESC, seq
LIMIT @max_orders FOR UPDATE;

-- name: InsertOrder :exec
INSERT INTO ownership.orders (id, song_id, owner_id, side, tif, price, shares, filled, spent, status, seq, hold_amount,
    fee_bps, hold_id, released, cancel_reason, created_at, updated_at)
VALUES (@id, @song_id, @owner_id, @side, @tif, @price, @shares, @filled, @spent, @status, @seq, @hold_amount,
    @fee_bps, @hold_id, @released, @cancel_reason, @created_at, @updated_at);

-- name: UpdateOrder :exec
UPDATE ownership.orders SET filled = @filled, spent = @spent, status = @status, seq = @seq, hold_id = @hold_id,
    released = @released, cancel_reason = @cancel_reason, updated_at = @updated_at
WHERE id = @id;

-- name: OrdersOf :many
SELECT * FROM ownership.orders
WHERE owner_id = @owner_id AND status <> 'pending'
  AND (sqlc.narg(status)::text IS NULL OR status = sqlc.narg(status)::text)
  AND (sqlc.narg(before_at)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(before_at)::timestamptz, sqlc.narg(before_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @max_orders;

-- name: OpenOrderCounts :many
SELECT song_id, count(*)::int AS orders FROM ownership.orders
WHERE owner_id = @owner_id AND status IN ('open', 'partially_filled')
GROUP BY song_id;

-- name: DepthBids :many
SELECT price, sum(shares - filled)::bigint AS shares, count(*)::int AS orders FROM ownership.orders
WHERE song_id = @song_id AND side = 'buy' AND status IN ('open', 'partially_filled')
GROUP BY price ORDER BY price DESC LIMIT @levels;

-- name: DepthAsks :many
SELECT price, sum(shares - filled)::bigint AS shares, count(*)::int AS orders FROM ownership.orders
WHERE song_id = @song_id AND side = 'sell' AND status IN ('open', 'partially_filled')
GROUP BY price ORDER BY price LIMIT @levels;

-- name: Committed :one
SELECT (COALESCE((SELECT sum(p.shares) FROM ownership.purchases p
        WHERE p.song_id = @song_id AND p.buyer_id = @user_id AND p.status = 'pending'), 0)
      + COALESCE((SELECT sum(o.shares - o.filled) FROM ownership.orders o
        WHERE o.song_id = @song_id AND o.owner_id = @user_id AND o.side = 'buy'
          AND o.status IN ('pending', 'open', 'partially_filled')), 0))::bigint AS shares;

-- name: PendingOrders :many
SELECT * FROM ownership.orders WHERE status = 'pending' AND created_at < @before ORDER BY created_at LIMIT @max_orders;

-- name: DeletePendingOrder :exec
DELETE FROM ownership.orders WHERE id = @id AND status = 'pending';

-- name: Unreleased :many
SELECT * FROM ownership.orders o
WHERE o.side = 'buy' AND o.status IN ('filled', 'cancelled') AND NOT o.released AND o.hold_id IS NOT NULL AND o.updated_at < @before
  AND NOT EXISTS (SELECT 1 FROM ownership.trades t WHERE t.buy_order_id = o.id AND t.settled_at IS NULL)
ORDER BY o.updated_at LIMIT @max_orders;

-- name: MarkReleased :exec
UPDATE ownership.orders SET released = true WHERE id = @id;

-- name: InsertTrade :exec
INSERT INTO ownership.trades (id, song_id, buy_order_id, sell_order_id, buyer_id, seller_id, buy_hold_id, shares, price, gross, fee,
    buyer_refund, created_at)
VALUES (@id, @song_id, @buy_order_id, @sell_order_id, @buyer_id, @seller_id, @buy_hold_id, @shares, @price, @gross, @fee,
    @buyer_refund, @created_at);

-- name: UnsettledTrades :many
SELECT * FROM ownership.trades WHERE settled_at IS NULL AND created_at < @before ORDER BY created_at, id LIMIT @max_trades;

-- name: MarkTradeSettled :exec
UPDATE ownership.trades SET settled_at = @settled_at WHERE id = @id AND settled_at IS NULL;

-- name: HasUnsettledTrades :one
SELECT EXISTS (SELECT 1 FROM ownership.trades WHERE buy_order_id = @buy_order_id AND settled_at IS NULL);

-- name: TradesOfOrders :many
SELECT * FROM ownership.trades WHERE buy_order_id = ANY(@order_ids::uuid[]) OR sell_order_id = ANY(@order_ids::uuid[])
ORDER BY created_at, id;

-- name: RecentTrades :many
SELECT * FROM ownership.trades WHERE song_id = @song_id ORDER BY created_at DESC, id LIMIT @max_trades;

-- name: RegisterStats :one
SELECT (SELECT count(*) FROM ownership.holdings h WHERE h.song_id = @song_id AND h.shares > 0)::int AS holders,
    COALESCE(sum(t.gross), 0)::bigint AS volume, COALESCE(sum(t.shares), 0)::bigint AS shares, count(*)::int AS trades
FROM ownership.trades t WHERE t.song_id = @song_id AND t.created_at >= @since;

-- name: InsertPurchase :exec
INSERT INTO ownership.purchases (id, offering_id, song_id, buyer_id, artist_user_id, shares, price_per_share, gross, fee, status, created_at, updated_at)
VALUES (@id, @offering_id, @song_id, @buyer_id, @artist_user_id, @shares, @price_per_share, @gross, @fee, @status, @created_at, @updated_at);

-- name: LockPurchase :one
SELECT * FROM ownership.purchases WHERE id = @id FOR UPDATE;

-- name: UpdatePurchase :exec
UPDATE ownership.purchases SET status = @status, updated_at = @updated_at WHERE id = @id;

-- name: PendingPurchases :many
SELECT * FROM ownership.purchases WHERE status = 'pending' AND created_at < @before ORDER BY created_at LIMIT @max_purchases;

-- name: InsertAccrual :execrows
INSERT INTO ownership.stream_accruals (session_id, song_id, amount, accrued_at) VALUES (@session_id, @song_id, @amount, @accrued_at)
ON CONFLICT (session_id) DO NOTHING;

-- name: InsertClaim :exec
INSERT INTO ownership.claims (id, user_id, song_id, amount, created_at) VALUES (@id, @user_id, @song_id, @amount, @created_at);

-- name: PendingClaims :many
SELECT * FROM ownership.claims WHERE completed_at IS NULL AND created_at < @before ORDER BY created_at LIMIT @max_claims;

-- name: CompleteClaim :execrows
UPDATE ownership.claims SET completed_at = @completed_at WHERE id = @id AND completed_at IS NULL;

-- name: Watchers :many
SELECT user_id FROM ownership.watchers WHERE song_id = @song_id ORDER BY created_at LIMIT @max_watchers;

-- name: Watch :exec
INSERT INTO ownership.watchers (song_id, user_id, created_at) VALUES (@song_id, @user_id, @created_at) ON CONFLICT DO NOTHING;

-- name: Unwatch :exec
DELETE FROM ownership.watchers WHERE song_id = @song_id AND user_id = @user_id;
