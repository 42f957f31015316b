// Package chains sets up the payment context's chain adapters: it starts the local chains when
// no RPC URL is configured, loads or creates the hot wallet keys, deploys the VIBE ERC-20 and
// creates the VIBE SPL mint at first start (remembering them under DATA_DIR/chains), and
// describes the chains to clients (GET /api/v1/chains).
package chains

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	sol "github.com/gagliardetto/solana-go"
	"github.com/gagliardetto/solana-go/rpc"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
	"github.com/vibestream/vibestream/internal/platform/devchain"
)

// EthereumConfig configures the Ethereum side. An empty RPCURL starts a local anvil.
type EthereumConfig struct {
	RPCURL string
	// Key is the hot wallet's hex private key; empty: generated once under DataDir.
	Key string
	// Token is the VIBE contract; empty: deployed at first start (local chain only).
	Token string
	// ChainID, when non-zero, must match the node's.
	ChainID       uint64
	Confirmations uint64
	Network       string
	// BlockTime of the local chain's empty blocks (so confirmation depths advance); 0 = 1s.
	BlockTime time.Duration
}

// SolanaConfig configures the Solana side. An empty RPCURL starts the litesvm adapter.
type SolanaConfig struct {
	RPCURL string
	// Key is the hot wallet: base58 secret key or a solana-keygen JSON file; empty: generated.
	Key string
	// Mint is the VIBE mint; empty: created at first start (local chain only).
	Mint string
	// Commitment for withdrawals (confirmed or finalized).
	Commitment string
	// DepositCommitment is the level at which deposits are credited (default finalized: a
	// rooted slot can no longer be rolled back).
	DepositCommitment string
	Network           string
}

// Config configures both chains.
type Config struct {
	DataDir  string
	Root     string // repository root holding node_modules (empty: found from the working dir)
	Ethereum EthereumConfig
	Solana   SolanaConfig
	Logger   *slog.Logger

	// readOnly (Connect): generate, deploy and fund nothing.
	readOnly bool
}

// Info describes one chain to clients.
type Info struct {
	Blockchain     string `json:"blockchain"`
	Network        string `json:"network"`
	ChainID        string `json:"chain_id"`
	Token          string `json:"token"`
	TokenAddress   string `json:"token_address"`
	Decimals       int    `json:"decimals"`
	DepositAddress string `json:"deposit_address"`
	Confirmations  uint64 `json:"confirmations"`
	Commitment     string `json:"commitment,omitempty"`
	RPCURL         string `json:"rpc_url,omitempty"`
	Local          bool   `json:"local"`
}

// Chains holds the live adapters.
type Chains struct {
	Ethereum *ethereum.Client
	Solana   *solana.Client
	EthProc  *devchain.Process // nil unless local
	SolProc  *devchain.Process
	// EthStartBlock is where deposit scanning begins (the token's deployment block).
	EthStartBlock uint64
	// SolanaDepositCommitment is the commitment deposits wait for.
	SolanaDepositCommitment rpc.CommitmentType
	info                    []Info

	// endpoints is the file announcing this process's local chains (removed on Close); tmpDir
	// a throwaway copy of another DATA_DIR's chain state (removed on Close); source says where
	// a read-only connection's chains are.
	endpoints string
	tmpDir    string
	source    string
}

// Source says which chains these are (for `ledger verify`'s report).
func (c *Chains) Source() string { return c.source }

// Start brings both chains up. On error everything started is stopped.
func Start(ctx context.Context, cfg Config) (_ *Chains, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	dir := filepath.Join(cfg.DataDir, "chains")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("chains data dir: %w", err)
	}
	c := &Chains{}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	if err := c.startEthereum(ctx, cfg, dir); err != nil {
		return nil, err
	}
	if err := c.startSolana(ctx, cfg, dir); err != nil {
		return nil, err
	}
	c.source = "configured RPC endpoints"
	if c.EthProc != nil || c.SolProc != nil {
		c.source = "local chains started by this process"
		if !cfg.readOnly {
			// Other processes on this DATA_DIR (ledger verify) talk to these chains instead of
			// starting their own from the same state files.
			ep := endpoints{PID: os.Getpid()}
			if c.EthProc != nil {
				ep.Ethereum = c.EthProc.URL()
			}
			if c.SolProc != nil {
				ep.Solana = c.SolProc.URL()
			}
			path := filepath.Join(dir, endpointsFile)
			if err := writeJSON(path, ep); err != nil {
				return nil, err
			}
			c.endpoints = path
		}
	}
	return c, nil
}

const endpointsFile = "endpoints.json"

// endpoints announces the local chains a running process supervises.
type endpoints struct {
	PID      int    `json:"pid"`
	Ethereum string `json:"ethereum_rpc_url,omitempty"`
	Solana   string `json:"solana_rpc_url,omitempty"`
}

