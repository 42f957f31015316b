// Package campaign_test runs the campaign context against real Postgres, the real payment ledger
// and the event bus (boosts paid from held budgets, the lifecycle job across restarts and kills).
// It lives outside internal/ because a context's own tests may not build another context.
package campaign_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
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
	pgpkg "github.com/vibestream/vibestream/internal/platform/postgres"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(childDBEnv); url != "" {
		runChild(url) // never returns: the parent kills it
	}
	os.Exit(pgtest.Run(m))
}

const childDBEnv = "CAMPAIGN_TEST_CHILD_DB"

// runChild is a separate process running the lifecycle job on the parent's database until it
// is killed with SIGKILL.
func runChild(url string) {
	ctx := context.Background()
	pool, err := pgpkg.Connect(ctx, url, 4)
	if err != nil {
		panic(err)
	}
	pay, err := payment.New(payment.Deps{Pool: pool})
	if err != nil {
		panic(err)
	}
	runner := jobs.NewRunner(pool, jobs.Options{FetchPollInterval: 20 * time.Millisecond, Logger: observability.DiscardLogger()})
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	if _, err := campaign.New(campaign.Deps{Pool: pool, Bus: bus, Runner: runner, Songs: &catalog{songs: map[uuid.UUID]musiccontracts.SongSummary{}},
		Ledger: pay.Ledger(), Logger: observability.DiscardLogger(), Config: campaign.Config{TickEvery: 200 * time.Millisecond}}); err != nil {
		panic(err)
	}
	if err := runner.Start(ctx); err != nil {
		panic(err)
	}
	select {}
}

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
	t      testing.TB
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

