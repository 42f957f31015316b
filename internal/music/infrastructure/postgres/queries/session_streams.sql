-- name: ReserveSessionBytes :exec
-- Counts a session request's range before its body goes out.
INSERT INTO music.session_streams AS s (session_id, song_id, user_id, requests, bytes_served, highest_offset, updated_at)
VALUES (@session_id, @song_id, @user_id, 1, @bytes, @range_end, @at)
ON CONFLICT (session_id) DO UPDATE SET requests = s.requests + 1, bytes_served = s.bytes_served + EXCLUDED.bytes_served,
    highest_offset = GREATEST(s.highest_offset, EXCLUDED.highest_offset), updated_at = EXCLUDED.updated_at;

-- name: ReturnSessionBytes :exec
-- Takes back what a short write did not deliver. The highest offset is lowered to what this
-- request reached only when it was this request's end (another request may have served
-- further; it is never raised here, so the figure errs low).
UPDATE music.session_streams SET bytes_served = GREATEST(bytes_served - @shortfall::bigint, 0),
    highest_offset = CASE WHEN highest_offset = @range_end::bigint THEN @reached::bigint ELSE highest_offset END,
    updated_at = @at
WHERE session_id = @session_id;

-- name: SessionStreamed :one
SELECT requests, bytes_served, highest_offset FROM music.session_streams WHERE session_id = $1;