func processAlive(pid int) bool {
	return pid > 0 && syscall.Kill(pid, 0) == nil
}

// Connect opens the chains for reading without starting or saving anything another process
// owns: configured RPC URLs are used as they are; for a local chain, the chains a live process
// announced under DATA_DIR are used, and when none runs, a throwaway copy of the saved state is
// started in a temporary directory (removed on Close). Nothing is deployed, funded or
// generated: a DATA_DIR without chain state is an error.
func Connect(ctx context.Context, cfg Config) (_ *Chains, err error) {
	cfg.readOnly = true
	dir := filepath.Join(cfg.DataDir, "chains")
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no chain state under %s: %w", dir, err)
	}
	needLocal := cfg.Ethereum.RPCURL == "" || cfg.Solana.RPCURL == ""
	if !needLocal {
		return Start(ctx, cfg)
	}
	var ep endpoints
	if readJSON(filepath.Join(dir, endpointsFile), &ep) == nil && processAlive(ep.PID) {
		if cfg.Ethereum.RPCURL == "" {
			cfg.Ethereum.RPCURL = ep.Ethereum
		}
		if cfg.Solana.RPCURL == "" {
			cfg.Solana.RPCURL = ep.Solana
		}
		if cfg.Ethereum.RPCURL != "" && cfg.Solana.RPCURL != "" {
			c, err := Start(ctx, cfg)
			if err != nil {
				return nil, fmt.Errorf("the chains of the running instance (pid %d): %w", ep.PID, err)
			}
			c.source = fmt.Sprintf("the running instance's chains (pid %d: %s, %s)", ep.PID, cfg.Ethereum.RPCURL, cfg.Solana.RPCURL)
			return c, nil
		}
	}
	// Nobody runs them: start a copy, so that the saved state is never written.
	tmp, err := os.MkdirTemp("", "vibestream-verify-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	if err := copyFiles(dir, filepath.Join(tmp, "chains")); err != nil {
		return nil, fmt.Errorf("copy chain state: %w", err)
	}
	_ = os.Remove(filepath.Join(tmp, "chains", endpointsFile))
	cfg.DataDir = tmp
	c, err := Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c.tmpDir = tmp
	c.source = "a throwaway copy of the local chains' saved state (no instance is running)"
	return c, nil
}

