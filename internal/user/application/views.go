package application

import (
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/user/domain"
)

// UserView is the account as its owner sees it.
type UserView struct {
	ID          uuid.UUID
	Email       string
	Username    string
	DisplayName string
	Bio         string
	AvatarURL   string
	Birthdate   *time.Time
	Roles       []string
	Permissions []string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// PublicProfile is what anyone may see of an account.
type PublicProfile struct {
	ID          uuid.UUID
	Username    string
	DisplayName string
	Bio         string
	AvatarURL   string
	Roles       []string
	CreatedAt   time.Time
}

func viewOf(u *domain.User) UserView {
	return UserView{ID: u.ID(), Email: u.Email(), Username: u.Username(), DisplayName: u.DisplayName(), Bio: u.Bio(),
		AvatarURL: u.AvatarURL(), Birthdate: u.Birthdate(), Roles: roleNames(u.Roles()), Permissions: PermissionsOf(u.Roles()),
		CreatedAt: u.CreatedAt(), UpdatedAt: u.UpdatedAt()}
}

func profileOf(u *domain.User) PublicProfile {
	return PublicProfile{ID: u.ID(), Username: u.Username(), DisplayName: u.DisplayName(), Bio: u.Bio(),
		AvatarURL: u.AvatarURL(), Roles: roleNames(u.Roles()), CreatedAt: u.CreatedAt()}
}
