package contracts

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
)

// PlayerCredentials are what a music player (a Subsonic client) presents on each request: a
// user name with an app password (Password, plain) or a token and salt (Token =
// md5(app password + Salt), hex), or an APIKey alone (the OpenSubsonic apiKey extension, whose
// key is an app password).
type PlayerCredentials struct {
	Username string
	Password string
	Token    string
	Salt     string
	APIKey   string
	// ClientIP is where the request came from (failures are throttled per account and address).
	ClientIP string
}

// PlayerAccount is the account a player's credentials belong to.
type PlayerAccount struct {
	UserID      uuid.UUID
	Username    string
	DisplayName string
	Roles       []string
	// Permissions are those of the account's roles now.
	Permissions []string
	// AppPasswordID is the app password that matched.
	AppPasswordID uuid.UUID
}

// PlayerAuth authenticates music players with app passwords (never the account password).
type PlayerAuth interface {
	// AuthenticatePlayer returns the account, or an error matching ErrPlayerCredentials (wrong
	// user, password or token, or a revoked app password), ErrPlayerAPIKey (an unknown or
	// revoked key), or one of kind errs.TooManyRequests once failures are being throttled.
	AuthenticatePlayer(ctx context.Context, c PlayerCredentials) (PlayerAccount, error)
}

// Player authentication errors.
var (
	// ErrPlayerCredentials: the user name and app password (or token) do not match.
	ErrPlayerCredentials = errs.New(errs.Unauthenticated, "user.player_credentials_invalid", "wrong username or app password")
	// ErrPlayerAPIKey: the API key is unknown or revoked.
	ErrPlayerAPIKey = errs.New(errs.Unauthenticated, "user.player_api_key_invalid", "the API key is invalid or revoked")
)
