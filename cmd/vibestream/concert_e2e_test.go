package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

type concertResp struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Capacity    int    `json:"capacity"`
	TicketsSold int    `json:"tickets_sold"`
	TicketsLeft int    `json:"tickets_left"`
	MinAge      *int   `json:"min_age"`
}

type ticketResp struct {
	ID        string `json:"id"`
	ConcertID string `json:"concert_id"`
	HolderID  string `json:"holder_id"`
	Status    string `json:"status"`
	Pass      string `json:"pass"`
	CheckedIn bool   `json:"checked_in"`
}

func concertApp(t *testing.T) *testApp {
	t.Helper()
	return newTestApp(t, func(c *Config) { c.User.Argon2MemoryKiB, c.User.Argon2Time = 8*1024, 1 })
}

func createConcert(t *testing.T, ta *testApp, tok string, body map[string]any) concertResp {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/music/concerts", body, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var c concertResp
	res.JSON(t, &c)
	return c
}

func concertBody(capacity int, price string) map[string]any {
	return map[string]any{"title": "Live in the Metaverse", "starts_at": time.Now().Add(30 * time.Minute).UTC().Format(time.RFC3339),
		"duration_minutes": 90, "capacity": capacity, "ticket_price": price, "venue_url": "https://vr.example.com/rooms/42"}
}

func buy(ta *testApp, tok, concertID, key string, body any) response {
	return ta.do(http.MethodPost, "/api/v1/music/concerts/"+concertID+"/tickets", body, withToken(tok), withHeader("Idempotency-Key", key))
}

// registerMany registers n listeners a few at a time, each with usd in their wallet.
func registerMany(t *testing.T, ta *testApp, n int, usd string) (ids, toks []string) {
	t.Helper()
	ids, toks = make([]string, n), make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ids[i], toks[i] = registerUser(t, ta, "listener")
			require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, ids[i])))
			if usd != "" {
				fund(t, ta, ids[i], money.USD, usd)
			}
		}(i)
	}
	wg.Wait()
	return ids, toks
}

