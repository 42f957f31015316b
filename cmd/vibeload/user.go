package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/ethereum/go-ethereum/accounts"
	"github.com/ethereum/go-ethereum/crypto"
)

// songInfo is what the users learned about a song from the catalog.
type songInfo struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	DurationMS *int64 `json:"duration_ms"`
	Price      string `json:"stream_price"`
}

type songPage struct {
	Items      []songInfo `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

type session struct {
	ID                    string   `json:"id"`
	Status                string   `json:"status"`
	PreviewOnly           bool     `json:"preview_only"`
	StreamURL             string   `json:"stream_url"`
	MaxBytes              int64    `json:"max_bytes"`
	QualifiesAfterSeconds int      `json:"qualifies_after_seconds"`
	Reasons               []string `json:"reasons"`
	Payment               *struct {
		Status string `json:"status"`
	} `json:"payment"`
}

// run is one load run's shared state.
type run struct {
	cfg    config
	c      *client
	ws     *http.Client
	stats  *stats
	admin  string // admin access token (funding), or ""
	soft   time.Time
	songs  sync.Map // id -> songInfo
	words  atomic.Pointer[[]string]
	wsHist histogram
	wsRecv atomic.Uint64
	wsConn atomic.Int64
	wsPeak atomic.Int64
	wsLost atomic.Uint64

	listens struct {
		started, qualified, rejected, preview, abandoned atomic.Uint64
	}
	mu        sync.Mutex
	qualified map[string][]string // base URL + token owner -> qualified session ids
	users     []*user
	rejected  map[string]uint64
}

// user is one simulated listener.
type user struct {
	r        *run
	i        int
	api      string // base URL of its API calls
	wsURL    string // base URL of its WebSocket (the other instance when there are two)
	email    string
	id       string
	token    string
	refresh  string
	expires  time.Time
	ip       string
	rng      *rand.Rand
	last     []songInfo
	key      *ecdsa.PrivateKey
	linked   bool
	sessions []string // qualified sessions
}

func (r *run) newUser(i int) *user {
	n := len(r.cfg.urls)
	u := &user{r: r, i: i, api: r.cfg.urls[i%n], wsURL: r.cfg.urls[(i+1)%n],
		rng: rand.New(rand.NewPCG(uint64(r.cfg.seed), uint64(i)))}
	u.email = fmt.Sprintf("%s_%d@load.test", r.cfg.prefix, i)
	// One client address per user, as a load balancer in front of the instances reports it
	// (the fraud rules limit listens per address).
	u.ip = fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255)
	return u
}

func (u *user) call(ctx context.Context, name string, k call) (int, error) {
	if !strings.HasPrefix(k.url, "http") {
		k.url = u.api + k.url
	}
	switch k.token {
	case "":
		k.token = u.token
	case "-": // anonymous (register, login)
		k.token = ""
	}
	k.forwarded = u.ip
	return u.r.c.timed(ctx, name, k)
}

// think waits a random time around the configured mean (exponential, capped at 4x): real users
// do not act in lockstep. It returns false when the run is over.
func (u *user) think(ctx context.Context, mean time.Duration) bool {
	d := time.Duration(u.rng.ExpFloat64() * float64(mean))
	if d > 4*mean {
		d = 4 * mean
	}
	if time.Now().Add(d).After(u.r.soft) {
		d = time.Until(u.r.soft)
	}
	t := time.NewTimer(max(d, 0))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	}
	return time.Now().Before(u.r.soft) && ctx.Err() == nil
}

// live runs the simulated user until the soft deadline.
func (u *user) live(ctx context.Context) {
	if !u.login(ctx) {
		return
	}
	u.fund(ctx)
	wsCtx, stopWS := context.WithCancel(ctx)
	defer stopWS()
	go u.websocket(wsCtx)
	mix := u.r.cfg.mix
	for u.think(ctx, u.r.cfg.think) {
		u.refreshIfDue(ctx)
		switch mix.pick(u.rng.Float64()) {
		case "browse":
			u.browse(ctx)
		case "search":
			u.search(ctx)
		case "listen":
			u.listen(ctx)
		case "balances":
			u.call(ctx, "balances", call{method: http.MethodGet, url: "/api/v1/payments/balances"})
		case "rewards":
			u.call(ctx, "rewards", call{method: http.MethodGet, url: "/api/v1/listen-rewards"})
		case "withdraw":
			u.withdraw(ctx)
		case "trade":
			u.trade(ctx)
		}
	}
}

type tokens struct {
	User struct {
		ID string `json:"id"`
	} `json:"user"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
}

