package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcertTicketSalesThroughput sells every seat of one hot concert through the HTTP API
// (Idempotency-Key, the seat under the concert's lock, the ledger transfer, the pass) and
// reports tickets/s. Opt-in (not part of make test):
//
//	VIBESTREAM_BENCH_TICKETS=10000 go test -count=1 -run TestConcertTicketSalesThroughput -v ./cmd/vibestream/
func TestConcertTicketSalesThroughput(t *testing.T) {
	seats, _ := strconv.Atoi(os.Getenv("VIBESTREAM_BENCH_TICKETS"))
	if seats <= 0 {
		t.Skip("set VIBESTREAM_BENCH_TICKETS to the number of seats")
	}
	workers := 32
	if w, _ := strconv.Atoi(os.Getenv("VIBESTREAM_BENCH_WORKERS")); w > 0 {
		workers = w
	}
	ta := concertApp(t)
	_, artistTok := registerUser(t, ta, "artist")
	c := createConcert(t, ta, artistTok, concertBody(seats, "1"))
	const buyers = 50
	_, toks := registerMany(t, ta, buyers, strconv.Itoa(seats/buyers+10))

	// Every worker keeps buying until the concert answers sold out; 10% more attempts than
	// seats prove the refusals are clean under load.
	var next, ok, soldOut, other atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(seats+seats/10) {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/api/v1/music/concerts/"+c.ID+"/tickets", bytes.NewReader([]byte("{}")))
				req.Header.Set("Authorization", "Bearer "+toks[i%buyers])
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-%d", i))
				res, err := client.Do(req)
				if err != nil {
					other.Add(1)
					continue
				}
				res.Body.Close()
				switch res.StatusCode {
				case http.StatusCreated:
					ok.Add(1)
				case http.StatusConflict:
					soldOut.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	t.Logf("sold %d seats in %s: %.0f tickets/s (%d workers, %d sold-out refusals, %d other)", ok.Load(), took.Round(time.Millisecond),
		float64(ok.Load())/took.Seconds(), workers, soldOut.Load(), other.Load())
	require.EqualValues(t, seats, ok.Load(), "every seat sold, none oversold")
	assert.Zero(t, other.Load())
	ledgerOK(t, ta)
}
