// Package evm puts the platform's Solidity verifiers on an EVM chain: it compiles a
// gnark-exported verifier with the pinned solc (npm, through scripts/compile-verifier.mjs),
// deploys it, and verifies proofs with eth_call, reporting the gas a verification costs.
package evm

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/vibestream/vibestream/internal/platform/zk"
)

// Compile compiles a Solidity source with the repository's pinned solc (root holds
// node_modules and scripts/) and returns the deployable bytecode.
func Compile(ctx context.Context, root string, source []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "node", filepath.Join(root, "scripts", "compile-verifier.mjs"))
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(source)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("evm: compile verifier: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	var out struct {
		Bytecode string `json:"bytecode"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("evm: compile verifier output: %w", err)
	}
	code, err := hexutil.Decode(out.Bytecode)
	if err != nil || len(code) == 0 {
		return nil, fmt.Errorf("evm: compile verifier: no bytecode")
	}
	return code, nil
}

// Deploy sends a contract creation signed by key and waits (polling every 20 ms, not go-ethereum's
// one second) for its receipt.
func Deploy(ctx context.Context, c *ethclient.Client, key *ecdsa.PrivateKey, bytecode []byte) (common.Address, error) {
	from := crypto.PubkeyToAddress(key.PublicKey)
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return common.Address{}, err
	}
	nonce, err := c.PendingNonceAt(ctx, from)
	if err != nil {
		return common.Address{}, err
	}
	gas, err := c.EstimateGas(ctx, ethereum.CallMsg{From: from, Data: bytecode})
	if err != nil {
		return common.Address{}, fmt.Errorf("evm: estimate deployment: %w", err)
	}
	tip, err := c.SuggestGasTipCap(ctx)
	if err != nil {
		return common.Address{}, err
	}
	head, err := c.HeaderByNumber(ctx, nil)
	if err != nil {
		return common.Address{}, err
	}
	feeCap := new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
	tx, err := types.SignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{ChainID: chainID, Nonce: nonce,
		GasTipCap: tip, GasFeeCap: feeCap, Gas: gas + gas/5, Data: bytecode})
	if err != nil {
		return common.Address{}, err
	}
	if err := c.SendTransaction(ctx, tx); err != nil {
		return common.Address{}, fmt.Errorf("evm: send deployment: %w", err)
	}
	r, err := waitReceipt(ctx, c, tx.Hash())
	if err != nil {
		return common.Address{}, err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return common.Address{}, errors.New("evm: deployment reverted")
	}
	return r.ContractAddress, nil
}

func waitReceipt(ctx context.Context, c *ethclient.Client, h common.Hash) (*types.Receipt, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		r, err := c.TransactionReceipt(ctx, h)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, ethereum.NotFound) {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("evm: waiting for %s: %w", h.Hex(), ctx.Err())
		case <-t.C:
		}
	}
}

// Verifier is a deployed gnark Groth16 verifier: verifyProof(uint256[8], uint256[n]) reverts
// unless the proof verifies.
type Verifier struct {
	client *ethclient.Client
	addr   common.Address
	abi    abi.ABI
	inputs int
}

// NewVerifier binds a deployed verifier through its ABI (the committed one).
func NewVerifier(client *ethclient.Client, addr common.Address, abiJSON string) (*Verifier, error) {
	a, err := abi.JSON(strings.NewReader(abiJSON))
	if err != nil {
		return nil, err
	}
	m, ok := a.Methods["verifyProof"]
	if !ok || len(m.Inputs) != 2 || m.Inputs[0].Type.Size != 8 {
		return nil, errors.New("evm: the ABI has no verifyProof(uint256[8], uint256[n])")
	}
	return &Verifier{client: client, addr: addr, abi: a, inputs: m.Inputs[1].Type.Size}, nil
}

// Address implements zk.OnChain.
func (v *Verifier) Address() string { return v.addr.Hex() }

// VerifyOnChain implements zk.OnChain: an eth_call of verifyProof; a revert means invalid.
// The gas is eth_estimateGas of the same call (what a transaction verifying the proof would
// pay for it), 0 when it reverts.
func (v *Verifier) VerifyOnChain(ctx context.Context, proof []byte, public []*big.Int) (bool, uint64, error) {
	if len(public) != v.inputs {
		return false, 0, fmt.Errorf("%w: the verifier takes %d inputs", zk.ErrPublicInputs, v.inputs)
	}
	sp, err := zk.SolidityProof(proof)
	if err != nil {
		return false, 0, err
	}
	input := reflectArray(public, v.inputs)
	data, err := v.abi.Pack("verifyProof", sp, input)
	if err != nil {
		return false, 0, err
	}
	msg := ethereum.CallMsg{To: &v.addr, Data: data}
	if _, err := v.client.CallContract(ctx, msg, nil); err != nil {
		if isRevert(err) {
			return false, 0, nil
		}
		return false, 0, fmt.Errorf("evm: eth_call: %w", err)
	}
	gas, err := v.client.EstimateGas(ctx, msg)
	if err != nil {
		return true, 0, fmt.Errorf("evm: estimate verification gas: %w", err)
	}
	return true, gas, nil
}

func isRevert(err error) bool {
	var de interface{ ErrorData() interface{} }
	if errors.As(err, &de) {
		return true
	}
	return strings.Contains(err.Error(), "revert")
}
