-- name: GetPlaylist :one
SELECT * FROM music.playlists WHERE id = $1;

-- name: GetPlaylistForUpdate :one
SELECT * FROM music.playlists WHERE id = $1 FOR UPDATE;

-- name: PlaylistSongs :many
SELECT song_id FROM music.playlist_songs WHERE playlist_id = $1 ORDER BY position;

-- name: InsertPlaylist :exec
INSERT INTO music.playlists (id, owner_id, name, description, public, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: UpdatePlaylist :exec
UPDATE music.playlists SET name = $2, description = $3, public = $4, updated_at = $5 WHERE id = $1;

-- name: ClearPlaylistSongs :exec
DELETE FROM music.playlist_songs WHERE playlist_id = $1;

-- name: InsertPlaylistSongs :exec
INSERT INTO music.playlist_songs (playlist_id, song_id, position, added_at)
SELECT @playlist_id::uuid, s.song_id, s.pos::integer, @added_at::timestamptz
FROM unnest(@song_ids::uuid[]) WITH ORDINALITY AS s(song_id, pos);

-- name: DeletePlaylist :execrows
DELETE FROM music.playlists WHERE id = $1;

-- name: ListPlaylistsByOwner :many
SELECT * FROM music.playlists
WHERE owner_id = @owner_id
  AND (NOT @has_cursor::boolean OR (created_at, id) < (@after_at::timestamptz, @after_id::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @lim;
