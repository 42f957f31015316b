package application

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// LinkCommand is a signed challenge.
type LinkCommand struct {
	UserID    uuid.UUID
	Chain     string
	Address   string
	Message   string
	Signature string
}

// Link verifies the signature over the issued message, then consumes the nonce and links the
// address in one transaction (with its user.wallet_linked.v1 event).
func (h *Wallets) Link(ctx context.Context, cmd LinkCommand) (WalletView, error) {
	c, addr, err := h.parse(cmd.Chain, cmd.Address)
	if err != nil {
		return WalletView{}, err
	}
	if len(cmd.Message) > 4096 || strings.TrimSpace(cmd.Signature) == "" || len(cmd.Signature) > 512 {
		return WalletView{}, domain.ErrInvalidMessage
	}
	m, err := domain.ParseSignInMessage(cmd.Message)
	if err != nil {
		return WalletView{}, err
	}
	switch {
	case m.Chain != c:
		return WalletView{}, domain.ErrMessageMismatch.WithMessage("the message is for another chain")
	case m.Domain != h.cfg.Domain:
		return WalletView{}, domain.ErrMessageMismatch.WithMessage("the message is for another domain")
	case m.ChainID != h.cfg.ChainIDs[c]:
		return WalletView{}, domain.ErrMessageMismatch.WithMessage("the message is for another chain id")
	case domain.AddressKey(c, m.Address) != domain.AddressKey(c, addr):
		return WalletView{}, domain.ErrMessageMismatch.WithMessage("the message is for another address")
	}
	if err := h.verifiers[c].Verify(addr, cmd.Message, strings.TrimSpace(cmd.Signature)); err != nil {
		return WalletView{}, err
	}
	now := h.now()
	var linked domain.Wallet
	err = h.wallets.Link(ctx, cmd.UserID, m.Nonce, func(ch *domain.Challenge) (domain.Wallet, error) {
		if err := ch.Use(cmd.UserID, c, addr, cmd.Message, now); err != nil {
			return domain.Wallet{}, err
		}
		linked = domain.Wallet{Chain: c, Address: ch.Address(), LinkedAt: now.UTC()}
		return linked, nil
	})
	if err != nil {
		return WalletView{}, err
	}
	return WalletView{Chain: string(linked.Chain), Address: linked.Address, LinkedAt: linked.LinkedAt}, nil
}
