// Package domain holds the user context's aggregates: accounts with their roles and profile,
// refresh-token sessions, login throttling rules and wallet challenges.
package domain

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Role is what an account may do, mapped to permissions by the application layer.
type Role string

// Roles.
const (
	RoleListener Role = "listener"
	RoleArtist   Role = "artist"
	RoleAdmin    Role = "admin"
)

// ParseRole accepts listener, artist and admin.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleListener, RoleArtist, RoleAdmin:
		return r, nil
	}
	return "", ErrInvalidRole
}

// ParseEmail validates an address (a bare addr-spec, at most 254 bytes). Case is kept as
// typed; uniqueness ignores case.
func ParseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 254 {
		return "", ErrInvalidEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", ErrInvalidEmail
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", ErrInvalidEmail
	}
	return s, nil
}

var usernameRE = regexp.MustCompile(`^[a-z0-9_]{3,30}$`)

// ParseUsername lower-cases and checks 3-30 characters of [a-z0-9_].
func ParseUsername(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if !usernameRE.MatchString(s) {
		return "", ErrInvalidUsername
	}
	return s, nil
}

// LooksLikeEmail tells a login identifier that is an email from a username.
func LooksLikeEmail(login string) bool { return strings.Contains(login, "@") }

// Password limits: at least 10 characters; at most 256 bytes so hashing cost stays bounded.
const (
	MinPasswordRunes = 10
	MaxPasswordBytes = 256
)

// CheckPassword enforces the password policy on a plain-text password.
func CheckPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordRunes {
		return ErrWeakPassword
	}
	if len(p) > MaxPasswordBytes {
		return ErrWeakPassword.WithMessage("the password must be at most 256 bytes long")
	}
	return nil
}

// ParseDisplayName trims and checks 1-100 characters.
func ParseDisplayName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n < 1 || n > 100 || !utf8.ValidString(s) {
		return "", ErrInvalidDisplayName
	}
	return s, nil
}

// ParseBio checks at most 1000 characters; empty clears it.
func ParseBio(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 1000 || !utf8.ValidString(s) {
		return "", ErrInvalidBio
	}
	return s, nil
}

// ParseAvatarURL checks an absolute http(s) URL; empty clears it.
func ParseAvatarURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || len(s) > 2048 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", ErrInvalidAvatarURL
	}
	return s, nil
}

var minBirthdate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseBirthdate accepts YYYY-MM-DD strictly before today (UTC) and after 1900-01-01.
func ParseBirthdate(s string, now time.Time) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, ErrInvalidBirthdate
	}
	today := now.UTC().Truncate(24 * time.Hour)
	if !d.Before(today) || d.Before(minBirthdate) {
		return time.Time{}, ErrInvalidBirthdate
	}
	return d, nil
}

// SetBirthdate records the birthdate. A user sets it once; afterwards only an administrator
// (byAdmin) may change it.
func (u *User) SetBirthdate(d time.Time, byAdmin bool, now time.Time) error {
	if u.birthdate != nil && !byAdmin {
		return ErrBirthdateSet
	}
	if !d.Before(now.UTC().Truncate(24*time.Hour)) || d.Before(minBirthdate) {
		return ErrInvalidBirthdate
	}
	day := d.UTC().Truncate(24 * time.Hour)
	u.birthdate, u.updatedAt = &day, now
	return nil
}

// AgeOn is the latest birthdate of someone at least years old on day: day minus years on the
// calendar (a 29 February birthday counts from 1 March in common years).
func AgeOn(day time.Time, years int) time.Time {
	return day.UTC().Truncate(24*time.Hour).AddDate(-years, 0, 0)
}

// User is an account.
type User struct {
	id           uuid.UUID
	email        string
	username     string
	passwordHash string
	displayName  string
	bio          string
	avatarURL    string
	birthdate    *time.Time
	roles        []Role
	createdAt    time.Time
	updatedAt    time.Time
	// sessionsEnded: a change made since loading requires every session (refresh-token family)
	// of the account to end, so no token minted under the old roles is renewed.
	sessionsEnded bool

	events []any
}

// NewUserParams are the already-parsed fields of a registration.
type NewUserParams struct {
	ID           uuid.UUID
	Email        string
	Username     string
	PasswordHash string
	DisplayName  string
	Role         Role
	Birthdate    *time.Time
	Now          time.Time
}

// Registered is recorded when an account is created.
type Registered struct {
	UserID      uuid.UUID
	Username    string
	DisplayName string
	Roles       []Role
	At          time.Time
}