// login registers the user, or logs in when the seeded pool already has it.
func (u *user) login(ctx context.Context) bool {
	name := strings.TrimSuffix(u.email, "@load.test")
	var t tokens
	status, err := u.call(ctx, "register", call{method: http.MethodPost, url: "/api/v1/auth/register", token: "-",
		body: map[string]any{"email": u.email, "username": name, "password": u.r.cfg.password, "display_name": "Load " + name, "role": "listener"},
		out:  &t, want: []int{http.StatusCreated, http.StatusConflict}})
	if err != nil {
		return false
	}
	if status == http.StatusConflict {
		if _, err := u.call(ctx, "login", call{method: http.MethodPost, url: "/api/v1/auth/login", token: "-",
			body: map[string]any{"login": u.email, "password": u.r.cfg.password}, out: &t}); err != nil {
			return false
		}
		var me struct {
			ID string `json:"id"`
		}
		if _, err := u.call(ctx, "me", call{method: http.MethodGet, url: "/api/v1/users/me", token: t.AccessToken, out: &me}); err != nil {
			return false
		}
		t.User.ID = me.ID
	}
	u.id = t.User.ID
	u.setTokens(t)
	return u.id != "" && u.token != ""
}

func (u *user) setTokens(t tokens) {
	u.token, u.refresh = t.AccessToken, t.RefreshToken
	u.expires = time.Now().Add(time.Duration(t.ExpiresIn) * time.Second)
}

// refreshIfDue rotates the tokens a minute before the access token expires, as a client does
// (runs longer than ACCESS_TOKEN_TTL); the open WebSocket is not affected.
func (u *user) refreshIfDue(ctx context.Context) {
	if u.refresh == "" || u.expires.IsZero() || time.Until(u.expires) > time.Minute {
		return
	}
	var t tokens
	if _, err := u.call(ctx, "refresh", call{method: http.MethodPost, url: "/api/v1/auth/refresh", token: "-",
		body: map[string]any{"refresh_token": u.refresh}, out: &t}); err == nil && t.AccessToken != "" {
		u.setTokens(t)
	}
}

type balances struct {
	Balances []struct {
		Asset     string `json:"asset"`
		Available string `json:"available"`
	} `json:"balances"`
}

func (b balances) of(asset string) float64 {
	for _, x := range b.Balances {
		if x.Asset == asset {
			f, _ := strconv.ParseFloat(x.Available, 64)
			return f
		}
	}
	return 0
}

// fund tops the user up when its balance is low: an admin grant of promotional USD (and VIBE
// for withdrawals) when the run has an admin, else a card top-up confirmed through the local
// card gateway's test confirmation.
func (u *user) fund(ctx context.Context) {
	var b balances
	if _, err := u.call(ctx, "balances", call{method: http.MethodGet, url: "/api/v1/payments/balances", out: &b}); err != nil {
		return
	}
	cfg := u.r.cfg
	if b.of("USD") < cfg.fundUSD/2 {
		if u.r.admin != "" {
			u.grant(ctx, "USD", cfg.fundUSD)
		} else {
			u.topUp(ctx, cfg.fundUSD)
		}
	}
	if cfg.fundVIBE > 0 && u.r.admin != "" && b.of("VIBE") < cfg.fundVIBE/2 {
		u.grant(ctx, "VIBE", cfg.fundVIBE)
	}
}

