package main

import (
	"context"

	lzk "github.com/vibestream/vibestream/internal/listenreward/infrastructure/zk"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/pgtree"
)

// wireListenProofs registers the listen circuit with its checks (roots, nullifiers), the proof
// job fed by qualified listens and the proof routes; the trees feed GET /zk/roots.
func (a *app) wireListenProofs() error {
	trees := pgtree.New(a.pool, a.cfg.ZK.RootHistory)
	proofs, err := lzk.New(context.Background(), lzk.Deps{Pool: a.pool, Runner: a.runner, Bus: a.bus, System: a.zk.listen,
		Trees: trees, Catalog: a.music.Catalog(), MinSeconds: a.cfg.ZK.ListenMinSeconds, Logger: a.logger.With("context", "listenreward")})
	if err != nil {
		return err
	}
	if err := a.zk.registry.Register(zk.Entry{System: a.zk.listen, Check: proofs.Check}); err != nil {
		return err
	}
	a.listenProofs = proofs
	a.zk.http.Roots = trees.Roots
	(&lzk.Handlers{Proofs: proofs, Registry: a.zk.registry}).Routes(a.api)
	return nil
}
