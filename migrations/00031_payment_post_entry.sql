-- +goose Up
-- post_entry writes one journal entry and applies its postings to the balances in a single
-- statement (one round trip, atomic even outside an explicit transaction):
--   * the idempotency key is claimed first: a key already used returns the stored entry with
--     replayed = true and whether the request fingerprint matches; nothing else happens;
--   * the balance rows are locked in (account_id, shard) order, so concurrent entries touching
--     the same accounts can wait for each other but never deadlock;
--   * a row that would go below zero without allow_negative raises SQLSTATE VS001
--     (insufficient funds); a missing balance row raises VS002;
--   * the postings are inserted by one statement, so the balanced-entry trigger sees them all.
-- +goose StatementBegin
CREATE FUNCTION payment.post_entry(
    p_id uuid, p_key text, p_fingerprint bytea, p_kind text, p_reason text, p_external_ref text,
    p_metadata jsonb, p_hold_id uuid, p_created_at timestamptz,
    p_accounts uuid[], p_shards smallint[], p_assets text[], p_amounts bigint[])
RETURNS TABLE (entry_id uuid, entry_created_at timestamptz, replayed boolean, same_request boolean)
LANGUAGE plpgsql AS $$
DECLARE
    expected int;
    applied int;
    short_account uuid;
    d_acc uuid[];
    d_shard smallint[];
    d_delta bigint[];
BEGIN
    INSERT INTO payment.journal_entries AS e (id, idempotency_key, fingerprint, kind, reason, external_ref, metadata, hold_id, created_at)
    VALUES (p_id, p_key, p_fingerprint, p_kind, p_reason, p_external_ref, p_metadata, p_hold_id, p_created_at)
    ON CONFLICT (idempotency_key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT e.id, e.created_at, true, e.fingerprint = p_fingerprint
            FROM payment.journal_entries e WHERE e.idempotency_key = p_key;
        RETURN;
    END IF;

    SELECT array_agg(x.a ORDER BY x.a, x.s), array_agg(x.s ORDER BY x.a, x.s), array_agg(x.m ORDER BY x.a, x.s)
        INTO d_acc, d_shard, d_delta
        FROM (SELECT u.a, u.s, sum(u.m)::bigint AS m FROM unnest(p_accounts, p_shards, p_amounts) AS u (a, s, m) GROUP BY u.a, u.s) x;
    expected := coalesce(cardinality(d_acc), 0);

    PERFORM 1 FROM payment.balances b JOIN unnest(d_acc, d_shard) AS d (a, s) ON b.account_id = d.a AND b.shard = d.s
        ORDER BY b.account_id, b.shard FOR UPDATE OF b;

    UPDATE payment.balances b SET balance = b.balance + d.m
        FROM unnest(d_acc, d_shard, d_delta) AS d (a, s, m)
        WHERE b.account_id = d.a AND b.shard = d.s AND (b.allow_negative OR b.balance + d.m >= 0);
    GET DIAGNOSTICS applied = ROW_COUNT;
    IF applied <> expected THEN
        SELECT d.a INTO short_account FROM unnest(d_acc, d_shard) AS d (a, s)
            LEFT JOIN payment.balances b ON b.account_id = d.a AND b.shard = d.s
            WHERE b.account_id IS NULL LIMIT 1;
        IF short_account IS NOT NULL THEN
            RAISE EXCEPTION 'no balance row for account %', short_account USING ERRCODE = 'VS002';
        END IF;
        SELECT d.a INTO short_account FROM unnest(d_acc, d_shard, d_delta) AS d (a, s, m)
            JOIN payment.balances b ON b.account_id = d.a AND b.shard = d.s
            WHERE NOT b.allow_negative AND b.balance + d.m < 0 LIMIT 1;
        RAISE EXCEPTION 'insufficient funds in account %', short_account USING ERRCODE = 'VS001';
    END IF;

    INSERT INTO payment.postings (entry_id, account_id, asset, amount, created_at)
        SELECT p_id, u.a, u.c, u.m, p_created_at FROM unnest(p_accounts, p_assets, p_amounts) AS u (a, c, m);
    RETURN QUERY SELECT p_id, p_created_at, false, true;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION payment.post_entry;
