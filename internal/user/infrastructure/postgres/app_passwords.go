package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	pg "github.com/vibestream/vibestream/internal/platform/postgres"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// App passwords are hand-written pgx (like the birthdate update): a handful of statements on
// one table.

var _ domain.AppPasswords = (*Store)(nil)

// AddAppPassword implements domain.AppPasswords; the account row is locked so that two
// concurrent creations cannot both pass the limit.
func (s *Store) AddAppPassword(ctx context.Context, p *domain.AppPassword, secret domain.SealedSecret) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users.accounts WHERE id = $1 FOR UPDATE`, p.UserID()); err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users.app_passwords WHERE user_id = $1 AND revoked_at IS NULL`, p.UserID()).Scan(&n); err != nil {
			return fmt.Errorf("count app passwords: %w", err)
		}
		if n >= domain.MaxAppPasswords {
			return domain.ErrTooManyAppPasswords
		}
		_, err := tx.Exec(ctx, `INSERT INTO users.app_passwords (id, user_id, name, sealed, lookup, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			p.ID(), p.UserID(), p.Name(), secret.Sealed, secret.Lookup, p.CreatedAt())
		if err != nil {
			return fmt.Errorf("insert app password: %w", err)
		}
		return nil
	})
}

// ListAppPasswords implements domain.AppPasswords.
func (s *Store) ListAppPasswords(ctx context.Context, userID uuid.UUID) ([]*domain.AppPassword, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, name, created_at, last_used_at FROM users.app_passwords
		WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*domain.AppPassword
	for rows.Next() {
		var (
			id   uuid.UUID
			name string
			at   time.Time
			used *time.Time
		)
		if err := rows.Scan(&id, &name, &at, &used); err != nil {
			return nil, err
		}
		out = append(out, domain.RehydrateAppPassword(id, userID, name, at, used, nil))
	}
	return out, rows.Err()
}

// RevokeAppPassword implements domain.AppPasswords.
func (s *Store) RevokeAppPassword(ctx context.Context, userID, id uuid.UUID, now time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users.app_passwords SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID, now)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return domain.ErrAppPasswordNotFound
	}
	return nil
}

// ActiveSecrets implements domain.AppPasswords.
func (s *Store) ActiveSecrets(ctx context.Context, userID uuid.UUID) ([]domain.SealedSecret, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, sealed, lookup FROM users.app_passwords WHERE user_id = $1 AND revoked_at IS NULL`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.SealedSecret
	for rows.Next() {
		x := domain.SealedSecret{UserID: userID}
		if err := rows.Scan(&x.ID, &x.Sealed, &x.Lookup); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// SecretByLookup implements domain.AppPasswords.
func (s *Store) SecretByLookup(ctx context.Context, lookup []byte) (domain.SealedSecret, error) {
	x := domain.SealedSecret{Lookup: lookup}
	err := s.pool.QueryRow(ctx, `SELECT id, user_id, sealed FROM users.app_passwords WHERE lookup = $1 AND revoked_at IS NULL`, lookup).
		Scan(&x.ID, &x.UserID, &x.Sealed)
	if pg.IsNoRows(err) {
		return domain.SealedSecret{}, domain.ErrAppPasswordNotFound
	}
	return x, err
}

// TouchAppPassword implements domain.AppPasswords.
func (s *Store) TouchAppPassword(ctx context.Context, id uuid.UUID, now time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE users.app_passwords SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`, id, now)
	return err
}
