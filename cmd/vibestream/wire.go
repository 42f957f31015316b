package main

import (
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/user"
)

// wireContexts builds every bounded context and the orchestrator's workflows. Each context
// gets the shared plumbing and only the other contexts' contracts it needs.
func (a *app) wireContexts() error {
	if err := a.wireZK(); err != nil {
		return err
	}
	users, err := newUserModule(a.cfg, a.pool, a.bus, a.runner, a.logger, a.registry, a.zk)
	if err != nil {
		return err
	}
	a.users = users
	// Every route sees the caller: anonymous requests pass, bad tokens are rejected, and
	// routes declare what they need with httpx.Require. The credential routes (register, login,
	// refresh, logout) ignore the Authorization header: a client whose access token expired
	// must still be able to refresh it.
	a.echo.Use(skipRoutes(httpx.Authenticate(users.Authenticator()), credentialRoutes, subsonicRoutes))
	if err := users.Routes(a.echo, a.api); err != nil {
		return err
	}
	if err := a.wirePayment(); err != nil {
		return err
	}
	a.wireLive()
	if err := a.wireMusic(); err != nil {
		return err
	}
	if err := a.wireCampaign(); err != nil {
		return err
	}
	if err := a.wireListenProofs(); err != nil {
		return err
	}
	// ownership before listenreward: its RoyaltyShares decides the shareholders' part of each
	// stream price
	if err := a.wireOwnership(); err != nil {
		return err
	}
	if err := a.wireListenReward(); err != nil {
		return err
	}
	if err := a.wireSubsonic(); err != nil {
		return err
	}
	a.mountZK()
	return nil
}

// credentialRoutes are the routes that take credentials in their body instead of a bearer token.
const credentialRoutes = "/api/v1/auth/"

// subsonicRoutes authenticate players with their own parameters (u/p, u/t/s, apiKey).
const subsonicRoutes = "/rest/"

// skipRoutes applies mw except to routes under any of prefixes (echo runs Use middleware after
// routing, so c.Path() is the matched route).
func skipRoutes(mw echo.MiddlewareFunc, prefixes ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		withMW := mw(next)
		return func(c echo.Context) error {
			for _, p := range prefixes {
				if strings.HasPrefix(c.Path(), p) {
					return next(c)
				}
			}
			return withMW(c)
		}
	}
}

// newUserModule builds the user context from the configuration (also used by the
// `users grant-role` command).
func newUserModule(cfg Config, pool *pgxpool.Pool, bus *events.Bus, runner *jobs.Runner, logger *slog.Logger, reg prometheus.Registerer, zkp *zkParts) (*user.Module, error) {
	uc := cfg.User
	var (
		key ed25519.PrivateKey
		err error
	)
	if uc.JWTKeyGenerate {
		key, err = user.LoadOrCreateSigningKey(uc.JWTKeyFile)
	} else {
		key, err = user.LoadSigningKey(uc.JWTKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("JWT_PRIVATE_KEY_FILE %s: %w", uc.JWTKeyFile, err)
	}
	var verify []ed25519.PublicKey
	for _, f := range uc.JWTVerifyKeyFiles {
		pub, err := user.LoadVerifyKey(f)
		if err != nil {
			return nil, fmt.Errorf("JWT_VERIFY_KEY_FILES %s: %w", f, err)
		}
		verify = append(verify, pub)
	}
	var appKey []byte
	if uc.AppPasswordKey != "" {
		appKey, err = user.ParseAppPasswordKey(uc.AppPasswordKey)
	} else {
		appKey, err = user.LoadOrCreateAppPasswordKey(uc.AppPasswordKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("APP_PASSWORD_KEY(_FILE): %w", err)
	}
	deps := user.Deps{
		Pool: pool, Bus: bus, Runner: runner, Logger: logger, Registerer: reg,
		Config: user.Config{
			SigningKey: key, VerifyKeys: verify, Issuer: uc.JWTIssuer, Audience: uc.JWTAudience,
			AccessTTL: uc.AccessTokenTTL, RefreshTTL: uc.RefreshTokenTTL,
			Argon2: user.PasswordParams{MemoryKiB: uint32(uc.Argon2MemoryKiB), Time: uint32(uc.Argon2Time),
				Threads: uint8(uc.Argon2Threads), SaltLen: 16, KeyLen: 32},
			AccountThrottle: user.ThrottlePolicy{MaxFailures: uc.LoginMaxFailuresPerAccount, Window: uc.LoginFailureWindow,
				BaseDelay: uc.LoginBaseDelay, Lockout: uc.LoginLockout},
			UnknownClientsThrottle: user.ThrottlePolicy{MaxFailures: uc.LoginMaxFailuresUnknown, Window: uc.LoginFailureWindow,
				BaseDelay: uc.LoginBaseDelay, Lockout: uc.LoginLockout},
			AddressThrottle: user.ThrottlePolicy{MaxFailures: uc.LoginMaxFailuresPerIP, Window: uc.LoginFailureWindow,
				BaseDelay: uc.LoginBaseDelay, Lockout: uc.LoginLockout},
			PublicURL: cfg.PublicURL, EthereumChainID: uc.EthereumChainID, SolanaChainID: uc.SolanaChainID,
			ChallengeTTL: uc.ChallengeTTL, AppPasswordKey: appKey,
		},
	}
	if zkp != nil {
		deps.AgeKeys, deps.Attester = zkp.age, zkp.attester
	}
	return user.New(deps)
}
