// Package concerts_test runs the music context's VR concerts against real Postgres, the real
// payment ledger and the platform's pass signer (tickets, age gate, check-in, refunds). It lives
// outside internal/ because a context's own tests may not build another context.
package concerts_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/payment"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	"github.com/vibestream/vibestream/internal/user/infrastructure/token"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// crashingLedger fails the transfers whose key has a prefix while armed: the process "dies"
// there (after the earlier transfers of the run went through).
type crashingLedger struct {
	application.ConcertLedger
	prefix atomic.Value
}

func (l *crashingLedger) Transfer(ctx context.Context, r paymentcontracts.TransferRequest) (paymentcontracts.Receipt, error) {
	if p, _ := l.prefix.Load().(string); p != "" && strings.HasPrefix(r.IdempotencyKey, p) {
		return paymentcontracts.Receipt{}, errors.New("crash")
	}
	return l.ConcertLedger.Transfer(ctx, r)
}

type artistOf struct{ id uuid.UUID }

func (a artistOf) MyArtist(_ context.Context, v application.Viewer) (*domain.Artist, error) {
	ar, err := domain.NewArtist(a.id, v.UserID, domain.ArtistProfile{Name: "Band"}, time.Now())
	return ar, err
}

type clock struct{ t atomic.Int64 }

func (c *clock) Now() time.Time          { return time.Unix(0, c.t.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.t.Add(int64(d)) }

func usd(s string) money.Amount {
	a, err := money.Parse(money.USD, s)
	if err != nil {
		panic(err)
	}
	return a
}

// A cancelled concert's tickets are refunded exactly once by the job even when the process dies
// in the middle (between the two refund transfers of a ticket, after some tickets were done),
// and a purchase interrupted between its seat and its payment is finished once by the job.
func TestConcertRefundsAndPurchasesSurviveACrash(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	pay, err := payment.New(payment.Deps{Pool: pool})
	require.NoError(t, err)
	ledger := &crashingLedger{ConcertLedger: pay.Ledger()}
	runner := jobs.NewRunner(pool, jobs.Options{Logger: observability.DiscardLogger()})
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	store, err := postgres.NewConcertStore(pool, bus)
	require.NoError(t, err)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	passes, err := token.NewPasses(key, nil, "vibestream")
	require.NoError(t, err)
	clk := &clock{}
	clk.t.Store(time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC).UnixNano())
	d := application.ConcertDeps{Concerts: store, Artists: artistOf{uuid.New()}, Ledger: ledger, Passes: passes, Now: clk.Now, NewID: uuid.New,
		FeeBPS: 1000, StaleAfter: time.Minute}
	concerts, err := application.NewConcerts(d)
	require.NoError(t, err)
	tickets, err := application.NewTickets(d)
	require.NoError(t, err)

	artist := uuid.New()
	require.NoError(t, pay.Ledger().OpenUserAccounts(ctx, artist))
	c, err := concerts.Create(ctx, artist, domain.ConcertTerms{Title: "Crash Test", StartsAt: clk.Now().Add(time.Hour), DurationMinutes: 60,
		Capacity: 10, TicketPrice: usd("4"), VenueURL: "https://vr.example.com/r"})
	require.NoError(t, err)
	buyers := make([]uuid.UUID, 5)
	for i := range buyers {
		buyers[i] = uuid.New()
		require.NoError(t, pay.Ledger().OpenUserAccounts(ctx, buyers[i]))
		_, err := pay.Ledger().Transfer(ctx, paymentcontracts.TransferRequest{IdempotencyKey: "fund:" + buyers[i].String(),
			From: paymentcontracts.System(paymentcontracts.KindTreasury, money.USD), To: []paymentcontracts.Credit{{To: paymentcontracts.Wallet(buyers[i], money.USD), Amount: usd("10")}},
			Details: paymentcontracts.Details{Reason: "test_funding"}})
		require.NoError(t, err)
	}
	wallet := func(u uuid.UUID) int64 {
		b, err := pay.Ledger().Balance(ctx, paymentcontracts.Wallet(u, money.USD))
		require.NoError(t, err)
		return b.Units()
	}
	for _, b := range buyers[:4] {
		_, err := tickets.Buy(ctx, application.BuyTicket{BuyerID: b, ConcertID: c.ID()})
		require.NoError(t, err)
	}
	// The fifth purchase dies between its seat and its payment.
	ledger.prefix.Store("concert-ticket:")
	_, err = tickets.Buy(ctx, application.BuyTicket{BuyerID: buyers[4], ConcertID: c.ID()})
	require.Error(t, err)
	ledger.prefix.Store("")
	got, err := store.GetConcert(ctx, c.ID())
	require.NoError(t, err)
	assert.Equal(t, 5, got.Sold(), "the seat is held by the pending ticket")
	assert.EqualValues(t, 10_000_000, wallet(buyers[4]))
	clk.Advance(2 * time.Minute)
	res, err := tickets.RunConcertJobs(ctx, 100)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Recovered)
	assert.EqualValues(t, 6_000_000, wallet(buyers[4]), "charged once by the job")
	res, err = tickets.RunConcertJobs(ctx, 100)
	require.NoError(t, err)
	assert.Zero(t, res.Recovered)

	_, err = concerts.Cancel(ctx, artist, c.ID())
	require.NoError(t, err)
	// The refund run dies at the fee refunds: every ticket got its net part back, none its fee.
	ledger.prefix.Store("concert-refund-fee:")
	_, err = tickets.RunConcertJobs(ctx, 100)
	require.Error(t, err)
	for _, b := range buyers {
		assert.EqualValues(t, 9_600_000, wallet(b), "net part back, fee not yet")
	}
	ledger.prefix.Store("")
	res, err = tickets.RunConcertJobs(ctx, 100)
	require.NoError(t, err)
	assert.Equal(t, 5, res.Refunded)
	for _, b := range buyers {
		assert.EqualValues(t, 10_000_000, wallet(b), "refunded exactly once")
	}
	res, err = tickets.RunConcertJobs(ctx, 100)
	require.NoError(t, err)
	assert.Zero(t, res.Refunded)
	earn, err := pay.Ledger().Balance(ctx, paymentcontracts.UserAccount(artist, money.USD, paymentcontracts.KindEarnings))
	require.NoError(t, err)
	assert.True(t, earn.IsZero())
	a, err := store.Attendance(ctx, c.ID())
	require.NoError(t, err)
	assert.EqualValues(t, 5, a.Refunded)
	assert.EqualValues(t, 0, a.Sold)
}

