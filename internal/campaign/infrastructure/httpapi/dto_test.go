package httpapi

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/campaign/application"
	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	at = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	id = uuid.MustParse("0b3f3c2e-8f7c-4a55-9d46-0e6f8a1b2c3d")
)

// golden compares v's JSON with testdata/name.json: the public response shapes change only on
// purpose (go test -run Golden -update rewrites them).
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	path := filepath.Join("testdata", name+".json")
	if *update {
		require.NoError(t, os.WriteFile(path, append(got, '\n'), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

func TestGoldenResponses(t *testing.T) {
	ended := at.Add(48 * time.Hour)
	v := application.CampaignView{ID: id, ArtistID: id, ArtistUserID: id, Name: "Winter push", Status: domain.StatusEnded,
		SongIDs: []uuid.UUID{id}, StartsAt: at, EndsAt: at.Add(7 * 24 * time.Hour), Boost: 25,
		Budget: money.MustNew(money.VIBE, 4_000_000_000), Spent: money.MustNew(money.VIBE, 3_600_000_000),
		Remaining: money.MustNew(money.VIBE, 400_000_000), EndReason: domain.EndedByBudget, CreatedAt: at, UpdatedAt: ended, EndedAt: &ended}
	golden(t, "campaign", campaignOf(v))
	draft := v
	draft.Status, draft.EndReason, draft.EndedAt, draft.Spent, draft.Remaining = domain.StatusDraft, "", nil, money.Zero(money.VIBE), v.Budget
	golden(t, "campaign_draft", campaignOf(draft))
	golden(t, "analytics", analyticsOf(application.AnalyticsView{CampaignID: id, Listens: 2, Listeners: 2,
		Spent: money.MustNew(money.VIBE, 3_600_000_000), CostPerListen: money.MustNew(money.VIBE, 1_800_000_000),
		Days: []application.DayView{{Day: at, Listens: 2, Listeners: 2, Spent: money.MustNew(money.VIBE, 3_600_000_000),
			CostPerListen: money.MustNew(money.VIBE, 1_800_000_000)}}}))
}
