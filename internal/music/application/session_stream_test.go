package application_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
)

func TestSessionLinksAreBoundToEveryField(t *testing.T) {
	t.Parallel()
	s, err := application.NewSigner([]byte(strings.Repeat("s", 32)), time.Minute)
	require.NoError(t, err)
	now := time.Unix(1_800_000_000, 0)
	link := application.SessionLink{SongID: uuid.New(), UserID: uuid.New(), Quality: domain.QualityLow, SessionID: uuid.New(),
		MaxBytes: 480_000, ExpiresAt: now.Add(time.Hour).Unix()}
	sig := s.SignSession(link)
	require.NoError(t, s.VerifySession(link, sig, now))

	change := map[string]func(l *application.SessionLink){
		"song":    func(l *application.SessionLink) { l.SongID = uuid.New() },
		"user":    func(l *application.SessionLink) { l.UserID = uuid.New() },
		"session": func(l *application.SessionLink) { l.SessionID = uuid.New() },
		"quality": func(l *application.SessionLink) { l.Quality = domain.QualityHigh },
		"cap":     func(l *application.SessionLink) { l.MaxBytes = 0 },
		"expiry":  func(l *application.SessionLink) { l.ExpiresAt++ },
	}
	for name, fn := range change {
		t.Run(name, func(t *testing.T) {
			l := link
			fn(&l)
			assert.ErrorIs(t, s.VerifySession(l, sig, now), domain.ErrBadSignature)
		})
	}
	assert.ErrorIs(t, s.VerifySession(link, sig, time.Unix(link.ExpiresAt+1, 0)), domain.ErrExpiredSignature)
	// a plain link's signature is not a session link's, nor the other way round
	plain := s.Sign(link.SongID, link.UserID, link.Quality, time.Unix(link.ExpiresAt, 0))
	assert.ErrorIs(t, s.VerifySession(link, plain, now), domain.ErrBadSignature)
	assert.ErrorIs(t, s.Verify(link.SongID, link.UserID, link.Quality, link.ExpiresAt, sig, now), domain.ErrBadSignature)
}
