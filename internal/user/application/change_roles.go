package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// ChangeRoles lets an admin grant or revoke a user's roles (the API counterpart of
// `vibestream users grant-role`). Changes show in the user's next access token.
type ChangeRoles struct {
	users domain.Users
	now   Clock
}

// NewChangeRoles builds the use case.
func NewChangeRoles(users domain.Users, now Clock) (*ChangeRoles, error) {
	if users == nil || now == nil {
		return nil, errNilDependency
	}
	return &ChangeRoles{users: users, now: now}, nil
}

// Grant adds role to the user (granting twice is harmless).
func (h *ChangeRoles) Grant(ctx context.Context, userID uuid.UUID, role string) (UserView, error) {
	r, err := domain.ParseRole(role)
	if err != nil {
		return UserView{}, err
	}
	var out UserView
	err = h.users.Update(ctx, userID, func(u *domain.User) error {
		u.GrantRole(r, h.now())
		out = viewOf(u)
		return nil
	})
	return out, err
}

// Revoke removes role from the user. An admin cannot revoke their own admin role (so the last
// admin cannot lock everyone out by mistake), and an account keeps at least one role.
func (h *ChangeRoles) Revoke(ctx context.Context, actorID, userID uuid.UUID, role string) (UserView, error) {
	r, err := domain.ParseRole(role)
	if err != nil {
		return UserView{}, err
	}
	if actorID == userID && r == domain.RoleAdmin {
		return UserView{}, domain.ErrSelfDemotion
	}
	var out UserView
	err = h.users.Update(ctx, userID, func(u *domain.User) error {
		if _, err := u.RevokeRole(r, h.now()); err != nil {
			return err
		}
		out = viewOf(u)
		return nil
	})
	return out, err
}
