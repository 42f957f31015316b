package domain

import "github.com/vibestream/vibestream/internal/kernel/errs"

// Errors raised by the user context's invariants. Not-found errors live in the contracts
// package (contracts.ErrUserNotFound) because other contexts match on them too.
var (
	ErrInvalidEmail       = errs.New(errs.Unprocessable, "user.invalid_email", "the email address is not valid")
	ErrInvalidUsername    = errs.New(errs.Unprocessable, "user.invalid_username", "the username must be 3 to 30 characters of a-z, 0-9 and _")
	ErrWeakPassword       = errs.New(errs.Unprocessable, "user.weak_password", "the password must be at least 10 characters long")
	ErrInvalidDisplayName = errs.New(errs.Unprocessable, "user.invalid_display_name", "the display name must be 1 to 100 characters")
	ErrInvalidBio         = errs.New(errs.Unprocessable, "user.invalid_bio", "the bio must be at most 1000 characters")
	ErrInvalidAvatarURL   = errs.New(errs.Unprocessable, "user.invalid_avatar_url", "the avatar URL must be an absolute http(s) URL of at most 2048 characters")
	ErrInvalidBirthdate   = errs.New(errs.Unprocessable, "user.invalid_birthdate", "the birthdate must be a past date after 1900-01-01")
	ErrBirthdateSet       = errs.New(errs.Conflict, "user.birthdate_already_set", "the birthdate is already set; only an administrator can change it")
	ErrBirthdateMissing   = errs.New(errs.Unprocessable, "user.birthdate_missing", "no birthdate is set: add one with PATCH /api/v1/users/me before proving an age")
	ErrInvalidMinimumAge  = errs.New(errs.Unprocessable, "user.invalid_min_age", "min_age_years must be an integer from 1 to 130")
	ErrBelowMinimumAge    = errs.New(errs.Forbidden, "user.age_below_minimum", "the account's age is below the minimum: no proof can be made")
	ErrInvalidRole        = errs.New(errs.Unprocessable, "user.invalid_role", "unknown role")
	ErrRoleNotSelectable  = errs.New(errs.Unprocessable, "user.role_not_selectable", "a new account is a listener or an artist")
	ErrEmailTaken         = errs.New(errs.Conflict, "user.email_taken", "an account with this email already exists")
	ErrUsernameTaken      = errs.New(errs.Conflict, "user.username_taken", "this username is taken")
	ErrLastRole           = errs.New(errs.Conflict, "user.last_role", "an account keeps at least one role")
	ErrSelfDemotion       = errs.New(errs.Conflict, "user.self_demotion", "admins cannot revoke their own admin role")

	ErrInvalidCredentials = errs.New(errs.Unauthenticated, "user.invalid_credentials", "the login or password is wrong")
	ErrTooManyAttempts    = errs.New(errs.TooManyRequests, "user.too_many_login_attempts", "too many failed logins; try again later")
	ErrRefreshInvalid     = errs.New(errs.Unauthenticated, "user.refresh_token_invalid", "the refresh token is invalid, expired or revoked")
	ErrRefreshReused      = errs.New(errs.Unauthenticated, "user.refresh_token_reused", "this refresh token was already used; every session of its family is revoked")
	ErrInvalidToken       = errs.New(errs.Unauthenticated, "user.invalid_token", "the access token is invalid or expired")

	ErrInvalidChain        = errs.New(errs.Unprocessable, "user.invalid_chain", "chain must be ethereum or solana")
	ErrInvalidAddress      = errs.New(errs.Unprocessable, "user.invalid_address", "the address is not valid for this chain")
	ErrInvalidMessage      = errs.New(errs.Unprocessable, "user.wallet_message_invalid", "the message is not a sign-in message issued by this service")
	ErrMessageMismatch     = errs.New(errs.Unprocessable, "user.wallet_message_mismatch", "the message does not match the challenge issued for this nonce")
	ErrInvalidSignature    = errs.New(errs.Unprocessable, "user.wallet_signature_invalid", "the signature was not made by this address over this message")
	ErrChallengeNotFound   = errs.New(errs.NotFound, "user.wallet_challenge_not_found", "no challenge was issued with this nonce for this account")
	ErrChallengeUsed       = errs.New(errs.Conflict, "user.wallet_nonce_used", "this nonce was already used; request a new challenge")
	ErrChallengeExpired    = errs.New(errs.Gone, "user.wallet_challenge_expired", "the challenge expired; request a new one")
	ErrWalletTaken         = errs.New(errs.Conflict, "user.wallet_taken", "this address is linked to another account")
	ErrWalletAlreadyLinked = errs.New(errs.Conflict, "user.wallet_already_linked", "this address is already linked to your account")
	ErrWalletNotFound      = errs.New(errs.NotFound, "user.wallet_not_found", "this address is not linked to your account")
	ErrTooManyWallets      = errs.New(errs.Conflict, "user.too_many_wallets", "an account may link at most 20 addresses")
	ErrTooManyChallenges   = errs.New(errs.TooManyRequests, "user.too_many_wallet_challenges", "too many open wallet challenges; wait for one to expire")
)
