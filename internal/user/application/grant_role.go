package application

import (
	"context"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// GrantRole gives an existing account a role (how operators make the first admin).
type GrantRole struct {
	users domain.Users
	now   Clock
}

// NewGrantRole builds the use case.
func NewGrantRole(users domain.Users, now Clock) (*GrantRole, error) {
	if users == nil || now == nil {
		return nil, errNilDependency
	}
	return &GrantRole{users: users, now: now}, nil
}

// Handle grants role to the account with email; it reports whether the role is new. The
// account's next access token carries the role.
func (h *GrantRole) Handle(ctx context.Context, email, role string) (UserView, bool, error) {
	r, err := domain.ParseRole(role)
	if err != nil {
		return UserView{}, false, err
	}
	addr, err := domain.ParseEmail(email)
	if err != nil {
		return UserView{}, false, err
	}
	u, err := h.users.FindByLogin(ctx, addr)
	if err != nil {
		return UserView{}, false, err
	}
	var changed bool
	var out UserView
	err = h.users.Update(ctx, u.ID(), func(u *domain.User) error {
		changed = u.GrantRole(r, h.now())
		out = viewOf(u)
		return nil
	})
	return out, changed, err
}
