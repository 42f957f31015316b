package application

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/user/domain"
)

// Register creates an account and opens its first session.
type Register struct {
	users    domain.Users
	hasher   PasswordHasher
	sessions *Sessions
	now      Clock
}

// RegisterCommand is a registration request as typed by the user.
type RegisterCommand struct {
	Email       string
	Username    string
	Password    string
	DisplayName string
	Role        string
	Birthdate   string // YYYY-MM-DD, optional
}

// RegisterResult is the new account and its tokens.
type RegisterResult struct {
	User   UserView
	Tokens TokenPair
}

// NewRegister builds the use case.
func NewRegister(users domain.Users, hasher PasswordHasher, sessions *Sessions, now Clock) (*Register, error) {
	if users == nil || hasher == nil || sessions == nil || now == nil {
		return nil, errNilDependency
	}
	return &Register{users: users, hasher: hasher, sessions: sessions, now: now}, nil
}

// Handle validates every field (reporting all problems at once), hashes the password and
// stores the account; a taken email or username gives ErrEmailTaken / ErrUsernameTaken.
func (h *Register) Handle(ctx context.Context, cmd RegisterCommand) (RegisterResult, error) {
	now := h.now()
	f := errs.Fields{}
	email, err := domain.ParseEmail(cmd.Email)
	if err != nil {
		addField(f, "email", err)
	}
	username, err := domain.ParseUsername(cmd.Username)
	if err != nil {
		addField(f, "username", err)
	}
	if err := domain.CheckPassword(cmd.Password); err != nil {
		addField(f, "password", err)
	}
	name, err := domain.ParseDisplayName(cmd.DisplayName)
	if err != nil {
		addField(f, "display_name", err)
	}
	role := domain.RoleListener
	if strings.TrimSpace(cmd.Role) != "" {
		r, err := domain.ParseRole(cmd.Role)
		if err == nil && r == domain.RoleAdmin {
			err = domain.ErrRoleNotSelectable
		}
		if err != nil {
			addField(f, "role", domain.ErrRoleNotSelectable)
		}
		role = r
	}
	var birthdate *time.Time
	if strings.TrimSpace(cmd.Birthdate) != "" {
		d, err := domain.ParseBirthdate(cmd.Birthdate, now)
		if err != nil {
			addField(f, "birthdate", err)
		}
		birthdate = &d
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return RegisterResult{}, err
	}
	hash, err := h.hasher.Hash(cmd.Password)
	if err != nil {
		return RegisterResult{}, err
	}
	u, err := domain.NewUser(domain.NewUserParams{ID: uuid.New(), Email: email, Username: username, PasswordHash: hash,
		DisplayName: name, Role: role, Birthdate: birthdate, Now: now})
	if err != nil {
		return RegisterResult{}, err
	}
	if err := h.users.Add(ctx, u); err != nil {
		return RegisterResult{}, err
	}
	tokens, err := h.sessions.Start(ctx, u)
	if err != nil {
		return RegisterResult{}, err
	}
	return RegisterResult{User: viewOf(u), Tokens: tokens}, nil
}