// grant retries for a while on payment.account_not_found: servers before the ledger opened a
// confirmed user's accounts on first use answered it until the registration event was
// delivered; a current server never does for a registered user. Only the final outcome is
// counted.
func (u *user) grant(ctx context.Context, asset string, amount float64) {
	start := time.Now()
	var err error
	for time.Since(start) < time.Minute {
		// A new key per attempt: the API answers a retried key with its first answer (the 404).
		key := fmt.Sprintf("vibeload-grant:%s:%s:%d", u.id, asset, time.Now().UnixNano())
		_, err = u.r.c.do(ctx, call{method: http.MethodPost, url: u.api + "/api/v1/admin/grants", token: u.r.admin, idem: key, forwarded: u.ip,
			body: map[string]any{"user_id": u.id, "asset": asset, "amount": strconv.FormatFloat(amount, 'f', 6, 64), "reason": "vibeload funding"},
			want: []int{http.StatusCreated}})
		var ae *apiError
		if err == nil || ctx.Err() != nil || !errors.As(err, &ae) || ae.Code != "payment.account_not_found" {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	u.r.c.record(ctx, "fund_"+strings.ToLower(asset), start, err)
}

func (u *user) topUp(ctx context.Context, amount float64) {
	var p struct {
		ID string `json:"id"`
	}
	if _, err := u.call(ctx, "top_up", call{method: http.MethodPost, url: "/api/v1/payments/top-ups", idem: fmt.Sprintf("vibeload-topup:%s:%d", u.id, time.Now().UnixNano()),
		body: map[string]any{"amount": strconv.FormatFloat(amount, 'f', 2, 64), "currency": "USD"}, out: &p}); err != nil {
		return
	}
	u.call(ctx, "top_up_confirm", call{method: http.MethodPost, url: "/api/v1/payments/" + p.ID + "/test-confirm"})
}

// websocket keeps the user's live connection open, measuring how long each event took from its
// commit (occurred_at in the envelope) to its arrival, and reconnects with ?since= when cut.
func (u *user) websocket(ctx context.Context) {
	base := strings.Replace(u.wsURL, "http", "ws", 1) + "/api/v1/ws"
	var since string
	for ctx.Err() == nil {
		url := base
		if since != "" {
			url += "?since=" + since
		}
		start := time.Now()
		conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: u.r.ws,
			HTTPHeader: http.Header{"Authorization": {"Bearer " + u.token}, "X-Forwarded-For": {u.ip}}})
		u.r.c.record(ctx, "ws_connect", start, wsErr(err))
		if err != nil {
			if !sleepCtx(ctx, time.Second) {
				return
			}
			continue
		}
		if n := u.r.wsConn.Add(1); n > u.r.wsPeak.Load() {
			u.r.wsPeak.Store(n)
		}
		conn.SetReadLimit(1 << 20)
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				break
			}
			now := time.Now()
			var m struct {
				ID         string    `json:"id"`
				OccurredAt time.Time `json:"occurred_at"`
			}
			if json.Unmarshal(data, &m) == nil {
				u.r.wsHist.record(now.Sub(m.OccurredAt))
				u.r.wsRecv.Add(1)
				since = m.ID
			}
		}
		u.r.wsConn.Add(-1)
		conn.CloseNow()
		if ctx.Err() == nil {
			u.r.wsLost.Add(1)
		}
	}
}

