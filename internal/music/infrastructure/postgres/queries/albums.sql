-- name: GetAlbum :one
SELECT * FROM music.albums WHERE id = $1;

-- name: GetAlbumForUpdate :one
SELECT * FROM music.albums WHERE id = $1 FOR UPDATE;

-- name: InsertAlbum :exec
INSERT INTO music.albums (id, artist_id, title, release_date, cover_url, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: UpdateAlbum :exec
UPDATE music.albums SET title = $2, release_date = $3, cover_url = $4, updated_at = $5 WHERE id = $1;

-- name: DeleteAlbum :execrows
DELETE FROM music.albums WHERE id = $1;

-- name: ListAlbumsByArtist :many
SELECT * FROM music.albums WHERE artist_id = $1 ORDER BY release_date DESC NULLS LAST, created_at DESC, id LIMIT 500;
