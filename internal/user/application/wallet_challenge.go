package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// Challenge issues a single-use nonce and the exact message the wallet must sign.
func (h *Wallets) Challenge(ctx context.Context, userID uuid.UUID, chain, address string) (ChallengeView, error) {
	c, addr, err := h.parse(chain, address)
	if err != nil {
		return ChallengeView{}, err
	}
	nonce, err := newNonce()
	if err != nil {
		return ChallengeView{}, err
	}
	now := h.now()
	ch, err := domain.NewChallenge(domain.ChallengeParams{UserID: userID, Chain: c, Address: addr, Domain: h.cfg.Domain,
		URI: h.cfg.URI, ChainID: h.cfg.ChainIDs[c], Nonce: nonce, Now: now, TTL: h.cfg.ChallengeTTL})
	if err != nil {
		return ChallengeView{}, err
	}
	if err := h.wallets.AddChallenge(ctx, ch, h.cfg.MaxOpenChallenges, now); err != nil {
		return ChallengeView{}, err
	}
	return ChallengeView{Chain: string(c), Address: addr, Message: ch.Message(), Nonce: ch.Nonce(),
		IssuedAt: ch.IssuedAt(), ExpiresAt: ch.ExpiresAt()}, nil
}
