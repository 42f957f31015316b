// Package ethereum is the payment context's Ethereum adapter: the VIBE ERC-20 on any JSON-RPC
// node (anvil locally). It signs with the platform hot wallet, manages nonces so concurrent
// sends never collide or skip, prices EIP-1559 fees, polls receipts itself, replaces stuck
// transactions and scans Transfer events to the hot wallet behind a confirmation depth.
//
// Sending is split so that callers can make it durable: the transaction is signed and handed
// to a persist callback (store the raw bytes and hash) BEFORE it is broadcast; after a crash,
// the stored bytes are broadcast again (the same hash, so never a second transfer) once the
// chain has been asked whether it already knows them.
package ethereum

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	geth "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum/vibetoken"
)

// Errors callers distinguish.
var (
	// ErrReverted: the transaction was mined but failed (status 0).
	ErrReverted = errors.New("ethereum: transaction reverted")
	// ErrNotFound: the node does not know the transaction (never broadcast, or dropped).
	ErrNotFound = errors.New("ethereum: transaction not found")
	// ErrNonceUsed: another transaction with this nonce was mined (a replacement won).
	ErrNonceUsed = errors.New("ethereum: nonce already used by another transaction")
	// ErrRejected: the node refused the signed transaction (it will never be mined as is).
	ErrRejected = errors.New("ethereum: transaction rejected by the node")
)

// Config configures a Client.
type Config struct {
	RPCURL string
	// Key is the platform hot wallet.
	Key *ecdsa.PrivateKey
	// Token is the VIBE ERC-20 address (zero until deployed).
	Token common.Address
	// Confirmations is the depth at which a transaction counts as final (1 = mined).
	Confirmations uint64
	// PollInterval is the receipt poll period (default 20ms; go-ethereum's WaitMined polls
	// once a second).
	PollInterval time.Duration
	// FeeBumpPercent is how much a replacement raises both fee caps (default 25; nodes require >= 10).
	FeeBumpPercent int64
}

// Client talks to one node on behalf of the hot wallet.
type Client struct {
	eth     *ethclient.Client
	rpc     *rpc.Client
	key     *ecdsa.PrivateKey
	from    common.Address
	chainID *big.Int
	signer  types.Signer
	token   common.Address
	abi     *vibetoken.VibeToken
	conf    uint64
	poll    time.Duration
	bump    int64

	nonceMu   sync.Mutex
	nextNonce uint64
	nonceOK   bool
}

// Dial connects and reads the chain id.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Key == nil {
		return nil, errors.New("ethereum: hot wallet key is required")
	}
	rc, err := rpc.DialContext(ctx, cfg.RPCURL)
	if err != nil {
		return nil, fmt.Errorf("ethereum: dial %s: %w", cfg.RPCURL, err)
	}
	c := &Client{eth: ethclient.NewClient(rc), rpc: rc, key: cfg.Key, from: crypto.PubkeyToAddress(cfg.Key.PublicKey),
		token: cfg.Token, abi: vibetoken.NewVibeToken(), conf: max(cfg.Confirmations, 1), poll: cfg.PollInterval, bump: cfg.FeeBumpPercent}
	if c.poll <= 0 {
		c.poll = 20 * time.Millisecond
	}
	if c.bump < 10 {
		c.bump = 25
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	id, err := c.eth.ChainID(cctx)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("ethereum: chain id from %s: %w", cfg.RPCURL, err)
	}
	c.chainID, c.signer = id, types.LatestSignerForChainID(id)
	return c, nil
}

// Close releases the connection.
func (c *Client) Close() { c.rpc.Close() }

// Address is the hot wallet address.
func (c *Client) Address() common.Address { return c.from }

// ChainID is the node's chain id.
func (c *Client) ChainID() *big.Int { return new(big.Int).Set(c.chainID) }

// Token is the VIBE contract address.
func (c *Client) Token() common.Address { return c.token }

// SetToken sets the VIBE contract address (after a deployment).
func (c *Client) SetToken(a common.Address) { c.token = a }

// Confirmations is the configured depth.
func (c *Client) Confirmations() uint64 { return c.conf }

// RPC exposes the raw client (development helpers such as anvil_setBalance).
func (c *Client) RPC() *rpc.Client { return c.rpc }

// Ping checks that the node answers.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.eth.BlockNumber(ctx)
	return err
}

// SignedTx is a signed transaction ready to broadcast, as stored before broadcasting.
type SignedTx struct {
	Hash      common.Hash
	Raw       []byte
	Nonce     uint64
	Gas       uint64
	GasFeeCap *big.Int
	GasTipCap *big.Int
}

// Persist stores a signed transaction durably before it is broadcast. Returning an error
// aborts the send and gives the nonce back.
type Persist func(ctx context.Context, tx SignedTx) error