// 200 concurrent buyers for 50 seats: exactly 50 tickets, 150 clear refusals, the money moved
// exactly 50 times (buyer -> artist less the fee), ledger verify green.
func TestConcertTicketsAreNeverOversold(t *testing.T) {
	ta := concertApp(t)
	artistID, artistTok := registerUser(t, ta, "artist")
	require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, artistID)))
	c := createConcert(t, ta, artistTok, concertBody(50, "5.00"))
	ids, toks := registerMany(t, ta, 200, "10")

	var ok, sold atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range toks {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			res := buy(ta, toks[i], c.ID, fmt.Sprintf("buy-%d", i), nil)
			switch res.Status {
			case http.StatusCreated:
				ok.Add(1)
			case http.StatusConflict:
				if res.ErrorCode(t) == "music.sold_out" {
					sold.Add(1)
				}
			default:
				t.Errorf("unexpected %d %s", res.Status, res.Body)
			}
		}(i)
	}
	close(start)
	wg.Wait()
	assert.EqualValues(t, 50, ok.Load())
	assert.EqualValues(t, 150, sold.Load())
	var entries int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM payment.journal_entries WHERE reason = 'concert_ticket'`).Scan(&entries))
	assert.Equal(t, 50, entries, "money moved exactly 50 times")
	assert.EqualValues(t, 50*4_500_000, balance(t, ta, paymentcontracts.UserAccount(mustUUID(t, artistID), money.USD, paymentcontracts.KindEarnings)))
	var paid int
	for _, id := range ids {
		if balance(t, ta, paymentcontracts.Wallet(mustUUID(t, id), money.USD)) == 5_000_000 {
			paid++
		}
	}
	assert.Equal(t, 50, paid)
	res := ta.do(http.MethodGet, "/api/v1/music/concerts/"+c.ID, nil, withToken(toks[0]))
	res.JSON(t, &c)
	assert.Equal(t, 50, c.TicketsSold)
	assert.Equal(t, 0, c.TicketsLeft)
	m := ta.do(http.MethodGet, "/metrics", nil)
	assert.Contains(t, string(m.Body), "music_concert_tickets_sold_total 50")
	assert.Contains(t, string(m.Body), `music_concert_ticket_refusals_total{code="music.sold_out"} 150`)
	ledgerOK(t, ta)
}

func decodePass(t *testing.T, pass string) (map[string]any, map[string]any) {
	t.Helper()
	parts := strings.Split(pass, ".")
	require.Len(t, parts, 3)
	var h, c map[string]any
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(hb, &h))
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(cb, &c))
	return h, c
}

// A ticket's pass verifies offline with the JWKS, checks in once at a time, and stops working
// when the concert is cancelled; the refund job refunds every ticket exactly once, across a
// crash in the middle.
func TestConcertPassCheckInCancelAndRefunds(t *testing.T) {
	ta := concertApp(t)
	artistID, artistTok := registerUser(t, ta, "artist")
	require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, artistID)))

	// Bad input.
	for _, tc := range []struct {
		change map[string]any
		code   string
	}{
		{map[string]any{"starts_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}, "music.concert_start_in_past"},
		{map[string]any{"capacity": 0}, "music.invalid_concert_capacity"},
		{map[string]any{"ticket_price": "-1"}, "music.invalid_ticket_price"},
		{map[string]any{"venue_url": "javascript:alert(1)"}, "music.invalid_venue_url"},
		{map[string]any{"min_age": 0}, "music.invalid_min_age"},
	} {
		b := concertBody(10, "2.50")
		for k, v := range tc.change {
			b[k] = v
		}
		res := ta.do(http.MethodPost, "/api/v1/music/concerts", b, withToken(artistTok))
		assert.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
		assert.Equal(t, tc.code, res.ErrorCode(t))
	}
	_, listenerOnly := registerUser(t, ta, "listener")
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodPost, "/api/v1/music/concerts", concertBody(10, "1"), withToken(listenerOnly)).Status)

	c := createConcert(t, ta, artistTok, concertBody(10, "2.50"))
	other := createConcert(t, ta, artistTok, concertBody(10, "1"))
	ids, toks := registerMany(t, ta, 3, "10")

	res := buy(ta, toks[0], c.ID, "k1", map[string]any{})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var tk ticketResp
	res.JSON(t, &tk)
	// A retry with the same key answers the same ticket and charges nothing more.
	again := buy(ta, toks[0], c.ID, "k1", map[string]any{})
	require.Equal(t, http.StatusCreated, again.Status)
	var tk2 ticketResp
	again.JSON(t, &tk2)
	assert.Equal(t, tk.ID, tk2.ID)
	assert.EqualValues(t, 7_500_000, balance(t, ta, paymentcontracts.Wallet(mustUUID(t, ids[0]), money.USD)))
	assert.Equal(t, http.StatusConflict, buy(ta, artistTok, c.ID, "own", nil).Status, "not the artist")

	// The pass: EdDSA, our kid, aud vr, the claims; it verifies with the JWKS key.
	h, claims := decodePass(t, tk.Pass)
	assert.Equal(t, "EdDSA", h["alg"])
	assert.Equal(t, []any{"vr"}, claims["aud"])
	assert.Equal(t, c.ID, claims["concert"])
	assert.Equal(t, tk.ID, claims["ticket"])
	assert.Equal(t, ids[0], claims["holder"])
	jwks := ta.do(http.MethodGet, "/.well-known/jwks.json", nil)
	require.Equal(t, http.StatusOK, jwks.Status)
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			X   string `json:"x"`
		} `json:"keys"`
	}
	jwks.JSON(t, &set)
	var pub ed25519.PublicKey
	for _, k := range set.Keys {
		if k.Kid == h["kid"] {
			pub, _ = base64.RawURLEncoding.DecodeString(k.X)
		}
	}
	require.NotNil(t, pub, "the pass's kid is in the JWKS")
	_, err := jwt.Parse(tk.Pass, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithAudience("vr"),
		jwt.WithTimeFunc(func() time.Time { return time.Now().Add(45 * time.Minute) }))
	require.NoError(t, err, "verifies offline during the show")

	// Check-in: the venue (admin:music) or the artist; once at a time.
	checkIn := func(tok, concert, pass string) response {
		return ta.do(http.MethodPost, "/api/v1/music/concerts/"+concert+"/check-in", map[string]any{"pass": pass}, withToken(tok))
	}
	assert.Equal(t, http.StatusForbidden, checkIn(toks[1], c.ID, tk.Pass).Status, "a listener is not a venue")
	res = checkIn(artistTok, c.ID, tk.Pass)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res = checkIn(artistTok, c.ID, tk.Pass)
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "music.pass_in_use", res.ErrorCode(t))
	res = ta.do(http.MethodPost, "/api/v1/music/concerts/"+c.ID+"/check-out", map[string]any{"pass": tk.Pass}, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res = checkIn(artistTok, c.ID, tk.Pass)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	// Forged, tampered and foreign passes.
	parts := strings.Split(tk.Pass, ".")
	forged := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 64))
	assert.Equal(t, "user.pass_invalid", checkIn(artistTok, c.ID, forged).ErrorCode(t))
	assert.Equal(t, "user.pass_invalid", checkIn(artistTok, c.ID, "not-a-jwt").ErrorCode(t))
	assert.Equal(t, "music.pass_not_for_concert", checkIn(artistTok, other.ID, tk.Pass).ErrorCode(t))
	// The user access token is not a pass (another audience).
	assert.Equal(t, "user.pass_invalid", checkIn(artistTok, c.ID, toks[0]).ErrorCode(t))

	// Two more buyers, then the artist cancels.
	for i := 1; i < 3; i++ {
		res := buy(ta, toks[i], c.ID, "k", nil)
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	}
	res = ta.do(http.MethodGet, "/api/v1/music/concerts/"+c.ID+"/attendance", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var att struct {
		Sold, CheckedIn, Inside int64
		Revenue                 string
	}
	var raw map[string]any
	res.JSON(t, &raw)
	att.Sold, att.CheckedIn, att.Inside, att.Revenue = int64(raw["sold"].(float64)), int64(raw["checked_in"].(float64)), int64(raw["inside"].(float64)), raw["revenue"].(string)
	assert.EqualValues(t, 3, att.Sold)
	assert.EqualValues(t, 1, att.CheckedIn)
	assert.EqualValues(t, 1, att.Inside)
	assert.Equal(t, "6.750000", att.Revenue, "3 x 2.50 less 10%")
	assert.Equal(t, http.StatusForbidden, ta.do(http.MethodGet, "/api/v1/music/concerts/"+c.ID+"/attendance", nil, withToken(listenerOnly)).Status)
	assert.Equal(t, http.StatusNotFound, ta.do(http.MethodGet, "/api/v1/music/concerts/"+c.ID+"/attendance", nil, withToken(otherArtistTok(t, ta))).Status)

	res = ta.do(http.MethodPost, "/api/v1/music/concerts/"+c.ID+"/cancel", nil, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.Equal(t, http.StatusGone, buy(ta, toks[1], c.ID, "after", nil).Status)
	assert.Equal(t, "music.concert_cancelled", checkIn(artistTok, c.ID, tk.Pass).ErrorCode(t), "passes stop checking in")

	// The refund job (its crash test is in internal/music).
	_, err = ta.app.music.RunConcertJobs(context.Background())
	require.NoError(t, err)
	for _, id := range ids {
		assert.EqualValues(t, 10_000_000, balance(t, ta, paymentcontracts.Wallet(mustUUID(t, id), money.USD)), "refunded in full")
	}
	var refunds int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM payment.journal_entries WHERE reason = 'concert_refund'`).Scan(&refunds))
	assert.Equal(t, 3, refunds)
	// Running it again refunds nothing more.
	r2, err := ta.app.music.RunConcertJobs(context.Background())
	require.NoError(t, err)
	assert.Zero(t, r2.Refunded)
	ledgerOK(t, ta)
	_ = domain.AgeOn
}

