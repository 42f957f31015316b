package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Directory answers other contexts' questions about users (contracts.Directory).
type Directory struct {
	users   domain.Users
	wallets domain.Wallets
}

var _ contracts.Directory = (*Directory)(nil)

// NewDirectory builds the directory.
func NewDirectory(users domain.Users, wallets domain.Wallets) (*Directory, error) {
	if users == nil || wallets == nil {
		return nil, errNilDependency
	}
	return &Directory{users: users, wallets: wallets}, nil
}

// User implements contracts.Directory.
func (d *Directory) User(ctx context.Context, id uuid.UUID) (contracts.UserSummary, error) {
	u, err := d.users.Get(ctx, id)
	if err != nil {
		return contracts.UserSummary{}, err
	}
	return contracts.UserSummary{ID: u.ID(), Username: u.Username(), DisplayName: u.DisplayName(),
		Roles: roleNames(u.Roles())}, nil
}

// Wallets implements contracts.Directory.
func (d *Directory) Wallets(ctx context.Context, userID uuid.UUID) ([]contracts.Wallet, error) {
	ws, err := d.wallets.List(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]contracts.Wallet, len(ws))
	for i, w := range ws {
		out[i] = contracts.Wallet{Chain: string(w.Chain), Address: w.Address}
	}
	return out, nil
}

// WalletOwner implements contracts.Directory.
func (d *Directory) WalletOwner(ctx context.Context, chain, address string) (uuid.UUID, error) {
	c, err := domain.ParseChain(chain)
	if err != nil {
		return uuid.Nil, contracts.ErrUserNotFound
	}
	return d.wallets.Owner(ctx, c, address)
}

// RegisteredUsers implements contracts.Directory.
func (d *Directory) RegisteredUsers(ctx context.Context) (int64, error) { return d.users.Count(ctx) }
