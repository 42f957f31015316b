package main

import (
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestChainWithdrawalFigures measures, through the HTTP API on the local chains, the time from
// POST /api/v1/transactions to "confirmed" (sequential withdrawals) and withdrawals per second
// (16 clients). It records figures for docs/PERFORMANCE.md, so it runs only when asked:
//
//	CHAINS_FIGURES=1 go test -run TestChainWithdrawalFigures -v ./cmd/vibestream/
func TestChainWithdrawalFigures(t *testing.T) {
	if os.Getenv("CHAINS_FIGURES") == "" {
		t.Skip("set CHAINS_FIGURES=1 to measure")
	}
	ta := newTestApp(t, withChains)
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	for _, chain := range []string{"ethereum", "solana"} {
		treasuryMint(t, ta, adminTok, chain, "100000")
	}
	grant(t, ta, adminTok, userID, "100000")
	linkEthWallet(t, ta, tok)
	linkSolWallet(t, ta, tok)

	withdraw := func(chain string) time.Duration {
		start := time.Now()
		res := ta.do(http.MethodPost, "/api/v1/transactions", map[string]any{"blockchain": chain, "amount": "0.001"},
			withToken(tok), withHeader("Idempotency-Key", uuid.NewString()))
		require.Equal(t, http.StatusAccepted, res.Status, string(res.Body))
		var tx txBody
		res.JSON(t, &tx)
		for {
			res := ta.do(http.MethodGet, "/api/v1/transactions/"+tx.ID, nil, withToken(tok))
			res.JSON(t, &tx)
			if tx.Status == "confirmed" {
				return time.Since(start)
			}
			require.NotEqual(t, "failed", tx.Status)
			time.Sleep(5 * time.Millisecond) // polling interval of the measuring client
		}
	}
	for _, chain := range []string{"ethereum", "solana"} {
		const n = 50
		lat := make([]time.Duration, n)
		for i := range lat {
			lat[i] = withdraw(chain)
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		const clients, each = 16, 10
		start := time.Now()
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					withdraw(chain)
				}
			}()
		}
		wg.Wait()
		el := time.Since(start)
		fmt.Printf("%s: POST->confirmed p50 %s p95 %s max %s (n=%d sequential); %d clients: %d withdrawals in %s = %.0f/s\n",
			chain, lat[n/2].Round(time.Millisecond), lat[n*95/100].Round(time.Millisecond), lat[n-1].Round(time.Millisecond), n,
			clients, clients*each, el.Round(time.Millisecond), float64(clients*each)/el.Seconds())
	}
}