func otherArtistTok(t *testing.T, ta *testApp) string {
	t.Helper()
	_, tok := registerUser(t, ta, "artist")
	return tok
}

// ageProof sets a user's birthdate (age years and a few days old) and proves min years.
func ageProof(t *testing.T, ta *testApp, tok string, age, min int) map[string]any {
	t.Helper()
	born := domain.AgeOn(time.Now().UTC(), age).AddDate(0, 0, -3)
	res := ta.do(http.MethodPatch, "/api/v1/users/me", map[string]any{"birthdate": born.Format(time.DateOnly)}, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res = ta.do(http.MethodPost, "/api/v1/zk/age-proofs", map[string]any{"min_age_years": min}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var p map[string]any
	res.JSON(t, &p)
	return p
}

// An age-gated concert: no proof, a proof for a lower age, another user's proof and a tampered
// proof are refused with stable codes and take no seat; a valid proof of the buyer buys.
func TestConcertAgeGate(t *testing.T) {
	ta := concertApp(t)
	artistID, artistTok := registerUser(t, ta, "artist")
	require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, artistID)))
	b := concertBody(5, "3")
	b["min_age"] = 21
	c := createConcert(t, ta, artistTok, b)
	require.NotNil(t, c.MinAge)
	ids, toks := registerMany(t, ta, 2, "10")
	adult := ageProof(t, ta, toks[0], 30, 21)
	teen18 := ageProof(t, ta, toks[1], 19, 18)

	for _, tc := range []struct {
		name, tok string
		body      any
		status    int
		code      string
	}{
		{"no proof", toks[0], nil, http.StatusForbidden, "music.age_proof_required"},
		{"a proof for a lower age", toks[1], map[string]any{"age_proof": teen18}, http.StatusForbidden, "user.age_proof_too_young"},
		{"another user's proof", toks[1], map[string]any{"age_proof": adult}, http.StatusForbidden, "user.age_proof_foreign"},
		{"a tampered proof", toks[0], map[string]any{"age_proof": map[string]any{"proof": adult["proof"],
			"public_inputs": []any{adult["public_inputs"].([]any)[0], "1"}, "attestation": adult["attestation"]}}, http.StatusUnprocessableEntity, "user.age_proof_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := buy(ta, tc.tok, c.ID, "gate-"+tc.name, tc.body)
			require.Equal(t, tc.status, res.Status, string(res.Body))
			assert.Equal(t, tc.code, res.ErrorCode(t))
		})
	}
	res := ta.do(http.MethodGet, "/api/v1/music/concerts/"+c.ID, nil, withToken(toks[0]))
	res.JSON(t, &c)
	assert.Equal(t, 0, c.TicketsSold, "no seat taken by a refused buyer")
	res = buy(ta, toks[0], c.ID, "gate-ok", map[string]any{"age_proof": adult})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var tk ticketResp
	res.JSON(t, &tk)
	assert.Equal(t, ids[0], tk.HolderID)
	assert.NotEmpty(t, tk.Pass)
}

