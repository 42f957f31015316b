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

	"github.com/vibestream/vibestream/internal/user/application"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	at = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
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
	bd := time.Date(1990, 4, 1, 0, 0, 0, 0, time.UTC)
	view := application.UserView{ID: id, Email: "Alice@Example.com", Username: "alice", DisplayName: "Alice", Bio: "Hi",
		AvatarURL: "https://cdn.example.com/a.png", Birthdate: &bd, Roles: []string{"artist"},
		Permissions: []string{"read:music", "write:music"}, CreatedAt: at, UpdatedAt: at}
	tokens := application.TokenPair{AccessToken: "eyJ...", RefreshToken: "r3fr35h", ExpiresIn: 15 * time.Minute}
	golden(t, "register", registerResponse{User: userOf(view), tokensResponse: tokensOf(tokens)})
	golden(t, "tokens", tokensOf(tokens))
	golden(t, "public_profile", profileOf(application.PublicProfile{ID: id, Username: "alice", DisplayName: "Alice",
		Bio: "Hi", AvatarURL: "", Roles: []string{"artist"}, CreatedAt: at}))
	golden(t, "wallets", walletsResponse{Items: []walletResponse{walletOf(application.WalletView{Chain: "ethereum",
		Address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", LinkedAt: at})}})

	noBirthdate := view
	noBirthdate.Birthdate, noBirthdate.Roles, noBirthdate.Permissions = nil, nil, nil
	golden(t, "me_minimal", userOf(noBirthdate))
}
