// Package postgres is the music context's persistence: sqlc queries over the music schema, the
// mapping to domain objects, the outbox events and jobs written with each change, and the
// metadata cache.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres/musicdb"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// TranscodeArgs is the durable transcoding job of one upload version of a song.
type TranscodeArgs struct {
	SongID  uuid.UUID `json:"song_id"`
	Version int       `json:"version"`
}

// Kind implements river.JobArgs.
func (TranscodeArgs) Kind() string { return "music_transcode" }

// TranscodeMaxAttempts bounds the retries of a transcoding job before the song is marked failed.
const TranscodeMaxAttempts = 3

// JobInserter enqueues River jobs inside a transaction.
type JobInserter interface {
	InsertTx(ctx context.Context, tx pgx.Tx, params ...river.InsertManyParams) error
}

// Store implements the domain repositories on Postgres.
type Store struct {
	pool  *pgxpool.Pool
	q     *musicdb.Queries
	bus   events.Publisher
	jobs  JobInserter
	cache *Cache
}

// NewStore builds the store; cache may be nil (no caching).
func NewStore(pool *pgxpool.Pool, bus events.Publisher, jobs JobInserter, cache *Cache) *Store {
	return &Store{pool: pool, q: musicdb.New(pool), bus: bus, jobs: jobs, cache: cache}
}

// inTx runs fn in a transaction; after commit, the keys it invalidated are dropped locally (the
// NOTIFY sent inside the transaction reaches the other instances).
func (s *Store) inTx(ctx context.Context, fn func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error) error {
	var inv invalidation
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		inv = invalidation{}
		if err := fn(s.q.WithTx(tx), tx, &inv); err != nil {
			return err
		}
		for _, k := range inv.keys {
			if _, err := tx.Exec(ctx, "SELECT pg_notify($1, $2)", CacheChannel, k); err != nil {
				return fmt.Errorf("notify cache invalidation: %w", err)
			}
		}
		return nil
	})
	if err == nil && len(inv.keys) > 0 {
		s.cache.Invalidate(inv.keys...)
	}
	return err
}

type invalidation struct{ keys []string }

func (i *invalidation) add(keys ...string) { i.keys = append(i.keys, keys...) }

// ---- artists

func artistFromRow(r musicdb.MusicArtist) *domain.Artist {
	return domain.RehydrateArtist(r.ID, r.UserID, r.Name, r.Bio, r.ImageUrl, r.Verified, r.CreatedAt, r.UpdatedAt)
}

// GetArtist reads an artist (cached).
func (s *Store) GetArtist(ctx context.Context, id uuid.UUID) (*domain.Artist, error) {
	key := artistKey(id)
	if v, _, ok := s.cache.get(key); ok {
		return v.(*domain.Artist), nil
	}
	_, gen, _ := s.cache.get(key)
	r, err := s.q.GetArtist(ctx, id)
	if err != nil {
		return nil, notFound(err, domain.ErrArtistNotFound)
	}
	a := artistFromRow(r)
	s.cache.set(key, a, gen)
	return a, nil
}

// ArtistByUser reads the profile of a user (cached).
func (s *Store) ArtistByUser(ctx context.Context, userID uuid.UUID) (*domain.Artist, error) {
	key := artistUserKey(userID)
	v, gen, ok := s.cache.get(key)
	if ok {
		return v.(*domain.Artist), nil
	}
	r, err := s.q.GetArtistByUser(ctx, userID)
	if err != nil {
		return nil, notFound(err, domain.ErrArtistNotFound)
	}
	a := artistFromRow(r)
	s.cache.set(key, a, gen)
	return a, nil
}

// AddArtist inserts a profile, or returns the user's existing one.
func (s *Store) AddArtist(ctx context.Context, a *domain.Artist) (*domain.Artist, error) {
	var out *domain.Artist
	err := s.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error {
		r, err := q.InsertArtist(ctx, musicdb.InsertArtistParams{ID: a.ID(), UserID: a.UserID(), Name: a.Name(), Bio: a.Bio(),
			ImageUrl: a.ImageURL(), Verified: a.Verified(), CreatedAt: a.CreatedAt(), UpdatedAt: a.UpdatedAt()})
		if pg.IsNoRows(err) {
			r, err = q.GetArtistByUser(ctx, a.UserID())
		}
		if err != nil {
			return fmt.Errorf("insert artist: %w", err)
		}
		out = artistFromRow(r)
		inv.add(artistUserKey(a.UserID()))
		return nil
	})
	return out, err
}