// GET /music/tickets lists the caller's own tickets, newest first, each with its concert and
// its pass while valid; another listener's tickets never appear; a check-in shows in the list.
func TestMyTicketsListsTheCallersTicketsWithTheirConcertAndPass(t *testing.T) {
	ta := concertApp(t)
	artistID, artistTok := registerUser(t, ta, "artist")
	require.NoError(t, ta.app.payment.Ledger().OpenUserAccounts(context.Background(), mustUUID(t, artistID)))
	first := createConcert(t, ta, artistTok, concertBody(10, "2.00"))
	second := createConcert(t, ta, artistTok, concertBody(10, "0"))
	ids, toks := registerMany(t, ta, 2, "10")
	fan, other := toks[0], toks[1]

	type held struct {
		ticketResp
		Concert concertResp `json:"concert"`
	}
	list := func(tok string) []held {
		res := ta.do(http.MethodGet, "/api/v1/music/tickets", nil, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var page struct {
			Items []held `json:"items"`
		}
		res.JSON(t, &page)
		return page.Items
	}
	assert.Empty(t, list(fan))
	require.Equal(t, http.StatusCreated, buy(ta, fan, first.ID, "mine-1", nil).Status)
	time.Sleep(5 * time.Millisecond)
	require.Equal(t, http.StatusCreated, buy(ta, fan, second.ID, "mine-2", nil).Status)
	require.Equal(t, http.StatusCreated, buy(ta, other, first.ID, "other-1", nil).Status)

	mine := list(fan)
	require.Len(t, mine, 2)
	assert.Equal(t, second.ID, mine[0].ConcertID, "newest first")
	assert.Equal(t, second.ID, mine[0].Concert.ID)
	assert.Equal(t, first.ID, mine[1].Concert.ID)
	for _, m := range mine {
		assert.Equal(t, ids[0], m.HolderID)
		assert.Equal(t, "valid", m.Status)
		assert.NotEmpty(t, m.Pass, "a valid ticket carries its pass")
		assert.False(t, m.CheckedIn)
	}
	// the artist checks the pass in: the list shows it
	res := ta.do(http.MethodPost, "/api/v1/music/concerts/"+first.ID+"/check-in", map[string]any{"pass": mine[1].Pass}, withToken(artistTok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.True(t, list(fan)[1].CheckedIn)
	assert.Len(t, list(other), 1)
	res = ta.do(http.MethodGet, "/api/v1/music/tickets", nil)
	assert.Equal(t, http.StatusUnauthorized, res.Status)
}
