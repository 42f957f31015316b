package ethereum_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/ethereum"
)

func TestParseAddress(t *testing.T) {
	t.Parallel()
	const good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" // EIP-55 test vector
	tests := []struct {
		in string
		ok bool
	}{
		{good, true},
		{strings.ToLower(good), true},
		{"0x" + strings.ToUpper(good[2:]), true},
		{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", false}, // one letter's case flipped
		{"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", false},
		{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", false},
		{"0xzzAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", false},
		{"0x0000000000000000000000000000000000000000", false},
		{"", false},
	}
	for _, tt := range tests {
		a, err := ethereum.ParseAddress(tt.in)
		if tt.ok {
			assert.NoError(t, err, tt.in)
			assert.Equal(t, good, a.Hex())
		} else {
			assert.Error(t, err, tt.in)
		}
	}
}
