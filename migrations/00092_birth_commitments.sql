-- +goose Up
-- The commitment H(birthdate in days since 1900-01-01, salt) stored with each birthdate: age
-- proofs open it in-circuit; the salt never leaves the user context.
CREATE TABLE users.birth_commitments (
    user_id    uuid PRIMARY KEY REFERENCES users.accounts (id),
    birthdate  date NOT NULL,
    salt       bytea NOT NULL,
    commitment text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE users.birth_commitments;
