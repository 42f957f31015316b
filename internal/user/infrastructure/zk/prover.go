package zk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/user/application"
)

// Epoch is day 0 of the age circuit.
var Epoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// DayOf counts days from Epoch.
func DayOf(t time.Time) (uint64, error) {
	d := t.UTC().Truncate(24 * time.Hour).Sub(Epoch)
	if d < 0 {
		return 0, fmt.Errorf("age: %s is before %s", t.Format(time.DateOnly), Epoch.Format(time.DateOnly))
	}
	return uint64(d / (24 * time.Hour)), nil
}

// Prover stores birth commitments (users.birth_commitments) and proves ages against them. It
// implements application.BirthCommitments and application.AgeProver.
type Prover struct {
	pool     *pgxpool.Pool
	sys      *zk.System
	attester *zk.Attester
	now      func() time.Time
}

var (
	_ application.BirthCommitments = (*Prover)(nil)
	_ application.AgeProver        = (*Prover)(nil)
)

// NewProver builds the adapter. sys and attester may be nil when only commitments are kept
// (age proofs then fail with an error).
func NewProver(pool *pgxpool.Pool, sys *zk.System, attester *zk.Attester, now func() time.Time) (*Prover, error) {
	if pool == nil || now == nil {
		return nil, errors.New("user zk: a pool and a clock are required")
	}
	if sys != nil && sys.Name() != CircuitName {
		return nil, fmt.Errorf("user zk: system %s is not the age circuit", sys.Name())
	}
	return &Prover{pool: pool, sys: sys, attester: attester, now: now}, nil
}

// Commit implements application.BirthCommitments with a fresh salt.
func (p *Prover) Commit(ctx context.Context, user uuid.UUID, birthdate time.Time) error {
	_, err := p.commit(ctx, user, birthdate)
	return err
}

type commitment struct {
	salt  fr.Element
	value string
}

func (p *Prover) commit(ctx context.Context, user uuid.UUID, birthdate time.Time) (commitment, error) {
	day, err := DayOf(birthdate)
	if err != nil {
		return commitment{}, err
	}
	var salt fr.Element
	if _, err := salt.SetRandom(); err != nil {
		return commitment{}, err
	}
	c := commitment{salt: salt, value: zk.Big(Commitment(day, salt)).String()}
	b := salt.Bytes()
	_, err = p.pool.Exec(ctx, `INSERT INTO users.birth_commitments (user_id, birthdate, salt, commitment, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET birthdate = EXCLUDED.birthdate, salt = EXCLUDED.salt,
			commitment = EXCLUDED.commitment, created_at = EXCLUDED.created_at`, user, birthdate, b[:], c.value, p.now())
	return c, err
}

// stored returns the commitment kept for this birthdate, making one when there is none (a
// birthdate given at registration) or when it was made for an earlier birthdate.
func (p *Prover) stored(ctx context.Context, user uuid.UUID, birthdate time.Time) (commitment, error) {
	var (
		d    time.Time
		salt []byte
		c    commitment
	)
	err := p.pool.QueryRow(ctx, `SELECT birthdate, salt, commitment FROM users.birth_commitments WHERE user_id = $1`, user).
		Scan(&d, &salt, &c.value)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !d.Equal(birthdate.UTC().Truncate(24*time.Hour))) {
		return p.commit(ctx, user, birthdate)
	}
	if err != nil {
		return commitment{}, err
	}
	c.salt.SetBytes(salt)
	return c, nil
}

// ProveBornBy implements application.AgeProver.
func (p *Prover) ProveBornBy(ctx context.Context, user uuid.UUID, birthdate, bornOnOrBefore time.Time) (application.AgeStatement, error) {
	if p.sys == nil || p.attester == nil {
		return application.AgeStatement{}, errors.New("user zk: age proofs are not configured")
	}
	c, err := p.stored(ctx, user, birthdate)
	if err != nil {
		return application.AgeStatement{}, err
	}
	birth, err := DayOf(birthdate)
	if err != nil {
		return application.AgeStatement{}, err
	}
	cutoff, err := DayOf(bornOnOrBefore)
	if err != nil {
		return application.AgeStatement{}, err
	}
	if birth > cutoff {
		return application.AgeStatement{}, errors.New("user zk: born after the cut-off")
	}
	proof, err := p.sys.Prove(Witness{BirthDay: birth, BornOnOrBefore: cutoff, Salt: c.salt}.Assignment())
	if err != nil {
		return application.AgeStatement{}, err
	}
	if proof.Public[0].String() != c.value {
		return application.AgeStatement{}, errors.New("user zk: the stored commitment does not match its salt")
	}
	token, at, err := p.attester.Sign(zk.Attestation{Circuit: CircuitName, Commitment: c.value, Subject: user.String()}, p.now())
	if err != nil {
		return application.AgeStatement{}, err
	}
	return application.AgeStatement{Circuit: CircuitName, Proof: proof.Encoded(), PublicInputs: proof.PublicStrings(),
		KeyID: proof.KeyID, Commitment: c.value, Attestation: token, ExpiresAt: at.ExpiresAt}, nil
}
