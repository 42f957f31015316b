package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/user/contracts"
)

type tokenBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

func register(ta *testApp, email, username string) response {
	return ta.do(http.MethodPost, "/api/v1/auth/register", map[string]any{
		"email": email, "username": username, "password": testPassword, "display_name": "Someone",
	})
}

func login(ta *testApp, loginName, password string, opts ...reqOpt) response {
	return ta.do(http.MethodPost, "/api/v1/auth/login", map[string]any{"login": loginName, "password": password}, opts...)
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	res := ta.do(http.MethodPost, "/api/v1/auth/register", map[string]any{
		"email": "not-an-email", "username": "x", "password": "short", "display_name": "", "role": "admin", "birthdate": "2999-01-01",
	})
	require.Equal(t, http.StatusUnprocessableEntity, res.Status)
	var e struct {
		Error struct {
			Code   string            `json:"code"`
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	res.JSON(t, &e)
	assert.Equal(t, "validation_failed", e.Error.Code)
	for _, f := range []string{"email", "username", "password", "display_name", "role", "birthdate"} {
		assert.Contains(t, e.Error.Fields, f, "every problem is reported at once")
	}

	res = ta.do(http.MethodPost, "/api/v1/auth/register", []byte(`{"email": 1}`), withHeader("Content-Type", "application/json"))
	assert.Equal(t, http.StatusBadRequest, res.Status)
}

func TestRegisterDuplicates(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	require.Equal(t, http.StatusCreated, register(ta, "dup@example.com", "dup_user").Status)
	res := register(ta, "DUP@Example.COM", "other_user")
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.email_taken", res.ErrorCode(t))
	res = register(ta, "other@example.com", "DUP_USER")
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.username_taken", res.ErrorCode(t))
}

func TestTwentyConcurrentRegistrationsOfOneEmail(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	const n = 20
	statuses := make([]int, n)
	codes := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := register(ta, "race@example.com", fmt.Sprintf("racer_%d", i))
			statuses[i] = res.Status
			if res.Status != http.StatusCreated {
				codes[i] = res.ErrorCode(t)
			}
		}()
	}
	close(start)
	wg.Wait()
	created := 0
	for i, s := range statuses {
		if s == http.StatusCreated {
			created++
			continue
		}
		assert.Equal(t, http.StatusConflict, s)
		assert.Equal(t, "user.email_taken", codes[i])
	}
	assert.Equal(t, 1, created, "exactly one registration wins")
}

func TestRegistrationPublishesEvent(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	got := make(chan contracts.UserRegistered, 1)
	ta.app.bus.Subscribe("test.user_registered", contracts.UserRegisteredV1, func(_ context.Context, e events.Envelope) error {
		var p contracts.UserRegistered
		if err := e.Decode(&p); err != nil {
			return err
		}
		select {
		case got <- p:
		default:
		}
		return nil
	})
	id, _ := registerUser(t, ta, "artist")
	select {
	case p := <-got:
		assert.Equal(t, id, p.UserID.String())
		assert.Equal(t, []string{"artist"}, p.Roles)
	case <-time.After(10 * time.Second):
		t.Fatal("user.registered.v1 was not delivered")
	}
}

