package campaign_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
)

// BenchmarkPayBoost is the extra cost a boost adds to a qualified listen's reward issue:
// "none" is what every listen of a song without a campaign now pays (one indexed lookup in a
// transaction), "boosted" a listen a campaign pays (the locked draw and the ledger settlement).
// go test -run '^$' -bench PayBoost -benchtime 200x ./internal/campaign/
func BenchmarkPayBoost(b *testing.B) {
	for _, tc := range []struct {
		name    string
		boosted bool
	}{{"none", false}, {"boosted", true}} {
		b.Run(tc.name, func(b *testing.B) {
			e := newEnv(b)
			_, song, _ := e.running(20, "1000000", "1000000")
			if !tc.boosted {
				song = uuid.New()
			}
			listeners := make([]uuid.UUID, 50)
			for i := range listeners {
				listeners[i] = uuid.New()
				require.NoError(b, e.ledger.OpenUserAccounts(context.Background(), listeners[i]))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				r, err := e.mod.Boosts().PayBoost(context.Background(), listencontracts.BoostRequest{SessionID: uuid.New(), SongID: song,
					ListenerID: listeners[i%len(listeners)], Base: vibe("1"), At: e.clock.Now()})
				require.NoError(b, err)
				if tc.boosted {
					require.True(b, r.Extra.IsPositive())
				}
			}
		})
	}
}
