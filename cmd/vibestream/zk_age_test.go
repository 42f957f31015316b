package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/user/domain"
)

func TestAgeProofsEndToEnd(t *testing.T) {
	ta := newTestApp(t)
	uid, tok := registerUser(t, ta, "listener")
	_, admin := registerAdmin(t, ta)

	// Without a birthdate the age gate answers a clear error.
	res := ta.do(http.MethodPost, "/api/v1/zk/age-proofs", map[string]any{"min_age_years": 18}, withToken(tok))
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	require.Equal(t, "user.birthdate_missing", res.ErrorCode(t))

	today := time.Now().UTC().Truncate(24 * time.Hour)
	born := domain.AgeOn(today, 20).AddDate(0, 0, -3)
	res = ta.do(http.MethodPatch, "/api/v1/users/me", map[string]any{"birthdate": born.Format(time.DateOnly)}, withToken(tok))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	// Set once: the user cannot change it, an administrator can.
	res = ta.do(http.MethodPatch, "/api/v1/users/me", map[string]any{"birthdate": "1950-01-01"}, withToken(tok))
	require.Equal(t, http.StatusConflict, res.Status, string(res.Body))
	require.Equal(t, "user.birthdate_already_set", res.ErrorCode(t))

	res = ta.do(http.MethodPost, "/api/v1/zk/age-proofs", map[string]any{"min_age_years": 18}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var p proofBody
	res.JSON(t, &p)
	require.Equal(t, "age", p.Circuit)
	require.NotContains(t, string(res.Body), born.Format(time.DateOnly))
	var v verifyBody
	res = ta.verify(map[string]any{"circuit": "age", "proof": p.Proof, "public_inputs": p.PublicInputs, "attestation": p.Attestation})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &v)
	require.True(t, v.Valid, v.Reasons)
	// The solvency circuit's attestation does not vouch for an age proof and vice versa.
	res = ta.verify(map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": p.PublicInputs, "attestation": p.Attestation})
	res.JSON(t, &v)
	require.False(t, v.Valid)

	// Too young for 21: refused natively.
	res = ta.do(http.MethodPost, "/api/v1/zk/age-proofs", map[string]any{"min_age_years": 21}, withToken(tok))
	require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
	require.Equal(t, "user.age_below_minimum", res.ErrorCode(t))
	res = ta.do(http.MethodPost, "/api/v1/zk/age-proofs", map[string]any{"min_age_years": 0}, withToken(tok))
	require.Equal(t, http.StatusUnprocessableEntity, res.Status, string(res.Body))
	require.Equal(t, "user.invalid_min_age", res.ErrorCode(t))

	// An administrator corrects the birthdate: a new commitment, and 21 now proves.
	res = ta.do(http.MethodPut, "/api/v1/admin/users/"+uid+"/birthdate", map[string]any{"birthdate": "1990-06-15"}, withToken(admin))
	require.Equal(t, http.StatusNoContent, res.Status, string(res.Body))
	res = ta.do(http.MethodPut, "/api/v1/admin/users/"+uid+"/birthdate", map[string]any{"birthdate": "1990-06-15"}, withToken(tok))
	require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
	res = ta.do(http.MethodPost, "/api/v1/zk/age-proofs", map[string]any{"min_age_years": 21}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var p2 proofBody
	res.JSON(t, &p2)
	require.NotEqual(t, p.PublicInputs[0], p2.PublicInputs[0], "a new birthdate gets a new commitment")

	// A birthdate given at registration is committed at the first proof.
	res = ta.do(http.MethodPost, "/api/v1/auth/register", map[string]any{"email": "old@example.com", "username": "old_timer",
		"password": testPassword, "display_name": "Old", "role": "listener", "birthdate": "1960-02-29"})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var reg struct {
		AccessToken string `json:"access_token"`
	}
	res.JSON(t, &reg)
	res = ta.do(http.MethodPost, "/api/v1/zk/age-proofs", map[string]any{"min_age_years": 65}, withToken(reg.AccessToken))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var n int
	require.NoError(t, ta.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM users.birth_commitments`).Scan(&n))
	require.Equal(t, 2, n)
}
