package ethereum

import (
	"errors"
	"strings"

	"github.com/ethereum/go-ethereum/common"
)

// ParseAddress validates an Ethereum address: 0x and 40 hex digits; when it mixes upper and
// lower case, the case must be its EIP-55 checksum (a typo in a mixed-case address is caught).
// All-lower or all-upper addresses carry no checksum and are accepted. The zero address is
// refused (tokens sent there are burnt).
func ParseAddress(s string) (common.Address, error) {
	s = strings.TrimSpace(s)
	if !common.IsHexAddress(s) || !strings.HasPrefix(s, "0x") {
		return common.Address{}, errors.New("not an Ethereum address: want 0x and 40 hex digits")
	}
	a := common.HexToAddress(s)
	hexPart := s[2:]
	if hexPart != strings.ToLower(hexPart) && hexPart != strings.ToUpper(hexPart) && a.Hex() != s {
		return common.Address{}, errors.New("the address' EIP-55 checksum (its mixed case) is wrong: check for a typo")
	}
	if a == (common.Address{}) {
		return common.Address{}, errors.New("the zero address burns tokens")
	}
	return a, nil
}
