// Package user is the user context: accounts, credentials, sessions and tokens, roles and
// permissions, profiles and wallet links. Other contexts reach it only through its contracts
// (Directory, integration events) and the platform's Authenticator.
package user

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
	"github.com/vibestream/vibestream/internal/user/infrastructure/httpapi"
	"github.com/vibestream/vibestream/internal/user/infrastructure/password"
	"github.com/vibestream/vibestream/internal/user/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/user/infrastructure/secretbox"
	"github.com/vibestream/vibestream/internal/user/infrastructure/token"
	"github.com/vibestream/vibestream/internal/user/infrastructure/wallet"
	userzk "github.com/vibestream/vibestream/internal/user/infrastructure/zk"
)

// Config is the user context's configuration (see the README's User section).
type Config struct {
	// SigningKey signs access tokens; VerifyKeys are older public keys still accepted.
	SigningKey ed25519.PrivateKey
	VerifyKeys []ed25519.PublicKey
	Issuer     string
	Audience   string
	AccessTTL  time.Duration
	RefreshTTL time.Duration

	Argon2          password.Params
	HashConcurrency int

	AccountThrottle domain.ThrottlePolicy
	// UnknownClientsThrottle counts one account's failures from every unknown client together.
	UnknownClientsThrottle domain.ThrottlePolicy
	AddressThrottle        domain.ThrottlePolicy

	// PublicURL gives the sign-in messages their domain (its host) and URI.
	PublicURL       string
	EthereumChainID string
	SolanaChainID   string
	ChallengeTTL    time.Duration

	// AppPasswordKey seals app-password secrets at rest (32 bytes, AES-256-GCM); without it
	// there are no app passwords and no player sign-in.
	AppPasswordKey []byte
}

// Deps are what the context needs from the platform.
type Deps struct {
	Pool   *pgxpool.Pool
	Bus    events.Publisher
	Runner *jobs.Runner // optional: schedules the clean-up of expired rows
	Logger *slog.Logger
	// Registerer exports the context's metrics (optional).
	Registerer prometheus.Registerer
	Config     Config
	Now        func() time.Time // optional, for tests
	// AgeKeys and Attester enable age proofs (POST /zk/age-proofs).
	AgeKeys  *zk.System
	Attester *zk.Attester
}

// Module is the wired context.
type Module struct {
	store     *postgres.Store
	signer    *token.Signer
	handlers  *httpapi.Handlers
	auth      *application.Authenticate
	directory *application.Directory
	grant     *application.GrantRole
	current   *application.CurrentPermissions
	sessions  *application.Sessions
	players   *application.AuthenticatePlayer
	logger    *slog.Logger
}

