package money_test

import (
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vibestream/vibestream/internal/kernel/money"
)

// decimalGrammar is what Parse accepts, written independently: an optional sign, digits, and
// an optional dot followed by at least one digit.
var decimalGrammar = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// FuzzParse checks Parse against an exact big-number reference: whatever it accepts is the
// decimal's exact value in minor units, whatever it refuses is outside the grammar, the
// asset's decimals or int64; accepted amounts round-trip through String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0", "12.5", "-0.004", "+100", "0.000001", "9223372036854.775807", "-9223372036854.775808",
		"9223372036854.775808", "9223372036.854775807", "1.", ".5", "1e3", " 1", "1,5", "00012.000", "-", "", "1\x00", "\xff1",
		strings.Repeat("9", 65), "18446744073709551616", "0.0000000001"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, vibe bool) {
		asset := money.USD
		if vibe {
			asset = money.VIBE
		}
		a, err := money.Parse(asset, s)

		want, ok := reference(asset, s)
		if !ok {
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", s, a)
			}
			return
		}
		if err != nil {
			t.Fatalf("Parse(%q) refused a valid amount: %v", s, err)
		}
		if a.Units() != want || a.Asset() != asset {
			t.Fatalf("Parse(%q) = %d units, want %d", s, a.Units(), want)
		}
		out := a.String()
		if !utf8.ValidString(out) || len(out) > 22 || strings.ContainsAny(out, "\x00 e+") {
			t.Fatalf("String() = %q", out)
		}
		back, err := money.Parse(asset, out)
		if err != nil || back != a {
			t.Fatalf("round trip %q -> %s -> %v, %v", s, out, back, err)
		}
	})
}

// reference computes the minor units of s with big numbers, reporting false when Parse must
// refuse it.
func reference(asset money.Asset, s string) (int64, bool) {
	if len(s) > 64 || !decimalGrammar.MatchString(s) {
		return 0, false
	}
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > asset.Decimals() {
		return 0, false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, false
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(asset.Decimals())), nil)))
	if !r.IsInt() {
		return 0, false
	}
	n := r.Num()
	if n.Cmp(big.NewInt(math.MaxInt64)) > 0 || n.Cmp(big.NewInt(math.MinInt64)) < 0 {
		return 0, false
	}
	return n.Int64(), true
}
