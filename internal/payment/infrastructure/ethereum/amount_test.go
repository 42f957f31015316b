package ethereum_test

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
)

func TestAmountConversion(t *testing.T) {
	t.Parallel()
	big10 := func(s string) *big.Int {
		v, ok := new(big.Int).SetString(s, 10)
		require.True(t, ok)
		return v
	}
	tests := []struct {
		name   string
		token  *big.Int
		ledger int64
		ok     bool
	}{
		{"zero", big.NewInt(0), 0, true},
		{"one ledger unit", big.NewInt(1_000_000_000), 1, true},
		{"one VIBE", big10("1000000000000000000"), 1_000_000_000, true},
		{"below one ledger unit", big.NewInt(999_999_999), 0, false},
		{"one wei", big.NewInt(1), 0, false},
		{"fraction above a unit", big.NewInt(1_000_000_001), 0, false},
		{"max int64", new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(1_000_000_000)), math.MaxInt64, true},
		{"overflow", new(big.Int).Mul(new(big.Int).Add(big.NewInt(math.MaxInt64), big.NewInt(1)), big.NewInt(1_000_000_000)), 0, false},
		{"negative", big.NewInt(-1_000_000_000), 0, false},
		{"nil", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ethereum.ToLedgerUnits(tt.token)
			if !tt.ok {
				require.ErrorIs(t, err, ethereum.ErrInexactAmount)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.ledger, got)
			back, err := ethereum.ToTokenUnits(got)
			require.NoError(t, err)
			assert.Zero(t, back.Cmp(tt.token), "round trip is exact")
		})
	}
	_, err := ethereum.ToTokenUnits(-1)
	assert.ErrorIs(t, err, ethereum.ErrInexactAmount)
}
