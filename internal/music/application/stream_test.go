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

func TestSignerAcceptsOnlyUntouchedUnexpiredLinks(t *testing.T) {
	t.Parallel()
	secret := []byte(strings.Repeat("s", 32))
	s, err := application.NewSigner(secret, time.Minute)
	require.NoError(t, err)
	song, user := uuid.New(), uuid.New()
	now := time.Unix(1_800_000_000, 0)
	exp := now.Add(time.Minute)
	sig := s.Sign(song, user, domain.QualityHigh, exp)

	assert.NoError(t, s.Verify(song, user, domain.QualityHigh, exp.Unix(), sig, now))
	assert.NoError(t, s.Verify(song, user, domain.QualityHigh, exp.Unix(), sig, exp), "valid through its last second")
	assert.ErrorIs(t, s.Verify(song, user, domain.QualityHigh, exp.Unix(), sig, exp.Add(time.Second)), domain.ErrExpiredSignature)

	for name, err := range map[string]error{
		"song":    s.Verify(uuid.New(), user, domain.QualityHigh, exp.Unix(), sig, now),
		"user":    s.Verify(song, uuid.New(), domain.QualityHigh, exp.Unix(), sig, now),
		"quality": s.Verify(song, user, domain.QualityOriginal, exp.Unix(), sig, now),
		"expiry":  s.Verify(song, user, domain.QualityHigh, exp.Unix()+60, sig, now),
		"garbage": s.Verify(song, user, domain.QualityHigh, exp.Unix(), "!!", now),
		"empty":   s.Verify(song, user, domain.QualityHigh, exp.Unix(), "", now),
	} {
		assert.ErrorIs(t, err, domain.ErrBadSignature, name)
	}
	other, err := application.NewSigner([]byte(strings.Repeat("t", 32)), time.Minute)
	require.NoError(t, err)
	assert.ErrorIs(t, other.Verify(song, user, domain.QualityHigh, exp.Unix(), sig, now), domain.ErrBadSignature, "another secret")

	_, err = application.NewSigner([]byte("short"), time.Minute)
	assert.Error(t, err)
}
