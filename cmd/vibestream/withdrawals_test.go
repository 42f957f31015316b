package main

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/contracts"
)

func TestWithdrawalsContractSendsVIBEToTheLinkedWalletOnce(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withChains)
	_, adminTok := registerAdmin(t, ta)
	userID, tok := registerUser(t, ta, "listener")
	treasuryMint(t, ta, adminTok, "ethereum", "100")
	grant(t, ta, adminTok, userID, "10")
	_, ethAddr := linkEthWallet(t, ta, tok)
	ctx := context.Background()
	w := ta.app.withdrawals
	require.NotNil(t, w)
	uid := mustUUID(t, userID)
	amount := money.MustNew(money.VIBE, 2_500_000_000) // 2.5 VIBE
	req := contracts.WithdrawalRequest{IdempotencyKey: "listen_claim:" + uuid.NewString(), UserID: uid, Chain: "ethereum", Amount: amount}

	first, err := w.Withdraw(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, "pending", first.Status, "accepted, the job sends it")
	assert.Equal(t, "ethereum", first.Chain)
	assert.Equal(t, ethAddr, first.ToAddress, "the linked wallet")
	assert.Equal(t, amount, first.Amount)
	assert.Equal(t, "7.500000000", vibeBalance(t, ta, userID).String(), "held at once")

	again, err := w.Withdraw(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, first.ID, again.ID, "a retry with its key is the same transfer")
	assert.Equal(t, "7.500000000", vibeBalance(t, ta, userID).String(), "and holds nothing more")
	tx := waitTx(t, ta, tok, first.ID.String(), "confirmed")
	assert.NotEmpty(t, tx.TxHash)

	// refusals: no wallet on that chain, a USD amount, more than the balance
	_, err = w.Withdraw(ctx, contracts.WithdrawalRequest{IdempotencyKey: "k2", UserID: uid, Chain: "solana", Amount: amount})
	assert.ErrorIs(t, err, chaintx.ErrNoLinkedWallet)
	_, err = w.Withdraw(ctx, contracts.WithdrawalRequest{IdempotencyKey: "k3", UserID: uid, Chain: "ethereum", Amount: money.MustNew(money.USD, 1)})
	assert.Error(t, err, "only VIBE leaves on chain")
	_, err = w.Withdraw(ctx, contracts.WithdrawalRequest{IdempotencyKey: "k4", UserID: uid, Chain: "ethereum", Amount: money.MustNew(money.VIBE, 8_000_000_000)})
	assert.ErrorIs(t, err, contracts.ErrInsufficientFunds)
	assert.Equal(t, "7.500000000", vibeBalance(t, ta, userID).String())
}
