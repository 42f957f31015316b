package application

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// Unlink removes one of the caller's addresses (with its user.wallet_unlinked.v1 event).
func (h *Wallets) Unlink(ctx context.Context, userID uuid.UUID, chain, address string) error {
	c, err := domain.ParseChain(chain)
	if err != nil {
		return err
	}
	return h.wallets.Unlink(ctx, userID, c, strings.TrimSpace(address), h.now())
}
