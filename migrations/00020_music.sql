-- +goose Up
CREATE SCHEMA music;

-- One profile per artist user. The verified flag is set by an admin.
CREATE TABLE music.artists (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL,
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    bio        text NOT NULL DEFAULT '',
    image_url  text NOT NULL DEFAULT '',
    verified   boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT artists_user_id_key UNIQUE (user_id)
);

CREATE TABLE music.albums (
    id           uuid PRIMARY KEY,
    artist_id    uuid NOT NULL REFERENCES music.artists (id),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    release_date date,
    cover_url    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX albums_artist_idx ON music.albums (artist_id, created_at DESC, id);

CREATE TABLE music.songs (
    id              uuid PRIMARY KEY,
    artist_id       uuid NOT NULL REFERENCES music.artists (id),
    -- denormalised for search; kept in step when the artist is renamed
    artist_name     text NOT NULL,
    album_id        uuid REFERENCES music.albums (id) ON DELETE SET NULL,
    track_number    integer CHECK (track_number IS NULL OR track_number BETWEEN 1 AND 999),
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    genre           text NOT NULL DEFAULT '',
    explicit        boolean NOT NULL DEFAULT false,
    duration_ms     integer,
    status          text NOT NULL CHECK (status IN ('draft', 'processing', 'ready', 'failed')),
    failure_reason  text NOT NULL DEFAULT '',
    published       boolean NOT NULL DEFAULT false,
    deleted         boolean NOT NULL DEFAULT false,
    play_count      bigint NOT NULL DEFAULT 0,
    -- the current original upload: its content address and what the file said about itself
    original_key    text NOT NULL DEFAULT '',
    original_sha256 text NOT NULL DEFAULT '',
    original_format text NOT NULL DEFAULT '',
    tags            jsonb NOT NULL DEFAULT '{}',
    -- bumped on every upload so that a stale transcoding job recognises itself
    upload_version  integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    -- what text search looks at: title and artist (genre is a filter of its own)
    search_text     text GENERATED ALWAYS AS (title || ' ' || artist_name) STORED,
    search_vector   tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A') ||
        setweight(to_tsvector('simple'::regconfig, artist_name), 'B')) STORED
);
CREATE INDEX songs_search_vector_idx ON music.songs USING gin (search_vector);
-- The words of the catalog, for typo tolerance: each word of a query is widened to the catalog
-- words that look like it (trigram similarity) before the full-text match.
CREATE TABLE music.search_words (word text PRIMARY KEY);
CREATE INDEX search_words_trgm_idx ON music.search_words USING gin (word gin_trgm_ops);

-- +goose StatementBegin
CREATE FUNCTION music.collect_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO music.search_words (word)
    SELECT DISTINCT w FROM unnest(tsvector_to_array(NEW.search_vector)) AS w
    WHERE length(w) BETWEEN 2 AND 40
    ORDER BY w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER songs_search_words AFTER INSERT OR UPDATE OF title, artist_name ON music.songs
    FOR EACH ROW EXECUTE FUNCTION music.collect_search_words();

CREATE INDEX songs_artist_idx ON music.songs (artist_id, created_at DESC, id);
CREATE INDEX songs_album_idx ON music.songs (album_id, track_number);
CREATE INDEX songs_listing_idx ON music.songs (created_at DESC, id) WHERE published AND NOT deleted AND status = 'ready';
CREATE INDEX songs_genre_idx ON music.songs (lower(genre), created_at DESC, id) WHERE published AND NOT deleted AND status = 'ready';

-- Every rendition of a song's current audio (the original included), content-addressed.
CREATE TABLE music.renditions (
    song_id      uuid NOT NULL REFERENCES music.songs (id),
    rendition    text NOT NULL CHECK (rendition IN ('original', 'high', 'low')),
    storage_key  text NOT NULL,
    content_type text NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes >= 0),
    bitrate_kbps integer NOT NULL DEFAULT 0,
    sha256       text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (song_id, rendition)
);

CREATE TABLE music.playlists (
    id          uuid PRIMARY KEY,
    owner_id    uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    public      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX playlists_owner_idx ON music.playlists (owner_id, created_at DESC, id);

CREATE TABLE music.playlist_songs (
    playlist_id uuid NOT NULL REFERENCES music.playlists (id) ON DELETE CASCADE,
    song_id     uuid NOT NULL REFERENCES music.songs (id),
    position    integer NOT NULL,
    added_at    timestamptz NOT NULL,
    PRIMARY KEY (playlist_id, song_id)
);

CREATE TABLE music.likes (
    user_id    uuid NOT NULL,
    song_id    uuid NOT NULL REFERENCES music.songs (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, song_id)
);
CREATE INDEX likes_user_idx ON music.likes (user_id, created_at DESC, song_id);

-- One row per streaming request: what was asked for and how many bytes actually left. A
-- request from byte 0 is a stream start; the listen-reward rules read these.
CREATE TABLE music.stream_requests (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    song_id      uuid NOT NULL,
    user_id      uuid NOT NULL,
    session_id   text NOT NULL DEFAULT '',
    rendition    text NOT NULL,
    range_start  bigint NOT NULL,
    bytes_served bigint NOT NULL,
    started      boolean NOT NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX stream_requests_song_idx ON music.stream_requests (song_id, at);
CREATE INDEX stream_requests_user_idx ON music.stream_requests (user_id, at);

-- +goose Down
DROP SCHEMA music CASCADE;
