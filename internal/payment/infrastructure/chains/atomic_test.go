package chains

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/application/chaintx"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
	paymentpg "github.com/vibestream/vibestream/internal/payment/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// outbox writes envelopes to platform.events inside the caller's transaction (what the bus
// does, without delivery jobs); failing makes the write fail.
type outbox struct{ failing bool }

func (o *outbox) Publish(ctx context.Context, tx pgx.Tx, envs ...events.Envelope) error {
	if o.failing {
		return errors.New("outbox unavailable")
	}
	for _, e := range envs {
		if _, err := tx.Exec(ctx, `INSERT INTO platform.events (id, occurred_at, type, source, payload, metadata, user_ids)
			VALUES ($1, $2, $3, $4, $5, '{}', $6)`, e.ID, e.OccurredAt, e.Type, e.Source, []byte(e.Payload), e.UserIDs); err != nil {
			return err
		}
	}
	return nil
}

type directory struct {
	usercontracts.Directory
	owner uuid.UUID
	addr  string
}

func (d directory) WalletOwner(_ context.Context, _, address string) (uuid.UUID, error) {
	if address == d.addr {
		return d.owner, nil
	}
	return uuid.Nil, usercontracts.ErrUserNotFound
}

func (d directory) Wallets(context.Context, uuid.UUID) ([]usercontracts.Wallet, error) {
	return nil, nil
}

type ledgerEnv struct {
	pool   *pgxpool.Pool
	store  *paymentpg.LedgerStore
	ledger *application.Ledger
	user   uuid.UUID
}

func newLedgerEnv(t *testing.T, bus events.Publisher) *ledgerEnv {
	t.Helper()
	pool := pgtest.NewDB(t)
	store := paymentpg.NewLedgerStore(pool, paymentpg.WithBalanceEvents(bus))
	l, err := application.NewLedger(store, nil, nil)
	require.NoError(t, err)
	user := uuid.New()
	require.NoError(t, l.OpenUserAccounts(context.Background(), user))
	return &ledgerEnv{pool: pool, store: store, ledger: l, user: user}
}

func (e *ledgerEnv) vibe(t *testing.T, kind contracts.AccountKind) int64 {
	t.Helper()
	b, err := e.ledger.Balance(context.Background(), contracts.UserAccount(e.user, money.VIBE, kind))
	require.NoError(t, err)
	return b.Units()
}

func (e *ledgerEnv) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, e.pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// A deposit's record, its credit and its payment.deposit_credited.v1 are one transaction:
// when the event cannot be written nothing is recorded or credited (the next scan retries),
// and once written all three exist, once.
func TestDepositRecordCreditAndEventAreOneTransaction(t *testing.T) {
	t.Parallel()
	bus := &outbox{failing: true}
	env := newLedgerEnv(t, bus)
	store := chainstore.New(env.pool, chainstore.WithLedger(env.store), chainstore.WithBus(bus))
	deposits := chaintx.NewDeposits(env.ledger, directory{owner: env.user, addr: "0xLinked"}, AppStore{S: store})
	ctx := context.Background()
	amount := int64(4_000_000_000)
	d := chaintx.Deposit{Blockchain: "ethereum", TxHash: "0x" + uuid.NewString(), From: "0xLinked", ChainAmount: "4000000000000000000", Amount: &amount, BlockNumber: 7}

	_, _, err := deposits.Record(ctx, d)
	require.Error(t, err, "the event could not be written")
	assert.Zero(t, env.vibe(t, contracts.KindWallet), "not credited without its event")
	assert.Zero(t, env.count(t, `SELECT count(*) FROM payment.chain_deposits`), "not recorded without its event")

	bus.failing = false
	got, inserted, err := deposits.Record(ctx, d)
	require.NoError(t, err)
	require.True(t, inserted)
	assert.Equal(t, chaintx.DepositCredited, got.Status)
	assert.Equal(t, amount, env.vibe(t, contracts.KindWallet))
	assert.Equal(t, 1, env.count(t, `SELECT count(*) FROM platform.events WHERE type = $1 AND payload->>'tx_hash' = $2 AND user_ids @> ARRAY[$3::uuid]`,
		contracts.DepositCreditedV1, d.TxHash, env.user))
	assert.Equal(t, 1, env.count(t, `SELECT count(*) FROM platform.events WHERE type = $1 AND user_ids @> ARRAY[$2::uuid]`,
		contracts.BalanceChangedV1, env.user), "the credit's balance change travels with it")

	// A replay (the next scan, another instance) changes nothing.
	_, inserted, err = deposits.Record(ctx, d)
	require.NoError(t, err)
	assert.False(t, inserted)
	assert.Equal(t, amount, env.vibe(t, contracts.KindWallet))
	assert.Equal(t, 1, env.count(t, `SELECT count(*) FROM platform.events WHERE type = $1`, contracts.DepositCreditedV1))

	// A stranger's deposit is recorded for an admin, not credited, no event.
	stranger := d
	stranger.TxHash, stranger.From = "0x"+uuid.NewString(), "0xStranger"
	got, inserted, err = deposits.Record(ctx, stranger)
	require.NoError(t, err)
	assert.True(t, inserted)
	assert.Equal(t, chaintx.DepositUnmatched, got.Status)
	assert.Equal(t, 1, env.count(t, `SELECT count(*) FROM platform.events WHERE type = $1`, contracts.DepositCreditedV1))
}