// slowReserve makes the first batch's trip through the concert's lock slow, as a busy
// database would, so the buyers behind it queue into the next batches; it records the sizes.
type slowReserve struct {
	domain.Concerts
	calls, maxBatch atomic.Int64
}

func (s *slowReserve) ReserveTickets(ctx context.Context, id uuid.UUID, ts []domain.Ticket, fn func(*domain.Concert, domain.Ticket) error, now time.Time) ([]error, error) {
	if s.calls.Add(1) == 1 {
		time.Sleep(300 * time.Millisecond)
	}
	if n := int64(len(ts)); n > s.maxBatch.Load() {
		s.maxBatch.Store(n)
	}
	return s.Concerts.ReserveTickets(ctx, id, ts, fn, now)
}

type ticketRig struct {
	ctx     context.Context
	pay     *payment.Module
	store   *slowReserve
	tickets *application.Tickets
	// other is a second handler on the same database, with batches of its own, as a second
	// instance has
	other  *application.Tickets
	c      *domain.Concert
	artist uuid.UUID
}

func newTicketRig(t *testing.T, capacity int) *ticketRig {
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	pay, err := payment.New(payment.Deps{Pool: pool})
	require.NoError(t, err)
	runner := jobs.NewRunner(pool, jobs.Options{Logger: observability.DiscardLogger()})
	bus := events.NewBus(pool, runner, observability.DiscardLogger())
	pgStore, err := postgres.NewConcertStore(pool, bus)
	require.NoError(t, err)
	store := &slowReserve{Concerts: pgStore}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	passes, err := token.NewPasses(key, nil, "vibestream")
	require.NoError(t, err)
	d := application.ConcertDeps{Concerts: store, Artists: artistOf{uuid.New()}, Ledger: pay.Ledger(), Passes: passes, Now: time.Now, NewID: uuid.New,
		FeeBPS: 1000, StaleAfter: time.Minute}
	concerts, err := application.NewConcerts(d)
	require.NoError(t, err)
	tickets, err := application.NewTickets(d)
	require.NoError(t, err)
	other, err := application.NewTickets(d)
	require.NoError(t, err)
	artist := uuid.New()
	require.NoError(t, pay.Ledger().OpenUserAccounts(ctx, artist))
	c, err := concerts.Create(ctx, artist, domain.ConcertTerms{Title: "Batch Test", StartsAt: time.Now().Add(time.Hour), DurationMinutes: 60,
		Capacity: capacity, TicketPrice: usd("4"), VenueURL: "https://vr.example.com/r"})
	require.NoError(t, err)
	return &ticketRig{ctx: ctx, pay: pay, store: store, tickets: tickets, other: other, c: c, artist: artist}
}

func (r *ticketRig) buyer(t *testing.T, funds string) uuid.UUID {
	b := uuid.New()
	require.NoError(t, r.pay.Ledger().OpenUserAccounts(r.ctx, b))
	if funds != "0" {
		_, err := r.pay.Ledger().Transfer(r.ctx, paymentcontracts.TransferRequest{IdempotencyKey: "fund:" + b.String(),
			From: paymentcontracts.System(paymentcontracts.KindTreasury, money.USD), To: []paymentcontracts.Credit{{To: paymentcontracts.Wallet(b, money.USD), Amount: usd(funds)}},
			Details: paymentcontracts.Details{Reason: "test_funding"}})
		require.NoError(t, err)
	}
	return b
}

