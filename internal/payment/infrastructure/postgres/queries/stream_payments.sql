-- name: InsertStreamPayment :exec
INSERT INTO payment.stream_payments (session_id, entry_id, hold_id, song_id, listener_id, artist_user_id, price, platform_fee,
    shareholders, artist, qualified_at, paid_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- name: StreamPaymentTotals :one
SELECT count(*)::bigint AS payments, COALESCE(sum(price), 0)::bigint AS gross, COALESCE(sum(platform_fee), 0)::bigint AS platform_fee,
       COALESCE(sum(shareholders), 0)::bigint AS shareholders, COALESCE(sum(artist), 0)::bigint AS artist
FROM payment.stream_payments WHERE artist_user_id = $1;