// Fees is an EIP-1559 fee quote for one call.
type Fees struct {
	Gas       uint64
	GasFeeCap *big.Int
	GasTipCap *big.Int
}

// MaxCost is gas * fee cap, in wei: the most the transaction can cost.
func (f Fees) MaxCost() *big.Int { return new(big.Int).Mul(new(big.Int).SetUint64(f.Gas), f.GasFeeCap) }

// EstimateTransfer quotes gas and fees for a VIBE transfer of amount (token base units).
func (c *Client) EstimateTransfer(ctx context.Context, to common.Address, amount *big.Int) (Fees, error) {
	return c.estimate(ctx, &c.token, c.abi.PackTransfer(to, amount))
}

func (c *Client) estimate(ctx context.Context, to *common.Address, data []byte) (Fees, error) {
	gas, err := c.eth.EstimateGas(ctx, geth.CallMsg{From: c.from, To: to, Data: data})
	if err != nil {
		return Fees{}, fmt.Errorf("ethereum: estimate gas: %w", err)
	}
	tip, err := c.eth.SuggestGasTipCap(ctx)
	if err != nil {
		return Fees{}, fmt.Errorf("ethereum: gas tip: %w", err)
	}
	head, err := c.eth.HeaderByNumber(ctx, nil)
	if err != nil {
		return Fees{}, fmt.Errorf("ethereum: head: %w", err)
	}
	base := head.BaseFee
	if base == nil {
		base = big.NewInt(0)
	}
	// Twice the base fee absorbs six full blocks of base-fee growth before the tx gets stuck.
	feeCap := new(big.Int).Add(new(big.Int).Mul(base, big.NewInt(2)), tip)
	// 20% headroom over the estimate: state can change between estimate and inclusion.
	return Fees{Gas: gas + gas/5, GasFeeCap: feeCap, GasTipCap: tip}, nil
}

// Transfer sends amount (token base units) of VIBE from the hot wallet to `to`.
func (c *Client) Transfer(ctx context.Context, to common.Address, amount *big.Int, persist Persist) (SignedTx, error) {
	return c.TransferRef(ctx, to, amount, nil, persist)
}

// TransferRef is Transfer with reference bytes appended to the call data (the ABI decoder
// ignores trailing bytes). Like a memo, it ties the on-chain transaction to our transfer and
// makes two transfers of the same amount to the same address distinct transactions even if
// they were ever signed with the same nonce (identical bytes would be one transaction
// confirming both).
func (c *Client) TransferRef(ctx context.Context, to common.Address, amount *big.Int, ref []byte, persist Persist) (SignedTx, error) {
	if c.token == (common.Address{}) {
		return SignedTx{}, errors.New("ethereum: VIBE token address not configured")
	}
	return c.send(ctx, &c.token, append(c.abi.PackTransfer(to, amount), ref...), persist)
}

// Mint mints amount (token base units) of VIBE to `to`; the hot wallet must own the token.
func (c *Client) Mint(ctx context.Context, to common.Address, amount *big.Int, persist Persist) (SignedTx, error) {
	return c.MintRef(ctx, to, amount, nil, persist)
}

// MintRef is Mint with reference bytes appended to the call data (see TransferRef).
func (c *Client) MintRef(ctx context.Context, to common.Address, amount *big.Int, ref []byte, persist Persist) (SignedTx, error) {
	if c.token == (common.Address{}) {
		return SignedTx{}, errors.New("ethereum: VIBE token address not configured")
	}
	return c.send(ctx, &c.token, append(c.abi.PackMint(to, amount), ref...), persist)
}

// Deploy deploys the VIBE token owned by the hot wallet and waits for it to be mined.
func (c *Client) Deploy(ctx context.Context) (common.Address, error) {
	data := append(common.FromHex(vibetoken.VibeTokenMetaData.Bin), c.abi.PackConstructor(c.from)...)
	tx, err := c.send(ctx, nil, data, nil)
	if err != nil {
		return common.Address{}, err
	}
	r, err := c.WaitMined(ctx, tx.Hash, 1)
	if err != nil {
		return common.Address{}, err
	}
	return r.ContractAddress, nil
}

