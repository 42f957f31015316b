package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// verifyPaidOnce checks, through the public API of each user, that every listen the run saw
// qualify was paid, and exactly once: each qualified session reaches payment "paid" within
// -verify-wait, and the user's USD ledger holds exactly one stream_payment settlement per
// qualified session the server lists for the user (all its sessions, so that a seeded pool user's
// earlier runs count too), never two for one session.
func (r *run) verifyPaidOnce(ctx context.Context) (uint64, string) {
	deadline := time.Now().Add(r.cfg.verifyWait)
	var paid atomic.Uint64
	var mu sync.Mutex
	var problems []string
	problem := func(f string, a ...any) {
		mu.Lock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(f, a...))
		}
		mu.Unlock()
	}
	work := make(chan *user)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				for _, id := range u.sessions {
					if u.waitPaid(ctx, id, deadline) {
						paid.Add(1)
					} else {
						problem("session %s of %s not paid within %s", id, u.email, r.cfg.verifyWait)
					}
				}
				qualified, err := u.serverQualified(ctx)
				if err != nil {
					problem("%s: listing sessions: %v", u.email, err)
					continue
				}
				entries, err := u.streamSettlements(ctx)
				if err != nil {
					problem("%s: reading the ledger: %v", u.email, err)
					continue
				}
				if entries != qualified {
					problem("%s: %d stream_payment settlements in the ledger for %d qualified sessions", u.email, entries, qualified)
				}
			}
		}()
	}
	for _, u := range r.users {
		if u != nil && u.token != "" && len(u.sessions) > 0 {
			work <- u
		}
	}
	close(work)
	wg.Wait()
	if len(problems) > 0 {
		return paid.Load(), fmt.Sprintf("failed: %v", problems)
	}
	return paid.Load(), fmt.Sprintf("ok (%d qualified listens paid, one settlement each)", paid.Load())
}

func (u *user) waitPaid(ctx context.Context, id string, deadline time.Time) bool {
	for {
		var s session
		_, err := u.call(ctx, "verify_session", call{method: http.MethodGet, url: "/api/v1/listen-sessions/" + id, out: &s})
		if err == nil && s.Payment != nil && s.Payment.Status == "paid" {
			return true
		}
		if time.Now().After(deadline) || !sleepCtx(ctx, 500*time.Millisecond) {
			return false
		}
	}
}

func (u *user) serverQualified(ctx context.Context) (int, error) {
	n, cursor := 0, ""
	for {
		var page struct {
			Items      []session `json:"items"`
			NextCursor string    `json:"next_cursor"`
		}
		path := "/api/v1/listen-sessions?limit=100"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		if _, err := u.call(ctx, "verify_sessions", call{method: http.MethodGet, url: path, out: &page}); err != nil {
			return 0, err
		}
		for _, s := range page.Items {
			if s.Status == "qualified" {
				n++
			}
		}
		if page.NextCursor == "" || len(page.Items) == 0 {
			return n, nil
		}
		cursor = page.NextCursor
	}
}

// streamSettlements counts the distinct settlement entries of the user's listens: the
// stream_payment lines that take the price out of its held account.
func (u *user) streamSettlements(ctx context.Context) (int, error) {
	seen := map[string]bool{}
	cursor := ""
	for {
		var page struct {
			Items []struct {
				EntryID string `json:"entry_id"`
				Reason  string `json:"reason"`
				Account string `json:"account"`
				Amount  string `json:"amount"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		path := "/api/v1/payments/ledger?asset=USD&limit=200"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		if _, err := u.call(ctx, "verify_ledger", call{method: http.MethodGet, url: path, out: &page}); err != nil {
			return 0, err
		}
		for _, l := range page.Items {
			if l.Reason == "stream_payment" && l.Account == "held" && len(l.Amount) > 0 && l.Amount[0] == '-' {
				seen[l.EntryID] = true
			}
		}
		if page.NextCursor == "" || len(page.Items) == 0 {
			return len(seen), nil
		}
		cursor = page.NextCursor
	}
}
