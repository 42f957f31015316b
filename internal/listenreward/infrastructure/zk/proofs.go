package zk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/listenreward/application"
	"github.com/vibestream/vibestream/internal/listenreward/contracts"
	"github.com/vibestream/vibestream/internal/listenreward/domain"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/pgtree"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Tree names.
const (
	CatalogTree = "catalog"
	UsersTree   = "users"
)

// Errors served by the proof routes.
var (
	ErrProofNotFound = errs.New(errs.NotFound, "listenreward.proof_not_found", "no listen proof for this session")
	ErrProofFailed   = errs.New(errs.Unprocessable, "listenreward.proof_failed", "the listen could not be proved")
	ErrClaimInvalid  = errs.New(errs.Unprocessable, "listenreward.claim_proof_invalid", "the listen proof of this claim is not valid")
)

// Deps are what the listen proofs need.
type Deps struct {
	Pool    *pgxpool.Pool
	Runner  *jobs.Runner
	Bus     *events.Bus
	System  *zk.System
	Trees   *pgtree.Store
	Catalog musiccontracts.Catalog
	// Published lists the published catalog for the catalog tree's back-fill.
	Published musiccontracts.PublishedSongs
	// Policy is the qualification policy: each proof states its threshold for the song as
	// min_seconds (application.ProofMinSeconds).
	Policy domain.Policy
	Logger *slog.Logger
	Now    func() time.Time
	// Foreground, when set, is the payment work proofs yield to: a proof starts only once it
	// has been idle for YieldQuiet (default 50 ms), or after YieldMax (default 10 s) at the
	// latest, so proofs are delayed by payments, never the other way round, and never starved.
	Foreground *jobs.Foreground
	YieldQuiet time.Duration
	YieldMax   time.Duration
	// CPUShare (0 < share <= 1, default 1) bounds the share of wall time the prover works:
	// after a proof that took d it rests d*(1-share)/share. A proof spreads over every core,
	// so 0.5 leaves the cores to the rest of the application at least half of the time.
	CPUShare float64
}

// Proofs proves qualified listens in the background, stores the proofs and checks listen
// proofs for the verification API. It implements contracts.ListenProver.
type Proofs struct {
	d      Deps
	run    *application.ProveListen
	cache  sync.Map // session -> cachedProof: made proofs never change
	cached atomic.Int64
}

// proofCacheMax bounds the cache: past it, the cache starts over.
const proofCacheMax = 10_000

// ProofCacheTTL is how long a served proof stays in this instance's memory.
const ProofCacheTTL = time.Hour

type cachedProof struct {
	p       StoredProof
	expires time.Time
}

var (
	_ contracts.ListenProver   = (*Proofs)(nil)
	_ application.ListenProofs = (*Proofs)(nil)
)

// New wires the listen proofs: the job worker, the subscriber that records every qualified
// listen and enqueues its proof, and the two trees.
func New(ctx context.Context, d Deps) (*Proofs, error) {
	if d.Pool == nil || d.Runner == nil || d.System == nil || d.Trees == nil || d.Catalog == nil || d.Published == nil {
		return nil, errors.New("listen proofs: pool, runner, system, trees, catalog and published songs are required")
	}
	if d.System.Name() != CircuitName {
		return nil, fmt.Errorf("listen proofs: system %s is not the listen circuit", d.System.Name())
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = func() time.Time { return time.Now().UTC() }
	}
	if d.YieldQuiet <= 0 {
		d.YieldQuiet = 50 * time.Millisecond
	}
	if d.YieldMax <= 0 {
		d.YieldMax = 10 * time.Second
	}
	if d.CPUShare <= 0 || d.CPUShare > 1 {
		d.CPUShare = 1
	}
	for _, t := range []string{CatalogTree, UsersTree} {
		if err := d.Trees.Ensure(ctx, t, Depth); err != nil {
			return nil, err
		}
	}
	p := &Proofs{d: d}
	var err error
	if p.run, err = application.NewProveListen(p, d.Catalog, d.Policy); err != nil {
		return nil, err
	}
	river.AddWorker(d.Runner.Workers(), &proveWorker{p: p})
	river.AddWorker(d.Runner.Workers(), &backfillWorker{p: p})
	river.AddWorker(d.Runner.Workers(), &identityWorker{p: p})
	if d.Bus != nil {
		d.Bus.Subscribe("listenreward.catalog_tree", musiccontracts.SongPublishedV1, p.onPublished)
		d.Bus.Subscribe("listenreward.listen_proofs", contracts.ListenQualifiedV1, p.onQualified)
		d.Bus.Subscribe("listenreward.zk_identities", usercontracts.UserRegisteredV1, p.onRegistered)
	}
	return p, nil
}

