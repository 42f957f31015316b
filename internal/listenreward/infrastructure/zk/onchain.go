package zk

import (
	"context"
	"crypto/ecdsa"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/evm"
)

// ListenVerifierABI is the ABI of contracts/ListenVerifier.sol (contracts/build, committed): the
// same for every verifying key, so it binds whichever verifier is deployed.
//
//go:embed ListenVerifier.abi
var ListenVerifierABI string

// OnChainConfig says where the listen verifier lives.
type OnChainConfig struct {
	RPCURL string
	// Local: the development chain, where the verifier is compiled and deployed at first start.
	Local bool
	// Address of an already deployed verifier (required off the local chain).
	Address string
	// Root holds node_modules and scripts/ (the pinned solc).
	Root string
	// StateDir keeps the deployment record and the deployer key (per chain).
	StateDir string
	// CacheDir keeps the compiled bytecode, per verifying key (beside the keys).
	CacheDir string
	Logger   *slog.Logger
}

type deployment struct {
	ChainID uint64 `json:"chain_id"`
	KeyID   string `json:"key_id"`
	Address string `json:"address"`
}

// SetupOnChain binds the listen verifier of sys's key: the configured address, or on the local
// chain the one deployed earlier for this key, or a fresh deployment of the verifier exported
// from this key and compiled with the pinned solc (cached by key id).
func SetupOnChain(ctx context.Context, sys *zk.System, cfg OnChainConfig) (*evm.Verifier, *ethclient.Client, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	client, err := ethclient.DialContext(ctx, cfg.RPCURL)
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*evm.Verifier, *ethclient.Client, error) {
		client.Close()
		return nil, nil, err
	}
	chainID, err := client.ChainID(ctx)
	if err != nil {
		return fail(err)
	}
	bind := func(addr common.Address) (*evm.Verifier, *ethclient.Client, error) {
		code, err := client.CodeAt(ctx, addr, nil)
		if err != nil {
			return fail(err)
		}
		if len(code) == 0 {
			return fail(fmt.Errorf("listen verifier: no contract at %s", addr.Hex()))
		}
		v, err := evm.NewVerifier(client, addr, ListenVerifierABI)
		if err != nil {
			return fail(err)
		}
		return v, client, nil
	}
	if cfg.Address != "" {
		if !common.IsHexAddress(cfg.Address) {
			return fail(fmt.Errorf("listen verifier: %q is not an address", cfg.Address))
		}
		return bind(common.HexToAddress(cfg.Address))
	}
	if !cfg.Local {
		return fail(errors.New("listen verifier: ZK_VERIFIER_ADDRESS is required off the local chain"))
	}
	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return fail(err)
	}
	statePath := filepath.Join(cfg.StateDir, "listen-verifier.json")
	var st deployment
	if b, err := os.ReadFile(statePath); err == nil && json.Unmarshal(b, &st) == nil &&
		st.ChainID == chainID.Uint64() && st.KeyID == sys.KeyID() && common.IsHexAddress(st.Address) {
		if v, c, err := bind(common.HexToAddress(st.Address)); err == nil {
			return v, c, nil
		}
		client, err = ethclient.DialContext(ctx, cfg.RPCURL) // bind closed it
		if err != nil {
			return nil, nil, err
		}
	}
	code, err := bytecode(ctx, sys, cfg)
	if err != nil {
		return fail(err)
	}
	key, err := deployerKey(filepath.Join(cfg.StateDir, "zk-deployer.key"))
	if err != nil {
		return fail(err)
	}
	// Gas money on the development chain.
	hundred := new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18))
	if err := client.Client().CallContext(ctx, nil, "anvil_setBalance", crypto.PubkeyToAddress(key.PublicKey), hexutil.EncodeBig(hundred)); err != nil {
		return fail(fmt.Errorf("listen verifier: fund deployer: %w", err))
	}
	addr, err := evm.Deploy(ctx, client, key, code)
	if err != nil {
		return fail(err)
	}
	b, _ := json.Marshal(deployment{ChainID: chainID.Uint64(), KeyID: sys.KeyID(), Address: addr.Hex()})
	if err := os.WriteFile(statePath, b, 0o600); err != nil {
		return fail(err)
	}
	cfg.Logger.Info("deployed listen verifier", "address", addr.Hex(), "key_id", sys.KeyID())
	return bind(addr)
}

// bytecode compiles the verifier of sys's key, once per key id.
func bytecode(ctx context.Context, sys *zk.System, cfg OnChainConfig) ([]byte, error) {
	dir := cfg.CacheDir
	if dir == "" {
		dir = cfg.StateDir
	}
	cache := filepath.Join(dir, "listen-verifier-"+sys.KeyID()+".bin")
	if b, err := os.ReadFile(cache); err == nil {
		if code, err := hex.DecodeString(strings.TrimSpace(string(b))); err == nil && len(code) > 0 {
			return code, nil
		}
	}
	var src strings.Builder
	if err := sys.ExportSolidity(&src, "ListenVerifier"); err != nil {
		return nil, err
	}
	code, err := evm.Compile(ctx, cfg.Root, []byte(src.String()))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(cache, []byte(hex.EncodeToString(code)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return code, nil
}

func deployerKey(path string) (*ecdsa.PrivateKey, error) {
	if b, err := os.ReadFile(path); err == nil {
		return crypto.HexToECDSA(strings.TrimSpace(string(b)))
	}
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(crypto.FromECDSA(k))+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}
