package httpapi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
)

// concertGolden compares v's JSON with testdata/name.json (VIBESTREAM_UPDATE_GOLDEN=1 rewrites).
func concertGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	path := filepath.Join("testdata", name+".json")
	if os.Getenv("VIBESTREAM_UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

func TestConcertGoldenResponses(t *testing.T) {
	at := time.Date(2030, 6, 1, 20, 0, 0, 0, time.UTC)
	id := uuid.MustParse("0b3f3c2e-8f7c-4a55-9d46-0e6f8a1b2c3d")
	c := domain.RehydrateConcert(id, id, id, domain.ConcertTerms{Title: "Live in the Metaverse", StartsAt: at, DurationMinutes: 90,
		Capacity: 500, TicketPrice: money.MustNew(money.USD, 12_500_000), MinAge: 18, VenueURL: "https://vr.example.com/rooms/42"},
		domain.ConcertScheduled, 120, at.Add(-72*time.Hour), nil)
	concertGolden(t, "concert", concertOf(c))
	concertGolden(t, "ticket", ticketOf(application.TicketView{Ticket: domain.Ticket{ID: id, ConcertID: id, HolderID: id,
		Price: money.MustNew(money.USD, 12_500_000), Status: domain.TicketValid, CreatedAt: at.Add(-time.Hour)}, Pass: "eyJhbGciOiJFZERTQSJ9.e30.sig"}))
}