func wsErr(err error) error {
	if err == nil {
		return nil
	}
	return &apiError{Code: "ws_dial", Body: err.Error()}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (u *user) remember(items []songInfo) {
	if len(items) == 0 {
		return
	}
	u.last = items
	for _, s := range items {
		u.r.songs.Store(s.ID, s)
	}
	if u.r.words.Load() == nil {
		var w []string
		for _, s := range items {
			if f := strings.Fields(s.Title); len(f) > 0 {
				w = append(w, f[0])
			}
		}
		u.r.words.Store(&w)
	}
}

func (u *user) browse(ctx context.Context) {
	var p songPage
	if _, err := u.call(ctx, "browse", call{method: http.MethodGet, url: "/api/v1/music/songs?limit=20", out: &p}); err == nil {
		u.remember(p.Items)
		if p.NextCursor != "" && u.rng.IntN(2) == 0 {
			var p2 songPage
			if _, err := u.call(ctx, "browse", call{method: http.MethodGet, url: "/api/v1/music/songs?limit=20&cursor=" + p.NextCursor, out: &p2}); err == nil {
				u.remember(p2.Items)
			}
		}
	}
}

func (u *user) search(ctx context.Context) {
	q := "tone"
	if w := u.r.words.Load(); w != nil && len(*w) > 0 {
		q = (*w)[u.rng.IntN(len(*w))]
	}
	var p songPage
	if _, err := u.call(ctx, "search", call{method: http.MethodGet, url: "/api/v1/music/songs?limit=20&q=" + q, out: &p}); err == nil {
		u.remember(p.Items)
	}
}

// listen plays one song the way a player does: it starts a listen session, fetches the audio in
// Range requests at the rendition's real bitrate while keeping a few seconds buffered, sends a
// heartbeat now and then, completes the session once enough wall time has passed, and looks at
// the outcome.
func (u *user) listen(ctx context.Context) {
	if len(u.last) == 0 {
		u.browse(ctx)
		if len(u.last) == 0 {
			return
		}
	}
	song := u.last[u.rng.IntN(len(u.last))]
	u.call(ctx, "song", call{method: http.MethodGet, url: "/api/v1/music/songs/" + song.ID, out: &song})
	if song.DurationMS == nil || *song.DurationMS <= 0 {
		return
	}
	var s session
	if _, err := u.call(ctx, "listen_start", call{method: http.MethodPost, url: "/api/v1/listen-sessions",
		body: map[string]any{"song_id": song.ID}, out: &s, want: []int{http.StatusCreated}}); err != nil {
		return
	}
	r := u.r
	r.listens.started.Add(1)
	songSecs := float64(*song.DurationMS) / 1000
	target := float64(s.QualifiesAfterSeconds + 2)
	if r.cfg.listenSeconds > 0 {
		target = r.cfg.listenSeconds.Seconds()
	}
	target = math.Min(target, math.Floor(songSecs))
	if s.PreviewOnly {
		r.listens.preview.Add(1)
	}
	begin := time.Now()
	streamURL := u.api + s.StreamURL
	var total, fetched int64 // total from Content-Range
	var bitrate float64      // bytes per second of audio
	chunkSecs := r.cfg.chunk.Seconds()
	ahead := r.cfg.buffer.Seconds()
	for {
		if time.Now().After(r.soft) {
			r.listens.abandoned.Add(1)
			return
		}
		elapsed := time.Since(begin).Seconds()
		if bitrate > 0 {
			if fetched >= total || float64(fetched) >= (target+2)*bitrate || (s.MaxBytes > 0 && fetched >= s.MaxBytes) {
				break
			}
			if playable := float64(fetched) / bitrate; playable > elapsed+ahead {
				// Enough buffered: wait until the buffer runs down to the refill point.
				if !sleepCtx(ctx, time.Duration((playable-elapsed-ahead)*float64(time.Second))+10*time.Millisecond) {
					return
				}
				continue
			}
		}
		size := int64(64 * 1024)
		if bitrate > 0 {
			size = int64(bitrate * chunkSecs)
		}
		end := fetched + size - 1
		if total > 0 && end >= total {
			end = total - 1
		}
		if s.MaxBytes > 0 && end >= s.MaxBytes {
			end = s.MaxBytes - 1
		}
		n, tot, err := u.fetch(ctx, streamURL, fetched, end)
		if err != nil {
			return
		}
		fetched += n
		if tot > 0 && total == 0 {
			total = tot
			bitrate = float64(total) / songSecs
		}
		if n == 0 {
			break
		}
	}
	// Heartbeats while the rest of the buffer plays, then the completion once the wall time
	// covers what the player reports.
	for {
		elapsed := time.Since(begin).Seconds()
		if elapsed >= target+0.3 {
			break
		}
		if time.Now().After(r.soft) {
			r.listens.abandoned.Add(1)
			return
		}
		wait := math.Min(target+0.3-elapsed, 10)
		if !sleepCtx(ctx, time.Duration(wait*float64(time.Second))) {
			return
		}
		if time.Since(begin).Seconds() < target {
			u.call(ctx, "listen_heartbeat", call{method: http.MethodPost, url: "/api/v1/listen-sessions/" + s.ID + "/heartbeat",
				body: map[string]any{"position_seconds": int(time.Since(begin).Seconds())}})
		}
	}
	var done session
	if _, err := u.call(ctx, "listen_complete", call{method: http.MethodPost, url: "/api/v1/listen-sessions/" + s.ID + "/complete",
		body: map[string]any{"listened_seconds": int(target)}, out: &done}); err != nil {
		return
	}
	switch {
	case done.Status == "qualified":
		r.listens.qualified.Add(1)
		u.sessions = append(u.sessions, done.ID)
	case s.PreviewOnly:
		r.listens.rejected.Add(1)
	default:
		// An honest player was refused: that is a failure of the run (or of its setup, such as
		// fraud limits below what the scenario does).
		r.listens.rejected.Add(1)
		reason := strings.Join(done.Reasons, "+")
		r.mu.Lock()
		r.rejected[reason]++
		r.mu.Unlock()
		r.stats.op("listen_outcome").fail(0, "rejected "+reason)
		return
	}
	r.stats.op("listen_outcome").ok(time.Since(begin))
}

// fetch is one Range request; its time to first byte is the "stream_ttfb" operation.
func (u *user) fetch(ctx context.Context, url string, from, to int64) (n, total int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("X-Forwarded-For", u.ip)
	req.Header.Set("Range", "bytes="+strconv.FormatInt(from, 10)+"-"+strconv.FormatInt(to, 10))
	start := time.Now()
	res, err := u.r.c.http.Do(req)
	if err != nil {
		err = transportError(err)
		u.r.c.record(ctx, "stream_ttfb", start, err)
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusPartialContent && res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		err = &apiError{Status: res.StatusCode, Code: e.Error.Code, Body: string(raw)}
		u.r.c.record(ctx, "stream_ttfb", start, err)
		return 0, 0, err
	}
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	first, rerr := res.Body.Read(buf)
	if first == 0 && rerr != nil && rerr != io.EOF {
		err = transportError(rerr)
		u.r.c.record(ctx, "stream_ttfb", start, err)
		return 0, 0, err
	}
	u.r.c.record(ctx, "stream_ttfb", start, nil)
	rest, rerr := io.CopyBuffer(io.Discard, res.Body, buf)
	n = int64(first) + rest
	u.r.c.record(ctx, "stream_range", start, transportErrOrNil(rerr))
	if rerr != nil {
		return n, 0, rerr
	}
	if cr := res.Header.Get("Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			total, _ = strconv.ParseInt(cr[i+1:], 10, 64)
		}
	} else {
		total = res.ContentLength
	}
	return n, total, nil
}

