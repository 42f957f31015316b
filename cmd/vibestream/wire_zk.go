package main

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/vibestream/vibestream/internal/listenreward"
	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/zkhttp"
	"github.com/vibestream/vibestream/internal/user"
)

// zkParts are the proof systems and the shared verification plumbing the contexts get.
type zkParts struct {
	registry *zk.Registry
	attester *zk.Attester
	listen   *zk.System
	solvency *zk.System
	age      *zk.System
	http     *zkhttp.Handlers
}

// zkCircuits are the platform's circuits, each defined by the context whose fact it proves.
func zkCircuits() []zk.Circuit {
	return []zk.Circuit{listenreward.ListenCircuit(), payment.SolvencyCircuit(), user.AgeCircuit()}
}

// loadZKSystems loads every circuit's keys (raw, milliseconds) or, when generation is on and
// they are missing, runs the development setup once and stores them.
func loadZKSystems(cfg ZKConfig, log func(msg string, args ...any)) (map[string]*zk.System, error) {
	out := map[string]*zk.System{}
	for _, c := range zkCircuits() {
		start := time.Now()
		var (
			s       *zk.System
			created bool
			err     error
		)
		if cfg.Generate {
			s, created, err = zk.LoadOrSetup(cfg.KeysDir, c)
		} else {
			s, err = zk.Load(cfg.KeysDir, c)
		}
		if err != nil {
			return nil, fmt.Errorf("ZK_KEYS_DIR %s: %w", cfg.KeysDir, err)
		}
		if created {
			log("generated zk keys (development setup; use the ceremony in production)", "circuit", c.Name(), "key_id", s.KeyID(),
				"constraints", s.Constraints(), "took", time.Since(start).String())
		} else {
			log("loaded zk keys", "circuit", c.Name(), "key_id", s.KeyID(), "took", time.Since(start).String())
		}
		out[c.Name()] = s
	}
	return out, nil
}

// signingKeys loads the platform's Ed25519 key the way the user context does (it may create
// it at first start) and the extra published keys.
func signingKeys(uc UserConfig) (ed25519.PrivateKey, []ed25519.PublicKey, error) {
	var (
		key ed25519.PrivateKey
		err error
	)
	if uc.JWTKeyGenerate {
		key, err = user.LoadOrCreateSigningKey(uc.JWTKeyFile)
	} else {
		key, err = user.LoadSigningKey(uc.JWTKeyFile)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("JWT_PRIVATE_KEY_FILE %s: %w", uc.JWTKeyFile, err)
	}
	var verify []ed25519.PublicKey
	for _, f := range uc.JWTVerifyKeyFiles {
		pub, err := user.LoadVerifyKey(f)
		if err != nil {
			return nil, nil, fmt.Errorf("JWT_VERIFY_KEY_FILES %s: %w", f, err)
		}
		verify = append(verify, pub)
	}
	return key, verify, nil
}

// wireZK loads the keys, builds the attester and the registry the verification API uses.
// Circuits whose checks need a context (roots, nullifiers) get them when that context wires.
func (a *app) wireZK() error {
	systems, err := loadZKSystems(a.cfg.ZK, a.logger.Info)
	if err != nil {
		return err
	}
	key, verify, err := signingKeys(a.cfg.User)
	if err != nil {
		return err
	}
	att, err := zk.NewAttester(key, verify, a.cfg.User.JWTIssuer, a.cfg.ZK.AttestationTTL)
	if err != nil {
		return err
	}
	metrics, err := zk.NewMetrics(a.registry)
	if err != nil {
		return err
	}
	reg := zk.NewRegistry(metrics)
	now := func() time.Time { return time.Now().UTC() }
	for _, e := range []zk.Entry{
		{System: systems[payment.SolvencyCircuitName], Check: att.AttestationChecker(payment.SolvencyCircuitName, 0, now), Attester: att},
		{System: systems[user.AgeCircuitName], Check: att.AttestationChecker(user.AgeCircuitName, 0, now), Attester: att},
	} {
		if err := reg.Register(e); err != nil {
			return err
		}
	}
	a.zk = &zkParts{registry: reg, attester: att, listen: systems[listenreward.ListenCircuitName], solvency: systems[payment.SolvencyCircuitName],
		age: systems[user.AgeCircuitName], http: &zkhttp.Handlers{Registry: reg}}
	return nil
}

// mountZK serves the verification API once every context has registered its circuits.
func (a *app) mountZK() { a.zk.http.Routes(a.api) }