// New builds the context.
func New(d Deps) (*Module, error) {
	if d.Pool == nil || d.Bus == nil {
		return nil, errors.New("user: pool and bus are required")
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	now := application.Clock(time.Now)
	if d.Now != nil {
		now = d.Now
	}
	c := d.Config
	u, err := url.Parse(c.PublicURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("user: public URL %q has no host", c.PublicURL)
	}
	store, err := postgres.NewStore(d.Pool, d.Bus)
	if err != nil {
		return nil, err
	}
	signer, err := token.NewSigner(token.Options{SigningKey: c.SigningKey, VerifyKeys: c.VerifyKeys, Issuer: c.Issuer, Audience: c.Audience})
	if err != nil {
		return nil, err
	}
	hasher, err := password.New(c.Argon2, c.HashConcurrency)
	if err != nil {
		return nil, err
	}
	sessions, err := application.NewSessions(store, store, signer, application.SessionConfig{AccessTTL: c.AccessTTL, RefreshTTL: c.RefreshTTL}, now)
	if err != nil {
		return nil, err
	}
	m := &Module{store: store, signer: signer, sessions: sessions, logger: d.Logger}
	h := &httpapi.Handlers{JWKS: signer.JWKS, Metrics: httpapi.NewMetrics(d.Registerer)}
	if h.Register, err = application.NewRegister(store, hasher, sessions, now); err != nil {
		return nil, err
	}
	if h.Login, err = application.NewLogin(store, store, store, hasher, sessions,
		application.LoginPolicy{PerAccount: c.AccountThrottle, PerAccountUnknownClients: c.UnknownClientsThrottle, PerAddress: c.AddressThrottle}, now); err != nil {
		return nil, err
	}
	if h.Refresh, err = application.NewRefresh(store, store, sessions, now); err != nil {
		return nil, err
	}
	if h.Logout, err = application.NewLogout(store, now); err != nil {
		return nil, err
	}
	if h.Profiles, err = application.NewProfiles(store); err != nil {
		return nil, err
	}
	if h.UpdateProfile, err = application.NewUpdateProfile(store, now); err != nil {
		return nil, err
	}
	verifiers := map[domain.Chain]application.WalletVerifier{domain.ChainEthereum: wallet.Ethereum{}, domain.ChainSolana: wallet.Solana{}}
	if h.Wallets, err = application.NewWallets(store, verifiers, application.WalletConfig{
		Domain: u.Host, URI: c.PublicURL, ChallengeTTL: c.ChallengeTTL,
		ChainIDs: map[domain.Chain]string{domain.ChainEthereum: c.EthereumChainID, domain.ChainSolana: c.SolanaChainID},
	}, now); err != nil {
		return nil, err
	}
	if h.ChangeRoles, err = application.NewChangeRoles(store, now); err != nil {
		return nil, err
	}
	ages, err := userzk.NewProver(d.Pool, d.AgeKeys, d.Attester, now)
	if err != nil {
		return nil, err
	}
	if h.Birthdates, err = application.NewSetBirthdate(store, ages, now); err != nil {
		return nil, err
	}
	if d.AgeKeys != nil && d.Attester != nil {
		if h.AgeProofs, err = application.NewProveAge(store, ages, now); err != nil {
			return nil, err
		}
	}
	if m.auth, err = application.NewAuthenticate(signer, now); err != nil {
		return nil, err
	}
	if m.directory, err = application.NewDirectory(store, store); err != nil {
		return nil, err
	}
	if m.grant, err = application.NewGrantRole(store, now); err != nil {
		return nil, err
	}
	if m.current, err = application.NewCurrentPermissions(store); err != nil {
		return nil, err
	}
	if len(c.AppPasswordKey) > 0 {
		box, err := secretbox.New(c.AppPasswordKey)
		if err != nil {
			return nil, err
		}
		if h.AppPasswords, err = application.NewAppPasswords(store, box, now); err != nil {
			return nil, err
		}
		if m.players, err = application.NewAuthenticatePlayer(store, store, store, box,
			application.LoginPolicy{PerAccount: c.AccountThrottle, PerAddress: c.AddressThrottle}, now); err != nil {
			return nil, err
		}
	}
	m.handlers = h
	if d.Runner != nil {
		river.AddWorker(d.Runner.Workers(), &cleanupWorker{store: store, now: now, logger: d.Logger})
		d.Runner.AddPeriodic(river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return cleanupArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	return m, nil
}

// Routes mounts the HTTP routes (the JWK set at the root, the rest under api).
func (m *Module) Routes(root *echo.Echo, api *echo.Group) error {
	return httpapi.Routes(root, api, m.handlers)
}

// Authenticator verifies bearer tokens for httpx.Authenticate.
func (m *Module) Authenticator() httpx.Authenticator { return authenticator{m.auth, m.current} }

// Directory answers other contexts' questions about users.
func (m *Module) Directory() contracts.Directory { return m.directory }

// GrantRole gives the account with email a role (the `users grant-role` command); it reports
// whether the role was new.
func (m *Module) GrantRole(ctx context.Context, email, role string) (uuid.UUID, bool, error) {
	v, changed, err := m.grant.Handle(ctx, email, role)
	return v.ID, changed, err
}

// PlayerAuth authenticates music players with app passwords (nil without AppPasswordKey).
func (m *Module) PlayerAuth() contracts.PlayerAuth {
	if m.players == nil {
		return nil
	}
	return playerAuth{m.players}
}

type playerAuth struct {
	uc *application.AuthenticatePlayer
}

func (p playerAuth) AuthenticatePlayer(ctx context.Context, c contracts.PlayerCredentials) (contracts.PlayerAccount, error) {
	return p.uc.Handle(ctx, c)
}

// KeyID is the id of the current signing key.
func (m *Module) KeyID() string { return m.signer.KeyID() }

// Privileged routes rely on the authenticator knowing the account's current permissions.
var _ httpx.CurrentPermissions = authenticator{}

type authenticator struct {
	uc      *application.Authenticate
	current *application.CurrentPermissions
}

// CurrentPermissions implements httpx.CurrentPermissions from the account's roles now.
func (a authenticator) CurrentPermissions(ctx context.Context, userID uuid.UUID) ([]string, error) {
	return a.current.Handle(ctx, userID)
}

func (a authenticator) Authenticate(ctx context.Context, tok string) (httpx.Principal, error) {
	c, err := a.uc.Handle(ctx, tok)
	if err != nil {
		return httpx.Principal{}, err
	}
	return httpx.Principal{UserID: c.UserID, Roles: c.Roles, Permissions: c.Permissions, Wallets: c.Wallets, TokenID: c.TokenID}, nil
}

type cleanupArgs struct{}

func (cleanupArgs) Kind() string { return "user_cleanup" }

type cleanupWorker struct {
	river.WorkerDefaults[cleanupArgs]
	store  *postgres.Store
	now    func() time.Time
	logger *slog.Logger
}

// Work deletes expired refresh tokens, old wallet challenges and stale throttle counters.
func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[cleanupArgs]) error {
	n, err := w.store.Cleanup(ctx, w.now())
	if err != nil {
		return err
	}
	w.logger.InfoContext(ctx, "user clean-up", "rows_deleted", n)
	return nil
}
