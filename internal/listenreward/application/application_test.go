package application

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fixture struct {
	store       *fakeStore
	ledger      *fakeLedger
	streams     *fakeStreams
	withdrawals *fakeWithdrawals
	clock       *clock
	song        musiccontracts.SongSummary
	listener    uuid.UUID
	d           Deps
}

func newFixture(t *testing.T, users fakeUsers) *fixture {
	t.Helper()
	f := &fixture{store: newFakeStore(), ledger: newFakeLedger(), streams: &fakeStreams{}, withdrawals: &fakeWithdrawals{},
		clock: &clock{t: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}, listener: uuid.New()}
	f.song = musiccontracts.SongSummary{ID: uuid.New(), ArtistUserID: uuid.New(), Title: "T", DurationMS: 200_000, Ready: true,
		Published: true, StreamPrice: money.MustNew(money.USD, 4_000)}
	f.d = Deps{Sessions: f.store, Rewards: f.store, Claims: f.store, Songs: fakeSongs{f.song}, Streams: f.streams, Ledger: f.ledger,
		Withdrawals: f.withdrawals, Users: users, Now: f.clock.now, NewID: uuid.New,
		Config: Config{Policy: domain.DefaultPolicy(), RewardPolicy: domain.DefaultRewardPolicy(), FeeBPS: -1,
			StalledAfter: time.Minute, PoolLockBelow: money.MustNew(money.VIBE, 1_000_000_000_000)}}
	return f
}

func (f *fixture) fund(units int64) {
	f.ledger.balances[paymentcontracts.Wallet(f.listener, money.USD)] = units
}

func TestNewHandlersRefuseNilDependencies(t *testing.T) {
	_, err := NewStart(Deps{})
	require.ErrorIs(t, err, errNilDependency)
	_, err = NewClaim(Deps{})
	require.ErrorIs(t, err, errNilDependency)
}

func TestStartHoldsOrPreviews(t *testing.T) {
	f := newFixture(t, fakeUsers{count: 5_000})
	start, err := NewStart(f.d)
	require.NoError(t, err)
	f.fund(5_000)
	v, err := start.Handle(context.Background(), StartSession{ListenerID: f.listener, SongID: f.song.ID, ClientIP: "10.0.0.1"})
	require.NoError(t, err)
	assert.Equal(t, "active", v.Status)
	assert.False(t, v.PreviewOnly)
	assert.EqualValues(t, 1_000, f.ledger.balances[paymentcontracts.Wallet(f.listener, money.USD)], "the price is held")

	// The next start ends the first (rejected: nothing was listened) and, short of money, is a preview.
	v2, err := start.Handle(context.Background(), StartSession{ListenerID: f.listener, SongID: f.song.ID})
	require.NoError(t, err)
	assert.True(t, v2.PreviewOnly)
	assert.Equal(t, int64(30*16_000), v2.MaxBytes)
	first, _ := f.store.Get(context.Background(), v.ID)
	assert.Equal(t, domain.StatusRejected, first.Status())
	assert.Equal(t, domain.EndedBySuperseded, first.EndedBy())
	var released bool
	for _, e := range f.store.events {
		if r, ok := e.(domain.ListenRejected); ok && r.SessionID == v.ID && r.HoldID == first.HoldID() {
			released = true
		}
	}
	assert.True(t, released, "the superseded session announces the release of its hold")
}

func TestStartWithAnUnknownHoldOutcomeIsRecoveredByTheJob(t *testing.T) {
	f := newFixture(t, fakeUsers{})
	f.fund(10_000)
	start, err := NewStart(f.d)
	require.NoError(t, err)
	f.ledger.holdErr = errors.New("connection reset")
	_, err = start.Handle(context.Background(), StartSession{ListenerID: f.listener, SongID: f.song.ID})
	require.Error(t, err)
	open, _ := f.store.Open(context.Background(), f.listener)
	require.Len(t, open, 1)
	assert.True(t, open[0].Starting())

	expire, err := NewExpire(f.d)
	require.NoError(t, err)
	f.ledger.holdErr = nil
	f.clock.t = f.clock.t.Add(2 * time.Minute)
	res, err := expire.Handle(context.Background(), 10)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Recovered)
	assert.Equal(t, domain.StatusRejected, open[0].Status())
	assert.NotEqual(t, uuid.Nil, open[0].HoldID(), "the hold made by the recovery is recorded for release")
	last := f.store.events[len(f.store.events)-1].(domain.ListenRejected)
	assert.Equal(t, open[0].HoldID(), last.HoldID)
}

