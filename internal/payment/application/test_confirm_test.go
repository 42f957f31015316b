package application_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/domain"
)

type recordingSender struct {
	intents []string
	cents   []int64
}

func (s *recordingSender) SendSucceeded(_ context.Context, intentID string, amountCents int64) error {
	s.intents = append(s.intents, intentID)
	s.cents = append(s.cents, amountCents)
	return nil
}

func TestTestConfirmSendsTheIntentAndAmountForTheOwnerOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := newFakePayments()
	amount, _ := money.FromCents(1234)
	owner := uuid.New()
	p, _ := domain.NewPayment(uuid.New(), owner, amount, "usd", domain.ProviderStripe, "k", fixed)
	require.NoError(t, p.StartProcessing("pi_local", "cs", fixed))
	repo.byID[p.ID()] = p
	sender := &recordingSender{}
	h, err := application.NewTestConfirmHandler(repo, sender)
	require.NoError(t, err)
	require.True(t, h.Available())

	_, err = h.Handle(ctx, p.ID(), uuid.New(), false)
	assert.ErrorIs(t, err, domain.ErrPaymentNotFound, "another user's payment")
	assert.Empty(t, sender.intents)

	_, err = h.Handle(ctx, p.ID(), owner, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"pi_local"}, sender.intents)
	assert.Equal(t, []int64{1234}, sender.cents)

	_, err = h.Handle(ctx, p.ID(), uuid.New(), true)
	require.NoError(t, err, "an administrator may confirm any payment")

	require.NoError(t, p.Succeed(amount, fixed))
	_, err = h.Handle(ctx, p.ID(), owner, false)
	require.NoError(t, err)
	assert.Len(t, sender.intents, 2, "a succeeded payment is not confirmed again")

	failed, _ := domain.NewPayment(uuid.New(), owner, amount, "usd", domain.ProviderStripe, "k2", fixed)
	require.NoError(t, failed.StartProcessing("pi_2", "cs", fixed))
	require.NoError(t, failed.Fail("card_declined", fixed))
	repo.byID[failed.ID()] = failed
	_, err = h.Handle(ctx, failed.ID(), owner, false)
	assert.ErrorIs(t, err, application.ErrTestConfirmNotPending)
}

func TestTestConfirmIsUnavailableWithoutTheLocalSetup(t *testing.T) {
	t.Parallel()
	h, err := application.NewTestConfirmHandler(newFakePayments(), nil)
	require.NoError(t, err)
	assert.False(t, h.Available())
	_, err = h.Handle(context.Background(), uuid.New(), uuid.New(), false)
	assert.ErrorIs(t, err, application.ErrTestConfirmUnavailable)
}