// UpdateArtist loads an artist for update, applies fn and saves it.
func (s *Store) UpdateArtist(ctx context.Context, id uuid.UUID, fn func(*domain.Artist) error) (*domain.Artist, error) {
	var out *domain.Artist
	err := s.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error {
		r, err := q.GetArtistForUpdate(ctx, id)
		if err != nil {
			return notFound(err, domain.ErrArtistNotFound)
		}
		a := artistFromRow(r)
		if err := fn(a); err != nil {
			return err
		}
		if err := q.UpdateArtist(ctx, musicdb.UpdateArtistParams{ID: id, Name: a.Name(), Bio: a.Bio(), ImageUrl: a.ImageURL(),
			Verified: a.Verified(), UpdatedAt: a.UpdatedAt()}); err != nil {
			return err
		}
		if a.Name() != r.Name {
			if err := q.RenameArtistSongs(ctx, musicdb.RenameArtistSongsParams{ArtistID: id, ArtistName: a.Name()}); err != nil {
				return err
			}
			// Songs embed the artist's name; their cached copies go too.
			ids, err := songIDsOfArtist(ctx, tx, id)
			if err != nil {
				return err
			}
			for _, sid := range ids {
				inv.add(songKey(sid))
			}
		}
		inv.add(artistKey(id), artistUserKey(a.UserID()))
		out = a
		return nil
	})
	return out, err
}

func songIDsOfArtist(ctx context.Context, tx pgx.Tx, artistID uuid.UUID) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, "SELECT id FROM music.songs WHERE artist_id = $1", artistID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}

// ---- albums

func albumFromRow(r musicdb.MusicAlbum) *domain.Album {
	var rd *time.Time
	if r.ReleaseDate.Valid {
		t := r.ReleaseDate.Time
		rd = &t
	}
	return domain.RehydrateAlbum(r.ID, r.ArtistID, r.Title, rd, r.CoverUrl, r.CreatedAt, r.UpdatedAt)
}

func dateOf(t *time.Time) pgtype.Date {
	if t == nil {
		return pgtype.Date{}
	}
	return pgtype.Date{Time: *t, Valid: true}
}

// GetAlbum reads an album (cached).
func (s *Store) GetAlbum(ctx context.Context, id uuid.UUID) (*domain.Album, error) {
	key := albumKey(id)
	v, gen, ok := s.cache.get(key)
	if ok {
		return v.(*domain.Album), nil
	}
	r, err := s.q.GetAlbum(ctx, id)
	if err != nil {
		return nil, notFound(err, domain.ErrAlbumNotFound)
	}
	a := albumFromRow(r)
	s.cache.set(key, a, gen)
	return a, nil
}

// AddAlbum inserts an album.
func (s *Store) AddAlbum(ctx context.Context, a *domain.Album) error {
	return s.q.InsertAlbum(ctx, musicdb.InsertAlbumParams{ID: a.ID(), ArtistID: a.ArtistID(), Title: a.Title(),
		ReleaseDate: dateOf(a.ReleaseDate()), CoverUrl: a.CoverURL(), CreatedAt: a.CreatedAt(), UpdatedAt: a.UpdatedAt()})
}

// UpdateAlbum loads an album for update, applies fn and saves it.
func (s *Store) UpdateAlbum(ctx context.Context, id uuid.UUID, fn func(*domain.Album) error) (*domain.Album, error) {
	var out *domain.Album
	err := s.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error {
		r, err := q.GetAlbumForUpdate(ctx, id)
		if err != nil {
			return notFound(err, domain.ErrAlbumNotFound)
		}
		a := albumFromRow(r)
		if err := fn(a); err != nil {
			return err
		}
		if err := q.UpdateAlbum(ctx, musicdb.UpdateAlbumParams{ID: id, Title: a.Title(), ReleaseDate: dateOf(a.ReleaseDate()),
			CoverUrl: a.CoverURL(), UpdatedAt: a.UpdatedAt()}); err != nil {
			return err
		}
		inv.add(albumKey(id))
		out = a
		return nil
	})
	return out, err
}

