-- name: IncrementPlayCounts :exec
UPDATE music.songs s SET play_count = s.play_count + c.n
FROM (SELECT unnest(@song_ids::uuid[]) AS id, unnest(@counts::bigint[]) AS n) c
WHERE s.id = c.id;

-- name: StreamTotals :one
SELECT count(*) FILTER (WHERE started)::bigint AS starts, COALESCE(sum(bytes_served), 0)::bigint AS bytes
FROM music.stream_requests WHERE song_id = $1 AND user_id = $2;

-- name: AccumulatePlays :many
-- Adds each link's bytes (one row per key in the batch) and returns, per song, how many links
-- this batch took past their threshold.
WITH input AS (
    SELECT unnest(@user_ids::uuid[]) AS user_id, unnest(@song_ids::uuid[]) AS song_id,
           unnest(@link_keys::text[]) AS link_key, unnest(@bytes::bigint[]) AS bytes,
           unnest(@thresholds::bigint[]) AS threshold, unnest(@ats::timestamptz[]) AS at
), up AS (
    INSERT INTO music.plays AS p (user_id, song_id, link_key, bytes, threshold, counted_batch, first_at, last_at)
    SELECT user_id, song_id, link_key, bytes, threshold,
           CASE WHEN bytes >= threshold THEN @batch::uuid END, at, at
    FROM input
    ON CONFLICT (user_id, song_id, link_key) DO UPDATE SET
        bytes = p.bytes + EXCLUDED.bytes,
        last_at = GREATEST(p.last_at, EXCLUDED.last_at),
        counted_batch = CASE WHEN p.counted_batch IS NULL AND p.bytes + EXCLUDED.bytes >= p.threshold
                             THEN @batch::uuid ELSE p.counted_batch END
    RETURNING p.song_id, p.counted_batch
)
SELECT song_id, count(*)::bigint AS plays FROM up WHERE counted_batch = @batch::uuid GROUP BY song_id;
