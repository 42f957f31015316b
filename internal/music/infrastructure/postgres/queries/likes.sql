-- name: InsertLike :exec
INSERT INTO music.likes (user_id, song_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING;

-- name: DeleteLike :exec
DELETE FROM music.likes WHERE user_id = $1 AND song_id = $2;

-- name: ListLikes :many
SELECT song_id, created_at FROM music.likes
WHERE user_id = @user_id
  AND (NOT @has_cursor::boolean OR (created_at, song_id) < (@after_at::timestamptz, @after_id::uuid))
ORDER BY created_at DESC, song_id DESC
LIMIT @lim;
