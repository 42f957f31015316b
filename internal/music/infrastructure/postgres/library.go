package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// The player library (contracts.Library's reads) is hand-written pgx: its queries are built
// from a few fixed fragments per list type, which sqlc cannot express. Every fragment is a
// constant; values always go as arguments.

// visible is every published, ready song with its default rendition (high, else original),
// its album and whether the viewer ($1) likes it.
const visible = `WITH v AS (
  SELECT s.id, s.title, s.artist_id, s.artist_name, s.album_id, coalesce(al.title, s.title) AS album_title,
         coalesce(s.track_number, 0) AS track, s.genre,
         coalesce(extract(year FROM al.release_date)::int, extract(year FROM s.created_at)::int) AS year,
         coalesce(s.duration_ms, 0) AS duration_ms, coalesce(r.size_bytes, 0) AS size_bytes,
         coalesce(r.content_type, '') AS content_type, coalesce(r.bitrate_kbps, 0) AS bitrate_kbps,
         s.play_count, s.created_at, lk.created_at AS starred_at, coalesce(al.cover_url, '') AS cover_url, s.search_text || ' ' || coalesce(al.title, '') AS haystack
  FROM music.songs s
  LEFT JOIN music.albums al ON al.id = s.album_id
  LEFT JOIN LATERAL (SELECT size_bytes, content_type, bitrate_kbps FROM music.renditions r
                     WHERE r.song_id = s.id AND r.rendition IN ('high', 'original')
                     ORDER BY r.rendition = 'high' DESC LIMIT 1) r ON true
  LEFT JOIN music.likes lk ON lk.song_id = s.id AND lk.user_id = $1
  WHERE s.published AND s.status = 'ready' AND NOT s.deleted)
`

const trackCols = `v.id, v.title, v.artist_id, v.artist_name, coalesce(v.album_id, v.id), v.album_title, v.track, v.genre, v.year,
  v.duration_ms, v.size_bytes, v.content_type, v.bitrate_kbps, v.play_count, v.created_at, v.starred_at`

const albumCols = `coalesce(v.album_id, v.id) AS aid, bool_and(v.album_id IS NULL), min(v.album_title), v.artist_id, min(v.artist_name),
  max(v.year), coalesce(min(nullif(v.genre, '')), ''), count(*)::int, sum(v.duration_ms)::bigint, sum(v.play_count)::bigint, min(v.created_at), max(v.cover_url)`

const albumGroup = ` GROUP BY coalesce(v.album_id, v.id), v.artist_id`

func suffixOf(contentType string) string {
	switch contentType {
	case "audio/mpeg":
		return "mp3"
	case "audio/flac", "audio/x-flac":
		return "flac"
	case "audio/ogg", "audio/opus":
		return "ogg"
	case "audio/wav", "audio/x-wav", "audio/wave":
		return "wav"
	case "audio/mp4", "audio/aac", "audio/x-m4a":
		return "m4a"
	}
	return "mp3"
}

func scanTracks(rows pgx.Rows) ([]contracts.Track, error) {
	defer rows.Close()
	out := []contracts.Track{}
	for rows.Next() {
		var t contracts.Track
		var starred *time.Time
		if err := rows.Scan(&t.ID, &t.Title, &t.ArtistID, &t.ArtistName, &t.AlbumID, &t.AlbumTitle, &t.TrackNumber, &t.Genre, &t.Year,
			&t.DurationMS, &t.SizeBytes, &t.ContentType, &t.BitrateKbps, &t.PlayCount, &t.CreatedAt, &starred); err != nil {
			return nil, err
		}
		t.StarredAt, t.Suffix = starred, suffixOf(t.ContentType)
		out = append(out, t)
	}
	return out, rows.Err()
}

