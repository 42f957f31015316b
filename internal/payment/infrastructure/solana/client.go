// Package solana is the payment context's Solana adapter: the VIBE SPL mint (9 decimals, like
// the ledger, so amounts map one to one) on any Solana JSON-RPC endpoint (the litesvm adapter
// locally). It signs with the platform hot wallet keypair, creates recipients' associated token
// accounts when missing, sends TransferChecked, confirms by polling signature statuses, and
// re-signs with a fresh blockhash only once the previous one has provably expired unlanded.
//
// As on Ethereum, sends are split for durability: a signed transaction is handed to a persist
// callback before broadcast, and a stored transaction is re-broadcast byte for byte.
package solana

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	sol "github.com/gagliardetto/solana-go"
	"github.com/gagliardetto/solana-go/programs/system"
	"github.com/gagliardetto/solana-go/programs/token"
	"github.com/gagliardetto/solana-go/rpc"
	"github.com/gagliardetto/solana-go/rpc/jsonrpc"
)

// Decimals of the VIBE mint: the ledger's 9, so ledger units are mint base units.
const Decimals = 9

// Errors callers distinguish.
var (
	ErrFailed   = errors.New("solana: transaction failed on chain")
	ErrExpired  = errors.New("solana: blockhash expired before the transaction landed")
	ErrRejected = errors.New("solana: transaction rejected by the node")
	ErrNotFound = errors.New("solana: transaction not found")
	// ErrBlockhashNotFound: the node does not know the transaction's blockhash (it may lag,
	// or it expired). Not a reason to re-sign by itself: wait until Expired says so.
	ErrBlockhashNotFound = fmt.Errorf("%w: blockhash not found", ErrRejected)
)

// Config configures a Client.
type Config struct {
	RPCURL string
	Key    sol.PrivateKey
	Mint   sol.PublicKey
	// Commitment at which a transfer counts as done: confirmed (default) or finalized.
	Commitment rpc.CommitmentType
	// PollInterval for signature statuses (default 20ms).
	PollInterval time.Duration
}

// Client talks to one RPC endpoint on behalf of the hot wallet.
type Client struct {
	rpc        *rpc.Client
	key        sol.PrivateKey
	owner      sol.PublicKey
	mint       sol.PublicKey
	commitment rpc.CommitmentType
	poll       time.Duration
}

// New builds a client (no network call).
func New(cfg Config) (*Client, error) {
	if len(cfg.Key) == 0 {
		return nil, errors.New("solana: hot wallet keypair is required")
	}
	c := &Client{rpc: rpc.New(cfg.RPCURL), key: cfg.Key, owner: cfg.Key.PublicKey(), mint: cfg.Mint,
		commitment: cfg.Commitment, poll: cfg.PollInterval}
	if c.commitment == "" {
		c.commitment = rpc.CommitmentConfirmed
	}
	if c.poll <= 0 {
		c.poll = 20 * time.Millisecond
	}
	return c, nil
}

// Address is the hot wallet's public key (the deposit address).
func (c *Client) Address() sol.PublicKey { return c.owner }

// Mint is the VIBE mint.
func (c *Client) Mint() sol.PublicKey { return c.mint }

// SetMint sets the VIBE mint (after creating it).
func (c *Client) SetMint(m sol.PublicKey) { c.mint = m }

// Commitment is the level at which transfers count as done.
func (c *Client) Commitment() rpc.CommitmentType { return c.commitment }

// RPC exposes the raw client.
func (c *Client) RPC() *rpc.Client { return c.rpc }

// TokenAccount is the hot wallet's associated token account for VIBE.
func (c *Client) TokenAccount() (sol.PublicKey, error) {
	ata, _, err := sol.FindAssociatedTokenAddress(c.owner, c.mint)
	return ata, err
}

// Ping checks that the endpoint answers.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.rpc.GetSlot(ctx, rpc.CommitmentProcessed)
	return err
}