// send estimates, takes the next nonce, signs, persists and broadcasts. The nonce lock is held
// from signing to broadcast so that nonces reach the node in order and a failed persist gives
// its nonce back instead of leaving a gap.
func (c *Client) send(ctx context.Context, to *common.Address, data []byte, persist Persist) (SignedTx, error) {
	fees, err := c.estimate(ctx, to, data)
	if err != nil {
		return SignedTx{}, err
	}
	c.nonceMu.Lock()
	defer c.nonceMu.Unlock()
	if !c.nonceOK {
		n, err := c.eth.PendingNonceAt(ctx, c.from)
		if err != nil {
			return SignedTx{}, fmt.Errorf("ethereum: pending nonce: %w", err)
		}
		c.nextNonce, c.nonceOK = n, true
	}
	stx, err := c.sign(c.nextNonce, to, data, fees)
	if err != nil {
		return SignedTx{}, err
	}
	if persist != nil {
		if err := persist(ctx, stx); err != nil {
			return SignedTx{}, err
		}
	}
	// From here the nonce belongs to this stored transaction, broadcast or not: a failed
	// broadcast is retried with the same bytes.
	c.nextNonce++
	if err := c.Broadcast(ctx, stx.Raw); err != nil {
		var rpcErr rpc.Error
		switch {
		case isNonceTooLow(err):
			// Someone else used the wallet (or the node restarted): resync for the next send.
			c.nonceOK = false
			return stx, fmt.Errorf("%w: %w", ErrRejected, err)
		case errors.As(err, &rpcErr):
			// The node answered and refused the transaction: it is not in any pool, so its
			// nonce is free again. The caller must mark the stored copy rejected.
			c.nextNonce--
			return stx, fmt.Errorf("%w: %w", ErrRejected, err)
		}
		// Transport failure: the node may or may not have it; keep the nonce, retry the bytes.
		return stx, err
	}
	return stx, nil
}

func (c *Client) sign(nonce uint64, to *common.Address, data []byte, fees Fees) (SignedTx, error) {
	tx, err := types.SignNewTx(c.key, c.signer, &types.DynamicFeeTx{
		ChainID: c.chainID, Nonce: nonce, GasTipCap: fees.GasTipCap, GasFeeCap: fees.GasFeeCap,
		Gas: fees.Gas, To: to, Data: data,
	})
	if err != nil {
		return SignedTx{}, fmt.Errorf("ethereum: sign: %w", err)
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return SignedTx{}, err
	}
	return SignedTx{Hash: tx.Hash(), Raw: raw, Nonce: nonce, Gas: fees.Gas, GasFeeCap: fees.GasFeeCap, GasTipCap: fees.GasTipCap}, nil
}

// Broadcast sends raw signed bytes; a node that already has them is a success.
func (c *Client) Broadcast(ctx context.Context, raw []byte) error {
	tx := new(types.Transaction)
	if err := tx.UnmarshalBinary(raw); err != nil {
		return fmt.Errorf("ethereum: decode signed tx: %w", err)
	}
	if err := c.eth.SendTransaction(ctx, tx); err != nil {
		if isAlreadyKnown(err) {
			return nil
		}
		if isNonceTooLow(err) {
			// Already mined? Then this is a harmless re-broadcast.
			if _, rerr := c.eth.TransactionReceipt(ctx, tx.Hash()); rerr == nil {
				return nil
			}
		}
		return fmt.Errorf("ethereum: broadcast %s: %w", tx.Hash(), err)
	}
	return nil
}

// ResetNonce makes the next send read the pending nonce from the node again.
func (c *Client) ResetNonce() {
	c.nonceMu.Lock()
	c.nonceOK = false
	c.nonceMu.Unlock()
}

// Replace re-signs a stuck transaction with the same nonce, the same call and fees raised by
// FeeBumpPercent (and at least the current quote), persists and broadcasts it. Whichever of the
// two is mined, the other can never be: the nonce is the same.
func (c *Client) Replace(ctx context.Context, stuck SignedTx, persist Persist) (SignedTx, error) {
	old := new(types.Transaction)
	if err := old.UnmarshalBinary(stuck.Raw); err != nil {
		return SignedTx{}, fmt.Errorf("ethereum: decode stuck tx: %w", err)
	}
	quote, err := c.estimate(ctx, old.To(), old.Data())
	if err != nil {
		return SignedTx{}, err
	}
	bump := func(v *big.Int) *big.Int {
		return new(big.Int).Div(new(big.Int).Mul(v, big.NewInt(100+c.bump)), big.NewInt(100))
	}
	fees := Fees{Gas: max(old.Gas(), quote.Gas), GasFeeCap: bigMax(bump(old.GasFeeCap()), quote.GasFeeCap), GasTipCap: bigMax(bump(old.GasTipCap()), quote.GasTipCap)}
	if fees.GasTipCap.Cmp(fees.GasFeeCap) > 0 {
		fees.GasFeeCap = new(big.Int).Set(fees.GasTipCap)
	}
	stx, err := c.sign(old.Nonce(), old.To(), old.Data(), fees)
	if err != nil {
		return SignedTx{}, err
	}
	if persist != nil {
		if err := persist(ctx, stx); err != nil {
			return SignedTx{}, err
		}
	}
	return stx, c.Broadcast(ctx, stx.Raw)
}

