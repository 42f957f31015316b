package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// An end-to-end listen over the API (start, stream, complete: qualified, paid, rewarded) ends
// with a stored proof that the Solidity verifier deployed on the local anvil accepts
// (eth_call), with its gas reported; a tampered input is rejected on chain.
func TestListenProofVerifiesOnTheLocalChain(t *testing.T) {
	clock := &listenClock{}
	ta := listenApp(t, clock, withChains)
	_, artist := registerUser(t, ta, "artist")
	song := listenSong(t, ta, artist)
	listenerID, listener := registerUser(t, ta, "listener")
	fund(t, ta, listenerID, money.USD, "1.000000")
	fundRewardPool(t, ta, "1000")

	res := ta.do(http.MethodGet, "/api/v1/zk/keys", nil)
	var keys struct {
		Circuits []struct {
			Circuit         string `json:"circuit"`
			OnChainVerifier string `json:"onchain_verifier"`
		} `json:"circuits"`
	}
	res.JSON(t, &keys)
	require.Equal(t, "listen", keys.Circuits[1].Circuit)
	require.NotEmpty(t, keys.Circuits[1].OnChainVerifier, "the verifier's address is published")

	s := startListen(t, ta, listener, song.ID)
	streamBytes(t, ta, listener, s.StreamURL, 32*bytesPerSecond(song))
	clock.Advance(31 * time.Second)
	r, done := completeListen(t, ta, listener, s.ID, 31)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "qualified", done.Status, "reasons %v", done.Reasons)
	eventually(t, 15*time.Second, func() bool {
		g := getListen(t, ta, listener, s.ID)
		return g.Payment != nil && g.Payment.Status == "paid"
	}, "the listen paid")
	res = waitProof(t, ta, listener, mustUUID(t, s.ID), http.StatusOK)
	var p proofBody
	res.JSON(t, &p)
	require.Equal(t, "20", p.PublicInputs[4], "the session's threshold: min(30 s, half of 40 s)")

	var v verifyBody
	res = ta.verify(map[string]any{"circuit": "listen", "proof": p.Proof, "public_inputs": p.PublicInputs, "onchain": true})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &v)
	require.True(t, v.Valid, v.Reasons)
	require.NotNil(t, v.OnChain)
	require.True(t, v.OnChain.Valid)
	require.Greater(t, v.OnChain.Gas, uint64(21000))
	t.Logf("on-chain verification of a listen proof: %d gas", v.OnChain.Gas)

	// The same proof with another commitment: off chain and on chain both reject it.
	bad := append([]string(nil), p.PublicInputs...)
	bad[5] = "7"
	res = ta.verify(map[string]any{"circuit": "listen", "proof": p.Proof, "public_inputs": bad, "onchain": true})
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	res.JSON(t, &v)
	require.False(t, v.Valid)
	require.False(t, v.OnChain.Valid)

	// Without chains, on-chain verification is a clear 503.
	plain := newTestApp(t)
	res = plain.verify(map[string]any{"circuit": "solvency", "proof": p.Proof, "public_inputs": []string{"1", "1"}, "onchain": true})
	require.Equal(t, http.StatusServiceUnavailable, res.Status, string(res.Body))
	require.Equal(t, "zk.onchain_unavailable", res.ErrorCode(t))
}
