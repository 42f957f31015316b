package application

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// UpdateProfile changes the caller's display name, bio or avatar.
type UpdateProfile struct {
	users domain.Users
	now   Clock
}

// UpdateProfileCommand holds the fields to change; nil leaves a field as it is, and an empty
// bio or avatar_url clears it.
type UpdateProfileCommand struct {
	UserID      uuid.UUID
	DisplayName *string
	Bio         *string
	AvatarURL   *string
}

// NewUpdateProfile builds the use case.
func NewUpdateProfile(users domain.Users, now Clock) (*UpdateProfile, error) {
	if users == nil || now == nil {
		return nil, errNilDependency
	}
	return &UpdateProfile{users: users, now: now}, nil
}

// Handle validates every given field, then saves.
func (h *UpdateProfile) Handle(ctx context.Context, cmd UpdateProfileCommand) (UserView, error) {
	f := errs.Fields{}
	if cmd.DisplayName != nil {
		if _, err := domain.ParseDisplayName(*cmd.DisplayName); err != nil {
			addField(f, "display_name", err)
		}
	}
	if cmd.Bio != nil {
		if _, err := domain.ParseBio(*cmd.Bio); err != nil {
			addField(f, "bio", err)
		}
	}
	if cmd.AvatarURL != nil {
		if _, err := domain.ParseAvatarURL(*cmd.AvatarURL); err != nil {
			addField(f, "avatar_url", err)
		}
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return UserView{}, err
	}
	var out UserView
	err := h.users.Update(ctx, cmd.UserID, func(u *domain.User) error {
		if err := u.UpdateProfile(domain.ProfilePatch{DisplayName: cmd.DisplayName, Bio: cmd.Bio, AvatarURL: cmd.AvatarURL}, h.now()); err != nil {
			return err
		}
		out = viewOf(u)
		return nil
	})
	return out, err
}