func newEnv(t testing.TB) *env {
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
	t.Parallel()
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

// Activation holds the budget only when the wallet covers it; the refused one stays a draft
// with nothing held.
func TestActivationHoldsTheBudgetOrStaysADraft(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	artist := uuid.New()
	song := e.songs.add(artist)
	e.fundVIBE(artist, "5")
	e.clock.Set(t0)
	v, err := e.uc.create.Handle(ctx, application.CreateCampaign{ArtistUserID: artist, Draft: application.Draft{Name: "Too big",
		SongIDs: []uuid.UUID{song}, StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(48 * time.Hour), Boost: 30, Budget: vibe("5.000000001")}})
	require.NoError(t, err)
	_, err = e.uc.activate.Handle(ctx, application.ActivateCampaign{ArtistUserID: artist, CampaignID: v.ID})
	require.ErrorIs(t, err, domain.ErrInsufficientBalance)
	st, _, _ := e.status(v.ID)
	assert.Equal(t, "draft", st)
	assert.Equal(t, vibe("5"), e.balance(paymentcontracts.Wallet(artist, money.VIBE)))
	assert.True(t, e.balance(held(artist)).IsZero())

	// Someone else cannot activate (or see) it.
	_, err = e.uc.activate.Handle(ctx, application.ActivateCampaign{ArtistUserID: uuid.New(), CampaignID: v.ID})
	require.ErrorIs(t, err, domain.ErrNotFound)

	// A smaller campaign activates before its dates: scheduled, budget held; ending it gives it all back.
	w, err := e.uc.create.Handle(ctx, application.CreateCampaign{ArtistUserID: artist, Draft: application.Draft{Name: "Fits",
		SongIDs: []uuid.UUID{song}, StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(48 * time.Hour), Boost: 30, Budget: vibe("4")}})
	require.NoError(t, err)
	w, err = e.uc.activate.Handle(ctx, application.ActivateCampaign{ArtistUserID: artist, CampaignID: w.ID})
	require.NoError(t, err)
	assert.Equal(t, domain.StatusScheduled, w.Status)
	assert.Equal(t, vibe("4"), e.balance(held(artist)))
	assert.Equal(t, vibe("1"), e.balance(paymentcontracts.Wallet(artist, money.VIBE)))
	w, err = e.uc.trans.Handle(ctx, application.TransitionCampaign{ArtistUserID: artist, CampaignID: w.ID, Do: application.End})
	require.NoError(t, err)
	assert.Equal(t, domain.StatusEnded, w.Status)
	assert.True(t, e.balance(held(artist)).IsZero())
	assert.Equal(t, vibe("5"), e.balance(paymentcontracts.Wallet(artist, money.VIBE)))
	_, err = e.uc.trans.Handle(ctx, application.TransitionCampaign{ArtistUserID: artist, CampaignID: w.ID, Do: application.Resume})
	require.ErrorIs(t, err, domain.ErrInvalidTransition)
}

// The schedule: the job starts a scheduled campaign on its start date (boosts apply), ends it
// on its end date (boosts stop) and gives the rest back.
func TestLifecycleJobStartsAndEndsOnTheDates(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	artist := uuid.New()
	song := e.songs.add(artist)
	e.fundVIBE(artist, "100")
	e.clock.Set(t0)
	v, err := e.uc.create.Handle(ctx, application.CreateCampaign{ArtistUserID: artist, Draft: application.Draft{Name: "Dated",
		SongIDs: []uuid.UUID{song}, StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(25 * time.Hour), Boost: 25, Budget: vibe("100")}})
	require.NoError(t, err)
	_, err = e.uc.activate.Handle(ctx, application.ActivateCampaign{ArtistUserID: artist, CampaignID: v.ID})
	require.NoError(t, err)
	pay := func(at time.Time) listencontracts.BoostPaid {
		r, err := e.mod.Boosts().PayBoost(ctx, listencontracts.BoostRequest{SessionID: uuid.New(), SongID: song, ListenerID: uuid.New(),
			Base: vibe("1.2"), At: at})
		require.NoError(t, err)
		return r
	}
	assert.True(t, pay(t0.Add(30*time.Minute)).Extra.IsZero(), "scheduled: no boost yet")

	e.clock.Set(t0.Add(time.Hour))
	res, err := e.mod.Tick(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Changed)
	st, _, _ := e.status(v.ID)
	assert.Equal(t, "active", st)
	b, err := e.mod.Boosts().Boost(ctx, song, e.clock.Now())
	require.NoError(t, err)
	assert.Equal(t, 25, b.Tenths)
	assert.Equal(t, vibe("1.8"), pay(e.clock.Now()).Extra, "1.2 x (2.5 - 1)")

	e.clock.Set(t0.Add(25 * time.Hour))
	res, err = e.mod.Tick(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Changed)
	assert.Equal(t, 1, res.Released)
	st, spent, released := e.status(v.ID)
	assert.Equal(t, "ended", st)
	assert.True(t, released)
	assert.Equal(t, vibe("1.8").Units(), spent)
	assert.Equal(t, vibe("98.2"), e.balance(paymentcontracts.Wallet(artist, money.VIBE)))
	assert.True(t, pay(e.clock.Now()).Extra.IsZero(), "ended: no boost")
	assert.Equal(t, 1, e.events("campaign.started.v1"))
	assert.Equal(t, 1, e.events("campaign.ended.v1"))
	// Running it again changes nothing.
	res, err = e.mod.Tick(ctx)
	require.NoError(t, err)
	assert.Equal(t, application.LifecycleResult{}, res)
}

// A crash between drawing a boost and the ledger's settlement: the listener is still paid once
// (by the retry of the same session, or by the job), and an end never releases money a
// listener was promised.
func TestBoostDrawnButNotSettledIsPaidOnceAfterACrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	artist, song, id := e.running(20, "3", "3")
	listener, session := uuid.New(), uuid.New()
	require.NoError(t, e.ledger.OpenUserAccounts(ctx, listener))
	req := listencontracts.BoostRequest{SessionID: session, SongID: song, ListenerID: listener, Base: vibe("1"), At: e.clock.Now()}
	e.flaky.fail.Store(true)
	_, err := e.mod.Boosts().PayBoost(ctx, req)
	require.Error(t, err)
	_, spent, _ := e.status(id)
	assert.Equal(t, vibe("1").Units(), spent, "drawn from the budget")
	assert.True(t, e.balance(rewards(listener)).IsZero(), "not yet paid")
	e.flaky.fail.Store(false)

	// The job finishes it once the boost is stale.
	e.clock.Advance(2 * time.Minute)
	res, err := e.mod.Tick(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Settled)
	assert.Equal(t, vibe("1"), e.balance(rewards(listener)))
	// The session's retry pays nothing more.
	r, err := e.mod.Boosts().PayBoost(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, vibe("1"), r.Extra)
	assert.Equal(t, vibe("1"), e.balance(rewards(listener)))

	// A second drawn-unsettled boost, then the artist ends: the end pays it before releasing.
	l2 := uuid.New()
	require.NoError(t, e.ledger.OpenUserAccounts(ctx, l2))
	e.flaky.fail.Store(true)
	_, err = e.mod.Boosts().PayBoost(ctx, listencontracts.BoostRequest{SessionID: uuid.New(), SongID: song, ListenerID: l2, Base: vibe("1"), At: e.clock.Now()})
	require.Error(t, err)
	e.flaky.fail.Store(false)
	_, err = e.uc.trans.Handle(ctx, application.TransitionCampaign{ArtistUserID: artist, CampaignID: id, Do: application.End})
	require.NoError(t, err)
	assert.Equal(t, vibe("1"), e.balance(rewards(l2)))
	assert.Equal(t, vibe("1"), e.balance(paymentcontracts.Wallet(artist, money.VIBE)), "3 less the 2 paid")
	assert.True(t, e.balance(held(artist)).IsZero())
}