func bigMax(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

// Receipt is the outcome of a mined transaction.
type Receipt struct {
	Hash            common.Hash
	BlockNumber     uint64
	GasUsed         uint64
	EffectiveGasFee *big.Int // wei per gas actually paid
	Confirmations   uint64
	ContractAddress common.Address
	Success         bool
}

// Status reports what the chain knows about hash now: ErrNotFound when the node has never seen
// it (or dropped it), a Receipt with Confirmations 0 when it is pending, else the receipt.
func (c *Client) Status(ctx context.Context, hash common.Hash) (Receipt, error) {
	r, err := c.eth.TransactionReceipt(ctx, hash)
	if err == nil {
		head, err := c.eth.BlockNumber(ctx)
		if err != nil {
			return Receipt{}, err
		}
		out := Receipt{Hash: hash, BlockNumber: r.BlockNumber.Uint64(), GasUsed: r.GasUsed, EffectiveGasFee: r.EffectiveGasPrice,
			ContractAddress: r.ContractAddress, Success: r.Status == types.ReceiptStatusSuccessful}
		if head >= out.BlockNumber {
			out.Confirmations = head - out.BlockNumber + 1
		}
		return out, nil
	}
	if !errors.Is(err, geth.NotFound) {
		return Receipt{}, err
	}
	_, pending, err := c.eth.TransactionByHash(ctx, hash)
	if errors.Is(err, geth.NotFound) {
		return Receipt{}, ErrNotFound
	}
	if err != nil {
		return Receipt{}, err
	}
	if !pending {
		// Known and not pending but no receipt yet: the node is indexing; treat as pending.
		return Receipt{Hash: hash}, nil
	}
	return Receipt{Hash: hash}, nil
}

// WaitMined polls every PollInterval until hash has `confirmations` confirmations (0: the
// configured depth) or ctx ends. A reverted transaction returns its receipt and ErrReverted.
func (c *Client) WaitMined(ctx context.Context, hash common.Hash, confirmations uint64) (Receipt, error) {
	if confirmations == 0 {
		confirmations = c.conf
	}
	t := time.NewTicker(c.poll)
	defer t.Stop()
	for {
		r, err := c.Status(ctx, hash)
		switch {
		case err == nil && r.Confirmations >= confirmations:
			if !r.Success {
				return r, ErrReverted
			}
			return r, nil
		case err != nil && !errors.Is(err, ErrNotFound) && ctx.Err() != nil:
			return Receipt{}, ctx.Err()
		}
		select {
		case <-ctx.Done():
			return Receipt{}, ctx.Err()
		case <-t.C:
		}
	}
}

// NonceMined reports whether the hot wallet's nonce n has been consumed on chain (by this
// transaction or a replacement).
func (c *Client) NonceMined(ctx context.Context, n uint64) (bool, error) {
	latest, err := c.eth.NonceAt(ctx, c.from, nil)
	if err != nil {
		return false, err
	}
	return latest > n, nil
}

// BalanceOf returns the VIBE balance (token base units) of owner.
func (c *Client) BalanceOf(ctx context.Context, owner common.Address) (*big.Int, error) {
	out, err := c.eth.CallContract(ctx, geth.CallMsg{To: &c.token, Data: c.abi.PackBalanceOf(owner)}, nil)
	if err != nil {
		return nil, fmt.Errorf("ethereum: balanceOf: %w", err)
	}
	return c.abi.UnpackBalanceOf(out)
}

// TotalSupply returns the token's total supply (base units).
func (c *Client) TotalSupply(ctx context.Context) (*big.Int, error) {
	out, err := c.eth.CallContract(ctx, geth.CallMsg{To: &c.token, Data: c.abi.PackTotalSupply()}, nil)
	if err != nil {
		return nil, fmt.Errorf("ethereum: totalSupply: %w", err)
	}
	return c.abi.UnpackTotalSupply(out)
}

// EtherBalance returns the hot wallet's ether balance (for gas).
func (c *Client) EtherBalance(ctx context.Context) (*big.Int, error) {
	return c.eth.BalanceAt(ctx, c.from, nil)
}

// BlockNumber is the node's head.
func (c *Client) BlockNumber(ctx context.Context) (uint64, error) { return c.eth.BlockNumber(ctx) }

// Eth exposes the typed client (tests, development helpers).
func (c *Client) Eth() *ethclient.Client { return c.eth }

func isAlreadyKnown(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "already known") || strings.Contains(s, "already imported") ||
		strings.Contains(s, "known transaction")
}

func isNonceTooLow(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "nonce too low")
}

// IsNonceTooLow reports a broadcast refused because its nonce was already used.
func IsNonceTooLow(err error) bool { return err != nil && isNonceTooLow(err) }