// Not parallel: the timing comparison runs while no other test of this package does.
func TestLoginFailuresLookTheSame(t *testing.T) {
	ta := newTestApp(t, func(c *Config) {
		c.User.LoginMaxFailuresPerAccount, c.User.LoginMaxFailuresPerIP, c.User.LoginMaxFailuresUnknown = 1000, 1000, 1000
	})
	_, _, email := registerUserFull(t, ta, "listener")

	unknown := login(ta, "nobody@example.com", testPassword)
	wrong := login(ta, email, "wrong password!")
	require.Equal(t, http.StatusUnauthorized, unknown.Status)
	require.Equal(t, http.StatusUnauthorized, wrong.Status)
	var a, b map[string]map[string]any
	unknown.JSON(t, &a)
	wrong.JSON(t, &b)
	delete(a["error"], "request_id")
	delete(b["error"], "request_id")
	assert.Equal(t, a, b, "unknown login and wrong password answer identically")
	assert.Equal(t, "user.invalid_credentials", a["error"]["code"])

	// Timing: both paths spend one argon2id verification (a dummy hash for unknown logins).
	// The fastest of several interleaved runs is compared: on a shared machine the minimum is
	// what the work costs, while medians move with other processes' load.
	const rounds = 11
	fastest := func(loginName, password string) time.Duration {
		s := time.Now()
		login(ta, loginName, password)
		return time.Since(s)
	}
	mu, mw := time.Hour, time.Hour
	for range rounds {
		mu = min(mu, fastest("nobody@example.com", testPassword))
		mw = min(mw, fastest(email, "wrong password!"))
	}
	t.Logf("fastest unknown login %s, fastest wrong password %s", mu, mw)
	assert.Greater(t, mu, 5*time.Millisecond, "an unknown login must cost a password hash")
	ratio := float64(mu) / float64(mw)
	assert.True(t, ratio > 0.6 && ratio < 1/0.6, "unknown %s vs wrong password %s", mu, mw)
}

// OWASP's device-cookie scheme: a guesser is slowed down with doubling delays, per account and
// client and per account over all unknown clients, but never locks the owner out: the owner
// signs in from a known device while the attacker keeps failing from elsewhere, and is told.
func TestLoginThrottlingSlowsTheGuesserNotTheOwner(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, func(c *Config) {
		c.TrustProxy = true
		c.User.LoginMaxFailuresPerAccount = 3
		c.User.LoginMaxFailuresUnknown = 6
		c.User.LoginBaseDelay = time.Minute
	})
	ownerID, _, email := registerUserFull(t, ta, "listener")
	// The owner signed in once from their phone: it is a known device from now on.
	res := login(ta, email, testPassword, withHeader("X-Forwarded-For", "198.51.100.7"))
	require.Equal(t, http.StatusOK, res.Status)
	var first struct {
		DeviceToken string `json:"device_token"`
	}
	res.JSON(t, &first)
	require.NotEmpty(t, first.DeviceToken)
	assert.Contains(t, res.Header.Get("Set-Cookie"), "vs_device="+first.DeviceToken)
	assert.Contains(t, res.Header.Get("Set-Cookie"), "HttpOnly")

	// An attacker guesses from one address: three tries, then one per (doubling) delay.
	for range 3 {
		require.Equal(t, http.StatusUnauthorized, login(ta, email, "wrong password!", withHeader("X-Forwarded-For", "203.0.113.1")).Status)
	}
	res = login(ta, email, testPassword, withHeader("X-Forwarded-For", "203.0.113.1"))
	require.Equal(t, http.StatusTooManyRequests, res.Status, "even the right password waits out the delay")
	assert.Equal(t, "user.too_many_login_attempts", res.ErrorCode(t))
	ra, err := strconv.Atoi(res.Header.Get("Retry-After"))
	require.NoError(t, err)
	assert.InDelta(t, 60, ra, 2, "a short delay, not a 15-minute lock")

	// Spreading over many addresses only reaches the account-wide limit for unknown clients.
	checked := 3
	for i := range 20 {
		res := login(ta, email, "wrong password!", withHeader("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", 10+i)))
		if res.Status == http.StatusUnauthorized {
			checked++
		} else {
			require.Equal(t, http.StatusTooManyRequests, res.Status)
		}
	}
	assert.Equal(t, 6, checked, "the guesser is slowed to the limit")

	// Meanwhile the owner signs in from their known device, whatever address it has now.
	for _, ip := range []string{"198.51.100.7", "203.0.113.1"} {
		res = ta.do(http.MethodPost, "/api/v1/auth/login", map[string]any{"login": email, "password": testPassword, "device_token": first.DeviceToken},
			withHeader("X-Forwarded-For", ip))
		assert.Equal(t, http.StatusOK, res.Status, "from %s: %s", ip, res.Body)
	}
	// the browser cookie works too
	res = login(ta, email, testPassword, withHeader("X-Forwarded-For", "198.51.100.8"), withHeader("Cookie", "vs_device="+first.DeviceToken))
	assert.Equal(t, http.StatusOK, res.Status)

	// and the owner was told, once per slowed-down key, by event
	var n int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(),
		`SELECT count(*) FROM platform.events WHERE type = 'user.login_throttled.v1' AND payload->>'user_id' = $1`, ownerID).Scan(&n))
	assert.Equal(t, 2, n, "the address 203.0.113.1 and the unknown clients together")

	metrics := string(ta.do(http.MethodGet, "/metrics", nil).Body)
	assert.Contains(t, metrics, `user_logins_total{outcome="invalid_credentials"} 6`)

	// Other accounts are unaffected.
	_, _, other := registerUserFull(t, ta, "listener")
	assert.Equal(t, http.StatusOK, login(ta, other, testPassword, withHeader("X-Forwarded-For", "203.0.113.50")).Status)
}

