-- name: GetArtist :one
SELECT * FROM music.artists WHERE id = $1;

-- name: GetArtistForUpdate :one
SELECT * FROM music.artists WHERE id = $1 FOR UPDATE;

-- name: GetArtistByUser :one
SELECT * FROM music.artists WHERE user_id = $1;

-- name: InsertArtist :one
INSERT INTO music.artists (id, user_id, name, bio, image_url, verified, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (user_id) DO NOTHING
RETURNING *;

-- name: UpdateArtist :exec
UPDATE music.artists SET name = $2, bio = $3, image_url = $4, verified = $5, updated_at = $6 WHERE id = $1;

-- name: RenameArtistSongs :exec
UPDATE music.songs SET artist_name = $2 WHERE artist_id = $1 AND artist_name <> $2;