func TestStreamFailureAbortsAndReleases(t *testing.T) {
	f := newFixture(t, fakeUsers{})
	f.fund(10_000)
	f.streams.err = errors.New("music.song_not_ready")
	start, err := NewStart(f.d)
	require.NoError(t, err)
	_, err = start.Handle(context.Background(), StartSession{ListenerID: f.listener, SongID: f.song.ID})
	require.EqualError(t, err, "music.song_not_ready")
	open, _ := f.store.Open(context.Background(), f.listener)
	assert.Empty(t, open)
	last := f.store.events[len(f.store.events)-1].(domain.ListenRejected)
	assert.Equal(t, []domain.Reason{domain.ReasonStreamFailed}, last.Reasons)
	assert.NotEqual(t, uuid.Nil, last.HoldID)
}

func TestCompleteUsesThePhaseFee(t *testing.T) {
	f := newFixture(t, fakeUsers{count: 12_000})
	f.fund(10_000)
	start, _ := NewStart(f.d)
	complete, err := NewComplete(f.d)
	require.NoError(t, err)
	v, err := start.Handle(context.Background(), StartSession{ListenerID: f.listener, SongID: f.song.ID})
	require.NoError(t, err)
	_, err = complete.Handle(context.Background(), CompleteSession{ListenerID: f.listener, SessionID: v.ID, ListenedSeconds: -1})
	require.ErrorIs(t, err, domain.ErrInvalidSeconds)
	_, err = complete.Handle(context.Background(), CompleteSession{ListenerID: uuid.New(), SessionID: v.ID, ListenedSeconds: 40})
	require.ErrorIs(t, err, domain.ErrSessionNotFound)
	f.streams.served = musiccontracts.SessionStreamed{BytesServed: 45 * 16_000, HighestOffset: 45 * 16_000}
	f.clock.t = f.clock.t.Add(41 * time.Second)
	done, err := complete.Handle(context.Background(), CompleteSession{ListenerID: f.listener, SessionID: v.ID, ListenedSeconds: 40})
	require.NoError(t, err)
	require.Equal(t, "qualified", done.Status, "%v", done.Reasons)
	assert.Equal(t, "0.000600", done.Payment.PlatformFee, "15% above 10,000 users")
	assert.Equal(t, "0.003400", done.Payment.Artist)
}

func qualifiedSession(t *testing.T, f *fixture) uuid.UUID {
	t.Helper()
	f.fund(10_000)
	start, _ := NewStart(f.d)
	complete, _ := NewComplete(f.d)
	v, err := start.Handle(context.Background(), StartSession{ListenerID: f.listener, SongID: f.song.ID})
	require.NoError(t, err)
	f.streams.served = musiccontracts.SessionStreamed{BytesServed: 45 * 16_000, HighestOffset: 45 * 16_000}
	f.clock.t = f.clock.t.Add(41 * time.Second)
	done, err := complete.Handle(context.Background(), CompleteSession{ListenerID: f.listener, SessionID: v.ID, ListenedSeconds: 40})
	require.NoError(t, err)
	require.Equal(t, "qualified", done.Status)
	return v.ID
}

func TestIssueRewardFromALowPoolNeverOverdraws(t *testing.T) {
	f := newFixture(t, fakeUsers{})
	id := qualifiedSession(t, f)
	pool := paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE)
	f.ledger.balances[pool] = 500_000_000 // half a reward
	issue, err := NewIssueReward(f.d)
	require.NoError(t, err)
	require.NoError(t, issue.IssueReward(context.Background(), id))
	r, _ := f.store.GetReward(context.Background(), id)
	assert.Equal(t, domain.RewardUnfunded, r.Status())
	assert.EqualValues(t, 500_000_000, f.ledger.balances[pool], "the pool is untouched")
	assert.Equal(t, 1, f.store.poolLock, "a low pool is checked under the lock")
	require.NoError(t, issue.IssueReward(context.Background(), id), "idempotent")
	assert.Empty(t, f.ledger.transfers)
}

