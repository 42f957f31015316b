package main

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/platform/observability"
)

var userSeq atomic.Int64

// testPassword is the password of every account made by registerUser.
const testPassword = "correct horse battery"

// registerUser registers a fresh account through the API and returns its id and access token.
// role is listener, artist or admin; an admin is registered as a listener and promoted with
// the same code path as `vibestream users grant-role`, then logs in again.
func registerUser(t *testing.T, ta *testApp, role string) (userID string, accessToken string) {
	t.Helper()
	id, tok, _ := registerUserFull(t, ta, role)
	return id, tok
}

// registerAdmin registers an admin (see registerUser).
func registerAdmin(t *testing.T, ta *testApp) (userID string, accessToken string) {
	t.Helper()
	return registerUser(t, ta, "admin")
}

// registerUserFull also returns the email, for tests that log in again.
func registerUserFull(t *testing.T, ta *testApp, role string) (userID, accessToken, email string) {
	t.Helper()
	n := userSeq.Add(1)
	username := fmt.Sprintf("user_%d", n)
	email = username + "@example.com"
	regRole := role
	if role == "admin" {
		regRole = "listener"
	}
	res := ta.do(http.MethodPost, "/api/v1/auth/register", map[string]any{
		"email": email, "username": username, "password": testPassword, "display_name": "User " + username, "role": regRole,
	})
	require.Equal(t, http.StatusCreated, res.Status, "register: %s", res.Body)
	var body struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		AccessToken string `json:"access_token"`
	}
	res.JSON(t, &body)
	if role != "admin" {
		return body.User.ID, body.AccessToken, email
	}
	require.NoError(t, runUsers(context.Background(), ta.app.cfg, ta.app.pool, observability.DiscardLogger(),
		[]string{"grant-role", email, "admin"}))
	return body.User.ID, loginToken(t, ta, email, testPassword), email
}

// loginToken logs in and returns the access token.
func loginToken(t *testing.T, ta *testApp, login, password string) string {
	t.Helper()
	res := ta.do(http.MethodPost, "/api/v1/auth/login", map[string]any{"login": login, "password": password})
	require.Equal(t, http.StatusOK, res.Status, "login: %s", res.Body)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	res.JSON(t, &tok)
	return tok.AccessToken
}

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	require.NoError(t, err)
	return id
}
