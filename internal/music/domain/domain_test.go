package domain_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/music/domain"
)

var now = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func artist(t *testing.T) *domain.Artist {
	a, err := domain.NewArtist(uuid.New(), uuid.New(), domain.ArtistProfile{Name: "  Sines "}, now)
	require.NoError(t, err)
	return a
}

func TestArtistValidation(t *testing.T) {
	t.Parallel()
	a := artist(t)
	assert.Equal(t, "Sines", a.Name(), "trimmed")
	_, err := domain.NewArtist(uuid.New(), uuid.Nil, domain.ArtistProfile{Name: "", ImageURL: "javascript:alert(1)"}, now)
	e, ok := errs.As(err)
	require.True(t, ok)
	assert.Contains(t, e.Fields(), "name")
	assert.Contains(t, e.Fields(), "image_url")
	assert.Contains(t, e.Fields(), "user_id")
	a.SetVerified(true, now)
	assert.True(t, a.Verified())
}

func TestSongLifecycle(t *testing.T) {
	t.Parallel()
	a := artist(t)
	s, err := domain.NewSong(uuid.New(), a, domain.SongDetails{Title: "Tone", Genre: " Ambient "}, now)
	require.NoError(t, err)
	assert.Equal(t, domain.StatusDraft, s.Status())
	assert.Equal(t, "ambient", s.Details().Genre)
	assert.ErrorIs(t, s.Publish(now), domain.ErrSongNotReady)

	orig := domain.Original{Rendition: domain.Rendition{Key: "k1", Size: 10}, Format: "flac", DurationMS: 2000}
	v, err := s.AcceptUpload(orig, now)
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	assert.Equal(t, domain.StatusProcessing, s.Status())
	assert.Equal(t, 2000, *s.DurationMS())
	assert.IsType(t, domain.UploadAccepted{}, s.PullEvents()[0])
	_, err = s.AcceptUpload(orig, now)
	assert.ErrorIs(t, err, domain.ErrSongProcessing, "no second upload while processing")

	assert.ErrorIs(t, s.MarkReady(0, 0, nil, now), domain.ErrStaleUpload, "a stale job changes nothing")
	low := domain.Rendition{Quality: domain.QualityLow, Key: "k2", BitrateKbps: 96}
	require.NoError(t, s.MarkReady(1, 0, []domain.Rendition{low}, now))
	assert.Equal(t, domain.StatusReady, s.Status())
	evs := s.PullEvents()
	require.Len(t, evs, 1)
	assert.Equal(t, domain.SongReady{SongID: s.ID(), ArtistID: a.ID(), DurationMS: 2000, At: now}, evs[0])
	assert.ErrorIs(t, s.MarkReady(1, 0, nil, now), domain.ErrStaleUpload, "only once")

	// renditions: a missing rung falls back to the original
	r, err := s.Rendition(domain.QualityLow)
	require.NoError(t, err)
	assert.Equal(t, "k2", r.Key)
	r, err = s.Rendition(domain.QualityHigh)
	require.NoError(t, err)
	assert.Equal(t, "k1", r.Key)

	require.NoError(t, s.Publish(now))
	assert.True(t, s.VisibleToPublic())
	assert.Equal(t, []any{domain.SongPublished{SongID: s.ID(), ArtistID: a.ID(), At: now}}, s.PullEvents())
	require.NoError(t, s.Publish(now))
	assert.Empty(t, s.PullEvents(), "publishing a published song records nothing")
	later := now.Add(time.Minute)
	s.Unpublish(later)
	require.NoError(t, s.Publish(later))
	assert.Equal(t, []any{domain.SongPublished{SongID: s.ID(), ArtistID: a.ID(), At: later}}, s.PullEvents(), "published again")
	s.Delete(now)
	assert.False(t, s.VisibleToPublic())
	assert.ErrorIs(t, s.Publish(now), domain.ErrSongDeleted)
	_, err = s.AcceptUpload(orig, now)
	assert.ErrorIs(t, err, domain.ErrSongDeleted)
}

func TestSongFailureKeepsAReadableReason(t *testing.T) {
	t.Parallel()
	s, err := domain.NewSong(uuid.New(), artist(t), domain.SongDetails{Title: "T"}, now)
	require.NoError(t, err)
	_, err = s.AcceptUpload(domain.Original{Rendition: domain.Rendition{Key: "k"}}, now)
	require.NoError(t, err)
	require.NoError(t, s.MarkFailed(1, "ffmpeg: boom", now))
	assert.Equal(t, domain.StatusFailed, s.Status())
	assert.Equal(t, "ffmpeg: boom", s.FailureReason())
	_, err = s.AcceptUpload(domain.Original{Rendition: domain.Rendition{Key: "k3"}}, now)
	require.NoError(t, err, "a failed song accepts a new upload")
	assert.Empty(t, s.FailureReason())
}

func TestSongDetailsValidation(t *testing.T) {
	t.Parallel()
	track := 0
	_, err := domain.NewSong(uuid.New(), artist(t), domain.SongDetails{Title: " ", TrackNumber: &track}, now)
	e, ok := errs.As(err)
	require.True(t, ok)
	assert.Equal(t, "is required", e.Fields()["title"])
	assert.Contains(t, e.Fields(), "track_number")
}

func TestParseQuality(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]domain.Quality{"": domain.QualityHigh, "low": domain.QualityLow, "original": domain.QualityOriginal} {
		q, err := domain.ParseQuality(in)
		require.NoError(t, err)
		assert.Equal(t, want, q)
	}
	_, err := domain.ParseQuality("../../etc")
	assert.ErrorIs(t, err, errs.ErrValidation)
}

