package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// UserConfig is the user context's configuration.
type UserConfig struct {
	// JWTKeyFile holds the Ed25519 signing key (PEM, PKCS#8). When JWT_PRIVATE_KEY_FILE is not
	// set, a key is generated once at $DATA_DIR/keys/jwt-ed25519.pem (JWTKeyGenerate).
	JWTKeyFile        string
	JWTKeyGenerate    bool
	JWTVerifyKeyFiles []string
	JWTIssuer         string
	JWTAudience       string
	AccessTokenTTL    time.Duration
	RefreshTokenTTL   time.Duration

	Argon2MemoryKiB int
	Argon2Time      int
	Argon2Threads   int

	LoginMaxFailuresPerAccount int
	LoginMaxFailuresPerIP      int
	// LoginMaxFailuresUnknown bounds one account's failures from all unknown clients together.
	LoginMaxFailuresUnknown int
	LoginFailureWindow      time.Duration
	LoginBaseDelay          time.Duration
	LoginLockout            time.Duration

	EthereumChainID string
	SolanaChainID   string
	ChallengeTTL    time.Duration

	// AppPasswordKey (APP_PASSWORD_KEY, base64 of 32 bytes) seals app passwords at rest; when it
	// is not set the key is read from AppPasswordKeyFile (APP_PASSWORD_KEY_FILE, by default
	// $DATA_DIR/keys/app-passwords.key, generated once).
	AppPasswordKey     string
	AppPasswordKeyFile string
}

// loadUserConfig reads the user context's variables; c must already hold the platform part.
func loadUserConfig(e *env, c *Config) UserConfig {
	u := UserConfig{
		JWTKeyFile:                 e.str("JWT_PRIVATE_KEY_FILE", ""),
		JWTIssuer:                  e.str("JWT_ISSUER", c.PublicURL),
		JWTAudience:                e.str("JWT_AUDIENCE", "vibestream"),
		AccessTokenTTL:             e.duration("ACCESS_TOKEN_TTL", 15*time.Minute),
		RefreshTokenTTL:            e.duration("REFRESH_TOKEN_TTL", 30*24*time.Hour),
		Argon2MemoryKiB:            e.integer("PASSWORD_ARGON2_MEMORY_KIB", 19*1024, 8*1024, 1024*1024),
		Argon2Time:                 e.integer("PASSWORD_ARGON2_TIME", 2, 1, 16),
		Argon2Threads:              e.integer("PASSWORD_ARGON2_THREADS", 1, 1, 64),
		LoginMaxFailuresPerAccount: e.integer("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5, 1, 1000),
		LoginMaxFailuresPerIP:      e.integer("LOGIN_MAX_FAILURES_PER_IP", 20, 1, 100000),
		LoginMaxFailuresUnknown:    e.integer("LOGIN_MAX_FAILURES_UNKNOWN_CLIENTS", 20, 1, 100000),
		LoginFailureWindow:         e.duration("LOGIN_FAILURE_WINDOW", 15*time.Minute),
		LoginBaseDelay:             e.duration("LOGIN_BASE_DELAY", time.Second),
		LoginLockout:               e.duration("LOGIN_LOCKOUT", 15*time.Minute),
		EthereumChainID:            e.str("WALLET_ETHEREUM_CHAIN_ID", e.str("ETH_CHAIN_ID", localEthereumChainID)),
		SolanaChainID:              e.str("WALLET_SOLANA_CHAIN_ID", "localnet"),
		ChallengeTTL:               e.duration("WALLET_CHALLENGE_TTL", 10*time.Minute),
		AppPasswordKey:             e.str("APP_PASSWORD_KEY", ""),
		AppPasswordKeyFile:         e.str("APP_PASSWORD_KEY_FILE", filepath.Join(c.DataDir, "keys", "app-passwords.key")),
	}
	if u.JWTKeyFile == "" {
		u.JWTKeyFile, u.JWTKeyGenerate = filepath.Join(c.DataDir, "keys", "jwt-ed25519.pem"), true
	}
	if v := e.str("JWT_VERIFY_KEY_FILES", ""); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				u.JWTVerifyKeyFiles = append(u.JWTVerifyKeyFiles, p)
			}
		}
	}
	if u.AccessTokenTTL < 30*time.Second || u.AccessTokenTTL > 24*time.Hour {
		e.fail("ACCESS_TOKEN_TTL", "must be between 30s and 24h, got %s", u.AccessTokenTTL)
	}
	if u.RefreshTokenTTL < u.AccessTokenTTL {
		e.fail("REFRESH_TOKEN_TTL", "must not be shorter than ACCESS_TOKEN_TTL")
	}
	if n, err := strconv.ParseUint(u.EthereumChainID, 10, 64); err != nil || n == 0 {
		e.fail("WALLET_ETHEREUM_CHAIN_ID", "must be a positive integer (EIP-155 chain id), got %q", u.EthereumChainID)
	}
	if strings.ContainsAny(u.SolanaChainID, " \n\r") {
		e.fail("WALLET_SOLANA_CHAIN_ID", "must be one word such as mainnet, devnet or localnet, got %q", u.SolanaChainID)
	}
	return u
}

// localEthereumChainID is the chain id of the local Ethereum node `make run` starts (anvil), so
// wallets sign in against the chain the platform actually uses.
const localEthereumChainID = "31337"
