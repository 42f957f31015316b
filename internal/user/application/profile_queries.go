package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// Profiles answers the account queries: the owner's full view and the public profile.
type Profiles struct {
	users domain.Users
}

// NewProfiles builds the queries.
func NewProfiles(users domain.Users) (*Profiles, error) {
	if users == nil {
		return nil, errNilDependency
	}
	return &Profiles{users: users}, nil
}

// Me returns the caller's own account.
func (q *Profiles) Me(ctx context.Context, id uuid.UUID) (UserView, error) {
	u, err := q.users.Get(ctx, id)
	if err != nil {
		return UserView{}, err
	}
	return viewOf(u), nil
}

// Public returns what anyone may see of an account.
func (q *Profiles) Public(ctx context.Context, id uuid.UUID) (PublicProfile, error) {
	u, err := q.users.Get(ctx, id)
	if err != nil {
		return PublicProfile{}, err
	}
	return profileOf(u), nil
}
