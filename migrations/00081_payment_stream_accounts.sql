-- +goose Up
-- Every existing user gets the claimable-rewards account (new users get it with their other
-- accounts); song royalty pools are opened on first use.
WITH owners AS (
    SELECT DISTINCT owner_id FROM payment.accounts WHERE kind = 'user_wallet'
), opened AS (
    INSERT INTO payment.accounts (id, owner_id, asset, kind, allow_negative, shards)
    SELECT gen_random_uuid(), o.owner_id, a.asset, 'user_rewards', false, 1
    FROM owners o, (VALUES ('USD'), ('VIBE')) AS a (asset)
    ON CONFLICT (owner_id, asset, kind) DO NOTHING
    RETURNING id
)
INSERT INTO payment.balances (account_id, shard, allow_negative, balance)
SELECT id, 0, false, 0 FROM opened;

-- +goose Down
DELETE FROM payment.balances b USING payment.accounts a WHERE b.account_id = a.id AND a.kind IN ('user_rewards', 'song_royalty_pool');
DELETE FROM payment.accounts WHERE kind IN ('user_rewards', 'song_royalty_pool');
