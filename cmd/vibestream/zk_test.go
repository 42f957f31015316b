package main

import (
	"context"
	"encoding/base64"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

type proofBody struct {
	Circuit        string   `json:"circuit"`
	Proof          string   `json:"proof"`
	PublicInputs   []string `json:"public_inputs"`
	VerifyingKeyID string   `json:"verifying_key_id"`
	Attestation    string   `json:"attestation"`
}

type verifyBody struct {
	Valid   bool     `json:"valid"`
	Reasons []string `json:"reasons"`
	KeyID   string   `json:"key_id"`
	OnChain *struct {
		Valid bool   `json:"valid"`
		Gas   uint64 `json:"gas"`
	} `json:"onchain"`
	Attestation *struct {
		Subject string `json:"subject"`
		Asset   string `json:"asset"`
	} `json:"attestation"`
}

// fundUSD credits a user's wallet from the treasury (what a settled top-up does).
func fundUSD(t *testing.T, ta *testApp, userID, amount string) {
	t.Helper()
	amt, err := money.Parse(money.USD, amount)
	require.NoError(t, err)
	eventually(t, 10*time.Second, func() bool {
		_, err := ta.app.payment.Ledger().Balance(context.Background(), contracts.Wallet(mustUUID(t, userID), money.USD))
		return err == nil
	}, "the user's accounts to open")
	_, err = ta.app.payment.Ledger().Transfer(context.Background(), contracts.TransferRequest{IdempotencyKey: "test:" + uuid.NewString(),
		From:    contracts.System(contracts.KindTreasury, money.USD),
		To:      []contracts.Credit{{To: contracts.Wallet(mustUUID(t, userID), money.USD), Amount: amt}},
		Details: contracts.Details{Reason: "test_grant"}})
	require.NoError(t, err)
}

func (ta *testApp) verify(body map[string]any) response {
	return ta.do(http.MethodPost, "/api/v1/zk/verify", body)
}

func TestZKKeysArePublishedWithStrongETags(t *testing.T) {
	ta := newTestApp(t)
	res := ta.do(http.MethodGet, "/api/v1/zk/keys", nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	var list struct {
		Circuits []struct {
			Circuit      string   `json:"circuit"`
			KeyID        string   `json:"key_id"`
			PublicInputs []string `json:"public_inputs"`
			Constraints  int      `json:"constraints"`
		} `json:"circuits"`
	}
	res.JSON(t, &list)
	names := []string{}
	for _, c := range list.Circuits {
		names = append(names, c.Circuit)
		require.Greater(t, c.Constraints, 0)
	}
	require.Equal(t, []string{"age", "listen", "solvency"}, names)

	res = ta.do(http.MethodGet, "/api/v1/zk/keys/solvency", nil)
	require.Equal(t, http.StatusOK, res.Status)
	etag := res.Header.Get("ETag")
	require.NotEmpty(t, etag)
	var key struct {
		KeyID        string `json:"key_id"`
		VerifyingKey string `json:"verifying_key"`
		Points       struct {
			IC [][]string `json:"ic"`
		} `json:"points"`
	}
	res.JSON(t, &key)
	require.Len(t, key.Points.IC, 3, "the constant term and one point per public input")
	bin := ta.do(http.MethodGet, "/api/v1/zk/keys/solvency?format=binary", nil)
	require.Equal(t, http.StatusOK, bin.Status)
	require.Equal(t, "application/octet-stream", bin.Header.Get("Content-Type"))
	require.Equal(t, key.VerifyingKey, base64.StdEncoding.EncodeToString(bin.Body))
	res = ta.do(http.MethodGet, "/api/v1/zk/keys/solvency", nil, withHeader("If-None-Match", etag))
	require.Equal(t, http.StatusNotModified, res.Status)

	res = ta.do(http.MethodGet, "/api/v1/zk/keys/nope", nil)
	require.Equal(t, http.StatusNotFound, res.Status)
	require.Equal(t, "zk.unknown_circuit", res.ErrorCode(t))
}

func TestSolvencyProofRoundTripThroughTheAPI(t *testing.T) {
	ta := newTestApp(t)
	uid, tok := registerUser(t, ta, "listener")

	// Refused natively when the balance is short: no proof is made.
	res := ta.do(http.MethodPost, "/api/v1/zk/solvency-proofs", map[string]any{"asset": "USD", "threshold": "10.00"}, withToken(tok))
	require.Equal(t, http.StatusConflict, res.Status, string(res.Body))
	require.Equal(t, "payment.insufficient_funds", res.ErrorCode(t))

	fundUSD(t, ta, uid, "25.50")
	res = ta.do(http.MethodPost, "/api/v1/zk/solvency-proofs", map[string]any{"asset": "USD", "threshold": "10.00"}, withToken(tok))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	var p proofBody
	res.JSON(t, &p)
	require.Equal(t, "solvency", p.Circuit)
	require.Equal(t, []string{p.PublicInputs[0], "10000000"}, p.PublicInputs, "public: commitment and the threshold in micro-dollars")
	require.NotContains(t, string(res.Body), "25500000", "the balance never appears")

	// A third party with only the published key verifies the proof.
	keyRes := ta.do(http.MethodGet, "/api/v1/zk/keys/solvency?format=binary", nil)
	vk, err := zk.ParseVerifyingKey(keyRes.Body)
	require.NoError(t, err)
	raw, err := base64.StdEncoding.DecodeString(p.Proof)
	require.NoError(t, err)
	require.NoError(t, zk.VerifyWithKey(vk, raw, bigs(t, p.PublicInputs)))

	// The API verifies it with the attestation; without it, or with a changed threshold, it is not valid.
	var v verifyBody
	res = ta.verify(map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": p.PublicInputs, "attestation": p.Attestation})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &v)
	require.True(t, v.Valid, v.Reasons)
	require.NotNil(t, v.Attestation)
	require.Equal(t, uid, v.Attestation.Subject, "the verifier learns whose balance it is")
	require.Equal(t, "USD", v.Attestation.Asset)
	res = ta.verify(map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": p.PublicInputs})
	res.JSON(t, &v)
	require.False(t, v.Valid)
	res = ta.verify(map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": []string{p.PublicInputs[0], "1000"}, "attestation": p.Attestation})
	res.JSON(t, &v)
	require.False(t, v.Valid)

	for _, tc := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"unknown circuit", map[string]any{"circuit": "x", "proof": p.Proof, "public_inputs": p.PublicInputs}, "zk.unknown_circuit"},
		{"not base64", map[string]any{"circuit": "solvency", "proof": "%%%", "public_inputs": p.PublicInputs}, "zk.malformed_proof"},
		{"garbage proof", map[string]any{"circuit": "solvency", "proof": base64.StdEncoding.EncodeToString(make([]byte, 128)), "public_inputs": p.PublicInputs}, "zk.malformed_proof"},
		{"truncated proof", map[string]any{"circuit": "solvency", "proof": base64.StdEncoding.EncodeToString(raw[:100]), "public_inputs": p.PublicInputs}, "zk.malformed_proof"},
		{"too few inputs", map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": p.PublicInputs[:1]}, "zk.invalid_public_inputs"},
		{"input not a number", map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": []string{"abc", "1"}}, "zk.invalid_public_inputs"},
		{"input out of the field", map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": []string{zk.Modulus().String(), "1"}}, "zk.invalid_public_inputs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := ta.verify(tc.body)
			require.GreaterOrEqual(t, res.Status, 400, string(res.Body))
			require.Less(t, res.Status, 500, string(res.Body))
			require.Equal(t, tc.code, res.ErrorCode(t))
		})
	}
	metrics := string(ta.do(http.MethodGet, "/metrics", nil).Body)
	require.Contains(t, metrics, `vibestream_zk_proofs_generated_total{circuit="solvency"} 1`)
	require.Contains(t, metrics, `vibestream_zk_verifications_total{circuit="solvency",result="valid"} 1`)
	require.Contains(t, metrics, `vibestream_zk_verifications_total{circuit="solvency",result="invalid"} 2`)
	require.Contains(t, metrics, `vibestream_zk_prove_seconds_count{circuit="solvency"} 1`)
	res = ta.do(http.MethodPost, "/api/v1/zk/solvency-proofs", map[string]any{"asset": "USD", "threshold": "-1"}, withToken(tok))
	require.Equal(t, http.StatusBadRequest, res.Status, string(res.Body))
	require.Equal(t, "payment.invalid_threshold", res.ErrorCode(t))
}

func bigs(t *testing.T, ss []string) []*big.Int {
	t.Helper()
	out := make([]*big.Int, len(ss))
	for i, s := range ss {
		v, ok := new(big.Int).SetString(s, 10)
		require.True(t, ok, s)
		out[i] = v
	}
	return out
}