func TestLoginThrottlingPerAddress(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, func(c *Config) {
		c.TrustProxy = true
		c.User.LoginMaxFailuresPerIP = 4
	})
	_, _, email := registerUserFull(t, ta, "listener")
	for i := range 4 {
		res := login(ta, fmt.Sprintf("ghost%d@example.com", i), "whatever pw", withHeader("X-Forwarded-For", "192.0.2.7"))
		require.Equal(t, http.StatusUnauthorized, res.Status)
	}
	res := login(ta, email, testPassword, withHeader("X-Forwarded-For", "192.0.2.7"))
	assert.Equal(t, http.StatusTooManyRequests, res.Status)
	assert.NotEmpty(t, res.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusOK, login(ta, email, testPassword, withHeader("X-Forwarded-For", "192.0.2.8")).Status)
}

func TestSuccessfulLoginResetsTheAccountCounter(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, func(c *Config) { c.User.LoginMaxFailuresPerAccount = 3 })
	_, _, email := registerUserFull(t, ta, "listener")
	for range 2 {
		require.Equal(t, http.StatusUnauthorized, login(ta, email, "wrong password!").Status)
	}
	require.Equal(t, http.StatusOK, login(ta, email, testPassword).Status)
	for range 2 {
		require.Equal(t, http.StatusUnauthorized, login(ta, email, "wrong password!").Status)
	}
	assert.Equal(t, http.StatusOK, login(ta, email, testPassword).Status, "the earlier failures were forgotten")
}

func TestRefreshRotationAndReuseDetection(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, _, email := registerUserFull(t, ta, "listener")
	res := login(ta, email, testPassword)
	require.Equal(t, http.StatusOK, res.Status)
	var first tokenBody
	res.JSON(t, &first)

	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": first.RefreshToken})
	require.Equal(t, http.StatusOK, res.Status)
	var second tokenBody
	res.JSON(t, &second)
	assert.NotEqual(t, first.RefreshToken, second.RefreshToken)
	assert.Equal(t, http.StatusOK, ta.do(http.MethodGet, "/api/v1/users/me", nil, withToken(second.AccessToken)).Status)

	// Replaying the rotated token: rejected, and the whole family with it.
	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": first.RefreshToken})
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	assert.Equal(t, "user.refresh_token_reused", res.ErrorCode(t))
	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": second.RefreshToken})
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	assert.Equal(t, "user.refresh_token_invalid", res.ErrorCode(t))

	// Another session (another family) is untouched.
	res = login(ta, email, testPassword)
	var other tokenBody
	res.JSON(t, &other)
	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": other.RefreshToken})
	assert.Equal(t, http.StatusOK, res.Status)

	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": "made-up"})
	assert.Equal(t, http.StatusUnauthorized, res.Status)
}

func TestLogoutRevokesTheSession(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, _, email := registerUserFull(t, ta, "listener")
	var s tokenBody
	login(ta, email, testPassword).JSON(t, &s)
	var rotated tokenBody
	ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": s.RefreshToken}).JSON(t, &rotated)

	res := ta.do(http.MethodPost, "/api/v1/auth/logout", map[string]any{"refresh_token": rotated.RefreshToken})
	require.Equal(t, http.StatusNoContent, res.Status)
	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": rotated.RefreshToken})
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	assert.Equal(t, http.StatusNoContent, ta.do(http.MethodPost, "/api/v1/auth/logout", map[string]any{"refresh_token": rotated.RefreshToken}).Status,
		"logging out twice is fine")
}

func decodeClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

func TestAccessTokenClaimsAndJWKS(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	id, tok := registerUser(t, ta, "listener")
	c := decodeClaims(t, tok)
	assert.Equal(t, id, c["sub"])
	assert.Equal(t, ta.app.cfg.PublicURL, c["iss"])
	assert.Equal(t, []any{"vibestream"}, c["aud"])
	assert.Equal(t, []any{"listener"}, c["roles"])
	assert.Contains(t, c["permissions"], contracts.PermReadMusic)
	assert.NotContains(t, c["permissions"], contracts.PermWriteMusic)
	assert.InDelta(t, 15*60, c["exp"].(float64)-c["iat"].(float64), 1)
	assert.NotEmpty(t, c["jti"])
	assert.Equal(t, map[string]any{"blockchain_addresses": map[string]any{}}, c["context"])

	res := ta.do(http.MethodGet, "/.well-known/jwks.json", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			X   string `json:"x"`
		} `json:"keys"`
	}
	res.JSON(t, &set)
	require.Len(t, set.Keys, 1)
	x, err := base64.RawURLEncoding.DecodeString(set.Keys[0].X)
	require.NoError(t, err)
	// A third party verifies the token with the published key alone.
	parsed, err := jwt.Parse(tok, func(tk *jwt.Token) (any, error) {
		assert.Equal(t, set.Keys[0].Kid, tk.Header["kid"])
		return ed25519.PublicKey(x), nil
	}, jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithIssuer(ta.app.cfg.PublicURL), jwt.WithAudience("vibestream"))
	require.NoError(t, err)
	assert.True(t, parsed.Valid)
}

func TestForgedTokensAreRejectedOverHTTP(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	id, tok := registerUser(t, ta, "listener")
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": id, "iss": ta.app.cfg.PublicURL,
		"aud": "vibestream", "exp": time.Now().Add(time.Hour).Unix(), "roles": []string{"admin"}})
	none.Header["kid"] = ta.app.users.KeyID()
	noneTok, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	require.NoError(t, err)
	parts := strings.Split(tok, ".")
	claims := decodeClaims(t, tok)
	claims["permissions"] = []string{contracts.PermAdminTreasury}
	raw, _ := json.Marshal(claims)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2]

	for name, bad := range map[string]string{"alg none": noneTok, "tampered": tampered, "garbage": "abc"} {
		res := ta.do(http.MethodGet, "/api/v1/users/me", nil, withToken(bad))
		assert.Equal(t, http.StatusUnauthorized, res.Status, name)
		assert.Equal(t, "user.invalid_token", res.ErrorCode(t), name)
	}
	res := ta.do(http.MethodGet, "/api/v1/users/me", nil, withHeader("Authorization", "Basic dXNlcjpwdw=="))
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	// A bad token is rejected even on public routes: the caller meant to authenticate.
	res = ta.do(http.MethodGet, "/api/v1/users/"+id, nil, withToken(tampered))
	assert.Equal(t, http.StatusUnauthorized, res.Status)
}

