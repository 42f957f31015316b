-- +goose Up
-- A stream settlement posts its journal entry last, so that the balance rows it locks (the
-- artist's earnings are hot when a song is) stay locked only for the post and the commit: the
-- payment row's reference to the entry is checked at commit.
ALTER TABLE payment.stream_payments ALTER CONSTRAINT stream_payments_entry_id_fkey DEFERRABLE INITIALLY DEFERRED;

-- +goose Down
ALTER TABLE payment.stream_payments ALTER CONSTRAINT stream_payments_entry_id_fkey NOT DEFERRABLE;
