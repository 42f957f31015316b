package application

import (
	"context"

	"github.com/google/uuid"
)

// List returns the caller's linked addresses, oldest first.
func (h *Wallets) List(ctx context.Context, userID uuid.UUID) ([]WalletView, error) {
	ws, err := h.wallets.List(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]WalletView, len(ws))
	for i, w := range ws {
		out[i] = WalletView{Chain: string(w.Chain), Address: w.Address, LinkedAt: w.LinkedAt}
	}
	return out, nil
}