func copyFiles(src, dst string) error {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the local chains and connections.
func (c *Chains) Close() {
	if c.Ethereum != nil {
		c.Ethereum.Close()
	}
	if c.EthProc != nil {
		c.EthProc.Stop()
	}
	if c.SolProc != nil {
		c.SolProc.Stop()
	}
	if c.endpoints != "" {
		var ep endpoints
		if readJSON(c.endpoints, &ep) == nil && ep.PID == os.Getpid() {
			_ = os.Remove(c.endpoints)
		}
	}
	if c.tmpDir != "" {
		_ = os.RemoveAll(c.tmpDir)
	}
}

// Info describes the chains (GET /api/v1/chains).
func (c *Chains) Info() []Info { return append([]Info(nil), c.info...) }

type ethState struct {
	ChainID     uint64 `json:"chain_id"`
	Token       string `json:"token"`
	DeployBlock uint64 `json:"deploy_block"`
}

func (c *Chains) startEthereum(ctx context.Context, cfg Config, dir string) error {
	ec := cfg.Ethereum
	url, local := ec.RPCURL, ec.RPCURL == ""
	if local {
		bt := ec.BlockTime
		if bt <= 0 {
			bt = time.Second
		}
		p, err := devchain.StartAnvil(ctx, devchain.AnvilOptions{Root: cfg.Root, StateFile: filepath.Join(dir, "anvil-state.json"),
			BlockTime: bt, LogFile: filepath.Join(dir, "anvil.log"), Logger: cfg.Logger})
		if err != nil {
			return fmt.Errorf("ETH_RPC_URL unset, local anvil: %w", err)
		}
		c.EthProc, url = p, p.URL()
	}
	key, err := ethKey(ec.Key, filepath.Join(dir, "ethereum-hot-wallet.key"), cfg.readOnly)
	if err != nil {
		return err
	}
	client, err := ethereum.Dial(ctx, ethereum.Config{RPCURL: url, Key: key, Confirmations: ec.Confirmations})
	if err != nil {
		return fmt.Errorf("ETH_RPC_URL %s: %w", url, err)
	}
	c.Ethereum = client
	if ec.ChainID != 0 && client.ChainID().Uint64() != ec.ChainID {
		return fmt.Errorf("ETH_CHAIN_ID: configured %d but the node at %s reports %d", ec.ChainID, url, client.ChainID().Uint64())
	}
	if local && !cfg.readOnly {
		// Gas money for the hot wallet on the development chain.
		bal, err := client.EtherBalance(ctx)
		if err != nil {
			return err
		}
		if bal.Cmp(new(big.Int).Mul(big.NewInt(100), big.NewInt(1e18))) < 0 {
			thousand := new(big.Int).Mul(big.NewInt(1000), big.NewInt(1e18))
			if err := client.RPC().CallContext(ctx, nil, "anvil_setBalance", client.Address(), hexutil.EncodeBig(thousand)); err != nil {
				return fmt.Errorf("fund local hot wallet: %w", err)
			}
		}
	}
	statePath := filepath.Join(dir, "ethereum.json")
	var st ethState
	_ = readJSON(statePath, &st)
	switch {
	case ec.Token != "":
		if !common.IsHexAddress(ec.Token) {
			return fmt.Errorf("ETH_TOKEN_ADDRESS: %q is not an address", ec.Token)
		}
		client.SetToken(common.HexToAddress(ec.Token))
		c.EthStartBlock = st.DeployBlock
	case st.Token != "" && st.ChainID == client.ChainID().Uint64() && hasCode(ctx, client, common.HexToAddress(st.Token)):
		client.SetToken(common.HexToAddress(st.Token))
		c.EthStartBlock = st.DeployBlock
	case local && !cfg.readOnly:
		addr, err := client.Deploy(ctx)
		if err != nil {
			return fmt.Errorf("deploy VIBE token: %w", err)
		}
		head, err := client.BlockNumber(ctx)
		if err != nil {
			return err
		}
		client.SetToken(addr)
		st = ethState{ChainID: client.ChainID().Uint64(), Token: addr.Hex(), DeployBlock: head}
		if err := writeJSON(statePath, st); err != nil {
			return err
		}
		c.EthStartBlock = head
		cfg.Logger.Info("deployed VIBE token", "chain", "ethereum", "address", addr.Hex(), "block", head)
	default:
		return errors.New("ETH_TOKEN_ADDRESS: required with ETH_RPC_URL (the VIBE token is deployed automatically only on the local chain)")
	}
	network := ec.Network
	if network == "" {
		network = "ethereum"
		if local {
			network = "anvil-local"
		}
	}
	info := Info{Blockchain: "ethereum", Network: network, ChainID: client.ChainID().String(), Token: "VIBE",
		TokenAddress: client.Token().Hex(), Decimals: ethereum.TokenDecimals, DepositAddress: client.Address().Hex(),
		Confirmations: client.Confirmations(), Local: local}
	if local {
		info.RPCURL = url
	}
	c.info = append(c.info, info)
	return nil
}

func hasCode(ctx context.Context, c *ethereum.Client, a common.Address) bool {
	code, err := c.Eth().CodeAt(ctx, a, nil)
	return err == nil && len(code) > 0
}

func ethKey(configured, path string, readOnly bool) (*ecdsa.PrivateKey, error) {
	if configured != "" {
		k, err := crypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(configured), "0x"))
		if err != nil {
			return nil, fmt.Errorf("ETH_HOT_WALLET_KEY: not a hex secp256k1 private key")
		}
		return k, nil
	}
	if b, err := os.ReadFile(path); err == nil {
		k, err := crypto.HexToECDSA(strings.TrimSpace(string(b)))
		if err != nil {
			return nil, fmt.Errorf("%s: not a hex private key: %w", path, err)
		}
		return k, nil
	}
	if readOnly {
		return nil, fmt.Errorf("no Ethereum hot wallet key at %s", path)
	}
	k, err := crypto.GenerateKey()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(crypto.FromECDSA(k))+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("store hot wallet key: %w", err)
	}
	return k, nil
}

type solState struct {
	Genesis string `json:"genesis"`
	Mint    string `json:"mint"`
}