func transportErrOrNil(err error) error {
	if err == nil {
		return nil
	}
	return transportError(err)
}

// withdraw links a wallet the first time (a deterministic key per user, so a seeded pool user
// links the same address again) and withdraws a little VIBE to it.
func (u *user) withdraw(ctx context.Context) {
	if !u.linked {
		seed := crypto.Keccak256([]byte(u.email))
		k, err := crypto.ToECDSA(seed)
		if err != nil {
			return
		}
		u.key = k
		addr := crypto.PubkeyToAddress(k.PublicKey).Hex()
		var ch struct {
			Message string `json:"message"`
		}
		if _, err := u.call(ctx, "wallet_challenge", call{method: http.MethodPost, url: "/api/v1/users/me/wallets/challenge",
			body: map[string]any{"chain": "ethereum", "address": addr}, out: &ch}); err != nil {
			return
		}
		sig, err := crypto.Sign(accounts.TextHash([]byte(ch.Message)), k)
		if err != nil {
			return
		}
		sig[64] += 27
		if _, err := u.call(ctx, "wallet_link", call{method: http.MethodPost, url: "/api/v1/users/me/wallets",
			body: map[string]any{"chain": "ethereum", "address": addr, "message": ch.Message, "signature": "0x" + hex.EncodeToString(sig)},
			want: []int{http.StatusCreated, http.StatusOK, http.StatusConflict}}); err != nil {
			return
		}
		u.linked = true
	}
	to := crypto.PubkeyToAddress(u.key.PublicKey).Hex()
	u.call(ctx, "withdraw", call{method: http.MethodPost, url: "/api/v1/transactions", idem: fmt.Sprintf("vibeload-withdraw:%s:%d", u.id, time.Now().UnixNano()),
		body: map[string]any{"blockchain": "ethereum", "amount": u.r.cfg.withdrawVIBE, "to": to}, want: []int{http.StatusAccepted}})
}

// trade buys one share of a song: from its offering while one is open, else with an
// immediate-or-cancel order at the last price (which may or may not fill).
func (u *user) trade(ctx context.Context) {
	if len(u.last) == 0 {
		return
	}
	song := u.last[u.rng.IntN(len(u.last))]
	var reg struct {
		LastPrice string `json:"last_price"`
		Offering  *struct {
			ID            string `json:"id"`
			Status        string `json:"status"`
			PricePerShare string `json:"price_per_share"`
		} `json:"offering"`
	}
	if _, err := u.call(ctx, "share_register", call{method: http.MethodGet, url: "/api/v1/ownership/songs/" + song.ID, out: &reg,
		// 422 ownership.song_not_offered: the song has no shares; nothing to trade.
		want: []int{http.StatusOK, http.StatusUnprocessableEntity}}); err != nil || reg.Offering == nil && reg.LastPrice == "" {
		return
	}
	if reg.Offering != nil && reg.Offering.Status == "open" {
		u.call(ctx, "share_purchase", call{method: http.MethodPost, url: "/api/v1/ownership/offerings/" + reg.Offering.ID + "/purchases",
			idem: fmt.Sprintf("vibeload-buy:%s:%d", u.id, time.Now().UnixNano()), body: map[string]any{"shares": 1},
			// 409: sold out or the holder cap reached, both normal outcomes of a crowded offering.
			want: []int{http.StatusCreated, http.StatusOK, http.StatusAccepted, http.StatusConflict}})
		return
	}
	price := reg.LastPrice
	if price == "" || price == "0" || strings.Trim(price, "0.") == "" {
		return
	}
	u.call(ctx, "share_order", call{method: http.MethodPost, url: "/api/v1/ownership/orders",
		idem: fmt.Sprintf("vibeload-order:%s:%d", u.id, time.Now().UnixNano()),
		body: map[string]any{"song_id": song.ID, "side": "buy", "shares": 1, "limit_price": price, "time_in_force": "IOC"},
		want: []int{http.StatusCreated, http.StatusOK, http.StatusAccepted, http.StatusConflict}})
}