// NewUser creates an account. Only listener and artist may be chosen at registration; admin is
// granted by an operator.
func NewUser(p NewUserParams) (*User, error) {
	if p.ID == uuid.Nil || p.PasswordHash == "" {
		return nil, ErrInvalidCredentials.WithMessage("an account needs an id and a password hash")
	}
	var err error
	if p.Email, err = ParseEmail(p.Email); err != nil {
		return nil, err
	}
	if p.Username, err = ParseUsername(p.Username); err != nil {
		return nil, err
	}
	if p.DisplayName, err = ParseDisplayName(p.DisplayName); err != nil {
		return nil, err
	}
	if p.Role != RoleListener && p.Role != RoleArtist {
		return nil, ErrRoleNotSelectable
	}
	if p.Birthdate != nil {
		if !p.Birthdate.Before(p.Now.UTC().Truncate(24*time.Hour)) || p.Birthdate.Before(minBirthdate) {
			return nil, ErrInvalidBirthdate
		}
	}
	now := p.Now.UTC()
	u := &User{id: p.ID, email: p.Email, username: p.Username, passwordHash: p.PasswordHash,
		displayName: p.DisplayName, birthdate: p.Birthdate, roles: []Role{p.Role}, createdAt: now, updatedAt: now}
	u.events = append(u.events, Registered{UserID: u.id, Username: u.username, DisplayName: u.displayName,
		Roles: u.Roles(), At: now})
	return u, nil
}

// RehydrateUser rebuilds an account from storage (repositories only).
func RehydrateUser(id uuid.UUID, email, username, passwordHash, displayName, bio, avatarURL string,
	birthdate *time.Time, roles []Role, createdAt, updatedAt time.Time) *User {
	return &User{id: id, email: email, username: username, passwordHash: passwordHash, displayName: displayName,
		bio: bio, avatarURL: avatarURL, birthdate: birthdate, roles: slices.Clone(roles), createdAt: createdAt, updatedAt: updatedAt}
}

func (u *User) ID() uuid.UUID         { return u.id }
func (u *User) Email() string         { return u.email }
func (u *User) Username() string      { return u.username }
func (u *User) PasswordHash() string  { return u.passwordHash }
func (u *User) DisplayName() string   { return u.displayName }
func (u *User) Bio() string           { return u.bio }
func (u *User) AvatarURL() string     { return u.avatarURL }
func (u *User) Birthdate() *time.Time { return u.birthdate }
func (u *User) Roles() []Role         { return slices.Clone(u.roles) }
func (u *User) CreatedAt() time.Time  { return u.createdAt }
func (u *User) UpdatedAt() time.Time  { return u.updatedAt }
func (u *User) HasRole(r Role) bool   { return slices.Contains(u.roles, r) }
func (u *User) PullEvents() []any     { ev := u.events; u.events = nil; return ev }

// ProfilePatch changes some of the public profile; nil fields stay as they are.
type ProfilePatch struct {
	DisplayName *string
	Bio         *string
	AvatarURL   *string
}

// UpdateProfile applies a patch after checking every field.
func (u *User) UpdateProfile(p ProfilePatch, now time.Time) error {
	name, bio, avatar := u.displayName, u.bio, u.avatarURL
	var err error
	if p.DisplayName != nil {
		if name, err = ParseDisplayName(*p.DisplayName); err != nil {
			return err
		}
	}
	if p.Bio != nil {
		if bio, err = ParseBio(*p.Bio); err != nil {
			return err
		}
	}
	if p.AvatarURL != nil {
		if avatar, err = ParseAvatarURL(*p.AvatarURL); err != nil {
			return err
		}
	}
	u.displayName, u.bio, u.avatarURL, u.updatedAt = name, bio, avatar, now.UTC()
	return nil
}

// GrantRole adds a role; it reports whether anything changed (granting twice is harmless).
func (u *User) GrantRole(r Role, now time.Time) bool {
	if u.HasRole(r) {
		return false
	}
	u.roles = append(u.roles, r)
	u.updatedAt = now.UTC()
	u.sessionsEnded = true
	return true
}

// RevokeRole removes a role; it reports whether anything changed. An account keeps at least one
// role (ErrLastRole).
func (u *User) RevokeRole(r Role, now time.Time) (bool, error) {
	i := slices.Index(u.roles, r)
	if i < 0 {
		return false, nil
	}
	if len(u.roles) == 1 {
		return false, ErrLastRole
	}
	u.roles = slices.Delete(u.roles, i, i+1)
	u.updatedAt = now.UTC()
	u.sessionsEnded = true
	return true, nil
}

// LoginThrottled is recorded when failed sign-ins start slowing down logins to an account, so
// its owner can be told (someone may be guessing their password).
type LoginThrottled struct {
	UserID      uuid.UUID
	ClientIP    string
	KnownDevice bool
	Failures    int
	RetryAfter  time.Duration
	At          time.Time
}

// RecordLoginThrottled notes that logins to the account are being slowed down.
func (u *User) RecordLoginThrottled(e LoginThrottled) {
	e.UserID = u.id
	u.events = append(u.events, e)
}

// SessionsEnded reports whether a change made to the account (a role granted or revoked) ends
// all its sessions: the repository revokes every refresh-token family in the same transaction,
// so the next access token can only come from a new sign-in with the new roles.
func (u *User) SessionsEnded() bool { return u.sessionsEnded }