func (r *ticketRig) balance(t *testing.T, ref paymentcontracts.AccountRef) int64 {
	b, err := r.pay.Ledger().Balance(r.ctx, ref)
	require.NoError(t, err)
	return b.Units()
}

// buyAll runs every buyer's purchase at once and returns each one's outcome; with two, the
// buyers are split between the two handlers.
func (r *ticketRig) buyAll(buyers []uuid.UUID, two ...bool) []error {
	out := make([]error, len(buyers))
	var wg sync.WaitGroup
	for i, b := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := r.tickets
			if len(two) > 0 && two[0] && i%2 == 1 {
				h = r.other
			}
			_, out[i] = h.Buy(r.ctx, application.BuyTicket{BuyerID: b, ConcertID: r.c.ID()})
		}()
	}
	wg.Wait()
	return out
}

// In a batch, a buyer whose payment is refused (and the artist buying their own seat) fails
// alone: every other buyer of the same batches gets a valid ticket, paid exactly once.
func TestTicketBatchIsolatesEachBuyersFailure(t *testing.T) {
	t.Parallel()
	r := newTicketRig(t, 100)
	var funded, broke []uuid.UUID
	for i := 0; i < 30; i++ {
		funded = append(funded, r.buyer(t, "10"))
	}
	for i := 0; i < 10; i++ {
		broke = append(broke, r.buyer(t, "3")) // a dollar short
	}
	all := append(append(append([]uuid.UUID{}, funded...), broke...), r.artist)
	outs := r.buyAll(all)
	for i, err := range outs {
		switch {
		case i < len(funded):
			assert.NoError(t, err, "funded buyer %d", i)
		case i < len(funded)+len(broke):
			assert.ErrorIs(t, err, domain.ErrTicketFundsShort, "broke buyer %d", i)
		default:
			assert.ErrorIs(t, err, domain.ErrOwnConcert, "the artist")
		}
	}
	assert.Greater(t, r.store.maxBatch.Load(), int64(1), "buyers were served in batches")
	got, err := r.store.GetConcert(r.ctx, r.c.ID())
	require.NoError(t, err)
	assert.Equal(t, len(funded), got.Sold(), "refused payments gave their seats back")
	for _, b := range funded {
		assert.EqualValues(t, 6_000_000, r.balance(t, paymentcontracts.Wallet(b, money.USD)), "charged exactly once")
	}
	for _, b := range broke {
		assert.EqualValues(t, 3_000_000, r.balance(t, paymentcontracts.Wallet(b, money.USD)), "not charged")
	}
	assert.EqualValues(t, int64(len(funded))*3_600_000, r.balance(t, paymentcontracts.UserAccount(r.artist, money.USD, paymentcontracts.KindEarnings)))
	a, err := r.store.Attendance(r.ctx, r.c.ID())
	require.NoError(t, err)
	assert.EqualValues(t, len(funded), a.Sold)
}

// A batch that reaches the capacity in its middle sells exactly the seats left: the buyers
// after that point are refused as sold out, the ones before it are not affected; and two
// instances' batches (two handlers on one database) share the seats exactly, because each
// batch runs under the concert's row lock.
func TestTicketBatchNeverOversells(t *testing.T) {
	t.Parallel()
	for _, two := range []bool{false, true} {
		t.Run(fmt.Sprintf("two_instances=%v", two), func(t *testing.T) {
			t.Parallel()
			ticketBatchNeverOversells(t, two)
		})
	}
}

func ticketBatchNeverOversells(t *testing.T, two bool) {
	r := newTicketRig(t, 7)
	var buyers []uuid.UUID
	for i := 0; i < 40; i++ {
		buyers = append(buyers, r.buyer(t, "10"))
	}
	outs := r.buyAll(buyers, two)
	var ok, soldOut int
	charged := 0
	for i, err := range outs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, domain.ErrSoldOut):
			soldOut++
		default:
			t.Errorf("buyer %d: %v", i, err)
		}
		if r.balance(t, paymentcontracts.Wallet(buyers[i], money.USD)) == 6_000_000 {
			charged++
		}
	}
	assert.Equal(t, 7, ok)
	assert.Equal(t, 33, soldOut)
	assert.Equal(t, 7, charged, "money moved exactly once per seat")
	assert.Greater(t, r.store.maxBatch.Load(), int64(1), "buyers were served in batches")
	got, err := r.store.GetConcert(r.ctx, r.c.ID())
	require.NoError(t, err)
	assert.Equal(t, 7, got.Sold())
}