// ParseAddress validates a base58 Solana wallet address: 32 bytes, on the ed25519 curve (a
// program-derived address cannot own tokens through its own signature).
func ParseAddress(s string) (sol.PublicKey, error) {
	pk, err := sol.PublicKeyFromBase58(strings.TrimSpace(s))
	if err != nil {
		return sol.PublicKey{}, fmt.Errorf("not a base58 Solana public key: %w", err)
	}
	if !pk.IsOnCurve() {
		return sol.PublicKey{}, errors.New("not a wallet address: the key is not on the ed25519 curve")
	}
	return pk, nil
}

// SignedTx is a signed transaction as stored before broadcast.
type SignedTx struct {
	Signature            sol.Signature
	Raw                  []byte
	LastValidBlockHeight uint64
}

// Persist stores a signed transaction durably before it is broadcast.
type Persist func(ctx context.Context, tx SignedTx) error

// MemoProgramID is the SPL Memo program (v2).
var MemoProgramID = sol.MustPublicKeyFromBase58("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr")

// Transfer sends amount (mint base units = ledger units) of VIBE from the hot wallet to the
// owner's associated token account, creating it (idempotently) when missing. The transaction is
// signed, persisted, then broadcast. reference (the withdrawal id) goes into a memo: it makes two
// otherwise identical transfers in the same slot distinct transactions (identical bytes would be
// one transaction) and ties the chain record to ours.
func (c *Client) Transfer(ctx context.Context, to sol.PublicKey, amount uint64, reference string, persist Persist) (SignedTx, error) {
	ixs, err := c.transferInstructions(ctx, to, amount, reference)
	if err != nil {
		return SignedTx{}, err
	}
	return c.signAndSend(ctx, ixs, nil, persist)
}

// SignTransfer builds and signs a transfer with the latest blockhash without broadcasting it
// (a durable caller stores it first, then calls Broadcast).
func (c *Client) SignTransfer(ctx context.Context, to sol.PublicKey, amount uint64, reference string) (SignedTx, error) {
	ixs, err := c.transferInstructions(ctx, to, amount, reference)
	if err != nil {
		return SignedTx{}, err
	}
	return c.sign(ctx, ixs, nil)
}

func (c *Client) transferInstructions(ctx context.Context, to sol.PublicKey, amount uint64, reference string) ([]sol.Instruction, error) {
	if c.mint.IsZero() {
		return nil, errors.New("solana: VIBE mint not configured")
	}
	src, err := c.TokenAccount()
	if err != nil {
		return nil, err
	}
	dst, _, err := sol.FindAssociatedTokenAddress(to, c.mint)
	if err != nil {
		return nil, err
	}
	var ixs []sol.Instruction
	exists, err := c.accountExists(ctx, dst)
	if err != nil {
		return nil, err
	}
	if !exists {
		ixs = append(ixs, createATAIdempotent(c.owner, to, c.mint, dst))
	}
	tr, err := token.NewTransferCheckedInstruction(amount, Decimals, src, c.mint, dst, c.owner, nil).ValidateAndBuild()
	if err != nil {
		return nil, err
	}
	ixs = append(ixs, tr)
	if reference != "" {
		ixs = append(ixs, sol.NewInstruction(MemoProgramID, sol.AccountMetaSlice{sol.Meta(c.owner).SIGNER()}, []byte(reference)))
	}
	return ixs, nil
}

// createATAIdempotent is the Associated Token Account program's CreateIdempotent (instruction
// 1): unlike Create it succeeds when the account already exists, so two concurrent first
// transfers to the same recipient cannot fail each other.
func createATAIdempotent(payer, wallet, mint, ata sol.PublicKey) sol.Instruction {
	return sol.NewInstruction(sol.SPLAssociatedTokenAccountProgramID, sol.AccountMetaSlice{
		sol.Meta(payer).WRITE().SIGNER(),
		sol.Meta(ata).WRITE(),
		sol.Meta(wallet),
		sol.Meta(mint),
		sol.Meta(sol.SystemProgramID),
		sol.Meta(sol.TokenProgramID),
	}, []byte{1})
}

