package application

import (
	"strings"
	"time"

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
