-- name: IncrementPlayCounts :exec
UPDATE music.songs s SET play_count = s.play_count + c.n
FROM (SELECT unnest(@song_ids::uuid[]) AS id, unnest(@counts::bigint[]) AS n) c
WHERE s.id = c.id;

-- name: StreamTotals :one
SELECT count(*) FILTER (WHERE started)::bigint AS starts, COALESCE(sum(bytes_served), 0)::bigint AS bytes
FROM music.stream_requests WHERE song_id = $1 AND user_id = $2;
