package chains

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	sol "github.com/gagliardetto/solana-go"
	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/payment/infrastructure/chainstore"
)

// BenchmarkWithdrawal measures one withdrawal from stored intent to confirmed on each local
// chain (sequential: latency per op) and under 8 concurrent workers (throughput).
func BenchmarkWithdrawal(b *testing.B) {
	c := testChains(b)
	for _, chain := range []string{"ethereum", "solana"} {
		for _, par := range []int{1, 8} {
			name := chain + "/sequential"
			if par > 1 {
				name = chain + "/parallel8"
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				rec := &recorder{}
				e := rec.executor(b, c)
				mintID := uuid.New()
				_, _ = e.Store.Create(ctx, chainstore.Transfer{ID: mintID, Kind: "mint", Blockchain: chain, To: "hot", Amount: 1 << 50})
				if err := e.Execute(ctx, mintID); err != nil {
					b.Fatal(err)
				}
				to := sol.NewWallet().PublicKey().String()
				if chain == "ethereum" {
					k, _ := crypto.GenerateKey()
					to = crypto.PubkeyToAddress(k.PublicKey).Hex()
				}
				b.SetParallelism(par)
				b.ResetTimer()
				run := func() {
					id := uuid.New()
					if _, err := e.Store.Create(ctx, chainstore.Transfer{ID: id, Kind: "withdrawal", Blockchain: chain, To: to, Amount: 1_000_000}); err != nil {
						b.Error(err)
						return
					}
					if err := e.Execute(ctx, id); err != nil {
						b.Error(err)
					}
				}
				if par == 1 {
					for range b.N {
						run()
					}
					return
				}
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						run()
					}
				})
			})
		}
	}
}