// DeleteAlbum removes an album; its songs lose the album.
func (s *Store) DeleteAlbum(ctx context.Context, id uuid.UUID) error {
	return s.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error {
		rows, err := tx.Query(ctx, "UPDATE music.songs SET album_id = NULL, track_number = NULL WHERE album_id = $1 RETURNING id", id)
		if err != nil {
			return err
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return err
		}
		n, err := q.DeleteAlbum(ctx, id)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.ErrAlbumNotFound
		}
		for _, sid := range ids {
			inv.add(songKey(sid))
		}
		inv.add(albumKey(id))
		return nil
	})
}

// ListAlbumsByArtist lists an artist's albums, newest release first.
func (s *Store) ListAlbumsByArtist(ctx context.Context, artistID uuid.UUID) ([]*domain.Album, error) {
	rows, err := s.q.ListAlbumsByArtist(ctx, artistID)
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Album, len(rows))
	for i, r := range rows {
		out[i] = albumFromRow(r)
	}
	return out, nil
}

// ---- songs

func songFromRow(r musicdb.GetSongRow, rends []musicdb.MusicRendition) (*domain.Song, error) {
	st, err := domain.ParseStatus(r.Status)
	if err != nil {
		return nil, err
	}
	state := domain.SongState{ID: r.ID, ArtistID: r.ArtistID, ArtistName: r.ArtistName,
		Details:    domain.SongDetails{Title: r.Title, Genre: r.Genre, Explicit: r.Explicit, AlbumID: r.AlbumID, TrackNumber: intPtr(r.TrackNumber)},
		DurationMS: intPtr(r.DurationMs), Status: st, FailureReason: r.FailureReason, Published: r.Published, Deleted: r.Deleted,
		PlayCount: r.PlayCount, UploadVersion: int(r.UploadVersion), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.StreamPrice != nil {
		p, err := money.New(money.USD, *r.StreamPrice)
		if err != nil {
			return nil, err
		}
		state.StreamPrice = &p
	}
	for _, rr := range rends {
		state.Renditions = append(state.Renditions, domain.Rendition{Quality: domain.Quality(rr.Rendition), Key: rr.StorageKey,
			ContentType: rr.ContentType, Size: rr.SizeBytes, BitrateKbps: int(rr.BitrateKbps), SHA256: rr.Sha256})
	}
	if r.OriginalKey != "" {
		o := &domain.Original{Format: r.OriginalFormat}
		if state.DurationMS != nil {
			o.DurationMS = *state.DurationMS
		}
		_ = json.Unmarshal(r.Tags, &o.Tags)
		for _, rr := range state.Renditions {
			if rr.Quality == domain.QualityOriginal {
				o.Rendition = rr
			}
		}
		if o.Key == "" {
			o.Rendition = domain.Rendition{Quality: domain.QualityOriginal, Key: r.OriginalKey, SHA256: r.OriginalSha256}
		}
		state.Original = o
	}
	return domain.RehydrateSong(state), nil
}

func priceUnits(p *money.Amount) *int64 {
	if p == nil {
		return nil
	}
	u := p.Units()
	return &u
}

func intPtr(v *int32) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

func int32Ptr(v *int) *int32 {
	if v == nil {
		return nil
	}
	n := int32(*v)
	return &n
}

// GetSong reads a song with its renditions (cached).
func (s *Store) GetSong(ctx context.Context, id uuid.UUID) (*domain.Song, error) {
	key := songKey(id)
	v, gen, ok := s.cache.get(key)
	if ok {
		return v.(*domain.Song), nil
	}
	r, err := s.q.GetSong(ctx, id)
	if err != nil {
		return nil, notFound(err, domain.ErrSongNotFound)
	}
	rends, err := s.q.ListRenditions(ctx, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	song, err := songFromRow(r, rends)
	if err != nil {
		return nil, err
	}
	s.cache.set(key, song, gen)
	return song, nil
}

// GetSongs reads several songs by id (uncached; for lists).
func (s *Store) GetSongs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*domain.Song, error) {
	rows, err := s.q.GetSongsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	conv := make([]musicdb.GetSongRow, len(rows))
	for i, r := range rows {
		conv[i] = musicdb.GetSongRow(r)
	}
	list, err := s.withRenditions(ctx, conv)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*domain.Song, len(list))
	for _, sg := range list {
		out[sg.ID()] = sg
	}
	return out, nil
}

