package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/vibestream/vibestream/internal/platform/devchain"

	"github.com/vibestream/vibestream/internal/listenreward"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/pgtree"
)

// wireListenProofs registers the listen circuit with its checks (roots, nullifiers), the proof
// job fed by qualified listens and the proof routes; the trees feed GET /zk/roots.
func (a *app) wireListenProofs() error {
	trees := pgtree.New(a.pool, a.cfg.ZK.RootHistory)
	proofs, err := listenreward.NewListenProofs(context.Background(), listenreward.ListenProofsDeps{Pool: a.pool, Runner: a.runner, Bus: a.bus, System: a.zk.listen,
		Trees: trees, Catalog: a.music.Catalog(), Published: a.music.PublishedSongs(), Policy: a.cfg.Listen.Policy, Logger: a.logger.With("context", "listenreward"),
		Foreground: a.foreground, YieldMax: a.cfg.ZK.ProofYieldMax, CPUShare: float64(a.cfg.ZK.ProofCPUPercent) / 100})
	if err != nil {
		return err
	}
	if err := a.zk.registry.Register(zk.Entry{System: a.zk.listen, Check: proofs.Check}); err != nil {
		return err
	}
	a.listenProofs = proofs
	a.background = append(a.background, proofs.StartCatalogBackfill)
	if err := a.wireListenVerifier(); err != nil {
		return err
	}
	a.zk.http.Roots = trees.Roots
	(&listenreward.ListenProofHandlers{Proofs: proofs, Registry: a.zk.registry}).Routes(a.api)
	return nil
}

// wireListenVerifier binds the Solidity listen verifier: deployed at first start on the local
// anvil (beside the VIBE token), or ZK_VERIFIER_ADDRESS on a configured chain. Without chains,
// on-chain verification answers zk.onchain_unavailable.
func (a *app) wireListenVerifier() error {
	ch := a.payment.Chains()
	if ch == nil || ch.Ethereum == nil {
		return nil
	}
	local := ch.EthProc != nil
	if !local && a.cfg.ZK.VerifierAddress == "" {
		a.logger.Info("no ZK_VERIFIER_ADDRESS: listen proofs are not verified on chain")
		return nil
	}
	url := a.cfg.Chains.Ethereum.RPCURL
	if local {
		url = ch.EthProc.URL()
	}
	root, err := devchain.FindRoot("")
	if err != nil && local {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	v, client, err := listenreward.SetupListenVerifier(ctx, a.zk.listen, listenreward.ListenVerifierConfig{RPCURL: url, Local: local, Address: a.cfg.ZK.VerifierAddress,
		Root: root, StateDir: filepath.Join(a.cfg.DataDir, "chains"), CacheDir: a.cfg.ZK.KeysDir, Logger: a.logger})
	if err != nil {
		return err
	}
	a.closers = append(a.closers, client.Close)
	return a.zk.registry.SetOnChain(listenreward.ListenCircuitName, v)
}