// Two overlapping campaigns on one song: the higher boost pays.
func TestOverlappingCampaignsTheHigherBoostPays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	artist, song, low := e.running(15, "10", "30")
	v, err := e.uc.create.Handle(ctx, application.CreateCampaign{ArtistUserID: artist, Draft: application.Draft{Name: "High",
		SongIDs: []uuid.UUID{song}, StartsAt: e.clock.Now().Add(time.Minute), EndsAt: e.clock.Now().Add(48 * time.Hour), Boost: 40, Budget: vibe("10")}})
	require.NoError(t, err)
	e.clock.Advance(time.Minute)
	_, err = e.uc.activate.Handle(ctx, application.ActivateCampaign{ArtistUserID: artist, CampaignID: v.ID})
	require.NoError(t, err)
	r, err := e.mod.Boosts().PayBoost(ctx, listencontracts.BoostRequest{SessionID: uuid.New(), SongID: song, ListenerID: uuid.New(), Base: vibe("1"), At: e.clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, v.ID, r.CampaignID)
	assert.Equal(t, 40, r.Tenths)
	assert.Equal(t, vibe("3"), r.Extra)
	_, lowSpent, _ := e.status(low)
	assert.Zero(t, lowSpent)
}

// The lifecycle job is a River periodic job: it runs again after its first run and after a
// restart (a new runner on the same database).
func TestLifecycleJobKeepsRunningAndAfterARestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	start := func() *jobs.Runner {
		runner := jobs.NewRunner(e.pool, jobs.Options{FetchPollInterval: 20 * time.Millisecond, Logger: observability.DiscardLogger()})
		bus := events.NewBus(e.pool, runner, observability.DiscardLogger())
		_, err := campaign.New(campaign.Deps{Pool: e.pool, Bus: bus, Runner: runner, Songs: e.songs, Ledger: e.flaky,
			Now: e.clock.Now, Logger: observability.DiscardLogger(), Config: campaign.Config{TickEvery: 200 * time.Millisecond}})
		require.NoError(t, err)
		require.NoError(t, runner.Start(ctx))
		return runner
	}
	count := func() int64 {
		var n int64
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'campaign.lifecycle' AND state = 'completed'`).Scan(&n))
		return n
	}
	r1 := start()
	require.Eventually(t, func() bool { return count() >= 3 }, 20*time.Second, 20*time.Millisecond, "runs after its first run")
	require.NoError(t, r1.Stop(ctx))
	before := count()
	r2 := start()
	t.Cleanup(func() { _ = r2.Stop(context.Background()) })
	require.Eventually(t, func() bool { return count() >= before+2 }, 20*time.Second, 20*time.Millisecond, "runs after a restart")
}

// After a kill -9 of the process running it, the job runs again in the next process.
func TestLifecycleJobRunsAgainAfterKill9(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	count := func() int64 {
		var n int64
		require.NoError(t, e.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'campaign.lifecycle' AND state = 'completed'`).Scan(&n))
		return n
	}
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childDBEnv+"="+e.pool.Config().ConnString())
	require.NoError(t, child.Start())
	require.Eventually(t, func() bool { return count() >= 2 }, 30*time.Second, 20*time.Millisecond, "the child runs the job")
	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()
	before := count()

	runner := jobs.NewRunner(e.pool, jobs.Options{FetchPollInterval: 20 * time.Millisecond, Logger: observability.DiscardLogger()})
	bus := events.NewBus(e.pool, runner, observability.DiscardLogger())
	_, err := campaign.New(campaign.Deps{Pool: e.pool, Bus: bus, Runner: runner, Songs: e.songs, Ledger: e.flaky, Now: e.clock.Now,
		Logger: observability.DiscardLogger(), Config: campaign.Config{TickEvery: 200 * time.Millisecond}})
	require.NoError(t, err)
	require.NoError(t, runner.Start(ctx))
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })
	require.Eventually(t, func() bool { return count() >= before+2 }, 60*time.Second, 50*time.Millisecond, "runs again after kill -9")
}
