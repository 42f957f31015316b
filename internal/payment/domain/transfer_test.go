package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

func TestNewTransferInvariants(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0).UTC()
	vibe := money.MustNew(money.VIBE, 1_000_000_000)
	id, user, hold := uuid.New(), uuid.New(), uuid.New()
	tests := []struct {
		name string
		make func() (*Transfer, error)
	}{
		{"no id", func() (*Transfer, error) { return NewWithdrawal(uuid.Nil, user, hold, "ethereum", "0xabc", vibe, now) }},
		{"no user", func() (*Transfer, error) { return NewWithdrawal(id, uuid.Nil, hold, "ethereum", "0xabc", vibe, now) }},
		{"no hold", func() (*Transfer, error) { return NewWithdrawal(id, user, uuid.Nil, "ethereum", "0xabc", vibe, now) }},
		{"unknown chain", func() (*Transfer, error) { return NewWithdrawal(id, user, hold, "bitcoin", "x", vibe, now) }},
		{"no destination", func() (*Transfer, error) { return NewWithdrawal(id, user, hold, "solana", " ", vibe, now) }},
		{"zero", func() (*Transfer, error) { return NewMint(id, "solana", money.Zero(money.VIBE), now) }},
		{"not VIBE", func() (*Transfer, error) { return NewMint(id, "solana", money.MustNew(money.USD, 1), now) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.make()
			assert.ErrorIs(t, err, ErrInvalidTransfer)
		})
	}
	m, err := NewMint(id, "ethereum", vibe, now)
	require.NoError(t, err)
	assert.Equal(t, KindMint, m.Kind())
	assert.Equal(t, MintDestination, m.To())
	assert.Equal(t, TransferPending, m.Status())
}

func TestTransferLifecycle(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0).UTC()
	later := now.Add(time.Minute)
	w, err := NewWithdrawal(uuid.New(), uuid.New(), uuid.New(), "ethereum", "0xabc", money.MustNew(money.VIBE, 5), now)
	require.NoError(t, err)
	require.NoError(t, w.MarkSubmitted(now))
	require.NoError(t, w.MarkSubmitted(later), "a replacement")
	assert.Equal(t, now, *w.SubmittedAt())
	require.NoError(t, w.Confirm("0x2", 42, later))
	assert.Equal(t, TransferConfirmed, w.Status())
	assert.Equal(t, int64(42), w.BlockNumber())
	assert.ErrorIs(t, w.Confirm("0x2", 42, later), ErrAlreadyFinal)
	assert.ErrorIs(t, w.Fail("late", later), ErrAlreadyFinal)
	assert.Equal(t, "0x2", w.TxHash())
	assert.ErrorIs(t, w.MarkSubmitted(later), ErrAlreadyFinal)
	ev := w.PullEvents()
	require.Len(t, ev, 2, "submitted and confirmed; the replacement is no status change")
	assert.Equal(t, TransferSubmitted, ev[0].Status)
	assert.Equal(t, TransferConfirmed, ev[1].Status)
	assert.Empty(t, w.PullEvents())

	f, err := NewMint(uuid.New(), "solana", money.MustNew(money.VIBE, 5), now)
	require.NoError(t, err)
	require.NoError(t, f.Fail("", now))
	assert.Equal(t, "failed", f.FailureReason())
	assert.ErrorIs(t, f.Confirm("sig", 1, now), ErrAlreadyFinal)
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"pending", "submitted", "confirmed", "failed"} {
		t.Run(s, func(t *testing.T) {
			got, err := ParseStatus(s)
			require.NoError(t, err)
			assert.Equal(t, s, string(got))
		})
	}
	_, err := ParseStatus("lost")
	assert.ErrorIs(t, err, ErrUnknownTransferState)
}