// onRegistered gives every new account its identity and puts its commitment in the users tree
// soon, so the anonymity set of a listen proof is every registered user, not only those who
// listened before. The tree append waits on the tree's one lock, so it runs as a job of the
// proofs queue rather than here: an event worker blocked on the tree would delay the event
// deliveries that pay listens.
func (p *Proofs) onRegistered(ctx context.Context, e events.Envelope) error {
	var u usercontracts.UserRegistered
	if err := e.Decode(&u); err != nil {
		return err
	}
	return p.d.Runner.Insert(ctx, river.InsertManyParams{Args: IdentityArgs{UserID: u.UserID}, InsertOpts: &river.InsertOpts{
		Queue: jobs.QueueProofs, MaxAttempts: 10}})
}

// IdentityArgs is the job that gives one account its identity (EnsureIdentity).
type IdentityArgs struct {
	UserID uuid.UUID `json:"user_id"`
}

// Kind implements river.JobArgs.
func (IdentityArgs) Kind() string { return "listenreward.zk_identity" }

type identityWorker struct {
	river.WorkerDefaults[IdentityArgs]
	p *Proofs
}

func (w *identityWorker) Work(ctx context.Context, job *river.Job[IdentityArgs]) error {
	return w.p.EnsureIdentity(ctx, job.Args.UserID)
}

// EnsureIdentity creates a user's identity secret (once) and appends its commitment to the
// users tree (once).
func (p *Proofs) EnsureIdentity(ctx context.Context, user uuid.UUID) error {
	secret, err := p.identity(ctx, user)
	if err != nil {
		return err
	}
	_, err = p.d.Trees.Append(ctx, UsersTree, user.String(), IdentityCommitment(secret))
	return err
}

// ProveArgs is the job that proves one session.
type ProveArgs struct {
	SessionID uuid.UUID `json:"session_id"`
}

// Kind implements river.JobArgs.
func (ProveArgs) Kind() string { return "listenreward.prove_listen" }

func proveJob(session uuid.UUID) river.InsertManyParams {
	return river.InsertManyParams{Args: ProveArgs{SessionID: session}, InsertOpts: &river.InsertOpts{
		Queue: jobs.QueueProofs, MaxAttempts: 10,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{rivertype.JobStateAvailable,
			rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}},
	}}
}

// onQualified records the facts of a qualified listen and enqueues its proof in one
// transaction (idempotent on the session).
func (p *Proofs) onQualified(ctx context.Context, e events.Envelope) error {
	var q contracts.ListenQualified
	if err := e.Decode(&q); err != nil {
		return err
	}
	return p.Record(ctx, q.SessionID, q.ListenerID, q.SongID, q.ListenedSeconds)
}

