package application

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// WalletConfig says what sign-in messages must contain.
type WalletConfig struct {
	Domain       string // host of PUBLIC_URL
	URI          string // PUBLIC_URL
	ChainIDs     map[domain.Chain]string
	ChallengeTTL time.Duration
	// MaxOpenChallenges bounds unexpired, unused challenges per user.
	MaxOpenChallenges int
}

// Wallets holds the wallet-link use cases: challenge, link, list and unlink.
type Wallets struct {
	wallets   domain.Wallets
	verifiers map[domain.Chain]WalletVerifier
	cfg       WalletConfig
	now       Clock
}

// NewWallets builds the use cases; every chain needs a verifier and a chain id.
func NewWallets(wallets domain.Wallets, verifiers map[domain.Chain]WalletVerifier, cfg WalletConfig, now Clock) (*Wallets, error) {
	if wallets == nil || now == nil || cfg.Domain == "" || cfg.ChallengeTTL <= 0 {
		return nil, errNilDependency
	}
	for _, c := range []domain.Chain{domain.ChainEthereum, domain.ChainSolana} {
		if verifiers[c] == nil || cfg.ChainIDs[c] == "" {
			return nil, errNilDependency
		}
	}
	if cfg.MaxOpenChallenges <= 0 {
		cfg.MaxOpenChallenges = 10
	}
	return &Wallets{wallets: wallets, verifiers: verifiers, cfg: cfg, now: now}, nil
}

// ChallengeView is an issued challenge.
type ChallengeView struct {
	Chain     string
	Address   string
	Message   string
	Nonce     string
	IssuedAt  time.Time
	ExpiresAt time.Time
}

// WalletView is a linked address.
type WalletView struct {
	Chain    string
	Address  string
	LinkedAt time.Time
}

func (h *Wallets) parse(chain, address string) (domain.Chain, string, error) {
	f := errs.Fields{}
	c, err := domain.ParseChain(chain)
	if err != nil {
		addField(f, "chain", err)
		return "", "", f.Err(errs.ErrValidation)
	}
	addr, err := h.verifiers[c].Normalize(strings.TrimSpace(address))
	if err != nil {
		addField(f, "address", err)
		return "", "", f.Err(errs.ErrValidation)
	}
	return c, addr, nil
}

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

// Unlink removes one of the caller's addresses (with its user.wallet_unlinked.v1 event).
func (h *Wallets) Unlink(ctx context.Context, userID uuid.UUID, chain, address string) error {
	c, err := domain.ParseChain(chain)
	if err != nil {
		return err
	}
	return h.wallets.Unlink(ctx, userID, c, strings.TrimSpace(address), h.now())
}
