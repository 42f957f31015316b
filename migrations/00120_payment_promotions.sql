-- +goose Up
-- Promotional credit (admin USD grants) is a marketing expense: it is drawn from this platform
-- account, which may go negative (its balance is what promotions have cost so far).
INSERT INTO payment.accounts (id, owner_id, asset, kind, allow_negative, shards)
VALUES (gen_random_uuid(), '00000000-0000-0000-0000-000000000000', 'USD', 'promotions', true, 4)
ON CONFLICT (owner_id, asset, kind) DO NOTHING;
INSERT INTO payment.balances (account_id, shard, allow_negative)
SELECT a.id, s, true FROM payment.accounts a, generate_series(0, a.shards - 1) AS s
WHERE a.kind = 'promotions'
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM payment.balances b USING payment.accounts a WHERE b.account_id = a.id AND a.kind = 'promotions';
DELETE FROM payment.accounts WHERE kind = 'promotions';
