package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The reported sequence: admin B is demoted by admin A while B still holds a valid admin
// access token; B must not be able to promote themselves again with it, and B's refresh token
// must not mint a fresh token (admin or not) after the role change.
func TestDemotedAdminCannotUseTheirStillValidTokenNorRefresh(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, adminA := registerAdmin(t, ta)
	bID, _, bEmail := registerUserFull(t, ta, "admin")
	res := ta.do(http.MethodPost, "/api/v1/auth/login", map[string]any{"login": bEmail, "password": testPassword})
	require.Equal(t, http.StatusOK, res.Status)
	var pair struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	res.JSON(t, &pair)

	// B is an admin now: the token works on an admin route.
	res = ta.do(http.MethodPut, "/api/v1/admin/users/"+bID+"/roles/artist", nil, withToken(pair.AccessToken))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)

	// A demotes B.
	res = ta.do(http.MethodDelete, "/api/v1/admin/users/"+bID+"/roles/admin", nil, withToken(adminA))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)

	// B's token still says admin, but the database does not: refused.
	res = ta.do(http.MethodPut, "/api/v1/admin/users/"+bID+"/roles/admin", nil, withToken(pair.AccessToken))
	assert.Equal(t, http.StatusForbidden, res.Status, "%s", res.Body)
	assert.Equal(t, "auth.forbidden", res.ErrorCode(t))

	// B's refresh family was revoked by the role change.
	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": pair.RefreshToken})
	assert.Equal(t, http.StatusUnauthorized, res.Status, "%s", res.Body)

	// A fresh login gives B a token without admin, which admin routes refuse.
	tok := loginToken(t, ta, bEmail, testPassword)
	res = ta.do(http.MethodPut, "/api/v1/admin/users/"+bID+"/roles/admin", nil, withToken(tok))
	assert.Equal(t, http.StatusForbidden, res.Status)
	res = ta.do(http.MethodGet, "/api/v1/users/me", nil, withToken(tok))
	var me struct {
		Roles []string `json:"roles"`
	}
	res.JSON(t, &me)
	assert.ElementsMatch(t, []string{"listener", "artist"}, me.Roles)
}

// A grant also ends the account's sessions, so no token minted before it outlives it unseen.
func TestGrantingARoleRevokesTheAccountsRefreshTokens(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	_, admin := registerAdmin(t, ta)
	uID, _, email := registerUserFull(t, ta, "listener")
	res := ta.do(http.MethodPost, "/api/v1/auth/login", map[string]any{"login": email, "password": testPassword})
	require.Equal(t, http.StatusOK, res.Status)
	var pair struct {
		RefreshToken string `json:"refresh_token"`
	}
	res.JSON(t, &pair)
	res = ta.do(http.MethodPut, "/api/v1/admin/users/"+uID+"/roles/artist", nil, withToken(admin))
	require.Equal(t, http.StatusOK, res.Status)
	res = ta.do(http.MethodPost, "/api/v1/auth/refresh", map[string]any{"refresh_token": pair.RefreshToken})
	assert.Equal(t, http.StatusUnauthorized, res.Status, "%s", res.Body)
}
