package main

import (
	"github.com/vibestream/vibestream/internal/music"
	"github.com/vibestream/vibestream/internal/user"
)

// concertDeps gives the music context's VR concerts the ledger, the access pass signer (the
// platform's JWKS key, through user's AccessPasses contract) and the age verifier (the ZK
// registry's age circuit, through user's AgeVerifier contract).
func (a *app) concertDeps(d *music.Deps) error {
	key, verify, err := signingKeys(a.cfg.User)
	if err != nil {
		return err
	}
	passes, err := user.NewAccessPasses(key, verify, a.cfg.User.JWTIssuer)
	if err != nil {
		return err
	}
	cc := a.cfg.Music
	d.Concerts = music.ConcertDeps{Ledger: a.payment.Ledger(), Passes: passes, FeeBPS: cc.ConcertFeeBPS, JobEvery: cc.ConcertJobEvery,
		StaleAfter: cc.ConcertStaleAfter, Now: cc.ConcertClock}
	if a.zk != nil && a.zk.registry != nil {
		d.Concerts.Ages = user.NewAgeVerifier(a.zk.registry, a.zk.attester)
	}
	return nil
}
