-- name: InsertPayment :exec
INSERT INTO payment.payments (id, user_id, amount, currency, status, provider, idempotency_key, provider_payment_id,
    client_secret, refunded, review_required, failure_reason, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: UpdatePayment :exec
UPDATE payment.payments SET amount = $2, status = $3, provider_payment_id = $4, client_secret = $5, refunded = $6,
    review_required = $7, failure_reason = $8, updated_at = $9
WHERE id = $1;

-- name: PaymentByID :one
SELECT * FROM payment.payments WHERE id = $1;

-- name: PaymentForUpdate :one
SELECT * FROM payment.payments WHERE id = $1 FOR UPDATE;

-- name: PaymentByUserKey :one
SELECT * FROM payment.payments WHERE user_id = $1 AND idempotency_key = $2;

-- name: PaymentIDByProviderID :one
SELECT id FROM payment.payments WHERE provider = $1 AND provider_payment_id = $2;

-- name: StalePayments :many
SELECT id FROM payment.payments WHERE status IN ('pending', 'processing') AND updated_at < $1
ORDER BY updated_at LIMIT $2;

-- name: PaymentStatusCounts :many
SELECT status, count(*)::bigint AS n FROM payment.payments GROUP BY status;

-- name: InsertRefund :exec
INSERT INTO payment.refunds (id, payment_id, amount, reversed, status, reason, provider_refund_id, requested_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- name: RefundByID :one
SELECT * FROM payment.refunds WHERE id = $1;

-- name: FinishRefund :exec
UPDATE payment.refunds SET status = $2, provider_refund_id = $3, updated_at = $4 WHERE id = $1;

-- name: RefundsOfPayment :many
SELECT * FROM payment.refunds WHERE payment_id = $1 ORDER BY created_at;

-- name: ClaimWebhookEvent :execrows
INSERT INTO payment.webhook_events (provider, event_id, type, received_at) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING;

-- name: RefundForUpdate :one
SELECT * FROM payment.refunds WHERE id = $1 FOR UPDATE;

-- name: PendingRefunds :many
SELECT * FROM payment.refunds WHERE status = 'pending' AND updated_at < $1 ORDER BY updated_at LIMIT $2;
