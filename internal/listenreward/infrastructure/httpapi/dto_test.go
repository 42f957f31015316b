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

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/application"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	at   = time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	id   = uuid.MustParse("0b3f3c2e-8f7c-4a55-9d46-0e6f8a1b2c3d")
	song = uuid.MustParse("5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
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
	active := application.SessionView{ID: id, SongID: song, Status: "active", Price: "0.004000",
		StreamURL: "/api/v1/music/stream/" + song.String() + "?quality=high&sid=" + id.String() + "&sig=...", Quality: "high",
		StartedAt: at, ExpiresAt: at.Add(8 * time.Minute), QualifiesAfterSeconds: 30}
	golden(t, "session_active", sessionOf(active))
	decided := at.Add(3 * time.Minute)
	paid := decided.Add(40 * time.Millisecond)
	qualified := active
	qualified.Status, qualified.ListenedSeconds, qualified.EndedBy, qualified.DecidedAt = "qualified", 181, "completed", &decided
	qualified.Payment = &application.PaymentView{Price: "0.004000", PlatformFee: "0.000600", Shareholders: "0.000000", Artist: "0.003400",
		Status: "paid", PaidAt: &paid}
	qualified.Reward = &application.RewardView{Amount: "1.200000000", Status: "accrued"}
	golden(t, "session_qualified", sessionOf(qualified))
	rejected := active
	rejected.Status, rejected.ListenedSeconds, rejected.EndedBy, rejected.DecidedAt = "rejected", 35, "completed", &decided
	rejected.Reasons = []string{"bytes_not_served"}
	golden(t, "session_rejected", sessionOf(rejected))
	preview := active
	preview.PreviewOnly, preview.MaxBytes = true, 480_000
	golden(t, "session_preview", sessionOf(preview))

	golden(t, "rewards", rewardsOf(application.RewardsSummary{Claimable: "1.200000000", ClaimedTotal: "3.000000000",
		EarnedToday: "1.200000000", DailyCap: "100.000000000", MinClaim: "1.000000000",
		Items: []application.RewardItem{{SessionID: id, SongID: song, Amount: "1.200000000", Status: "accrued", CreatedAt: paid}}}))
	golden(t, "claim_balance", claimOf(application.ClaimView{ID: id, Destination: "balance", Amount: "1.200000000", CreatedAt: at}))
	golden(t, "claim_ethereum", claimOf(application.ClaimView{ID: id, Destination: "ethereum", Amount: "1.200000000", CreatedAt: at,
		Transaction: &paymentcontracts.Withdrawal{ID: song, Chain: "ethereum", Status: "pending",
			ToAddress: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", Amount: money.MustNew(money.VIBE, 1_200_000_000), CreatedAt: at}}))
	golden(t, "earnings", earningsOf(application.EarningsView{From: at.Add(-30 * 24 * time.Hour), To: at,
		Songs: []application.SongEarningsView{{SongID: song, Title: "First Light", PaidListens: 2, Gross: "0.008000",
			PlatformFee: "0.001200", Shareholders: "0.000000", Net: "0.006800"}},
		Totals: application.SongEarningsView{PaidListens: 2, Gross: "0.008000", PlatformFee: "0.001200", Shareholders: "0.000000", Net: "0.006800"}}))
}
