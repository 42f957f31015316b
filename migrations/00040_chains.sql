-- +goose Up
-- Chain adapters of the payment context: durable on-chain transfers (the signed transaction is
-- stored before it is broadcast), deposits seen on chain, and scanner checkpoints.
CREATE SCHEMA IF NOT EXISTS payment;

CREATE TABLE payment.chain_transfers (
    id                      uuid PRIMARY KEY,
    kind                    text NOT NULL CHECK (kind IN ('withdrawal', 'mint')),
    -- the user who withdraws (NULL for treasury mints) and the ledger hold on their balance
    user_id                 uuid,
    hold_id                 uuid,
    blockchain              text NOT NULL CHECK (blockchain IN ('ethereum', 'solana')),
    to_address              text NOT NULL,
    -- ledger minor units (VIBE, 9 decimals)
    amount                  bigint NOT NULL CHECK (amount > 0),
    status                  text NOT NULL CHECK (status IN ('pending', 'submitted', 'confirmed', 'failed')),
    -- the current signed transaction: hash (Ethereum) or signature (Solana), and its bytes
    tx_hash                 text,
    raw_tx                  bytea,
    nonce                   bigint,
    last_valid_block_height bigint,
    signed_count            integer NOT NULL DEFAULT 0,
    block_number            bigint,
    gas_used                bigint,
    fee                     text,
    failure_reason          text,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    submitted_at            timestamptz,
    confirmed_at            timestamptz,
    CHECK ((tx_hash IS NULL) = (raw_tx IS NULL))
);
CREATE INDEX chain_transfers_open_idx ON payment.chain_transfers (status) WHERE status IN ('pending', 'submitted');
CREATE INDEX chain_transfers_user_idx ON payment.chain_transfers (user_id, created_at DESC, id DESC) WHERE user_id IS NOT NULL;

-- Every signed version of a transfer (replacements, re-signs after blockhash expiry): on restart
-- each of them is asked about, since any one may be the one that landed.
CREATE TABLE payment.chain_transfer_signatures (
    tx_hash     text PRIMARY KEY,
    transfer_id uuid NOT NULL REFERENCES payment.chain_transfers (id),
    raw_tx      bytea NOT NULL,
    nonce       bigint,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chain_transfer_signatures_transfer_idx ON payment.chain_transfer_signatures (transfer_id);

-- Incoming VIBE transfers to the hot wallets, once past the confirmation depth. The primary key
-- makes every on-chain transfer count once.
CREATE TABLE payment.chain_deposits (
    blockchain   text NOT NULL CHECK (blockchain IN ('ethereum', 'solana')),
    tx_hash      text NOT NULL,
    log_index    integer NOT NULL,
    from_address text NOT NULL,
    -- on-chain base units as text (18 decimals on Ethereum do not fit in bigint)
    chain_amount text NOT NULL,
    -- ledger minor units; NULL when the on-chain amount has no exact 9-decimal value
    amount       bigint,
    block_number bigint NOT NULL,
    status       text NOT NULL CHECK (status IN ('unmatched', 'credited', 'rejected')),
    user_id      uuid,
    reason       text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blockchain, tx_hash, log_index)
);
CREATE INDEX chain_deposits_unmatched_idx ON payment.chain_deposits (created_at) WHERE status = 'unmatched';

-- How far each deposit scanner got: a block number (Ethereum) or a signature (Solana).
CREATE TABLE payment.chain_checkpoints (
    name       text PRIMARY KEY,
    block      bigint,
    signature  text,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE payment.chain_checkpoints;
DROP TABLE payment.chain_deposits;
DROP TABLE payment.chain_transfer_signatures;
DROP TABLE payment.chain_transfers;
