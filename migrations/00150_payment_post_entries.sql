-- +goose Up
-- post_entries writes a batch of journal entries in one statement (group commit: one round
-- trip and one WAL flush for the whole batch), with each entry decided on its own exactly as
-- payment.post_entry decides it:
--   * every balance row of the batch is locked first, in (account_id, shard) order, so a batch
--     keeps the global lock order of post_entry and never deadlocks with it or another batch;
--   * then, entry by entry, in order: a key already used (before or earlier in the batch)
--     replays ('replayed', or 'reused' when the fingerprint differs); a missing balance row
--     refuses the entry ('missing'); a row without allow_negative that would go below zero
--     refuses it ('insufficient'); nothing of a refused entry is written and the next entries
--     see the balances without it; otherwise the entry is written ('ok');
--   * the postings of every written entry are inserted by one statement at the end, so the
--     balanced-entry trigger checks them all.
--   * the common case is decided for the whole batch at once (set-based, a handful of
--     statements for the batch): no key already used, no key twice, and no row that would go
--     below zero at any point of the batch in order (running sums); any other batch is decided
--     entry by entry as above.
-- Entry i's postings are p_first[i] .. p_first[i] + p_count[i] - 1 of the posting arrays.
-- For the accounts listed in p_report, each written entry returns their balances (sum of their
-- rows) right after it, for the balance events.
-- +goose StatementBegin
CREATE FUNCTION payment.post_entries(
    p_ids uuid[], p_keys text[], p_fingerprints bytea[], p_kinds text[], p_reasons text[], p_external_refs text[],
    p_metadata jsonb[], p_hold_ids uuid[], p_created_at timestamptz[], p_first int[], p_count int[],
    p_accounts uuid[], p_shards smallint[], p_assets text[], p_amounts bigint[], p_report uuid[])
RETURNS TABLE (idx int, status text, entry_id uuid, entry_created_at timestamptz, hold_id uuid,
               report_accounts uuid[], report_balances bigint[])
LANGUAGE plpgsql AS $$
DECLARE
    n int := coalesce(cardinality(p_ids), 0);
    i int;
    f int;
    l int;
    prev record;
    d_acc uuid[];
    d_shard smallint[];
    d_delta bigint[];
    expected int;
    found_rows int;
    written int[] := '{}';
    p_entry int[];
    inserted int;
