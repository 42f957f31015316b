package main

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Until the user context is merged, music tests authenticate with tokens minted by this test
// authenticator, carrying the permissions each role has.
type testAuthenticator struct {
	mu     sync.Mutex
	tokens map[string]httpx.Principal
}

func (a *testAuthenticator) Authenticate(_ context.Context, token string) (httpx.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.tokens[token]
	if !ok {
		return httpx.Principal{}, errs.ErrUnauthenticated
	}
	return p, nil
}

var (
	authMu   sync.Mutex
	authByTA = map[*testApp]*testAuthenticator{}
)

var rolePermissions = map[string][]string{
	usercontracts.RoleListener: {usercontracts.PermReadMusic, usercontracts.PermWriteLibrary},
	usercontracts.RoleArtist:   {usercontracts.PermReadMusic, usercontracts.PermWriteLibrary, usercontracts.PermWriteMusic},
	usercontracts.RoleAdmin: {usercontracts.PermReadMusic, usercontracts.PermWriteLibrary, usercontracts.PermWriteMusic,
		usercontracts.PermAdminMusic},
}

// musicUser gives a new user of role and their bearer token.
func musicUser(t *testing.T, ta *testApp, role string) (uuid.UUID, string) {
	t.Helper()
	authMu.Lock()
	a, ok := authByTA[ta]
	if !ok {
		a = &testAuthenticator{tokens: map[string]httpx.Principal{}}
		authByTA[ta] = a
		ta.app.echo.Use(httpx.Authenticate(a))
	}
	authMu.Unlock()
	id := uuid.New()
	tok := "test-" + strings.ReplaceAll(uuid.NewString(), "-", "")
	a.mu.Lock()
	a.tokens[tok] = httpx.Principal{UserID: id, Roles: []string{role}, Permissions: rolePermissions[role]}
	a.mu.Unlock()
	return id, tok
}