func TestIssueRewardFromAFullPool(t *testing.T) {
	f := newFixture(t, fakeUsers{})
	id := qualifiedSession(t, f)
	pool := paymentcontracts.System(paymentcontracts.KindRewardPool, money.VIBE)
	f.ledger.balances[pool] = 10_000_000_000_000
	issue, _ := NewIssueReward(f.d)
	require.NoError(t, issue.IssueReward(context.Background(), id))
	require.NoError(t, issue.IssueReward(context.Background(), id))
	r, _ := f.store.GetReward(context.Background(), id)
	assert.Equal(t, domain.RewardAccrued, r.Status())
	assert.Len(t, f.ledger.transfers, 1, "paid once")
	assert.Zero(t, f.store.poolLock, "no lock while the pool is full")
	assert.EqualValues(t, 1_000_000_000, f.ledger.balances[paymentcontracts.UserAccount(f.listener, money.VIBE, paymentcontracts.KindRewards)])
}

func TestClaimToAChainPutsTheVIBEBackWhenTheWithdrawalIsRefused(t *testing.T) {
	f := newFixture(t, fakeUsers{wallets: []usercontracts.Wallet{{Chain: "ethereum", Address: "0xabc"}}})
	rewards := paymentcontracts.UserAccount(f.listener, money.VIBE, paymentcontracts.KindRewards)
	f.ledger.balances[rewards] = 3_000_000_000
	claim, err := NewClaim(f.d)
	require.NoError(t, err)
	f.withdrawals.err = paymentcontracts.ErrInsufficientFunds
	_, err = claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "ethereum", IdempotencyKey: "k1"})
	require.ErrorIs(t, err, paymentcontracts.ErrInsufficientFunds)
	assert.EqualValues(t, 3_000_000_000, f.ledger.balances[rewards], "nothing half-done")
	assert.Zero(t, f.ledger.balances[paymentcontracts.Wallet(f.listener, money.VIBE)])
	_, err = claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "ethereum", IdempotencyKey: "k1"})
	require.ErrorIs(t, err, domain.ErrClaimFailed, "a retry with the key answers the failure")
	assert.EqualValues(t, 3_000_000_000, f.ledger.balances[rewards])

	_, err = claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "solana", IdempotencyKey: "k2"})
	require.ErrorIs(t, err, domain.ErrNoLinkedWallet)
	f.withdrawals.err = nil
	v, err := claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "ethereum", Amount: "2", IdempotencyKey: "k3"})
	require.NoError(t, err)
	require.NotNil(t, v.Transaction)
	assert.EqualValues(t, 1_000_000_000, f.ledger.balances[rewards])
	again, err := claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "ethereum", Amount: "2", IdempotencyKey: "k3"})
	require.NoError(t, err)
	assert.Equal(t, v, again, "a retry answers the first claim")
	assert.Equal(t, 2, f.withdrawals.calls, "and withdraws nothing more")
	assert.EqualValues(t, 1_000_000_000, f.ledger.balances[rewards])

	// A claim interrupted after its first move resumes with the same key.
	f.withdrawals.err = errors.New("connection reset")
	_, err = claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "ethereum", Amount: "1", IdempotencyKey: "k5"})
	require.Error(t, err)
	assert.Zero(t, f.ledger.balances[rewards], "moved to the wallet, the withdrawal not made yet")
	f.withdrawals.err = nil
	resumed, err := claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "ethereum", Amount: "1", IdempotencyKey: "k5"})
	require.NoError(t, err, "resumed although nothing is claimable any more")
	assert.Equal(t, "1.000000000", resumed.Amount)
	_, err = claim.Handle(context.Background(), ClaimRewards{UserID: f.listener, Destination: "balance", Amount: "abc", IdempotencyKey: "k4"})
	require.ErrorIs(t, err, domain.ErrInvalidClaimAmount)
}

func TestExpiryJudgesASessionAsOfItsExpiry(t *testing.T) {
	f := newFixture(t, fakeUsers{})
	f.fund(10_000)
	start, _ := NewStart(f.d)
	v, err := start.Handle(context.Background(), StartSession{ListenerID: f.listener, SongID: f.song.ID})
	require.NoError(t, err)
	f.streams.served = musiccontracts.SessionStreamed{BytesServed: 200 * 16_000, HighestOffset: 200 * 16_000}
	f.clock.t = f.clock.t.Add(3 * time.Hour) // the job was down for hours
	expire, _ := NewExpire(f.d)
	res, err := expire.Handle(context.Background(), 10)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Expired)
	s, _ := f.store.Get(context.Background(), v.ID)
	assert.Equal(t, domain.StatusQualified, s.Status(), "%v", s.Reasons())
	assert.Equal(t, 200, s.Listened(), "what was served, bounded by the song")
	assert.Equal(t, domain.EndedByExpiry, s.EndedBy())
}