func (c *Client) accountExists(ctx context.Context, a sol.PublicKey) (bool, error) {
	_, err := c.rpc.GetAccountInfoWithOpts(ctx, a, &rpc.GetAccountInfoOpts{Commitment: rpc.CommitmentConfirmed, Encoding: sol.EncodingBase64})
	if errors.Is(err, rpc.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (c *Client) signAndSend(ctx context.Context, ixs []sol.Instruction, extra []sol.PrivateKey, persist Persist) (SignedTx, error) {
	stx, err := c.sign(ctx, ixs, extra)
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

func (c *Client) sign(ctx context.Context, ixs []sol.Instruction, extra []sol.PrivateKey) (SignedTx, error) {
	bh, err := c.rpc.GetLatestBlockhash(ctx, rpc.CommitmentConfirmed)
	if err != nil {
		return SignedTx{}, fmt.Errorf("solana: latest blockhash: %w", err)
	}
	tx, err := sol.NewTransaction(ixs, bh.Value.Blockhash, sol.TransactionPayer(c.owner))
	if err != nil {
		return SignedTx{}, fmt.Errorf("solana: build transaction: %w", err)
	}
	keys := map[sol.PublicKey]sol.PrivateKey{c.owner: c.key}
	for _, k := range extra {
		keys[k.PublicKey()] = k
	}
	if _, err := tx.Sign(func(pk sol.PublicKey) *sol.PrivateKey {
		if k, ok := keys[pk]; ok {
			return &k
		}
		return nil
	}); err != nil {
		return SignedTx{}, fmt.Errorf("solana: sign: %w", err)
	}
	raw, err := tx.MarshalBinary()
	if err != nil {
		return SignedTx{}, err
	}
	return SignedTx{Signature: tx.Signatures[0], Raw: raw, LastValidBlockHeight: bh.Value.LastValidBlockHeight}, nil
}

// Broadcast sends stored bytes again (the same signature: it can land at most once).
func (c *Client) Broadcast(ctx context.Context, raw []byte) error {
	_, err := c.rpc.SendRawTransactionWithOpts(ctx, raw, rpc.TransactionOpts{PreflightCommitment: rpc.CommitmentConfirmed})
	if err == nil {
		return nil
	}
	s := err.Error()
	if strings.Contains(s, "already been processed") || strings.Contains(s, "AlreadyProcessed") {
		return nil
	}
	var rpcErr *jsonrpc.RPCError
	if strings.Contains(s, "Blockhash not found") || strings.Contains(s, "BlockhashNotFound") {
		return fmt.Errorf("%w: %v", ErrBlockhashNotFound, err)
	}
	if errors.As(err, &rpcErr) {
		// The node answered and refused it (preflight failure, unknown blockhash...).
		return fmt.Errorf("%w: %v", ErrRejected, err)
	}
	return err
}

// Status is what the cluster knows about a signature.
type Status struct {
	Found     bool
	Slot      uint64
	Err       string // non-empty: landed but failed
	Confirmed bool   // reached the client's commitment
}

// Status asks for one signature (searching history).
func (c *Client) Status(ctx context.Context, sig sol.Signature) (Status, error) {
	res, err := c.rpc.GetSignatureStatuses(ctx, true, sig)
	if err != nil {
		return Status{}, err
	}
	if len(res.Value) == 0 || res.Value[0] == nil {
		return Status{}, nil
	}
	v := res.Value[0]
	st := Status{Found: true, Slot: v.Slot}
	if v.Err != nil {
		st.Err = fmt.Sprint(v.Err)
	}
	switch v.ConfirmationStatus {
	case rpc.ConfirmationStatusFinalized:
		st.Confirmed = true
	case rpc.ConfirmationStatusConfirmed:
		st.Confirmed = c.commitment != rpc.CommitmentFinalized
	}
	return st, nil
}

// Expired reports whether tx can no longer land: its blockhash is past its last valid block
// height and the signature is unknown. Only then is re-signing safe.
func (c *Client) Expired(ctx context.Context, tx SignedTx) (bool, error) {
	st, err := c.Status(ctx, tx.Signature)
	if err != nil || st.Found {
		return false, err
	}
	h, err := c.rpc.GetBlockHeight(ctx, rpc.CommitmentConfirmed)
	if err != nil {
		return false, err
	}
	if h <= tx.LastValidBlockHeight {
		return false, nil
	}
	// Ask once more: it could have landed between the two calls.
	st, err = c.Status(ctx, tx.Signature)
	return err == nil && !st.Found, err
}

// WaitConfirmed polls until the signature reaches the commitment, fails on chain (ErrFailed),
// expires unlanded (ErrExpired: safe to re-sign) or ctx ends. It re-broadcasts the same bytes
// every resend interval meanwhile, as real RPC nodes may drop transactions.
func (c *Client) WaitConfirmed(ctx context.Context, tx SignedTx) (Status, error) {
	t := time.NewTicker(c.poll)
	defer t.Stop()
	lastSend := time.Now()
	for {
		st, err := c.Status(ctx, tx.Signature)
		if err == nil {
			switch {
			case st.Found && st.Err != "":
				return st, fmt.Errorf("%w: %s", ErrFailed, st.Err)
			case st.Confirmed:
				return st, nil
			case !st.Found:
				if exp, err := c.Expired(ctx, tx); err == nil && exp {
					return st, ErrExpired
				}
				if time.Since(lastSend) > 2*time.Second {
					_ = c.Broadcast(ctx, tx.Raw)
					lastSend = time.Now()
				}
			}
		}
		select {
		case <-ctx.Done():
			return Status{}, ctx.Err()
		case <-t.C:
		}
	}
}

// SendAndConfirm transfers and waits, re-signing with a fresh blockhash whenever the previous
// attempt provably expired unlanded. persist sees every signed attempt before its broadcast.
func (c *Client) SendAndConfirm(ctx context.Context, to sol.PublicKey, amount uint64, reference string, persist Persist) (SignedTx, Status, error) {
	tx, err := c.Transfer(ctx, to, amount, reference, persist)
	for attempt := 0; ; attempt++ {
		if err != nil && !errors.Is(err, ErrRejected) {
			return tx, Status{}, err
		}
		if err != nil && len(tx.Raw) == 0 {
			return tx, Status{}, err
		}
		st, werr := c.WaitConfirmed(ctx, tx)
		if !errors.Is(werr, ErrExpired) || attempt >= 5 {
			return tx, st, werr
		}
		// The previous attempt can no longer land: a fresh blockhash makes a new transaction.
		tx, err = c.Transfer(ctx, to, amount, reference, persist)
	}
}

// Balance returns the VIBE balance (base units) of a wallet's associated token account; a
// missing account is 0.
func (c *Client) Balance(ctx context.Context, owner sol.PublicKey) (uint64, error) {
	ata, _, err := sol.FindAssociatedTokenAddress(owner, c.mint)
	if err != nil {
		return 0, err
	}
	res, err := c.rpc.GetTokenAccountBalance(ctx, ata, rpc.CommitmentConfirmed)
	if err != nil {
		if exists, e2 := c.accountExists(ctx, ata); e2 == nil && !exists {
			return 0, nil
		}
		return 0, fmt.Errorf("solana: token balance: %w", err)
	}
	return strconv.ParseUint(res.Value.Amount, 10, 64)
}

// Lamports returns a wallet's SOL balance (fees).
func (c *Client) Lamports(ctx context.Context, owner sol.PublicKey) (uint64, error) {
	res, err := c.rpc.GetBalance(ctx, owner, rpc.CommitmentConfirmed)
	if err != nil {
		return 0, err
	}
	return res.Value, nil
}

// EstimateFee returns the lamports a transfer to `to` costs: the signature fee plus the rent of
// the recipient's token account when it must be created.
func (c *Client) EstimateFee(ctx context.Context, to sol.PublicKey) (fee, rent uint64, err error) {
	fee = 5000
	if c.mint.IsZero() {
		return fee, 0, nil
	}
	dst, _, err := sol.FindAssociatedTokenAddress(to, c.mint)
	if err != nil {
		return 0, 0, err
	}
	exists, err := c.accountExists(ctx, dst)
	if err != nil {
		return 0, 0, err
	}
	if !exists {
		rent, err = c.rpc.GetMinimumBalanceForRentExemption(ctx, 165, rpc.CommitmentConfirmed)
		if err != nil {
			return 0, 0, err
		}
	}
	return fee, rent, nil
}

// Airdrop asks the endpoint for lamports (local adapter and test clusters only) and waits.
func (c *Client) Airdrop(ctx context.Context, to sol.PublicKey, lamports uint64) error {
	sig, err := c.rpc.RequestAirdrop(ctx, to, lamports, rpc.CommitmentConfirmed)
	if err != nil {
		return fmt.Errorf("solana: airdrop: %w", err)
	}
	_, err = c.WaitConfirmed(ctx, SignedTx{Signature: sig, LastValidBlockHeight: ^uint64(0)})
	return err
}

// CreateMint creates the VIBE mint (9 decimals, the hot wallet as mint authority, no freeze
// authority) and the hot wallet's token account, and waits for both.
func (c *Client) CreateMint(ctx context.Context) (sol.PublicKey, error) {
	mintKey, err := sol.NewRandomPrivateKey()
	if err != nil {
		return sol.PublicKey{}, err
	}
	mint := mintKey.PublicKey()
	rent, err := c.rpc.GetMinimumBalanceForRentExemption(ctx, token.MINT_SIZE, rpc.CommitmentConfirmed)
	if err != nil {
		return sol.PublicKey{}, fmt.Errorf("solana: rent: %w", err)
	}
	create, err := system.NewCreateAccountInstruction(rent, token.MINT_SIZE, sol.TokenProgramID, c.owner, mint).ValidateAndBuild()
	if err != nil {
		return sol.PublicKey{}, err
	}
	init, err := token.NewInitializeMint2InstructionBuilder().SetDecimals(Decimals).SetMintAuthority(c.owner).SetMintAccount(mint).ValidateAndBuild()
	if err != nil {
		return sol.PublicKey{}, err
	}
	ata, _, err := sol.FindAssociatedTokenAddress(c.owner, mint)
	if err != nil {
		return sol.PublicKey{}, err
	}
	tx, err := c.signAndSend(ctx, []sol.Instruction{create, init, createATAIdempotent(c.owner, c.owner, mint, ata)}, []sol.PrivateKey{mintKey}, nil)
	if err != nil {
		return sol.PublicKey{}, err
	}
	if _, err := c.WaitConfirmed(ctx, tx); err != nil {
		return sol.PublicKey{}, err
	}
	c.mint = mint
	return mint, nil
}

// MintTo mints amount (base units) to the hot wallet's own token account (the treasury).
func (c *Client) MintTo(ctx context.Context, amount uint64, persist Persist) (SignedTx, error) {
	stx, err := c.SignMintTo(ctx, amount, "")
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

// SignMintTo signs (without broadcasting) a mint of amount to the hot wallet's token account,
// with reference in a memo.
func (c *Client) SignMintTo(ctx context.Context, amount uint64, reference string) (SignedTx, error) {
	ata, err := c.TokenAccount()
	if err != nil {
		return SignedTx{}, err
	}
	ix, err := token.NewMintToCheckedInstruction(amount, Decimals, c.mint, ata, c.owner, nil).ValidateAndBuild()
	if err != nil {
		return SignedTx{}, err
	}
	ixs := []sol.Instruction{ix}
	if reference != "" {
		ixs = append(ixs, sol.NewInstruction(MemoProgramID, sol.AccountMetaSlice{sol.Meta(c.owner).SIGNER()}, []byte(reference)))
	}
	return c.sign(ctx, ixs, nil)
}

// Supply returns the mint's total supply (base units).
func (c *Client) Supply(ctx context.Context) (uint64, error) {
	info, err := c.rpc.GetAccountInfoWithOpts(ctx, c.mint, &rpc.GetAccountInfoOpts{Commitment: rpc.CommitmentConfirmed, Encoding: sol.EncodingBase64})
	if err != nil {
		return 0, err
	}
	data := info.Value.Data.GetBinary()
	if len(data) < 44 {
		return 0, errors.New("solana: mint account too short")
	}
	return binary.LittleEndian.Uint64(data[36:44]), nil
}