BEGIN
    PERFORM 1 FROM payment.balances b
        JOIN (SELECT DISTINCT u.a, u.s FROM unnest(p_accounts, p_shards) AS u (a, s)) d ON b.account_id = d.a AND b.shard = d.s
        ORDER BY b.account_id, b.shard FOR UPDATE OF b;

    -- the entry of each posting
    SELECT array_agg(e.i ORDER BY e.i, j.j) INTO p_entry
        FROM generate_series(1, n) AS e (i), generate_series(p_first[e.i], p_first[e.i] + p_count[e.i] - 1) AS j (j);

    -- The whole batch at once when no entry can be refused or replayed.
    IF NOT EXISTS (SELECT 1 FROM payment.journal_entries e WHERE e.idempotency_key = ANY (p_keys))
       AND (SELECT count(DISTINCT k) FROM unnest(p_keys) AS k) = n
       AND (SELECT count(*) FROM payment.balances b
            JOIN (SELECT DISTINCT u.a, u.s FROM unnest(p_accounts, p_shards) AS u (a, s)) d ON b.account_id = d.a AND b.shard = d.s)
           = (SELECT count(*) FROM (SELECT DISTINCT u.a, u.s FROM unnest(p_accounts, p_shards) AS u (a, s)) d)
       AND NOT EXISTS (
            SELECT 1 FROM (SELECT u.a, u.s, sum(u.m) OVER (PARTITION BY u.a, u.s ORDER BY u.k ROWS UNBOUNDED PRECEDING) AS run
                           FROM unnest(p_entry, p_accounts, p_shards, p_amounts) AS u (k, a, s, m)) x
            JOIN payment.balances b ON b.account_id = x.a AND b.shard = x.s
            WHERE NOT b.allow_negative AND b.balance + x.run < 0) THEN
        INSERT INTO payment.journal_entries (id, idempotency_key, fingerprint, kind, reason, external_ref, metadata, hold_id, created_at)
            SELECT * FROM unnest(p_ids, p_keys, p_fingerprints, p_kinds, p_reasons, p_external_refs, p_metadata, p_hold_ids, p_created_at)
            ON CONFLICT (idempotency_key) DO NOTHING;
        GET DIAGNOSTICS inserted = ROW_COUNT;
        IF inserted <> n THEN
            -- a concurrent transaction claimed one of the keys: the caller retries entry by entry
            RAISE EXCEPTION 'a key of the batch was claimed concurrently' USING ERRCODE = 'VS003';
        END IF;
        UPDATE payment.balances b SET balance = b.balance + d.m
            FROM (SELECT u.a, u.s, sum(u.m)::bigint AS m FROM unnest(p_accounts, p_shards, p_amounts) AS u (a, s, m) GROUP BY u.a, u.s) d
            WHERE b.account_id = d.a AND b.shard = d.s;
        INSERT INTO payment.postings (entry_id, account_id, asset, amount, created_at)
            SELECT p_ids[u.k], u.a, u.c, u.m, p_created_at[u.k] FROM unnest(p_entry, p_accounts, p_assets, p_amounts) AS u (k, a, c, m);
        IF cardinality(p_report) = 0 THEN
            RETURN QUERY SELECT e.i, 'ok'::text, p_ids[e.i], p_created_at[e.i], p_hold_ids[e.i], NULL::uuid[], NULL::bigint[]
                FROM generate_series(1, n) AS e (i);
        ELSE
            -- each reported account's balance right after each entry that touched it: its
            -- balance now minus what the entries after that one moved
            RETURN QUERY
            WITH moves AS (
                SELECT u.k, u.a, sum(u.m)::bigint AS m FROM unnest(p_entry, p_accounts, p_amounts) AS u (k, a, m)
                WHERE u.a = ANY (p_report) GROUP BY u.k, u.a),
            now_bal AS (
                SELECT b.account_id AS a, sum(b.balance)::bigint AS bal FROM payment.balances b
                WHERE b.account_id IN (SELECT DISTINCT a FROM moves) GROUP BY b.account_id),
            after AS (
                SELECT mv.k, mv.a, (nb.bal - coalesce(sum(mv.m) OVER (PARTITION BY mv.a ORDER BY mv.k DESC
                                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::bigint AS bal
                FROM moves mv JOIN now_bal nb ON nb.a = mv.a)
            SELECT e.i, 'ok'::text, p_ids[e.i], p_created_at[e.i], p_hold_ids[e.i],
                   (SELECT array_agg(af.a ORDER BY af.a) FROM after af WHERE af.k = e.i),
                   (SELECT array_agg(af.bal ORDER BY af.a) FROM after af WHERE af.k = e.i)
            FROM generate_series(1, n) AS e (i);
        END IF;
        RETURN;
    END IF;

    FOR i IN 1..n LOOP
        idx := i; report_accounts := NULL; report_balances := NULL;
        SELECT e.id, e.created_at, e.fingerprint, e.hold_id INTO prev
            FROM payment.journal_entries e WHERE e.idempotency_key = p_keys[i];
        IF FOUND THEN
            status := CASE WHEN prev.fingerprint = p_fingerprints[i] THEN 'replayed' ELSE 'reused' END;
            entry_id := prev.id; entry_created_at := prev.created_at; hold_id := prev.hold_id;
            RETURN NEXT;
            CONTINUE;
        END IF;
        entry_id := NULL; entry_created_at := NULL; hold_id := NULL;

        f := p_first[i];
        l := p_first[i] + p_count[i] - 1;
        SELECT array_agg(x.a ORDER BY x.a, x.s), array_agg(x.s ORDER BY x.a, x.s), array_agg(x.m ORDER BY x.a, x.s)
            INTO d_acc, d_shard, d_delta
            FROM (SELECT u.a, u.s, sum(u.m)::bigint AS m FROM unnest(p_accounts[f:l], p_shards[f:l], p_amounts[f:l]) AS u (a, s, m)
                  GROUP BY u.a, u.s) x;
        expected := coalesce(cardinality(d_acc), 0);

        SELECT count(*) INTO found_rows FROM payment.balances b
            JOIN unnest(d_acc, d_shard) AS d (a, s) ON b.account_id = d.a AND b.shard = d.s;
        IF found_rows <> expected THEN
            status := 'missing';
            RETURN NEXT;
            CONTINUE;
        END IF;
        IF EXISTS (SELECT 1 FROM payment.balances b JOIN unnest(d_acc, d_shard, d_delta) AS d (a, s, m)
                   ON b.account_id = d.a AND b.shard = d.s WHERE NOT b.allow_negative AND b.balance + d.m < 0) THEN
            status := 'insufficient';
            RETURN NEXT;
            CONTINUE;
        END IF;

        INSERT INTO payment.journal_entries AS e (id, idempotency_key, fingerprint, kind, reason, external_ref, metadata, hold_id, created_at)
        VALUES (p_ids[i], p_keys[i], p_fingerprints[i], p_kinds[i], p_reasons[i], p_external_refs[i], p_metadata[i], p_hold_ids[i], p_created_at[i])
        ON CONFLICT (idempotency_key) DO NOTHING;
        IF NOT FOUND THEN
            -- a concurrent transaction claimed the key (and committed) after the check above
            SELECT e.id, e.created_at, e.fingerprint, e.hold_id INTO prev
                FROM payment.journal_entries e WHERE e.idempotency_key = p_keys[i];
            status := CASE WHEN prev.fingerprint = p_fingerprints[i] THEN 'replayed' ELSE 'reused' END;
            entry_id := prev.id; entry_created_at := prev.created_at; hold_id := prev.hold_id;
            RETURN NEXT;
            CONTINUE;
        END IF;

        UPDATE payment.balances b SET balance = b.balance + d.m
            FROM unnest(d_acc, d_shard, d_delta) AS d (a, s, m)
            WHERE b.account_id = d.a AND b.shard = d.s;
        written := written || i;

        status := 'ok'; entry_id := p_ids[i]; entry_created_at := p_created_at[i]; hold_id := p_hold_ids[i];
        IF cardinality(p_report) > 0 THEN
            SELECT array_agg(t.a), array_agg(t.b) INTO report_accounts, report_balances
                FROM (SELECT b.account_id AS a, sum(b.balance)::bigint AS b FROM payment.balances b
                      WHERE b.account_id = ANY (d_acc) AND b.account_id = ANY (p_report) GROUP BY b.account_id) t;
        END IF;
        RETURN NEXT;
    END LOOP;

    IF cardinality(written) > 0 THEN
        INSERT INTO payment.postings (entry_id, account_id, asset, amount, created_at)
            SELECT p_ids[w.i], p_accounts[j], p_assets[j], p_amounts[j], p_created_at[w.i]
            FROM unnest(written) AS w (i), generate_series(p_first[w.i], p_first[w.i] + p_count[w.i] - 1) AS j;
    END IF;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION payment.post_entries;
