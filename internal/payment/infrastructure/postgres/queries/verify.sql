-- name: VerifyUnbalancedEntries :many
SELECT entry_id, asset, sum(amount)::bigint AS total FROM payment.postings
GROUP BY entry_id, asset HAVING sum(amount) <> 0 LIMIT 100;

-- name: VerifyEntriesWithoutPostings :many
SELECT e.id FROM payment.journal_entries e
WHERE NOT EXISTS (SELECT 1 FROM payment.postings p WHERE p.entry_id = e.id) LIMIT 100;

-- name: VerifyBalancesMatchPostings :many
SELECT a.id, a.owner_id, a.asset, a.kind,
       COALESCE(b.total, 0)::bigint AS balance, COALESCE(p.total, 0)::bigint AS postings
FROM payment.accounts a
LEFT JOIN (SELECT account_id, sum(balance) AS total FROM payment.balances GROUP BY account_id) b ON b.account_id = a.id
LEFT JOIN (SELECT account_id, sum(amount) AS total FROM payment.postings GROUP BY account_id) p ON p.account_id = a.id
WHERE COALESCE(b.total, 0) <> COALESCE(p.total, 0) LIMIT 100;

-- name: VerifyNegativeUserBalances :many
SELECT a.id, a.owner_id, a.asset, a.kind, b.shard, b.balance
FROM payment.balances b JOIN payment.accounts a ON a.id = b.account_id
WHERE (NOT a.allow_negative OR NOT b.allow_negative) AND b.balance < 0 LIMIT 100;

-- name: VerifyHeldMatchesHolds :many
SELECT a.id, a.owner_id, a.asset, COALESCE(b.total, 0)::bigint AS balance, COALESCE(h.total, 0)::bigint AS holds
FROM payment.accounts a
LEFT JOIN (SELECT account_id, sum(balance) AS total FROM payment.balances GROUP BY account_id) b ON b.account_id = a.id
LEFT JOIN (SELECT owner_id, asset, sum(amount - settled - released) AS total FROM payment.holds
           WHERE status = 'active' GROUP BY owner_id, asset) h ON h.owner_id = a.owner_id AND h.asset = a.asset
WHERE a.kind = 'user_held' AND COALESCE(b.total, 0) <> COALESCE(h.total, 0) LIMIT 100;

-- name: VerifyPostingAssets :many
SELECT p.id FROM payment.postings p JOIN payment.accounts a ON a.id = p.account_id WHERE a.asset <> p.asset LIMIT 100;

-- name: VerifyCounts :one
SELECT (SELECT count(*) FROM payment.journal_entries)::bigint AS entries,
       (SELECT count(*) FROM payment.postings)::bigint AS postings,
       (SELECT count(*) FROM payment.accounts)::bigint AS accounts;

-- name: VerifyAccountKinds :many
-- Every account is of a known kind; song royalty pools are USD and never go below zero.
SELECT id, owner_id, asset, kind FROM payment.accounts
WHERE NOT (kind = ANY(@kinds::text[])) OR (kind = 'song_royalty_pool' AND (asset <> 'USD' OR allow_negative))
LIMIT 100;

-- name: VerifyStreamPayments :many
-- Each paid listen's entry credits exactly its price (the split) and takes it from the hold.
SELECT sp.session_id, sp.price, COALESCE(e.credited, 0)::bigint AS credited FROM payment.stream_payments sp
LEFT JOIN (SELECT p.entry_id, sum(p.amount) FILTER (WHERE p.amount > 0) AS credited
           FROM payment.postings p JOIN payment.stream_payments s2 ON s2.entry_id = p.entry_id GROUP BY p.entry_id) e
    ON e.entry_id = sp.entry_id
WHERE COALESCE(e.credited, 0) <> sp.price
LIMIT 100;

-- name: VerifyPromotionsBalance :one
SELECT COALESCE(sum(b.balance), 0)::bigint AS balance FROM payment.balances b
JOIN payment.accounts a ON a.id = b.account_id WHERE a.kind = 'promotions' AND a.asset = 'USD';
