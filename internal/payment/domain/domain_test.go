package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func acct(asset money.Asset) Account {
	return Account{ID: uuid.New(), Owner: uuid.New(), Asset: asset, Kind: "user_wallet", Shards: 1}
}

func usd(units int64) money.Amount  { return money.MustNew(money.USD, units) }
func vibe(units int64) money.Amount { return money.MustNew(money.VIBE, units) }

func TestNewEntryEnforcesLedgerRules(t *testing.T) {
	t.Parallel()
	a, b, c := acct(money.USD), acct(money.USD), acct(money.VIBE)
	d := acct(money.VIBE)
	cases := []struct {
		name     string
		key      string
		postings []Posting
		err      error
	}{
		{"balanced", "k", []Posting{{a, usd(-10)}, {b, usd(10)}}, nil},
		{"balanced per asset", "k", []Posting{{a, usd(-10)}, {b, usd(10)}, {c, vibe(-3)}, {d, vibe(3)}}, nil},
		{"split", "k", []Posting{{a, usd(-10)}, {b, usd(7)}, {b, usd(3)}}, nil},
		{"unbalanced", "k", []Posting{{a, usd(-10)}, {b, usd(9)}}, ErrUnbalancedEntry},
		{"sums to zero across assets only", "k", []Posting{{a, usd(-10)}, {c, vibe(10)}}, ErrUnbalancedEntry},
		{"one posting", "k", []Posting{{a, usd(0)}}, ErrUnbalancedEntry},
		{"zero amount", "k", []Posting{{a, usd(0)}, {b, usd(0)}}, ErrInvalidPosting},
		{"asset differs from account", "k", []Posting{{a, vibe(-1)}, {b, vibe(1)}}, ErrInvalidPosting},
		{"no key", "", []Posting{{a, usd(-10)}, {b, usd(10)}}, ErrMissingKey},
		{"overflow", "k", []Posting{{a, usd(1 << 62)}, {b, usd(1 << 62)}, {a, usd(-(1 << 62))}}, money.ErrOverflow},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := NewEntry(EntryInput{ID: uuid.New(), Key: tc.key, Kind: EntryTransfer, Postings: tc.postings, Now: now})
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "transfer", e.Reason(), "the reason defaults to the kind")
		})
	}
}

func TestFingerprintIgnoresIDAndOrderButNotContent(t *testing.T) {
	t.Parallel()
	a, b := acct(money.USD), acct(money.USD)
	mk := func(ps ...Posting) *Entry {
		e, err := NewEntry(EntryInput{ID: uuid.New(), Key: "k", Kind: EntryTransfer, Reason: "r", Metadata: map[string]string{"x": "1", "y": "2"}, Postings: ps, Now: time.Now()})
		require.NoError(t, err)
		return e
	}
	e1 := mk(Posting{a, usd(-5)}, Posting{b, usd(5)})
	e2 := mk(Posting{b, usd(5)}, Posting{a, usd(-5)})
	e3 := mk(Posting{a, usd(-6)}, Posting{b, usd(6)})
	assert.Equal(t, e1.Fingerprint(), e2.Fingerprint())
	assert.NotEqual(t, e1.Fingerprint(), e3.Fingerprint())
}

func TestHoldSettlesInPartsAndReleases(t *testing.T) {
	t.Parallel()
	h, err := NewHold(uuid.New(), uuid.New(), usd(100), "r", "", now)
	require.NoError(t, err)
	require.NoError(t, h.Settle(usd(30), now))
	assert.Equal(t, HoldActive, h.Status())
	assert.Equal(t, usd(70), h.Remaining())
	assert.ErrorIs(t, h.Settle(usd(71), now), ErrHoldExceeded)
	assert.ErrorIs(t, h.Settle(usd(0), now), ErrNonPositiveAmount)
	rest, err := h.Release(now)
	require.NoError(t, err)
	assert.Equal(t, usd(70), rest)
	assert.Equal(t, HoldReleased, h.Status())
	assert.ErrorIs(t, h.Settle(usd(1), now), ErrHoldClosed)
	_, err = h.Release(now)
	assert.ErrorIs(t, err, ErrHoldClosed)

	h2, _ := NewHold(uuid.New(), uuid.New(), usd(10), "r", "", now)
	require.NoError(t, h2.Settle(usd(10), now))
	assert.Equal(t, HoldSettled, h2.Status())
	_, err = NewHold(uuid.New(), uuid.New(), usd(0), "r", "", now)
	assert.ErrorIs(t, err, ErrNonPositiveAmount)
}

func TestPaymentLifecycle(t *testing.T) {
	t.Parallel()
	amount, _ := money.FromCents(2500)
	p, err := NewPayment(uuid.New(), uuid.New(), amount, "usd", ProviderStripe, "key", now)
	require.NoError(t, err)
	assert.Equal(t, PaymentPending, p.Status())
	assert.False(t, p.ReviewRequired())
	assert.ErrorIs(t, p.Refund(amount, now), ErrNotRefundable)
	require.NoError(t, p.StartProcessing("pi_1", "secret", now))
	assert.ErrorIs(t, p.StartProcessing("pi_2", "secret", now), ErrInvalidTransition)
	require.NoError(t, p.Succeed(amount, now))
	assert.ErrorIs(t, p.Succeed(amount, now), ErrAlreadySucceeded)
	ev := p.PullEvents()
	require.Len(t, ev, 1)
	assert.Equal(t, amount, ev[0].(PaymentSucceededEvent).Amount)
	assert.Empty(t, p.PullEvents())
	assert.ErrorIs(t, p.Fail("late", now), ErrInvalidTransition)

	ten, _ := money.FromCents(1000)
	require.NoError(t, p.Refund(ten, now))
	require.NoError(t, p.Refund(ten, now))
	assert.ErrorIs(t, p.Refund(ten, now), ErrRefundExceedsPaid, "only $5 remains refundable")
	five, _ := money.FromCents(500)
	require.NoError(t, p.Refund(five, now))
	assert.True(t, p.Refundable().IsZero())
	require.NoError(t, p.RefundFailed(five, now))
	assert.Equal(t, five, p.Refundable())
}

func TestPaymentRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		cents    int64
		currency string
		review   bool
		err      error
	}{
		{"minimum", 50, "usd", false, nil},
		{"below minimum", 49, "usd", false, ErrAmountOutOfRange},
		{"exactly 10k is not reviewed", 1_000_000, "USD", false, nil},
		{"over 10k is reviewed", 1_000_001, "usd", true, nil},
		{"above maximum", 100_000_000, "usd", false, ErrAmountOutOfRange},
		{"other currency", 100, "eur", false, ErrUnsupportedCurrency},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := money.FromCents(tc.cents)
			p, err := NewPayment(uuid.New(), uuid.New(), a, tc.currency, ProviderStripe, "k", now)
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.review, p.ReviewRequired())
		})
	}
}

func TestFailedPaymentCanStillSucceedAndDifferentAmountIsReviewed(t *testing.T) {
	t.Parallel()
	amount, _ := money.FromCents(1000)
	p, _ := NewPayment(uuid.New(), uuid.New(), amount, "usd", ProviderStripe, "k", now)
	require.NoError(t, p.StartProcessing("pi", "s", now))
	require.NoError(t, p.Fail("card_declined", now))
	require.NoError(t, p.Fail("again", now), "failing twice is a no-op")
	less, _ := money.FromCents(900)
	require.NoError(t, p.Succeed(less, now))
	assert.Equal(t, less, p.Amount())
	assert.True(t, p.ReviewRequired())
}
