package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/user/contracts"
)

func TestRegisterLoginAndMe(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(http.MethodPost, "/api/v1/auth/register", map[string]any{
		"email": "Alice@Example.com", "username": "Alice_1", "password": "long enough pw", "display_name": "Alice",
		"role": "artist", "birthdate": "1990-04-01",
	})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var reg struct {
		User struct {
			ID          string   `json:"id"`
			Email       string   `json:"email"`
			Username    string   `json:"username"`
			Roles       []string `json:"roles"`
			Permissions []string `json:"permissions"`
			Birthdate   string   `json:"birthdate"`
		} `json:"user"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		TokenType    string `json:"token_type"`
		ExpiresIn    int    `json:"expires_in"`
	}
	res.JSON(t, &reg)
	assert.Equal(t, "alice_1", reg.User.Username)
	assert.Equal(t, "Alice@Example.com", reg.User.Email)
	assert.Equal(t, []string{"artist"}, reg.User.Roles)
	assert.Contains(t, reg.User.Permissions, contracts.PermWriteMusic)
	assert.Equal(t, "1990-04-01", reg.User.Birthdate)
	assert.Equal(t, "Bearer", reg.TokenType)
	assert.Equal(t, 900, reg.ExpiresIn)
	assert.NotEmpty(t, reg.RefreshToken)

	for _, login := range []string{"alice@example.COM", "ALICE_1"} {
		tok := loginToken(t, ta, login, "long enough pw")
		res = ta.do(http.MethodGet, "/api/v1/users/me", nil, withToken(tok))
		require.Equal(t, http.StatusOK, res.Status, string(res.Body))
		var me struct {
			ID string `json:"id"`
		}
		res.JSON(t, &me)
		assert.Equal(t, reg.User.ID, me.ID)
	}

	res = ta.do(http.MethodGet, "/api/v1/users/me", nil)
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	assert.Equal(t, "auth.unauthenticated", res.ErrorCode(t))
}

func TestRegisterAdminThroughGrantRole(t *testing.T) {
	ta := newTestApp(t)
	id, tok := registerAdmin(t, ta)
	res := ta.do(http.MethodGet, "/api/v1/users/me", nil, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status)
	var me struct {
		ID          string   `json:"id"`
		Roles       []string `json:"roles"`
		Permissions []string `json:"permissions"`
	}
	res.JSON(t, &me)
	assert.Equal(t, id, me.ID)
	assert.ElementsMatch(t, []string{"listener", "admin"}, me.Roles)
	assert.Contains(t, me.Permissions, contracts.PermAdminPayments)

	p, err := ta.app.users.Authenticator().Authenticate(t.Context(), tok)
	require.NoError(t, err)
	assert.True(t, p.HasRole("admin"))
	assert.True(t, p.Has(contracts.PermAdminUsers))

	lid, ltok := registerUser(t, ta, "listener")
	assert.NotEqual(t, id, lid)
	p, err = ta.app.users.Authenticator().Authenticate(t.Context(), ltok)
	require.NoError(t, err)
	assert.False(t, p.Has(contracts.PermAdminUsers))
	assert.True(t, p.Has(contracts.PermReadMusic))
}

func TestAdminChangesRoles(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	adminID, admin := registerAdmin(t, ta)
	userID, userTok, email := registerUserFull(t, ta, "listener")
	path := "/api/v1/admin/users/" + userID + "/roles/"

	res := ta.do(http.MethodPut, path+"artist", nil, withToken(userTok))
	assert.Equal(t, http.StatusForbidden, res.Status, "a listener cannot grant roles")
	res = ta.do(http.MethodPut, path+"artist", nil)
	assert.Equal(t, http.StatusUnauthorized, res.Status)

	res = ta.do(http.MethodPut, path+"artist", nil, withToken(admin))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var v struct {
		Roles []string `json:"roles"`
	}
	res.JSON(t, &v)
	assert.Equal(t, []string{"listener", "artist"}, v.Roles)
	fresh := loginToken(t, ta, email, testPassword)
	assert.Contains(t, decodeClaims(t, fresh)["permissions"], contracts.PermWriteMusic, "the next token carries the role")

	res = ta.do(http.MethodDelete, path+"listener", nil, withToken(admin))
	require.Equal(t, http.StatusOK, res.Status)
	res = ta.do(http.MethodDelete, path+"artist", nil, withToken(admin))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.last_role", res.ErrorCode(t))

	res = ta.do(http.MethodDelete, "/api/v1/admin/users/"+adminID+"/roles/admin", nil, withToken(admin))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "user.self_demotion", res.ErrorCode(t))

	res = ta.do(http.MethodPut, path+"superuser", nil, withToken(admin))
	assert.Equal(t, http.StatusUnprocessableEntity, res.Status)
	assert.Equal(t, "user.invalid_role", res.ErrorCode(t))
	res = ta.do(http.MethodPut, "/api/v1/admin/users/00000000-0000-0000-0000-000000000001/roles/artist", nil, withToken(admin))
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Equal(t, "user.not_found", res.ErrorCode(t))
}
