package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// CurrentPermissions reads an account's permissions from its roles as stored now. Privileged
// routes ask it on every request, so a revoked role stops working before the caller's access
// token expires.
type CurrentPermissions struct {
	users domain.Users
}

// NewCurrentPermissions builds the query.
func NewCurrentPermissions(users domain.Users) (*CurrentPermissions, error) {
	if users == nil {
		return nil, errNilDependency
	}
	return &CurrentPermissions{users: users}, nil
}

// Handle returns the permissions of the account's current roles.
func (h *CurrentPermissions) Handle(ctx context.Context, userID uuid.UUID) ([]string, error) {
	u, err := h.users.Get(ctx, userID)
	if err != nil {
		return nil, err
	}
	return PermissionsOf(u.Roles()), nil
}
