package domain

import (
	"time"

	"github.com/google/uuid"
)

// Song is a song's share register: its royalty accumulator, the order sequence that gives
// time priority, and the last trade price. Loading it for update serialises its book.
type Song struct {
	id, artist uuid.UUID
	bps        int
	acc        Accumulator
	claimed    int64
	lastPrice  int64
	seq        int64
	createdAt  time.Time
}

// NewSong opens the register of an offered song.
func NewSong(id, artist uuid.UUID, bps int, price int64, now time.Time) *Song {
	return &Song{id: id, artist: artist, bps: bps, lastPrice: price, createdAt: now}
}

// RehydrateSong is for repositories.
func RehydrateSong(id, artist uuid.UUID, bps int, acc Accumulator, claimed, lastPrice, seq int64, createdAt time.Time) *Song {
	return &Song{id: id, artist: artist, bps: bps, acc: acc, claimed: claimed, lastPrice: lastPrice, seq: seq, createdAt: createdAt}
}

func (s *Song) ID() uuid.UUID            { return s.id }
func (s *Song) ArtistUserID() uuid.UUID  { return s.artist }
func (s *Song) ShareholderBPS() int      { return s.bps }
func (s *Song) Accumulator() Accumulator { return s.acc }
func (s *Song) RoyaltiesClaimed() int64  { return s.claimed }
func (s *Song) LastPrice() int64         { return s.lastPrice }
func (s *Song) Seq() int64               { return s.seq }
func (s *Song) CreatedAt() time.Time     { return s.createdAt }

// NextSeq hands out the next order sequence number (time priority).
func (s *Song) NextSeq() int64 { s.seq++; return s.seq }

// Accrue adds a stream's pool part: one update whatever the number of holders.
func (s *Song) Accrue(amount int64) error { return s.acc.Accrue(amount) }

// Traded records a trade price.
func (s *Song) Traded(price int64) { s.lastPrice = price }

// Claimed records royalties paid out.
func (s *Song) Claimed(amount int64) { s.claimed += amount }

// Holding is one user's shares of one song and their royalty position.
type Holding struct {
	songID, userID uuid.UUID
	shares, locked int64
	costBasis      int64
	royalty        Royalty
	isNew          bool
}

// NewHolding is an empty position (stored when it first changes).
func NewHolding(songID, userID uuid.UUID, acc Accumulator) *Holding {
	return &Holding{songID: songID, userID: userID, royalty: Royalty{Checkpoint: acc.PerShare}, isNew: true}
}

// RehydrateHolding is for repositories.
func RehydrateHolding(songID, userID uuid.UUID, shares, locked, costBasis int64, r Royalty) *Holding {
	return &Holding{songID: songID, userID: userID, shares: shares, locked: locked, costBasis: costBasis, royalty: r}
}

func (h *Holding) SongID() uuid.UUID { return h.songID }
func (h *Holding) UserID() uuid.UUID { return h.userID }
func (h *Holding) Shares() int64     { return h.shares }
func (h *Holding) Locked() int64     { return h.locked }
func (h *Holding) Available() int64  { return h.shares - h.locked }
func (h *Holding) CostBasis() int64  { return h.costBasis }
func (h *Holding) Royalty() Royalty  { return h.royalty }
func (h *Holding) IsNew() bool       { return h.isNew }

// Lock reserves shares for a sell order or an offering.
func (h *Holding) Lock(n int64) error {
	if n <= 0 {
		return ErrInvalidShares
	}
	if n > h.Available() {
		return ErrInsufficientShares
	}
	h.locked += n
	return nil
}

// Unlock returns locked shares (a cancelled sell order, a closed offering).
func (h *Holding) Unlock(n int64) {
	h.locked -= min(n, h.locked)
}

// Settle brings the royalty position up to date (before any change of shares).
func (h *Holding) Settle(acc Accumulator) error { return h.royalty.Settle(h.shares, acc) }

// ClaimRoyalties settles and takes the whole micro-dollars claimable.
func (h *Holding) ClaimRoyalties(acc Accumulator) (int64, error) {
	if err := h.Settle(acc); err != nil {
		return 0, err
	}
	return h.royalty.Claim()
}

// MoveShares transfers n locked shares of from to to for cost micro-dollars: both positions
// settle their royalties first, so the shares carry only future income. The seller's cost
// basis drops in proportion.
func MoveShares(from, to *Holding, n, cost int64, acc Accumulator) error {
	if n <= 0 || n > from.locked {
		return ErrInsufficientShares
	}
	if from.userID == to.userID {
		return ErrInsufficientShares.WithMessage("shares cannot move to their own holder")
	}
	if err := from.Settle(acc); err != nil {
		return err
	}
	if err := to.Settle(acc); err != nil {
		return err
	}
	if from.shares > 0 {
		from.costBasis -= from.costBasis * n / from.shares
	}
	from.shares -= n
	from.locked -= n
	to.shares += n
	to.costBasis += cost
	return nil
}
