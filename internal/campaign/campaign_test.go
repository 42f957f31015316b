package campaign_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/campaign"
	"github.com/vibestream/vibestream/internal/campaign/application"
	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/campaign/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/kernel/money"
	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/payment"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// clock is the context's clock in these tests.
type clock struct{ t atomic.Int64 }

func newClock(t time.Time) *clock        { c := &clock{}; c.t.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) Set(t time.Time)         { c.t.Store(t.UnixNano()) }
func (c *clock) Advance(d time.Duration) { c.t.Add(int64(d)) }

// catalog is a fake music catalog.
type catalog struct {
	mu    sync.Mutex
	songs map[uuid.UUID]musiccontracts.SongSummary
}

func (c *catalog) Song(_ context.Context, id uuid.UUID) (musiccontracts.SongSummary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.songs[id]
	if !ok {
		return s, errors.New("music.song_not_found")
	}
	return s, nil
}

func (c *catalog) add(artistUser uuid.UUID) uuid.UUID {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := uuid.New()
	c.songs[id] = musiccontracts.SongSummary{ID: id, ArtistID: artistUser, ArtistUserID: artistUser, Ready: true, Published: true}
	return id
}

// flakyLedger fails Settle while fail is set (a crash between the draw and the settlement).
type flakyLedger struct {
	application.Ledger
	fail atomic.Bool
}

func (l *flakyLedger) Settle(ctx context.Context, r paymentcontracts.SettleRequest) (paymentcontracts.Receipt, error) {
	if l.fail.Load() {
		return paymentcontracts.Receipt{}, errors.New("ledger unreachable")
	}
	return l.Ledger.Settle(ctx, r)
}

type env struct {
	t      *testing.T
	pool   *pgxpool.Pool
	ledger paymentcontracts.Ledger
	flaky  *flakyLedger
	clock  *clock
	songs  *catalog
	mod    *campaign.Module
	uc     struct {
		create   *application.Create
		activate *application.Activate
		trans    *application.Transitions
		queries  *application.Queries
	}
}

var t0 = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := pgtest.NewDB(t)
	pay, err := payment.New(payment.Deps{Pool: pool})
	require.NoError(t, err)
	e := &env{t: t, pool: pool, ledger: pay.Ledger(), clock: newClock(t0), songs: &catalog{songs: map[uuid.UUID]musiccontracts.SongSummary{}}}
	e.flaky = &flakyLedger{Ledger: pay.Ledger()}
	runner := jobs.NewRunner(pool, jobs.Options{FetchPollInterval: 50 * time.Millisecond, Logger: observability.DiscardLogger()})
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	e.mod, err = campaign.New(campaign.Deps{Pool: pool, Bus: bus, Songs: e.songs, Ledger: e.flaky, Now: e.clock.Now,
		Logger: observability.DiscardLogger(), Config: campaign.Config{StaleAfter: time.Minute}})
	require.NoError(t, err)
	store, err := postgres.NewStore(pool, bus)
	require.NoError(t, err)
	ad := application.Deps{Campaigns: store, Boosts: store, Songs: e.songs, Ledger: e.flaky, Now: e.clock.Now, NewID: uuid.New, StaleAfter: time.Minute}
	e.uc.create, err = application.NewCreate(ad)
	require.NoError(t, err)
	e.uc.activate, err = application.NewActivate(ad)
	require.NoError(t, err)
	e.uc.trans, err = application.NewTransitions(ad)
	require.NoError(t, err)
	e.uc.queries, err = application.NewQueries(ad)
	require.NoError(t, err)
	return e
}

// running creates and activates a campaign of one new song of a new artist, running from
// t0+1h for 7 days; the clock is moved to its start.
func (e *env) running(boost domain.Boost, budget, wallet string) (artist, song, id uuid.UUID) {
	e.t.Helper()
	ctx := context.Background()
	artist = uuid.New()
	song = e.songs.add(artist)
	e.fundVIBE(artist, wallet)
	e.clock.Set(t0)
	v, err := e.uc.create.Handle(ctx, application.CreateCampaign{ArtistUserID: artist, Draft: application.Draft{Name: "Push",
		SongIDs: []uuid.UUID{song}, StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(time.Hour + 7*24*time.Hour), Boost: boost, Budget: vibe(budget)}})
	require.NoError(e.t, err)
	e.clock.Set(t0.Add(time.Hour))
	v, err = e.uc.activate.Handle(ctx, application.ActivateCampaign{ArtistUserID: artist, CampaignID: v.ID})
	require.NoError(e.t, err)
	require.Equal(e.t, domain.StatusActive, v.Status)
	return artist, song, v.ID
}

func rewards(u uuid.UUID) paymentcontracts.AccountRef {
	return paymentcontracts.UserAccount(u, money.VIBE, paymentcontracts.KindRewards)
}

func held(u uuid.UUID) paymentcontracts.AccountRef {
	return paymentcontracts.UserAccount(u, money.VIBE, paymentcontracts.KindHeld)
}

