package ethereum

import (
	"errors"
	"fmt"
	"math/big"
)

// The ledger keeps VIBE in 9 decimals (int64 minor units); the ERC-20 has 18. One ledger unit is
// 10^9 token base units.
const (
	LedgerDecimals = 9
	TokenDecimals  = 18
)

var unitScale = new(big.Int).Exp(big.NewInt(10), big.NewInt(TokenDecimals-LedgerDecimals), nil)

// ErrInexactAmount is returned for an on-chain amount that has no exact ledger value (a
// fraction of the ledger's smallest unit, a negative value, or more than an int64 holds). Such
// amounts are rejected, never rounded.
var ErrInexactAmount = errors.New("ethereum: token amount has no exact 9-decimal ledger value")

// ToTokenUnits converts ledger minor units (9 decimals) to ERC-20 base units (18 decimals).
// The conversion is always exact; negative amounts are refused.
func ToTokenUnits(ledger int64) (*big.Int, error) {
	if ledger < 0 {
		return nil, fmt.Errorf("%w: negative amount %d", ErrInexactAmount, ledger)
	}
	return new(big.Int).Mul(big.NewInt(ledger), unitScale), nil
}

// ToLedgerUnits converts ERC-20 base units (18 decimals) to ledger minor units, refusing any
// amount that does not convert exactly.
func ToLedgerUnits(token *big.Int) (int64, error) {
	if token == nil || token.Sign() < 0 {
		return 0, fmt.Errorf("%w: %v", ErrInexactAmount, token)
	}
	q, r := new(big.Int).QuoRem(token, unitScale, new(big.Int))
	if r.Sign() != 0 {
		return 0, fmt.Errorf("%w: %s has a remainder below 1e-9 VIBE", ErrInexactAmount, token)
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("%w: %s overflows the ledger", ErrInexactAmount, token)
	}
	return q.Int64(), nil
}
