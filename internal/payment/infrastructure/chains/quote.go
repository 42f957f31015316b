package chains

import (
	"context"
	"fmt"
	"math/big"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/solana"
)

// Fee is what a transfer costs the platform in the chain's native coin.
type Fee struct {
	Blockchain string
	// Native is the fee in the chain's smallest native unit (wei, lamports), as a decimal string.
	Native   string
	Currency string // ETH | SOL
	Decimals int    // 18 | 9
	// Gas and fee caps (Ethereum only).
	Gas       uint64
	MaxFeeWei string
	TipWei    string
	// AccountRent is included in Native when the recipient's token account must be created
	// (Solana only).
	AccountRent uint64
}

// EstimateFee quotes a VIBE transfer of amount (ledger units) to `to` on blockchain.
func (c *Chains) EstimateFee(ctx context.Context, blockchain, to string, amount int64) (Fee, error) {
	switch blockchain {
	case "ethereum":
		addr, err := ethereum.ParseAddress(to)
		if err != nil {
			return Fee{}, err
		}
		units, err := ethereum.ToTokenUnits(amount)
		if err != nil {
			return Fee{}, err
		}
		// Estimate as the hot wallet would send it; a transfer it cannot cover still gets a
		// quote for the typical transfer cost (the balance check is the ledger's job).
		q, err := c.Ethereum.EstimateTransfer(ctx, addr, units)
		if err != nil {
			q, err = c.Ethereum.EstimateTransfer(ctx, addr, big.NewInt(0))
			if err != nil {
				return Fee{}, err
			}
		}
		return Fee{Blockchain: blockchain, Native: q.MaxCost().String(), Currency: "ETH", Decimals: 18, Gas: q.Gas,
			MaxFeeWei: q.GasFeeCap.String(), TipWei: q.GasTipCap.String()}, nil
	case "solana":
		pk, err := solana.ParseAddress(to)
		if err != nil {
			return Fee{}, err
		}
		fee, rent, err := c.Solana.EstimateFee(ctx, pk)
		if err != nil {
			return Fee{}, err
		}
		return Fee{Blockchain: blockchain, Native: fmt.Sprint(fee + rent), Currency: "SOL", Decimals: 9, AccountRent: rent}, nil
	}
	return Fee{}, fmt.Errorf("unknown blockchain %q", blockchain)
}

// HotWalletBalance is what a hot wallet holds on chain.
type HotWalletBalance struct {
	// Ledger is the balance in ledger units, rounded down.
	Ledger int64
	// Dust is what is below one ledger unit, in on-chain base units (anyone can send an
	// ERC-20 amount that has no exact ledger value to the hot wallet; it is never credited).
	Dust string
}

// HotWalletBalances returns the VIBE each hot wallet holds on chain (for `ledger verify`).
func (c *Chains) HotWalletBalances(ctx context.Context) (map[string]HotWalletBalance, error) {
	out := map[string]HotWalletBalance{}
	wei, err := c.Ethereum.BalanceOf(ctx, c.Ethereum.Address())
	if err != nil {
		return nil, err
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(ethereum.TokenDecimals-ethereum.LedgerDecimals), nil)
	q, r := new(big.Int).QuoRem(wei, scale, new(big.Int))
	if !q.IsInt64() {
		return nil, fmt.Errorf("ethereum hot wallet balance %s overflows the ledger", wei)
	}
	out["ethereum"] = HotWalletBalance{Ledger: q.Int64(), Dust: r.String()}
	lamports, err := c.Solana.Balance(ctx, c.Solana.Address())
	if err != nil {
		return nil, err
	}
	if lamports > 1<<63-1 {
		return nil, fmt.Errorf("solana hot wallet balance %d overflows the ledger", lamports)
	}
	out["solana"] = HotWalletBalance{Ledger: int64(lamports), Dust: "0"}
	return out, nil
}
