// Package password hashes passwords with argon2id (RFC 9106) in the PHC string format, so the
// parameters travel with each hash and can be raised later without breaking old hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	SaltLen   uint32
	KeyLen    uint32
}

// DefaultParams: 19 MiB, 2 passes, 1 lane is OWASP's recommended argon2id minimum. On this
// 2-core machine it costs ~25 ms per hash (see docs/PERFORMANCE.md), which keeps a login
// comfortably interactive while making offline guessing ~40 hashes/s per core.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher implements the application's PasswordHasher. A semaphore bounds concurrent hashes so
// a burst of logins cannot allocate unbounded memory (each hash holds MemoryKiB).
type Hasher struct {
	p   Params
	sem chan struct{}
}

// New builds a hasher; concurrency <= 0 means 2 x GOMAXPROCS.
func New(p Params, concurrency int) (*Hasher, error) {
	if p.MemoryKiB < 8*uint32(p.Threads) || p.Time < 1 || p.Threads < 1 || p.SaltLen < 8 || p.KeyLen < 16 {
		return nil, errors.New("password: argon2id parameters too weak or invalid")
	}
	if concurrency <= 0 {
		concurrency = 2 * runtime.GOMAXPROCS(0)
	}
	return &Hasher{p: p, sem: make(chan struct{}, concurrency)}, nil
}

func (h *Hasher) derive(pw string, salt []byte, p Params) []byte {
	h.sem <- struct{}{}
	defer func() { <-h.sem }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
}

// Hash returns $argon2id$v=19$m=...,t=...,p=...$salt$key.
func (h *Hasher) Hash(pw string) (string, error) {
	salt := make([]byte, h.p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := h.derive(pw, salt, h.p)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.MemoryKiB, h.p.Time, h.p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Verify recomputes the hash with the parameters stored in encoded and compares in constant
// time.
func (h *Hasher) Verify(encoded, pw string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := h.derive(pw, salt, p)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than the hasher's.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p.MemoryKiB != h.p.MemoryKiB || p.Time != h.p.Time || p.Threads != h.p.Threads
}

var errMalformed = errors.New("password: malformed argon2id hash")

func decode(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, errMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Params{}, nil, nil, errMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, errMalformed
	}
	// Refuse absurd stored parameters: a tampered row must not make us allocate gigabytes.
	if p.MemoryKiB < 8 || p.MemoryKiB > 1<<20 || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return Params{}, nil, nil, errMalformed
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return Params{}, nil, nil, errMalformed
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return Params{}, nil, nil, errMalformed
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
