package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/domain"
	"github.com/vibestream/vibestream/internal/platform/events"
)

// GroupCommit configures group commit of ledger postings: concurrent Post and CreateHold calls
// are gathered into one Postgres transaction (one WAL flush for many transfers, the way
// TigerBeetle batches), behind the same API and guarantees:
//
//   - every caller gets its own outcome: an entry that cannot apply (insufficient funds, an
//     unknown balance row, a reused key) fails only its own caller; the others commit;
//   - a caller is told "committed" only after the batch's COMMIT returned;
//   - the idempotency key still decides: a key already used replays, within a batch too;
//   - if anything unexpected happens to a batch (a concurrent writer of the same key, a lost
//     connection, a deadlock), it is rolled back and each of its entries is posted on its own
//     through payment.post_entry, so the outcome is exactly what the single-entry path gives.
//
// The balance rows a batch touches are locked in one statement, in (account_id, shard) order,
// before anything is written, so batches keep the global lock order of payment.post_entry and
// never deadlock with each other or with single postings.
type GroupCommit struct {
	// MaxBatch bounds the entries of one transaction (default 256).
	MaxBatch int
	// MaxWait is how long a committer lingers for more entries once it has one (default 0:
	// take what is queued; under load, entries queue while the previous batch commits).
	MaxWait time.Duration
	// Committers is the number of batches in flight at once (default 2).
	Committers int
}

// WithGroupCommit turns group commit on for Post and CreateHold.
func WithGroupCommit(o GroupCommit) LedgerOption {
	return func(s *LedgerStore) {
		if o.MaxBatch <= 0 {
			o.MaxBatch = 256
		}
		if o.Committers <= 0 {
			o.Committers = 2
		}
		s.gc = &committer{s: s, o: o, in: make(chan *gcReq, 4*o.MaxBatch)}
	}
}

// GroupCommitStats counts what the committer did.
type GroupCommitStats struct {
	Batches   int64 // transactions committed by the batch path
	Entries   int64 // entries those transactions committed
	Rejected  int64 // entries refused in a batch without affecting the others
	Fallbacks int64 // batches rolled back and replayed entry by entry
}

// GroupCommitStats reports the committer's counters (zero without group commit).
func (s *LedgerStore) GroupCommitStats() GroupCommitStats {
	if s.gc == nil {
		return GroupCommitStats{}
	}
	return GroupCommitStats{Batches: s.gc.batches.Load(), Entries: s.gc.entries.Load(),
		Rejected: s.gc.rejected.Load(), Fallbacks: s.gc.fallbacks.Load()}
}

type gcReq struct {
	ctx  context.Context
	e    *domain.Entry
	hold *domain.Hold // set for CreateHold: stored with the entry
	done chan gcResult
}

type gcResult struct {
	r   application.PostResult
	err error
}

type committer struct {
	s    *LedgerStore
	o    GroupCommit
	in   chan *gcReq
	once sync.Once

	batches, entries, rejected, fallbacks atomic.Int64
}

// submit queues e (and its hold) and waits for its outcome.
func (c *committer) submit(ctx context.Context, e *domain.Entry, h *domain.Hold) (application.PostResult, error) {
	c.once.Do(func() {
		for range c.o.Committers {
			go c.loop()
		}
	})
	req := &gcReq{ctx: ctx, e: e, hold: h, done: make(chan gcResult, 1)}
	select {
	case c.in <- req:
	case <-ctx.Done():
		return application.PostResult{}, ctx.Err()
	}
	select {
	case res := <-req.done:
		return res.r, res.err
	case <-ctx.Done():
		// The batch may still commit it: a retry with the same key replays it.
		return application.PostResult{}, ctx.Err()
	}
}

func (c *committer) loop() {
	for first := range c.in {
		batch := []*gcReq{first}
		var timer <-chan time.Time
		if c.o.MaxWait > 0 {
			timer = time.After(c.o.MaxWait)
		}
	gather:
		for len(batch) < c.o.MaxBatch {
			if timer == nil {
				select {
				case r := <-c.in:
					batch = append(batch, r)
				default:
					break gather
				}
				continue
			}
			select {
			case r := <-c.in:
				batch = append(batch, r)
			case <-timer:
				break gather
			}
		}
		c.run(batch)
	}
}