func TestProfileReadAndUpdate(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	id, tok := registerUser(t, ta, "artist")
	res := ta.do(http.MethodPatch, "/api/v1/users/me", map[string]any{
		"display_name": "DJ Test", "bio": "Beats.", "avatar_url": "https://cdn.example.com/dj.png",
	}, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var me struct {
		DisplayName string `json:"display_name"`
		Bio         string `json:"bio"`
		AvatarURL   string `json:"avatar_url"`
	}
	res.JSON(t, &me)
	assert.Equal(t, "DJ Test", me.DisplayName)
	assert.Equal(t, "Beats.", me.Bio)

	res = ta.do(http.MethodPatch, "/api/v1/users/me", map[string]any{"avatar_url": "ftp://x", "display_name": ""}, withToken(tok))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)

	res = ta.do(http.MethodPatch, "/api/v1/users/me", map[string]any{"bio": ""}, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	res.JSON(t, &me)
	assert.Empty(t, me.Bio)
	assert.Equal(t, "DJ Test", me.DisplayName, "absent fields stay")

	// The public profile, seen by anyone, shows no private data.
	res = ta.do(http.MethodGet, "/api/v1/users/"+id, nil)
	require.Equal(t, http.StatusOK, res.Status)
	var pub map[string]any
	res.JSON(t, &pub)
	assert.Equal(t, "DJ Test", pub["display_name"])
	for _, private := range []string{"email", "birthdate", "permissions"} {
		assert.NotContains(t, pub, private)
	}

	res = ta.do(http.MethodGet, "/api/v1/users/00000000-0000-0000-0000-000000000001", nil)
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Equal(t, "user.not_found", res.ErrorCode(t))
	res = ta.do(http.MethodGet, "/api/v1/users/not-a-uuid", nil)
	assert.Equal(t, http.StatusNotFound, res.Status)
	res = ta.do(http.MethodPatch, "/api/v1/users/me", map[string]any{"bio": "x"})
	assert.Equal(t, http.StatusUnauthorized, res.Status)
}

func TestGrantRoleCommand(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	id, tok, email := registerUserFull(t, ta, "listener")
	run := func(args ...string) error {
		return runUsers(context.Background(), ta.app.cfg, ta.app.pool, observability.DiscardLogger(), args)
	}
	require.NoError(t, run("grant-role", strings.ToUpper(email), "artist"))
	require.NoError(t, run("grant-role", email, "artist"), "granting twice is harmless")
	assert.Error(t, run("grant-role", email, "superuser"))
	assert.ErrorContains(t, run("grant-role", "nobody@example.com", "admin"), "user.not_found")
	assert.ErrorContains(t, run("grant-role", email), "usage")
	assert.ErrorContains(t, run("promote", email, "admin"), "usage")

	// The old token keeps its roles until it expires; the next one has the new role.
	assert.Equal(t, []any{"listener"}, decodeClaims(t, tok)["roles"])
	fresh := loginToken(t, ta, email, testPassword)
	assert.Equal(t, []any{"listener", "artist"}, decodeClaims(t, fresh)["roles"])
	assert.Contains(t, decodeClaims(t, fresh)["permissions"], contracts.PermWriteMusic)

	s, err := ta.app.users.Directory().User(context.Background(), mustUUID(t, id))
	require.NoError(t, err)
	assert.Equal(t, []string{"listener", "artist"}, s.Roles)
}

// Guesses sent in parallel cannot slip past the limit: attempts are counted before the
// password check.
func TestParallelGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, func(c *Config) {
		c.User.LoginMaxFailuresPerAccount = 5
		c.User.LoginBaseDelay = time.Minute
	})
	_, _, email := registerUserFull(t, ta, "listener")
	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = login(ta, email, fmt.Sprintf("guess number %d", i)).Status
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	// The five free attempts, and at most one more that holds the key blocked while it is
	// checked: whether that sixth is counted before the fifth's failure blocks the key is up to
	// the scheduler, so 5 and 6 are both right; more would be a guess slipping past the limit.
	assert.Equal(t, n, count[http.StatusUnauthorized]+count[http.StatusTooManyRequests], "only 401s and 429s: %v", count)
	assert.GreaterOrEqual(t, count[http.StatusUnauthorized], 5, "the free attempts are checked: %v", count)
	assert.LessOrEqual(t, count[http.StatusUnauthorized], 6, "no guess slips past the limit: %v", count)
	assert.Equal(t, http.StatusTooManyRequests, login(ta, email, testPassword).Status)
}

// Clients often send their (expired) access token with every request: the credential routes
// ignore it, so refreshing still works.
func TestCredentialRoutesIgnoreAStaleBearer(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, _, email := registerUserFull(t, ta, "listener")
	var s tokenBody
	login(ta, email, testPassword, withToken("expired.or.garbage")).JSON(t, &s)
	require.NotEmpty(t, s.RefreshToken)
	res := ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": s.RefreshToken}, withToken("expired.or.garbage"))
	assert.Equal(t, http.StatusOK, res.Status)
	// Elsewhere a bad token is still rejected.
	res = ta.do(http.MethodGet, "/api/v1/users/me", nil, withToken("expired.or.garbage"))
	assert.Equal(t, http.StatusUnauthorized, res.Status)
}
