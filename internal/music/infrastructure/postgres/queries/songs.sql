-- name: GetSong :one
SELECT id, artist_id, artist_name, album_id, track_number, title, genre, explicit, duration_ms, status,
       failure_reason, published, deleted, play_count, original_key, original_sha256, original_format, tags,
       upload_version, created_at, updated_at, stream_price
FROM music.songs WHERE id = $1;

-- name: GetSongForUpdate :one
SELECT id, artist_id, artist_name, album_id, track_number, title, genre, explicit, duration_ms, status,
       failure_reason, published, deleted, play_count, original_key, original_sha256, original_format, tags,
       upload_version, created_at, updated_at, stream_price
FROM music.songs WHERE id = $1 FOR UPDATE;

-- name: GetSongsByIDs :many
SELECT id, artist_id, artist_name, album_id, track_number, title, genre, explicit, duration_ms, status,
       failure_reason, published, deleted, play_count, original_key, original_sha256, original_format, tags,
       upload_version, created_at, updated_at, stream_price
FROM music.songs WHERE id = ANY(@ids::uuid[]);

-- name: InsertSong :exec
INSERT INTO music.songs (id, artist_id, artist_name, album_id, track_number, title, genre, explicit, duration_ms,
    status, failure_reason, published, deleted, play_count, original_key, original_sha256, original_format, tags,
    upload_version, created_at, updated_at, stream_price)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22);

-- name: UpdateSong :exec
UPDATE music.songs SET album_id = $2, track_number = $3, title = $4, genre = $5, explicit = $6, duration_ms = $7,
    status = $8, failure_reason = $9, published = $10, deleted = $11, original_key = $12, original_sha256 = $13,
    original_format = $14, tags = $15, upload_version = $16, updated_at = $17, stream_price = $18
WHERE id = $1;

-- name: ListRenditions :many
SELECT * FROM music.renditions WHERE song_id = ANY(@song_ids::uuid[]) ORDER BY song_id, rendition;

-- name: DeleteRenditions :exec
DELETE FROM music.renditions WHERE song_id = $1;

-- name: InsertRendition :exec
INSERT INTO music.renditions (song_id, rendition, storage_key, content_type, size_bytes, bitrate_kbps, sha256, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: ListSongsByArtist :many
SELECT id, artist_id, artist_name, album_id, track_number, title, genre, explicit, duration_ms, status,
       failure_reason, published, deleted, play_count, original_key, original_sha256, original_format, tags,
       upload_version, created_at, updated_at, stream_price
FROM music.songs
WHERE artist_id = @artist_id AND (@include_hidden::boolean OR (published AND NOT deleted AND status = 'ready'))
ORDER BY created_at DESC, id
LIMIT @lim;

-- name: ListSongs :many
-- Browsing without text: newest first, keyset on (created_at, id).
SELECT id, artist_id, artist_name, album_id, track_number, title, genre, explicit, duration_ms, status,
       failure_reason, published, deleted, play_count, original_key, original_sha256, original_format, tags,
       upload_version, created_at, updated_at, stream_price
FROM music.songs
WHERE published AND NOT deleted AND status = 'ready'
  AND (@genre::text = '' OR lower(genre) = @genre::text)
  AND (@artist_id::uuid = '00000000-0000-0000-0000-000000000000'::uuid OR artist_id = @artist_id::uuid)
  AND (NOT @has_cursor::boolean OR (created_at, id) < (@after_created_at::timestamptz, @after_id::uuid))
ORDER BY created_at DESC, id DESC
LIMIT @lim;

-- name: SearchSongs :many
-- Each word of the query matches itself as a prefix or, when it is not a catalog word, the
-- catalog words that look like it (trigram similarity, for typos); all words must match.
-- Relevance: a match in the title counts more than one on the artist, and the words as typed
-- more than their corrections. The score is a few tsquery tests, not ts_rank, so that broad
-- queries with thousands of matches stay fast. Keyset on (score, id).
WITH words AS (
    SELECT t.w, t.ord
    FROM regexp_split_to_table(lower(@query::text), '[^[:alnum:]]+') WITH ORDINALITY AS t(w, ord)
    WHERE t.w <> ''
    LIMIT 8
), alternatives AS (
    SELECT words.ord, quote_literal(words.w) AS typed, (
               SELECT string_agg(quote_literal(sw.word), ',')
               FROM (SELECT d.word FROM music.search_words d
                     WHERE d.word % words.w
                       AND NOT EXISTS (SELECT 1 FROM music.search_words e WHERE e.word = words.w)
                     ORDER BY similarity(d.word, words.w) DESC, d.word
                     LIMIT 3) sw) AS fixes
    FROM words
), q AS (
    SELECT
        to_tsquery('simple', COALESCE(string_agg('(' || typed || ':*' || COALESCE(' | ' || replace(fixes, ',', ' | '), '') || ')', ' & ' ORDER BY ord), '')) AS tsq,
        to_tsquery('simple', COALESCE(string_agg('(' || typed || ':*A' || COALESCE(' | ' || replace(fixes, ',', ':A | ') || ':A', '') || ')', ' & ' ORDER BY ord), '')) AS tsq_title,
        to_tsquery('simple', COALESCE(string_agg(typed || ':*', ' & ' ORDER BY ord), '')) AS tsq_typed
    FROM alternatives
), matched AS (
    SELECT s.id, s.artist_id, s.artist_name, s.album_id, s.track_number, s.title, s.genre, s.explicit, s.duration_ms,
           s.status, s.failure_reason, s.published, s.deleted, s.play_count, s.original_key, s.original_sha256,
           s.original_format, s.tags, s.upload_version, s.created_at, s.updated_at, s.stream_price,
           ((CASE WHEN s.search_vector @@ q.tsq_title THEN 2 ELSE 0 END) +
            (CASE WHEN s.search_vector @@ q.tsq_typed THEN 1 ELSE 0 END))::float8 AS score
    FROM music.songs s, q
    WHERE s.search_vector @@ q.tsq
      AND s.published AND NOT s.deleted AND s.status = 'ready'
      AND (@genre::text = '' OR lower(s.genre) = @genre::text)
      AND (@artist_id::uuid = '00000000-0000-0000-0000-000000000000'::uuid OR s.artist_id = @artist_id::uuid)
)
SELECT * FROM matched
WHERE NOT @has_cursor::boolean OR (score, id) < (@after_score::float8, @after_id::uuid)
ORDER BY score DESC, id DESC
LIMIT @lim;

-- name: ListPublishedSongIDs :many
SELECT id FROM music.songs
WHERE published AND NOT deleted AND id > @after::uuid
ORDER BY id
LIMIT @lim::int;