func (s *Store) withRenditions(ctx context.Context, rows []musicdb.GetSongRow) ([]*domain.Song, error) {
	ids := make([]uuid.UUID, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	byID := map[uuid.UUID][]musicdb.MusicRendition{}
	if len(ids) > 0 {
		rends, err := s.q.ListRenditions(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range rends {
			byID[r.SongID] = append(byID[r.SongID], r)
		}
	}
	out := make([]*domain.Song, 0, len(rows))
	for _, r := range rows {
		sg, err := songFromRow(r, byID[r.ID])
		if err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, nil
}

func tagsJSON(o *domain.Original) []byte {
	if o == nil || len(o.Tags) == 0 {
		return []byte("{}")
	}
	b, err := json.Marshal(o.Tags)
	if err != nil {
		return []byte("{}")
	}
	return b
}

// AddSong inserts a new song.
func (s *Store) AddSong(ctx context.Context, sg *domain.Song) error {
	st := sg.State()
	p := musicdb.InsertSongParams{ID: st.ID, ArtistID: st.ArtistID, ArtistName: st.ArtistName, AlbumID: st.Details.AlbumID,
		TrackNumber: int32Ptr(st.Details.TrackNumber), Title: st.Details.Title, Genre: st.Details.Genre, Explicit: st.Details.Explicit,
		DurationMs: int32Ptr(st.DurationMS), Status: string(st.Status), FailureReason: st.FailureReason, Published: st.Published,
		Deleted: st.Deleted, PlayCount: st.PlayCount, Tags: tagsJSON(st.Original), UploadVersion: int32(st.UploadVersion),
		CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt, StreamPrice: priceUnits(st.StreamPrice)}
	if err := s.q.InsertSong(ctx, p); err != nil {
		if pg.IsForeignKeyViolation(err, "") {
			return domain.ErrAlbumNotFound
		}
		return fmt.Errorf("insert song: %w", err)
	}
	return nil
}

// UpdateSong loads a song for update, applies fn, saves it with its renditions, and turns the
// events it recorded into outbox events (song ready) and jobs (transcoding) in the same
// transaction.
func (s *Store) UpdateSong(ctx context.Context, id uuid.UUID, fn func(*domain.Song) error) (*domain.Song, error) {
	var out *domain.Song
	err := s.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, inv *invalidation) error {
		r, err := q.GetSongForUpdate(ctx, id)
		if err != nil {
			return notFound(err, domain.ErrSongNotFound)
		}
		rends, err := q.ListRenditions(ctx, []uuid.UUID{id})
		if err != nil {
			return err
		}
		sg, err := songFromRow(musicdb.GetSongRow(r), rends)
		if err != nil {
			return err
		}
		if err := fn(sg); err != nil {
			return err
		}
		st := sg.State()
		p := musicdb.UpdateSongParams{ID: id, AlbumID: st.Details.AlbumID, TrackNumber: int32Ptr(st.Details.TrackNumber),
			Title: st.Details.Title, Genre: st.Details.Genre, Explicit: st.Details.Explicit, DurationMs: int32Ptr(st.DurationMS),
			Status: string(st.Status), FailureReason: st.FailureReason, Published: st.Published, Deleted: st.Deleted,
			Tags: tagsJSON(st.Original), UploadVersion: int32(st.UploadVersion), UpdatedAt: st.UpdatedAt, StreamPrice: priceUnits(st.StreamPrice)}
		if st.Original != nil {
			p.OriginalKey, p.OriginalSha256, p.OriginalFormat = st.Original.Key, st.Original.SHA256, st.Original.Format
		}
		if err := q.UpdateSong(ctx, p); err != nil {
			if pg.IsForeignKeyViolation(err, "") {
				return domain.ErrAlbumNotFound
			}
			return fmt.Errorf("update song: %w", err)
		}
		if !sameRenditions(rends, st.Renditions) {
			if err := q.DeleteRenditions(ctx, id); err != nil {
				return err
			}
			for _, rd := range st.Renditions {
				if err := q.InsertRendition(ctx, musicdb.InsertRenditionParams{SongID: id, Rendition: string(rd.Quality),
					StorageKey: rd.Key, ContentType: rd.ContentType, SizeBytes: rd.Size, BitrateKbps: int32(rd.BitrateKbps),
					Sha256: rd.SHA256, CreatedAt: st.UpdatedAt}); err != nil {
					return fmt.Errorf("insert rendition: %w", err)
				}
			}
		}
		if err := s.emit(ctx, tx, sg.PullEvents()); err != nil {
			return err
		}
		inv.add(songKey(id))
		out = sg
		return nil
	})
	return out, err
}

func sameRenditions(old []musicdb.MusicRendition, cur []domain.Rendition) bool {
	if len(old) != len(cur) {
		return false
	}
	m := map[string]string{}
	for _, o := range old {
		m[o.Rendition] = o.StorageKey
	}
	for _, c := range cur {
		if m[string(c.Quality)] != c.Key {
			return false
		}
	}
	return true
}

func (s *Store) emit(ctx context.Context, tx pgx.Tx, evs []any) error {
	var envs []events.Envelope
	var params []river.InsertManyParams
	for _, ev := range evs {
		switch e := ev.(type) {
		case domain.SongReady:
			env, err := events.New(ctx, contracts.SongReadyV1, contracts.Source, contracts.SongReady{
				SongID: e.SongID, ArtistID: e.ArtistID, DurationMS: e.DurationMS, ReadyAt: e.At}, events.At(e.At))
			if err != nil {
				return err
			}
			envs = append(envs, env)
		case domain.SongPublished:
			env, err := events.New(ctx, contracts.SongPublishedV1, contracts.Source, contracts.SongPublished{
				SongID: e.SongID, ArtistID: e.ArtistID, PublishedAt: e.At}, events.At(e.At))
			if err != nil {
				return err
			}
			envs = append(envs, env)
		case domain.UploadAccepted:
			params = append(params, river.InsertManyParams{Args: TranscodeArgs{SongID: e.SongID, Version: e.Version},
				InsertOpts: &river.InsertOpts{Queue: jobs.QueueMedia, MaxAttempts: TranscodeMaxAttempts}})
		}
	}
	if len(envs) > 0 {
		if err := s.bus.Publish(ctx, tx, envs...); err != nil {
			return err
		}
	}
	if len(params) > 0 {
		if err := s.jobs.InsertTx(ctx, tx, params...); err != nil {
			return fmt.Errorf("enqueue transcoding: %w", err)
		}
	}
	return nil
}

// ListPublishedSongIDs implements contracts.PublishedSongs (keyset paging by id).
func (s *Store) ListPublishedSongIDs(ctx context.Context, after uuid.UUID, limit int) ([]uuid.UUID, error) {
	if limit <= 0 {
		return nil, nil
	}
	return s.q.ListPublishedSongIDs(ctx, musicdb.ListPublishedSongIDsParams{After: after, Lim: int32(min(limit, 10_000))})
}

// ListSongsByArtist lists an artist's songs, newest first.
func (s *Store) ListSongsByArtist(ctx context.Context, artistID uuid.UUID, includeHidden bool, limit int) ([]*domain.Song, error) {
	rows, err := s.q.ListSongsByArtist(ctx, musicdb.ListSongsByArtistParams{ArtistID: artistID, IncludeHidden: includeHidden, Lim: int32(limit)})
	if err != nil {
		return nil, err
	}
	conv := make([]musicdb.GetSongRow, len(rows))
	for i, r := range rows {
		conv[i] = musicdb.GetSongRow(r)
	}
	return s.withRenditions(ctx, conv)
}

// SearchSongs runs a catalog search or listing with keyset pagination.
func (s *Store) SearchSongs(ctx context.Context, q domain.SongQuery) ([]*domain.Song, *domain.SongCursor, error) {
	var artist uuid.UUID
	if q.ArtistID != nil {
		artist = *q.ArtistID
	}
	lim := int32(q.Limit + 1)
	var conv []musicdb.GetSongRow
	var scores []float64
	if q.Text == "" {
		p := musicdb.ListSongsParams{Genre: q.Genre, ArtistID: artist, Lim: lim}
		if q.After != nil {
			p.HasCursor, p.AfterCreatedAt, p.AfterID = true, q.After.CreatedAt, q.After.ID
		}
		rows, err := s.q.ListSongs(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			conv = append(conv, musicdb.GetSongRow(r))
		}
	} else {
		p := musicdb.SearchSongsParams{Query: q.Text, Genre: q.Genre, ArtistID: artist, Lim: lim}
		if q.After != nil {
			p.HasCursor, p.AfterScore, p.AfterID = true, q.After.Score, q.After.ID
		}
		rows, err := s.q.SearchSongs(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			conv = append(conv, musicdb.GetSongRow{ID: r.ID, ArtistID: r.ArtistID, ArtistName: r.ArtistName, AlbumID: r.AlbumID,
				TrackNumber: r.TrackNumber, Title: r.Title, Genre: r.Genre, Explicit: r.Explicit, DurationMs: r.DurationMs,
				Status: r.Status, FailureReason: r.FailureReason, Published: r.Published, Deleted: r.Deleted, PlayCount: r.PlayCount,
				OriginalKey: r.OriginalKey, OriginalSha256: r.OriginalSha256, OriginalFormat: r.OriginalFormat, Tags: r.Tags,
				UploadVersion: r.UploadVersion, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, StreamPrice: r.StreamPrice})
			scores = append(scores, r.Score)
		}
	}
	var next *domain.SongCursor
	if len(conv) > q.Limit {
		conv = conv[:q.Limit]
		last := conv[len(conv)-1]
		next = &domain.SongCursor{ID: last.ID, CreatedAt: last.CreatedAt}
		if scores != nil {
			next.Score = scores[q.Limit-1]
			next.CreatedAt = time.Time{}
		}
	}
	songs, err := s.withRenditions(ctx, conv)
	return songs, next, err
}

// ---- playlists

func (s *Store) loadPlaylist(ctx context.Context, q *musicdb.Queries, r musicdb.MusicPlaylist) (*domain.Playlist, error) {
	ids, err := q.PlaylistSongs(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	return domain.RehydratePlaylist(r.ID, r.OwnerID, r.Name, r.Description, r.Public, ids, r.CreatedAt, r.UpdatedAt), nil
}

// GetPlaylist reads a playlist with its songs in order.
func (s *Store) GetPlaylist(ctx context.Context, id uuid.UUID) (*domain.Playlist, error) {
	r, err := s.q.GetPlaylist(ctx, id)
	if err != nil {
		return nil, notFound(err, domain.ErrPlaylistNotFound)
	}
	return s.loadPlaylist(ctx, s.q, r)
}

// AddPlaylist inserts a playlist.
func (s *Store) AddPlaylist(ctx context.Context, p *domain.Playlist) error {
	return s.q.InsertPlaylist(ctx, musicdb.InsertPlaylistParams{ID: p.ID(), OwnerID: p.OwnerID(), Name: p.Name(),
		Description: p.Description(), Public: p.Public(), CreatedAt: p.CreatedAt(), UpdatedAt: p.UpdatedAt()})
}

// UpdatePlaylist loads a playlist for update (so concurrent edits serialise), applies fn and
// saves it.
func (s *Store) UpdatePlaylist(ctx context.Context, id uuid.UUID, fn func(*domain.Playlist) error) (*domain.Playlist, error) {
	var out *domain.Playlist
	err := s.inTx(ctx, func(q *musicdb.Queries, tx pgx.Tx, _ *invalidation) error {
		r, err := q.GetPlaylistForUpdate(ctx, id)
		if err != nil {
			return notFound(err, domain.ErrPlaylistNotFound)
		}
		p, err := s.loadPlaylist(ctx, q, r)
		if err != nil {
			return err
		}
		before := p.Songs()
		if err := fn(p); err != nil {
			return err
		}
		if err := q.UpdatePlaylist(ctx, musicdb.UpdatePlaylistParams{ID: id, Name: p.Name(), Description: p.Description(),
			Public: p.Public(), UpdatedAt: p.UpdatedAt()}); err != nil {
			return err
		}
		if after := p.Songs(); !equalIDs(before, after) {
			if err := q.ClearPlaylistSongs(ctx, id); err != nil {
				return err
			}
			if err := q.InsertPlaylistSongs(ctx, musicdb.InsertPlaylistSongsParams{PlaylistID: id, SongIds: after, AddedAt: p.UpdatedAt()}); err != nil {
				if pg.IsForeignKeyViolation(err, "") {
					return domain.ErrSongNotFound
				}
				return err
			}
		}
		out = p
		return nil
	})
	return out, err
}

func equalIDs(a, b []uuid.UUID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// DeletePlaylist removes a playlist.
func (s *Store) DeletePlaylist(ctx context.Context, id uuid.UUID) error {
	n, err := s.q.DeletePlaylist(ctx, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.ErrPlaylistNotFound
	}
	return nil
}

// ListPlaylistsByOwner lists a user's playlists, newest first.
func (s *Store) ListPlaylistsByOwner(ctx context.Context, owner uuid.UUID, limit int, after *domain.PageCursor) ([]*domain.Playlist, *domain.PageCursor, error) {
	p := musicdb.ListPlaylistsByOwnerParams{OwnerID: owner, Lim: int32(limit + 1)}
	if after != nil {
		p.HasCursor, p.AfterAt, p.AfterID = true, after.At, after.ID
	}
	rows, err := s.q.ListPlaylistsByOwner(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	var next *domain.PageCursor
	if len(rows) > limit {
		rows = rows[:limit]
		next = &domain.PageCursor{At: rows[limit-1].CreatedAt, ID: rows[limit-1].ID}
	}
	out := make([]*domain.Playlist, 0, len(rows))
	for _, r := range rows {
		pl, err := s.loadPlaylist(ctx, s.q, r)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, pl)
	}
	return out, next, nil
}

// ---- likes

// Like records that user likes song (idempotent).
func (s *Store) Like(ctx context.Context, user, song uuid.UUID, at time.Time) error {
	err := s.q.InsertLike(ctx, musicdb.InsertLikeParams{UserID: user, SongID: song, CreatedAt: at})
	if pg.IsForeignKeyViolation(err, "") {
		return domain.ErrSongNotFound
	}
	return err
}

// Unlike removes a like (idempotent).
func (s *Store) Unlike(ctx context.Context, user, song uuid.UUID) error {
	return s.q.DeleteLike(ctx, musicdb.DeleteLikeParams{UserID: user, SongID: song})
}

// ListLiked lists a user's likes, newest first.
func (s *Store) ListLiked(ctx context.Context, user uuid.UUID, limit int, after *domain.PageCursor) ([]domain.LikedSong, *domain.PageCursor, error) {
	p := musicdb.ListLikesParams{UserID: user, Lim: int32(limit + 1)}
	if after != nil {
		p.HasCursor, p.AfterAt, p.AfterID = true, after.At, after.ID
	}
	rows, err := s.q.ListLikes(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	var next *domain.PageCursor
	if len(rows) > limit {
		rows = rows[:limit]
		next = &domain.PageCursor{At: rows[limit-1].CreatedAt, ID: rows[limit-1].SongID}
	}
	out := make([]domain.LikedSong, len(rows))
	for i, r := range rows {
		out[i] = domain.LikedSong{SongID: r.SongID, LikedAt: r.CreatedAt}
	}
	return out, next, nil
}

func notFound(err error, nf error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nf
	}
	return err
}