// Many parallel listens against a small budget: exactly what the budget covers is paid, the
// budget ends at 0 or above (never below), the campaign ends itself with an event, the rest
// goes back to the artist, and every paid VIBE is in a listener's rewards account.
func TestConcurrentListensNeverOverspendTheBudget(t *testing.T) {
	for _, tc := range []struct {
		name, budget string
		paid         int
		back         string
	}{{"budget spent to the unit", "10", 10, "0"}, {"budget that cannot pay the last boost", "10.5", 10, "0.5"}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			artist, song, id := e.running(20, tc.budget, "50")
			assert.Equal(t, vibe(tc.budget), e.balance(held(artist)), "the budget is held at activation")
			const listens = 60
			listeners := make([]uuid.UUID, listens)
			sessions := make([]uuid.UUID, listens)
			for i := range listeners {
				listeners[i], sessions[i] = uuid.New(), uuid.New()
				require.NoError(t, e.ledger.OpenUserAccounts(context.Background(), listeners[i]))
			}
			var paid atomic.Int64
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < listens; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					r, err := e.mod.Boosts().PayBoost(context.Background(), listencontracts.BoostRequest{SessionID: sessions[i], SongID: song,
						ListenerID: listeners[i], Base: vibe("1"), At: e.clock.Now()})
					if !assert.NoError(t, err) {
						return
					}
					if r.Extra.IsPositive() {
						assert.Equal(t, vibe("1"), r.Extra)
						assert.Equal(t, 20, r.Tenths)
						assert.Equal(t, id, r.CampaignID)
						paid.Add(1)
					} else {
						assert.Equal(t, 10, r.Tenths, "no campaign pays: 1.0x")
					}
				}(i)
			}
			close(start)
			wg.Wait()
			assert.Equal(t, int64(tc.paid), paid.Load())
			st, spent, released := e.status(id)
			assert.Equal(t, "ended", st)
			assert.Equal(t, vibe("10").Units(), spent, "spent never exceeds the budget")
			assert.True(t, released)
			var total int64
			for _, l := range listeners {
				total += e.balance(rewards(l)).Units()
			}
			assert.Equal(t, vibe("10").Units(), total, "the listeners got exactly what was spent")
			assert.True(t, e.balance(held(artist)).IsZero(), "nothing left held")
			assert.Equal(t, vibe("40"), e.balance(paymentcontracts.Wallet(artist, money.VIBE)), "50 less the 10 spent: the rest ("+tc.back+") came back")
			assert.Equal(t, 1, e.events("campaign.ended.v1"))
			assert.Equal(t, 4-boolInt(tc.back != "0"), e.events("campaign.milestone_reached.v1"), "25/50/75 (and 100 when spent to the unit)")
			var reason string
			require.NoError(t, e.pool.QueryRow(context.Background(), `SELECT payload->>'reason' FROM platform.events WHERE type = 'campaign.ended.v1'`).Scan(&reason))
			assert.Equal(t, "budget_exhausted", reason)

			// A replay of a paid session answers the first outcome and pays nothing more.
			r, err := e.mod.Boosts().PayBoost(context.Background(), listencontracts.BoostRequest{SessionID: sessions[0], SongID: song,
				ListenerID: listeners[0], Base: vibe("1"), At: e.clock.Now()})
			require.NoError(t, err)
			var again int64
			for _, l := range listeners {
				again += e.balance(rewards(l)).Units()
			}
			assert.Equal(t, total, again)
			_ = r
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e *env) fundVIBE(user uuid.UUID, amount string) {
	e.t.Helper()
	a, err := money.Parse(money.VIBE, amount)
	require.NoError(e.t, err)
	require.NoError(e.t, e.ledger.OpenUserAccounts(context.Background(), user))
	_, err = e.ledger.Transfer(context.Background(), paymentcontracts.TransferRequest{IdempotencyKey: "fund:" + uuid.NewString(),
		From: paymentcontracts.System(paymentcontracts.KindTreasury, money.VIBE), To: []paymentcontracts.Credit{{To: paymentcontracts.Wallet(user, money.VIBE), Amount: a}},
		Details: paymentcontracts.Details{Reason: "test_funding"}})
	require.NoError(e.t, err)
}

func (e *env) balance(ref paymentcontracts.AccountRef) money.Amount {
	e.t.Helper()
	b, err := e.ledger.Balance(context.Background(), ref)
	require.NoError(e.t, err)
	return b
}

func vibe(s string) money.Amount {
	a, err := money.Parse(money.VIBE, s)
	if err != nil {
		panic(err)
	}
	return a
}

func (e *env) events(typ string) int {
	e.t.Helper()
	var n int
	require.NoError(e.t, e.pool.QueryRow(context.Background(), `SELECT count(*) FROM platform.events WHERE type = $1`, typ).Scan(&n))
	return n
}

func (e *env) status(id uuid.UUID) (string, int64, bool) {
	e.t.Helper()
	var st string
	var spent int64
	var released bool
	require.NoError(e.t, e.pool.QueryRow(context.Background(), `SELECT status, spent, released FROM campaign.campaigns WHERE id = $1`, id).Scan(&st, &spent, &released))
	return st, spent, released
}