type openChains struct{ chaintx.Chains }

func (openChains) Enabled(string) bool                          { return true }
func (openChains) NormalizeAddress(_, a string) (string, error) { return a, nil }
func (openChains) IsPlatformAddress(string, string) bool        { return false }

// A withdrawal's hold exists only with its transfer: when the transfer (or its job) cannot be
// stored, nothing stays held; a retry then holds once and stores the transfer.
func TestWithdrawalHoldAndTransferAreOneTransaction(t *testing.T) {
	t.Parallel()
	env := newLedgerEnv(t, &outbox{})
	ctx := context.Background()
	_, err := env.ledger.Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "fund", From: contracts.System(contracts.KindTreasury, money.VIBE),
		To: []contracts.Credit{{To: contracts.Wallet(env.user, money.VIBE), Amount: money.MustNew(money.VIBE, 10_000_000_000)}}, Details: contracts.Details{Reason: "test"}})
	require.NoError(t, err)
	failEnqueue := true
	store := chainstore.New(env.pool, chainstore.WithLedger(env.store), chainstore.WithEnqueue(func(context.Context, pgx.Tx, uuid.UUID, string) error {
		if failEnqueue {
			return errors.New("job queue unavailable")
		}
		return nil
	}))
	h := chaintx.NewWithdrawHandler(env.ledger, directory{}, openChains{}, AppStore{S: store})
	cmd := chaintx.Withdraw{UserID: env.user, IdempotencyKey: "w1", Blockchain: "ethereum", To: "0xabc", Amount: "4"}

	_, err = h.Handle(ctx, cmd)
	require.Error(t, err)
	assert.Zero(t, env.vibe(t, contracts.KindHeld), "no hold without its transfer")
	assert.Equal(t, int64(10_000_000_000), env.vibe(t, contracts.KindWallet))
	assert.Zero(t, env.count(t, `SELECT count(*) FROM payment.holds`))

	failEnqueue = false
	tx, err := h.Handle(ctx, cmd)
	require.NoError(t, err)
	require.NotNil(t, tx.HoldID)
	again, err := h.Handle(ctx, cmd)
	require.NoError(t, err)
	assert.Equal(t, tx.ID, again.ID)
	assert.Equal(t, int64(4_000_000_000), env.vibe(t, contracts.KindHeld), "held once")
	assert.Equal(t, 1, env.count(t, `SELECT count(*) FROM payment.chain_transfers WHERE hold_id = $1`, *tx.HoldID))
}