func (c *Chains) startSolana(ctx context.Context, cfg Config, dir string) error {
	sc := cfg.Solana
	url, local := sc.RPCURL, sc.RPCURL == ""
	if local {
		p, err := devchain.StartSolana(ctx, devchain.SolanaOptions{Root: cfg.Root, StateFile: filepath.Join(dir, "solana-ledger.jsonl"),
			LogFile: filepath.Join(dir, "solana.log"), Logger: cfg.Logger})
		if err != nil {
			return fmt.Errorf("SOLANA_RPC_URL unset, local litesvm adapter: %w", err)
		}
		c.SolProc, url = p, p.URL()
	}
	key, err := solKey(sc.Key, filepath.Join(dir, "solana-hot-wallet.json"), cfg.readOnly)
	if err != nil {
		return err
	}
	commitment := rpc.CommitmentConfirmed
	switch sc.Commitment {
	case "", "confirmed":
	case "finalized":
		commitment = rpc.CommitmentFinalized
	default:
		return fmt.Errorf("SOLANA_COMMITMENT: must be confirmed or finalized, got %q", sc.Commitment)
	}
	client, err := solana.New(solana.Config{RPCURL: url, Key: key, Commitment: commitment})
	if err != nil {
		return err
	}
	switch sc.DepositCommitment {
	case "", "finalized":
		c.SolanaDepositCommitment = rpc.CommitmentFinalized
	case "confirmed":
		c.SolanaDepositCommitment = rpc.CommitmentConfirmed
	default:
		return fmt.Errorf("SOLANA_DEPOSIT_COMMITMENT: must be confirmed or finalized, got %q", sc.DepositCommitment)
	}
	c.Solana = client
	genesis, err := client.RPC().GetGenesisHash(ctx)
	if err != nil {
		return fmt.Errorf("SOLANA_RPC_URL %s: %w", url, err)
	}
	if local && !cfg.readOnly {
		lamports, err := client.Lamports(ctx, client.Address())
		if err != nil {
			return err
		}
		if lamports < 10_000_000_000 {
			if err := client.Airdrop(ctx, client.Address(), 100_000_000_000); err != nil {
				return fmt.Errorf("fund local hot wallet: %w", err)
			}
		}
	}
	statePath := filepath.Join(dir, "solana.json")
	var st solState
	_ = readJSON(statePath, &st)
	switch {
	case sc.Mint != "":
		m, err := sol.PublicKeyFromBase58(sc.Mint)
		if err != nil {
			return fmt.Errorf("SOLANA_VIBE_MINT: %q is not a public key", sc.Mint)
		}
		client.SetMint(m)
	case st.Mint != "" && st.Genesis == genesis.String() && mintExists(ctx, client, st.Mint):
		client.SetMint(sol.MustPublicKeyFromBase58(st.Mint))
	case local && !cfg.readOnly:
		m, err := client.CreateMint(ctx)
		if err != nil {
			return fmt.Errorf("create VIBE mint: %w", err)
		}
		if err := writeJSON(statePath, solState{Genesis: genesis.String(), Mint: m.String()}); err != nil {
			return err
		}
		cfg.Logger.Info("created VIBE mint", "chain", "solana", "mint", m.String())
	default:
		return errors.New("SOLANA_VIBE_MINT: required with SOLANA_RPC_URL (the VIBE mint is created automatically only on the local chain)")
	}
	network := sc.Network
	if network == "" {
		network = "solana"
		if local {
			network = "litesvm-local"
		}
	}
	info := Info{Blockchain: "solana", Network: network, ChainID: genesis.String(), Token: "VIBE",
		TokenAddress: client.Mint().String(), Decimals: solana.Decimals, DepositAddress: client.Address().String(),
		Confirmations: 1, Commitment: string(commitment), Local: local}
	if commitment == rpc.CommitmentFinalized {
		info.Confirmations = 32
	}
	if local {
		info.RPCURL = url
	}
	c.info = append(c.info, info)
	return nil
}

func mintExists(ctx context.Context, c *solana.Client, mint string) bool {
	pk, err := sol.PublicKeyFromBase58(mint)
	if err != nil {
		return false
	}
	info, err := c.RPC().GetAccountInfo(ctx, pk)
	return err == nil && info.Value != nil && info.Value.Owner.Equals(sol.TokenProgramID)
}

func solKey(configured, path string, readOnly bool) (sol.PrivateKey, error) {
	if configured != "" {
		configured = strings.TrimSpace(configured)
		if strings.HasSuffix(configured, ".json") {
			k, err := sol.PrivateKeyFromSolanaKeygenFile(configured)
			if err != nil {
				return nil, fmt.Errorf("SOLANA_HOT_WALLET_KEY: %w", err)
			}
			return k, nil
		}
		k, err := sol.PrivateKeyFromBase58(configured)
		if err != nil {
			return nil, errors.New("SOLANA_HOT_WALLET_KEY: neither a base58 secret key nor a keygen .json file")
		}
		return k, nil
	}
	if _, err := os.Stat(path); err == nil {
		return sol.PrivateKeyFromSolanaKeygenFile(path)
	}
	if readOnly {
		return nil, fmt.Errorf("no Solana hot wallet key at %s", path)
	}
	k, err := sol.NewRandomPrivateKey()
	if err != nil {
		return nil, err
	}
	ints := make([]int, len(k))
	for i, b := range k {
		ints[i] = int(b)
	}
	b, _ := json.Marshal(ints)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("store hot wallet key: %w", err)
	}
	return k, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