func TestPlaylistEditing(t *testing.T) {
	t.Parallel()
	owner := uuid.New()
	p, err := domain.NewPlaylist(uuid.New(), owner, domain.PlaylistDetails{Name: "Mix"}, now)
	require.NoError(t, err)
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	require.NoError(t, p.AddSong(a, nil, now))
	require.NoError(t, p.AddSong(b, nil, now))
	zero := 0
	require.NoError(t, p.AddSong(c, &zero, now))
	assert.Equal(t, []uuid.UUID{c, a, b}, p.Songs())
	assert.ErrorIs(t, p.AddSong(a, nil, now), domain.ErrAlreadyInPlaylist)
	neg := -1
	assert.Error(t, p.AddSong(uuid.New(), &neg, now))
	far := 99
	d := uuid.New()
	require.NoError(t, p.AddSong(d, &far, now))
	assert.Equal(t, d, p.Songs()[3], "past the end appends")

	assert.Error(t, p.Reorder([]uuid.UUID{a, b, c}, now), "must list every song")
	assert.Error(t, p.Reorder([]uuid.UUID{a, a, b, c}, now), "no duplicates")
	require.NoError(t, p.Reorder([]uuid.UUID{d, c, b, a}, now))
	require.NoError(t, p.RemoveSong(c, now))
	assert.Equal(t, []uuid.UUID{d, b, a}, p.Songs())
	assert.ErrorIs(t, p.RemoveSong(c, now), domain.ErrNotInPlaylist)

	assert.False(t, p.VisibleTo(uuid.New()))
	assert.True(t, p.VisibleTo(owner))
	require.NoError(t, p.Update(domain.PlaylistDetails{Name: "Public mix", Public: true}, now))
	assert.True(t, p.VisibleTo(uuid.New()))
	assert.Error(t, p.Update(domain.PlaylistDetails{Name: ""}, now))
}

func TestNormalizeSessionIDKeepsOnlyStorableText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 127) + "é" // é is two bytes: it would end at byte 129
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "abc-123", "abc-123"},
		{"nul dropped", "ab\x00c", "abc"},
		{"invalid utf-8 dropped", "ab\xe2\x82", "ab"},
		{"lone continuation dropped", "\x80x", "x"},
		{"control dropped", "a\tb\x7f", "ab"},
		{"cut on a character boundary", long, strings.Repeat("a", 127)},
		{"multi-byte kept", "café", "café"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := domain.NormalizeSessionID(tc.in)
			assert.Equal(t, tc.want, got)
			assert.True(t, utf8.ValidString(got))
			assert.LessOrEqual(t, len(got), domain.MaxSessionIDBytes)
		})
	}
}

func TestJudgeDecodeEnforcesBoundsErrorsAndTheHeadersClaim(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		claimed int
		r       domain.DecodeReport
		want    error
	}{
		{"a sound song", 30_000, domain.DecodeReport{DurationMS: 30_010}, nil},
		{"no claim", 0, domain.DecodeReport{DurationMS: 5_000}, nil},
		{"a few decode errors are tolerated", 30_000, domain.DecodeReport{DurationMS: 30_000, Errors: 3}, nil},
		{"exactly one second", 1000, domain.DecodeReport{DurationMS: 1000}, nil},
		{"exactly one hour", 3_600_000, domain.DecodeReport{DurationMS: 3_600_000}, nil},
		{"1 Hz WAV: decoder stopped past an hour", 88_200_000, domain.DecodeReport{DurationMS: 3_601_000}, domain.ErrAudioTooLong},
		{"too short", 800, domain.DecodeReport{DurationMS: 800}, domain.ErrAudioTooShort},
		{"2000 bytes claiming 8 s", 8000, domain.DecodeReport{DurationMS: 52}, domain.ErrAudioTooShort},
		{"half of a 30 s file", 30_000, domain.DecodeReport{DurationMS: 15_000}, domain.ErrAudioTruncated},
		{"longer than claimed", 10_000, domain.DecodeReport{DurationMS: 20_000}, domain.ErrAudioTruncated},
		{"damaged", 30_000, domain.DecodeReport{DurationMS: 30_000, Errors: 40}, domain.ErrAudioDamaged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := domain.JudgeDecode(tc.claimed, tc.r)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.want)
		})
	}
}

func TestMarkReadyTakesTheDecodedDuration(t *testing.T) {
	t.Parallel()
	s, err := domain.NewSong(uuid.New(), artist(t), domain.SongDetails{Title: "T"}, now)
	require.NoError(t, err)
	_, err = s.AcceptUpload(domain.Original{Rendition: domain.Rendition{Key: "k"}, Format: "mp3", DurationMS: 30_000}, now)
	require.NoError(t, err)
	require.NoError(t, s.MarkReady(1, 29_950, nil, now))
	require.NotNil(t, s.DurationMS())
	assert.Equal(t, 29_950, *s.DurationMS())
	ev := s.PullEvents()
	require.NotEmpty(t, ev)
	assert.Equal(t, 29_950, ev[len(ev)-1].(domain.SongReady).DurationMS)
}

func TestPlayThresholdIsThirtySecondsOfTheFileOrAllOfIt(t *testing.T) {
	t.Parallel()
	assert.Equal(t, int64(1_000_000), domain.PlayThresholdBytes(1_000_000, 20_000), "a short song: all of it")
	assert.Equal(t, int64(250_000), domain.PlayThresholdBytes(1_000_000, 120_000), "30 s of a 2 min song")
	assert.Equal(t, int64(1000), domain.PlayThresholdBytes(1000, 0), "unknown duration: the file, at most 256 KiB")
	assert.Equal(t, int64(256<<10), domain.PlayThresholdBytes(10<<20, 0))
	assert.Equal(t, int64(1), domain.PlayThresholdBytes(0, 0))
}