func (c *committer) run(batch []*gcReq) {
	live := batch[:0:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- gcResult{err: err} // given up before it was written: never posted
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		r := live[0]
		res, err := c.single(r)
		r.done <- gcResult{res, err}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	results, err := c.s.postBatch(ctx, live)
	if err != nil {
		c.fallbacks.Add(1)
		for _, r := range live {
			res, err := c.single(r)
			r.done <- gcResult{res, err}
		}
		return
	}
	c.batches.Add(1)
	for i, r := range live {
		if results[i].err != nil {
			c.rejected.Add(1)
		} else if !results[i].r.Replayed {
			c.entries.Add(1)
		}
		r.done <- results[i]
	}
}

// single posts one request on its own (the path without group commit).
func (c *committer) single(r *gcReq) (application.PostResult, error) {
	ctx := context.WithoutCancel(r.ctx)
	if r.hold != nil {
		return c.s.createHoldSingle(ctx, r.hold, r.e)
	}
	return c.s.postSingle(ctx, r.e)
}

// errBatchDiverged: the database answered something the batch cannot map back to its callers.
var errBatchDiverged = errors.New("ledger group commit: unexpected answer from payment.post_entries")

const postEntriesSQL = `SELECT idx, status, entry_id, entry_created_at, hold_id, report_accounts, report_balances
	FROM payment.post_entries($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`

// insertBatchHoldsSQL stores the holds of the batch's hold entries that were written (a hold
// whose entry was refused or replayed has no journal entry of its id).
const insertBatchHoldsSQL = `INSERT INTO payment.holds (id, owner_id, asset, amount, settled, released, status, reason, external_ref, created_at, updated_at)
	SELECT h.id, h.owner_id, h.asset, h.amount, h.settled, h.released, h.status, h.reason, h.external_ref, h.created_at, h.updated_at
	FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[],
	            $10::timestamptz[], $11::timestamptz[], $12::uuid[])
	     AS h (id, owner_id, asset, amount, settled, released, status, reason, external_ref, created_at, updated_at, entry_id)
	WHERE EXISTS (SELECT 1 FROM payment.journal_entries e WHERE e.id = h.entry_id)
	ON CONFLICT (id) DO NOTHING`

type batchRow struct {
	status   string
	entryID  *uuid.UUID
	at       *time.Time
	holdID   *uuid.UUID
	accounts []uuid.UUID
	balances []int64
}

// postBatch applies the requests through payment.post_entries in one transaction. It returns
// one result per request, or an error when the batch as a whole did not commit (then nothing
// of it was written).
func (s *LedgerStore) postBatch(ctx context.Context, reqs []*gcReq) ([]gcResult, error) {
	n := len(reqs)
	var (
		ids       = make([]uuid.UUID, n)
		keys      = make([]string, n)
		fps       = make([][]byte, n)
		kinds     = make([]string, n)
		reasons   = make([]string, n)
		exts      = make([]*string, n)
		metas     = make([][]byte, n)
		holdIDs   = make([]*uuid.UUID, n)
		created   = make([]time.Time, n)
		first     = make([]int32, n)
		count     = make([]int32, n)
		accounts  []uuid.UUID
		shards    []int16
		assets    []string
		amounts   []int64
		report    []uuid.UUID
		reported  = map[uuid.UUID]bool{}
		holds     []*gcReq
		withHolds bool
	)
	// One balance row per sharded account for the whole batch: the batch then holds one row of
	// the hot account (not one per entry), so batches in flight rarely wait for each other.
	shardOf := map[uuid.UUID]int16{}
	for i, r := range reqs {
		e := r.e
		ids[i], keys[i], fps[i], kinds[i], reasons[i] = e.ID(), e.Key(), e.Fingerprint(), string(e.Kind()), e.Reason()
		exts[i], created[i] = nullable(e.ExternalRef()), e.CreatedAt()
		metas[i] = []byte("{}")
		if len(e.Metadata()) > 0 {
			m, err := json.Marshal(e.Metadata())
			if err != nil {
				return nil, err
			}
			metas[i] = m
		}
		if e.HoldID() != uuid.Nil {
			h := e.HoldID()
			holdIDs[i] = &h
		}
		ps := e.Postings()
		sh := batchShards(ps, shardOf)
		first[i], count[i] = int32(len(accounts)+1), int32(len(ps)) //nolint:gosec // bounded by MaxBatch
		for k, p := range ps {
			accounts = append(accounts, p.Account.ID)
			shards = append(shards, sh[k])
			assets = append(assets, string(p.Amount.Asset()))
			amounts = append(amounts, p.Amount.Units())
			if s.bus != nil && isUserAccount(p.Account) && !reported[p.Account.ID] {
				reported[p.Account.ID] = true
				report = append(report, p.Account.ID)
			}
		}
		if r.hold != nil {
			holds = append(holds, r)
			withHolds = true
		}
	}
	if report == nil {
		report = []uuid.UUID{}
	}
	out := make([]batchRow, n)
	got := 0
	scan := func(rs pgx.Rows) error {
		for rs.Next() {
			var idx int32
			var row batchRow
			if err := rs.Scan(&idx, &row.status, &row.entryID, &row.at, &row.holdID, &row.accounts, &row.balances); err != nil {
				return err
			}
			if idx < 1 || int(idx) > n {
				return errBatchDiverged
			}
			out[idx-1] = row
			got++
		}
		return rs.Err()
	}
	args := []any{ids, keys, fps, kinds, reasons, exts, metas, holdIDs, created, first, count, accounts, shards, assets, amounts, report}

	if len(report) == 0 && !withHolds {
		// nothing else belongs to the transaction: one statement, one round trip
		rs, err := s.pool.Query(ctx, postEntriesSQL, args...)
		if err != nil {
			return nil, err
		}
		err = scan(rs)
		rs.Close()
		if err == nil {
			err = rs.Err()
		}
		if err != nil {
			return nil, err
		}
	} else {
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			return nil, err
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		b := &pgx.Batch{}
		b.Queue(postEntriesSQL, args...).Query(scan)
		if withHolds {
			hArgs := make([][]any, 12)
			for _, r := range holds {
				p := holdParams(r.hold)
				for k, v := range []any{p.ID, p.OwnerID, p.Asset, p.Amount, p.Settled, p.Released, p.Status, p.Reason, p.ExternalRef,
					p.CreatedAt, p.UpdatedAt, r.e.ID()} {
					hArgs[k] = append(hArgs[k], v)
				}
			}
			b.Queue(insertBatchHoldsSQL, typedHoldArgs(hArgs)...)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return nil, err
		}
		if got != n {
			return nil, errBatchDiverged
		}
		if s.bus != nil {
			if err := s.publishBatchBalances(ctx, tx, reqs, out); err != nil {
				return nil, err
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return nil, err
		}
	}
	if got != n {
		return nil, errBatchDiverged
	}
	results := make([]gcResult, n)
	for i, row := range out {
		e := reqs[i].e
		switch row.status {
		case "ok":
			results[i] = gcResult{r: application.PostResult{EntryID: e.ID(), CreatedAt: e.CreatedAt().UTC(), HoldID: e.HoldID()}}
		case "replayed":
			if row.entryID == nil || row.at == nil {
				return nil, errBatchDiverged
			}
			r := application.PostResult{EntryID: *row.entryID, CreatedAt: row.at.UTC(), Replayed: true, HoldID: e.HoldID()}
			if e.Kind() == domain.EntryHold && row.holdID != nil {
				r.HoldID = *row.holdID // the stored entry names the hold the first attempt created
			}
			results[i] = gcResult{r: r}
		case "reused":
			results[i] = gcResult{err: contracts.ErrIdempotencyKeyReused}
		case "insufficient":
			results[i] = gcResult{err: contracts.ErrInsufficientFunds}
		case "missing":
			results[i] = gcResult{err: contracts.ErrAccountNotFound.WithMessage("a balance row of the entry is missing")}
		default:
			return nil, fmt.Errorf("%w: status %q", errBatchDiverged, row.status)
		}
	}
	return results, nil
}

func batchShards(ps []domain.Posting, shardOf map[uuid.UUID]int16) []int16 {
	out := make([]int16, len(ps))
	for i, p := range ps {
		if p.Account.Shards <= 1 {
			continue
		}
		sh, ok := shardOf[p.Account.ID]
		if !ok {
			sh = int16(rand.IntN(p.Account.Shards)) //nolint:gosec // load spreading, not security
			shardOf[p.Account.ID] = sh
		}
		out[i] = sh
	}
	return out
}

func typedHoldArgs(cols [][]any) []any {
	out := make([]any, len(cols))
	for k, col := range cols {
		switch k {
		case 0, 1, 11:
			v := make([]uuid.UUID, len(col))
			for i, x := range col {
				v[i] = x.(uuid.UUID)
			}
			out[k] = v
		case 2, 6, 7:
			v := make([]string, len(col))
			for i, x := range col {
				v[i] = x.(string)
			}
			out[k] = v
		case 3, 4, 5:
			v := make([]int64, len(col))
			for i, x := range col {
				v[i] = x.(int64)
			}
			out[k] = v
		case 8:
			v := make([]*string, len(col))
			for i, x := range col {
				v[i] = x.(*string)
			}
			out[k] = v
		case 9, 10:
			v := make([]time.Time, len(col))
			for i, x := range col {
				v[i] = x.(time.Time)
			}
			out[k] = v
		}
	}
	return out
}

// publishBatchBalances writes the balance events of the written entries, each with the
// balances right after its own entry (as payment.post_entries reported them).
func (s *LedgerStore) publishBatchBalances(ctx context.Context, tx pgx.Tx, reqs []*gcReq, out []batchRow) error {
	var all []events.Envelope
	for i, row := range out {
		e := reqs[i].e
		if row.status != "ok" || !touchesUser(e) {
			continue
		}
		after := make(map[uuid.UUID]int64, len(row.accounts))
		for k, id := range row.accounts {
			if k < len(row.balances) {
				after[id] = row.balances[k]
			}
		}
		evs, err := s.balanceEvents(ctx, e, application.PostResult{EntryID: e.ID(), CreatedAt: e.CreatedAt().UTC()},
			func(_ context.Context, id uuid.UUID) (int64, error) {
				v, ok := after[id]
				if !ok {
					return 0, errBatchDiverged
				}
				return v, nil
			})
		if err != nil {
			return err
		}
		all = append(all, evs...)
	}
	if len(all) == 0 {
		return nil
	}
	return s.bus.Publish(ctx, tx, all...)
}