// Record stores a qualified listen to prove and enqueues the proof job.
func (p *Proofs) Record(ctx context.Context, session, listener, song uuid.UUID, seconds int) error {
	var salt fr.Element
	if _, err := salt.SetRandom(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, p.d.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO listenreward.listen_proofs
			(session_id, listener_id, song_id, listened_seconds, min_seconds, salt, status)
			VALUES ($1, $2, $3, $4, $5, $6, 'pending') ON CONFLICT (session_id) DO NOTHING`,
			session, listener, song, seconds, application.ProofMinSeconds(p.d.Policy, 0), elemBytes(salt)); err != nil {
			return err
		}
		return p.d.Runner.InsertTx(ctx, tx, proveJob(session))
	})
}

// ProveListen implements contracts.ListenProver: it enqueues the proof of a qualified session
// and returns at once (the payment never waits for a proof).
func (p *Proofs) ProveListen(ctx context.Context, sessionID uuid.UUID) error {
	if p.d.Bus != nil {
		// the qualified listen's subscriber enqueued the proof with its record (Record)
		return nil
	}
	return p.d.Runner.Insert(ctx, proveJob(sessionID))
}

type proveWorker struct {
	river.WorkerDefaults[ProveArgs]
	p *Proofs
}

// Timeout bounds one proof (a few hundred milliseconds normally).
func (w *proveWorker) Timeout(*river.Job[ProveArgs]) time.Duration { return time.Minute }

func (w *proveWorker) Work(ctx context.Context, job *river.Job[ProveArgs]) error {
	d := w.p.d
	var status string
	err := d.Pool.QueryRow(ctx, `SELECT status FROM listenreward.listen_proofs WHERE session_id = $1`, job.Args.SessionID).Scan(&status)
	if err == nil && status != "pending" {
		return nil // proved (or failed) already: nothing to yield for
	}
	if err := d.Foreground.WaitIdle(ctx, d.YieldQuiet, d.YieldMax); err != nil {
		return err
	}
	start := time.Now()
	err = w.p.Prove(ctx, job.Args.SessionID)
	if rest := time.Duration(float64(time.Since(start)) * (1 - d.CPUShare) / d.CPUShare); rest > 0 && err == nil {
		select {
		case <-ctx.Done():
		case <-time.After(min(rest, 10*time.Second)):
		}
	}
	return err
}

// Recorded implements application.ListenProofs.
func (p *Proofs) Recorded(ctx context.Context, session uuid.UUID) (application.RecordedListen, error) {
	l := application.RecordedListen{SessionID: session}
	var status string
	err := p.d.Pool.QueryRow(ctx, `SELECT listener_id, song_id, listened_seconds, status
		FROM listenreward.listen_proofs WHERE session_id = $1`, session).
		Scan(&l.ListenerID, &l.SongID, &l.ListenedSeconds, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return l, application.ErrListenNotRecorded
	}
	l.Pending = status == "pending"
	return l, err
}

// Prove makes the proof of one recorded session now (what the job runs).
func (p *Proofs) Prove(ctx context.Context, session uuid.UUID) error { return p.run.Run(ctx, session) }

// ProveAndStore implements application.ListenProofs. Every step is idempotent: the identity
// and the song are appended to their trees once, and only a pending row takes a proof, so two
// runs at once store one proof.
func (p *Proofs) ProveAndStore(ctx context.Context, l application.RecordedListen, minSeconds int) error {
	var salt []byte
	if err := p.d.Pool.QueryRow(ctx, `SELECT salt FROM listenreward.listen_proofs WHERE session_id = $1`, l.SessionID).Scan(&salt); err != nil {
		return err
	}
	secret, err := p.identity(ctx, l.ListenerID)
	if err != nil {
		return err
	}
	if err := p.EnsureIdentity(ctx, l.ListenerID); err != nil { // accounts made before this subscriber existed
		return err
	}
	// Every published song is in the catalog tree already (appended when published, or by the
	// back-fill); this idempotent append only covers a listen qualified before the back-fill
	// reached its song.
	if _, err := p.d.Trees.Append(ctx, CatalogTree, l.SongID.String(), SongLeaf(l.SongID)); err != nil {
		return err
	}
	songM, err := p.d.Trees.PathOf(ctx, CatalogTree, l.SongID.String())
	if err != nil {
		return err
	}
	userM, err := p.d.Trees.PathOf(ctx, UsersTree, l.ListenerID.String())
	if err != nil {
		return err
	}
	w := Witness{Secret: secret, Song: l.SongID, Session: l.SessionID, Seconds: uint64(max(l.ListenedSeconds, 0)),
		MinSeconds: uint64(minSeconds), Salt: elemOf(salt), SongPath: songM.Path, UserPath: userM.Path}
	if err := w.Check(songM.Root, userM.Root); err != nil {
		return application.ErrUnprovable.WithMessage(err.Error())
	}
	a, err := w.Assignment()
	if err != nil {
		return err
	}
	proof, err := p.d.System.Prove(a)
	if err != nil {
		return err
	}
	nullifier := proof.Public[InNullifier].String()
	_, err = p.d.Pool.Exec(ctx, `UPDATE listenreward.listen_proofs SET status = 'proved', proof = $2, public_inputs = $3,
		key_id = $4, nullifier = $5, prove_ms = $6, proved_at = $7, min_seconds = $8 WHERE session_id = $1 AND status = 'pending'`,
		l.SessionID, proof.Bytes, proof.PublicStrings(), proof.KeyID, nullifier, proof.Elapsed.Milliseconds(), p.d.Now(), minSeconds)
	if err != nil {
		return err
	}
	p.d.Logger.Debug("listen proved", "session", l.SessionID, "took", proof.Elapsed)
	return nil
}

// Fail implements application.ListenProofs.
func (p *Proofs) Fail(ctx context.Context, session uuid.UUID, reason string) error {
	_, err := p.d.Pool.Exec(ctx, `UPDATE listenreward.listen_proofs SET status = 'failed', failure = $2
		WHERE session_id = $1 AND status = 'pending'`, session, reason)
	return err
}

// identity returns the listener's identity secret, creating it once.
func (p *Proofs) identity(ctx context.Context, user uuid.UUID) (fr.Element, error) {
	var fresh fr.Element
	if _, err := fresh.SetRandom(); err != nil {
		return fr.Element{}, err
	}
	if _, err := p.d.Pool.Exec(ctx, `INSERT INTO listenreward.zk_identities (user_id, secret) VALUES ($1, $2)
		ON CONFLICT (user_id) DO NOTHING`, user, elemBytes(fresh)); err != nil {
		return fr.Element{}, err
	}
	var b []byte
	if err := p.d.Pool.QueryRow(ctx, `SELECT secret FROM listenreward.zk_identities WHERE user_id = $1`, user).Scan(&b); err != nil {
		return fr.Element{}, err
	}
	return elemOf(b), nil
}

// StoredProof is a session's proof as served.
type StoredProof struct {
	SessionID    uuid.UUID
	ListenerID   uuid.UUID
	Status       string
	Failure      string
	Proof        []byte
	PublicInputs []string
	KeyID        string
	ProvedAt     time.Time
}

// ETag is a strong validator of the stored proof (it never changes once made).
func (s StoredProof) ETag() string {
	h := sha256.New()
	h.Write(s.Proof)
	for _, in := range s.PublicInputs {
		h.Write([]byte(in))
		h.Write([]byte{0})
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

// Proof returns a session's stored proof. Made proofs are immutable, so they are kept in
// memory for ProofCacheTTL (pending and failed ones are always read again).
func (p *Proofs) Proof(ctx context.Context, session uuid.UUID) (StoredProof, error) {
	now := time.Now()
	if c, ok := p.cache.Load(session); ok && now.Before(c.(cachedProof).expires) {
		return c.(cachedProof).p, nil
	}
	s, err := p.load(ctx, session)
	if err == nil && s.Status == "proved" {
		if p.cached.Add(1) > proofCacheMax {
			p.cache.Clear()
			p.cached.Store(1)
		}
		p.cache.Store(session, cachedProof{p: s, expires: now.Add(ProofCacheTTL)})
	}
	return s, err
}

func (p *Proofs) load(ctx context.Context, session uuid.UUID) (StoredProof, error) {
	s := StoredProof{SessionID: session}
	var (
		key      *string
		provedAt *time.Time
	)
	err := p.d.Pool.QueryRow(ctx, `SELECT listener_id, status, failure, proof, public_inputs, key_id, proved_at
		FROM listenreward.listen_proofs WHERE session_id = $1`, session).
		Scan(&s.ListenerID, &s.Status, &s.Failure, &s.Proof, &s.PublicInputs, &key, &provedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return StoredProof{}, ErrProofNotFound
	}
	if err != nil {
		return StoredProof{}, err
	}
	if key != nil {
		s.KeyID = *key
	}
	if provedAt != nil {
		s.ProvedAt = *provedAt
	}
	return s, nil
}

// Check is the listen circuit's zk.Checker: both roots must be in their tree's accepted
// history (422 otherwise), the nullifier must not have been used for a claim (409), and the
// stated minimum must be at least a second. (Listens of songs shorter than twice the platform's
// minimum qualify at half the song: their proofs state that smaller minimum, which a verifier
// needing more can refuse.)
func (p *Proofs) Check(ctx context.Context, public []*big.Int, _ string) ([]string, error) {
	for _, c := range []struct {
		tree string
		in   int
	}{{CatalogTree, InCatalogRoot}, {UsersTree, InUsersRoot}} {
		ok, err := p.d.Trees.Accepted(ctx, c.tree, public[c.in])
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, zk.ErrUnknownRoot.WithField(PublicInputNames[c.in], "not in the "+c.tree+" tree's accepted roots (GET /api/v1/zk/roots)")
		}
	}
	used, err := p.claimed(ctx, public[InNullifier].String())
	if err != nil {
		return nil, err
	}
	if used {
		return nil, zk.ErrNullifierUsed
	}
	var reasons []string
	if public[InMinSeconds].Sign() <= 0 {
		reasons = append(reasons, "min_seconds is 0: the proof states no listening time")
	}
	if public[InMinSeconds].BitLen() > SecondsBits {
		reasons = append(reasons, "min_seconds does not fit 32 bits: the proof states no meaningful listening time")
	}
	if public[InSessionTag].BitLen() > zk.PackBits {
		reasons = append(reasons, "session_tag does not fit 128 bits: it is no session id")
	}
	return reasons, nil
}

func (p *Proofs) claimed(ctx context.Context, nullifier string) (bool, error) {
	var ok bool
	err := p.d.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM listenreward.nullifier_claims WHERE nullifier = $1)`, nullifier).Scan(&ok)
	return ok, err
}

// Claim records a verified proof's nullifier as used for a reward claim; a second claim of
// the same nullifier fails with zk.nullifier_used.
func (p *Proofs) Claim(ctx context.Context, nullifier, sessionTag string, by uuid.UUID) (time.Time, error) {
	at := p.d.Now()
	_, err := p.d.Pool.Exec(ctx, `INSERT INTO listenreward.nullifier_claims (nullifier, session_tag, claimed_by, claimed_at)
		VALUES ($1, $2, $3, $4)`, nullifier, sessionTag, by, at)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return time.Time{}, zk.ErrNullifierUsed
	}
	return at, err
}

func elemBytes(e fr.Element) []byte {
	b := e.Bytes()
	return b[:]
}

func elemOf(b []byte) fr.Element {
	var e fr.Element
	e.SetBytes(b)
	return e
}