func scanAlbums(rows pgx.Rows) ([]contracts.AlbumEntry, error) {
	defer rows.Close()
	out := []contracts.AlbumEntry{}
	for rows.Next() {
		var a contracts.AlbumEntry
		if err := rows.Scan(&a.ID, &a.Single, &a.Title, &a.ArtistID, &a.ArtistName, &a.Year, &a.Genre, &a.SongCount, &a.DurationMS,
			&a.PlayCount, &a.CreatedAt, &a.CoverURL); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func scanArtists(rows pgx.Rows) ([]contracts.ArtistEntry, error) {
	defer rows.Close()
	out := []contracts.ArtistEntry{}
	for rows.Next() {
		var a contracts.ArtistEntry
		if err := rows.Scan(&a.ID, &a.Name, &a.AlbumCount); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) tracks(ctx context.Context, where, order string, args ...any) ([]contracts.Track, error) {
	rows, err := s.pool.Query(ctx, visible+`SELECT `+trackCols+` FROM v `+where+` `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("library tracks: %w", err)
	}
	return scanTracks(rows)
}

func (s *Store) albums(ctx context.Context, where, order string, args ...any) ([]contracts.AlbumEntry, error) {
	rows, err := s.pool.Query(ctx, visible+`SELECT `+albumCols+` FROM v `+where+albumGroup+` `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("library albums: %w", err)
	}
	return scanAlbums(rows)
}

const artistQuery = `SELECT v.artist_id, min(v.artist_name), count(DISTINCT coalesce(v.album_id, v.id))::int FROM v `

// LibraryArtists lists the artists with published songs by name.
func (s *Store) LibraryArtists(ctx context.Context, viewer uuid.UUID) ([]contracts.ArtistEntry, error) {
	rows, err := s.pool.Query(ctx, visible+artistQuery+`GROUP BY v.artist_id ORDER BY lower(min(v.artist_name)), v.artist_id`, viewer)
	if err != nil {
		return nil, err
	}
	return scanArtists(rows)
}

// LibraryArtist reads one artist with its albums.
func (s *Store) LibraryArtist(ctx context.Context, viewer, id uuid.UUID) (contracts.ArtistEntry, []contracts.AlbumEntry, error) {
	rows, err := s.pool.Query(ctx, visible+artistQuery+`WHERE v.artist_id = $2 GROUP BY v.artist_id`, viewer, id)
	if err != nil {
		return contracts.ArtistEntry{}, nil, err
	}
	as, err := scanArtists(rows)
	if err != nil {
		return contracts.ArtistEntry{}, nil, err
	}
	if len(as) == 0 {
		return contracts.ArtistEntry{}, nil, domain.ErrArtistNotFound
	}
	albums, err := s.albums(ctx, `WHERE v.artist_id = $2`, `ORDER BY max(v.year) DESC, min(v.album_title)`, viewer, id)
	return as[0], albums, err
}

// LibraryAlbum reads an album (or a single, by its song's id) with its tracks in order.
func (s *Store) LibraryAlbum(ctx context.Context, viewer, id uuid.UUID) (contracts.AlbumEntry, []contracts.Track, error) {
	const where = `WHERE coalesce(v.album_id, v.id) = $2`
	as, err := s.albums(ctx, where, ``, viewer, id)
	if err != nil {
		return contracts.AlbumEntry{}, nil, err
	}
	if len(as) == 0 {
		return contracts.AlbumEntry{}, nil, domain.ErrAlbumNotFound
	}
	ts, err := s.tracks(ctx, where, `ORDER BY v.track = 0, v.track, v.created_at, v.id`, viewer, id)
	return as[0], ts, err
}

// LibraryTrack reads one published song.
func (s *Store) LibraryTrack(ctx context.Context, viewer, id uuid.UUID) (contracts.Track, error) {
	ts, err := s.tracks(ctx, `WHERE v.id = $2`, ``, viewer, id)
	if err != nil {
		return contracts.Track{}, err
	}
	if len(ts) == 0 {
		return contracts.Track{}, domain.ErrSongNotFound
	}
	return ts[0], nil
}

// LibraryTracks reads published songs by id, in the order given (hidden ones are left out).
func (s *Store) LibraryTracks(ctx context.Context, viewer uuid.UUID, ids []uuid.UUID) ([]contracts.Track, error) {
	if len(ids) == 0 {
		return []contracts.Track{}, nil
	}
	ts, err := s.tracks(ctx, `WHERE v.id = ANY($2)`, ``, viewer, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[uuid.UUID]contracts.Track, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	out := make([]contracts.Track, 0, len(ids))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// LibraryAlbumList pages an album list; ok is false for an order it does not know.
func (s *Store) LibraryAlbumList(ctx context.Context, viewer uuid.UUID, q contracts.AlbumListQuery) ([]contracts.AlbumEntry, bool, error) {
	where, order := ``, ``
	args := []any{viewer, q.Size, q.Offset}
	switch q.Type {
	case contracts.AlbumsNewest:
		order = `ORDER BY min(v.created_at) DESC, aid`
	case contracts.AlbumsRandom:
		order = `ORDER BY random()`
	case contracts.AlbumsFrequent, contracts.AlbumsHighestRated:
		// no ratings: the most played come first for "highest" too
		order = `ORDER BY sum(v.play_count) DESC, aid`
	case contracts.AlbumsRecent:
		where = `WHERE EXISTS (SELECT 1 FROM music.stream_requests sr WHERE sr.song_id = v.id AND sr.user_id = $1)`
		order = `ORDER BY (SELECT max(sr.at) FROM music.stream_requests sr WHERE sr.user_id = $1
		           AND sr.song_id = ANY(array_agg(v.id))) DESC NULLS LAST, aid`
	case contracts.AlbumsStarred:
		where = `WHERE v.starred_at IS NOT NULL`
		order = `ORDER BY max(v.starred_at) DESC, aid`
	case contracts.AlbumsByName:
		order = `ORDER BY lower(min(v.album_title)), aid`
	case contracts.AlbumsByArtist:
		order = `ORDER BY lower(min(v.artist_name)), lower(min(v.album_title)), aid`
	case contracts.AlbumsByGenre:
		where, args = `WHERE v.genre = $4`, append(args, strings.ToLower(strings.TrimSpace(q.Genre)))
		order = `ORDER BY lower(min(v.album_title)), aid`
	case contracts.AlbumsByYear:
		lo, hi, desc := q.FromYear, q.ToYear, q.FromYear > q.ToYear
		if desc {
			lo, hi = hi, lo
		}
		where, args = `WHERE v.year BETWEEN $4 AND $5`, append(args, lo, hi)
		order = `ORDER BY max(v.year), aid`
		if desc {
			order = `ORDER BY max(v.year) DESC, aid`
		}
	default:
		return nil, false, nil
	}
	as, err := s.albums(ctx, where, order+` LIMIT $2 OFFSET $3`, args...)
	return as, true, err
}

// LibraryRandomTracks picks published songs at random.
func (s *Store) LibraryRandomTracks(ctx context.Context, viewer uuid.UUID, size int, genre string, fromYear, toYear int) ([]contracts.Track, error) {
	if toYear == 0 {
		toYear = 1 << 30
	}
	return s.tracks(ctx, `WHERE ($3 = '' OR v.genre = $3) AND v.year BETWEEN $4 AND $5`, `ORDER BY random() LIMIT $2`,
		viewer, size, strings.ToLower(strings.TrimSpace(genre)), fromYear, toYear)
}

// LibraryTracksByGenre pages the published songs of a genre.
func (s *Store) LibraryTracksByGenre(ctx context.Context, viewer uuid.UUID, genre string, count, offset int) ([]contracts.Track, error) {
	return s.tracks(ctx, `WHERE v.genre = $2`, `ORDER BY lower(v.title), v.id LIMIT $3 OFFSET $4`,
		viewer, strings.ToLower(strings.TrimSpace(genre)), count, offset)
}

// LibraryGenres lists the genres of published songs.
func (s *Store) LibraryGenres(ctx context.Context) ([]contracts.GenreEntry, error) {
	rows, err := s.pool.Query(ctx, visible+`SELECT v.genre, count(*)::int, count(DISTINCT coalesce(v.album_id, v.id))::int
		FROM v WHERE v.genre <> '' GROUP BY v.genre ORDER BY v.genre`, uuid.Nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []contracts.GenreEntry{}
	for rows.Next() {
		var g contracts.GenreEntry
		if err := rows.Scan(&g.Name, &g.SongCount, &g.AlbumCount); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// likePattern turns search text into an ILIKE pattern ("" matches everything).
func likePattern(text string) string {
	text = strings.Trim(strings.TrimSpace(text), `"*`)
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(text) + "%"
}

// LibrarySearch finds artists, albums and songs whose names contain the text.
func (s *Store) LibrarySearch(ctx context.Context, viewer uuid.UUID, q contracts.SearchQuery) (contracts.SearchResult, error) {
	pat := likePattern(q.Text)
	var out contracts.SearchResult
	rows, err := s.pool.Query(ctx, visible+artistQuery+`WHERE v.artist_name ILIKE $2 GROUP BY v.artist_id
		ORDER BY lower(min(v.artist_name)), v.artist_id LIMIT $3 OFFSET $4`, viewer, pat, q.ArtistCount, q.ArtistOffset)
	if err != nil {
		return out, err
	}
	if out.Artists, err = scanArtists(rows); err != nil {
		return out, err
	}
	if out.Albums, err = s.albums(ctx, `WHERE v.album_title ILIKE $2`, `ORDER BY lower(min(v.album_title)), aid LIMIT $3 OFFSET $4`,
		viewer, pat, q.AlbumCount, q.AlbumOffset); err != nil {
		return out, err
	}
	out.Songs, err = s.tracks(ctx, `WHERE v.haystack ILIKE $2`, `ORDER BY lower(v.title), v.id LIMIT $3 OFFSET $4`,
		viewer, pat, q.SongCount, q.SongOffset)
	return out, err
}

// LibraryStarred lists the viewer's liked published songs, newest like first.
func (s *Store) LibraryStarred(ctx context.Context, viewer uuid.UUID) ([]contracts.Track, error) {
	return s.tracks(ctx, `WHERE v.starred_at IS NOT NULL`, `ORDER BY v.starred_at DESC, v.id LIMIT 1000`, viewer)
}
