package application

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// ClaimRoyalties pays a holder's claimable royalties of every song from the songs' pools to
// their USD wallet. Each song's claim is taken out of the holding under the song's lock and
// stored; the ledger transfer (keyed by the claim id) follows, and the sweeper finishes it
// after a crash.
type ClaimRoyalties struct {
	markets domain.Markets
	settle  domain.Settlements
	reader  Reader
	ledger  Ledger
	metrics Metrics
	now     Clock
	newID   NewID
}

// NewClaimRoyalties builds the use case.
func NewClaimRoyalties(markets domain.Markets, settle domain.Settlements, reader Reader, ledger Ledger, metrics Metrics, now Clock, newID NewID) (*ClaimRoyalties, error) {
	if markets == nil || settle == nil || reader == nil || ledger == nil || now == nil || newID == nil {
		return nil, errNilDependency
	}
	if metrics == nil {
		metrics = noMetrics{}
	}
	return &ClaimRoyalties{markets: markets, settle: settle, reader: reader, ledger: ledger, metrics: metrics, now: now, newID: newID}, nil
}

// Handle claims everything claimable; ErrNothingToClaim when there is nothing.
func (h *ClaimRoyalties) Handle(ctx context.Context, user uuid.UUID) (ClaimView, error) {
	held, err := h.reader.HoldingsOf(ctx, user)
	if err != nil {
		return ClaimView{}, err
	}
	var out ClaimView
	for _, hd := range held {
		now := h.now()
		var c domain.Claim
		err := h.markets.With(ctx, hd.SongID(), func(ctx context.Context, m domain.Market) error {
			x, err := m.Holding(ctx, user)
			if err != nil {
				return err
			}
			amt, err := x.ClaimRoyalties(m.Song().Accumulator())
			if err != nil {
				return err
			}
			m.Song().Claimed(amt)
			c = domain.Claim{ID: h.newID(), UserID: user, SongID: hd.SongID(), Amount: amt, CreatedAt: now}
			if err := m.AddClaim(ctx, c); err != nil {
				return err
			}
			return m.SaveHolding(ctx, x)
		})
		if errors.Is(err, domain.ErrNothingToClaim) {
			continue
		}
		if err != nil {
			return out, err
		}
		line := ClaimLine{ClaimID: c.ID, SongID: c.SongID, Amount: c.Amount}
		if err := h.Pay(ctx, c); err != nil {
			line.Pending = true // stored: the sweeper pays it
		}
		out.Total += c.Amount
		out.Claims = append(out.Claims, line)
	}
	if len(out.Claims) == 0 {
		return out, domain.ErrNothingToClaim
	}
	return out, nil
}

// Pay moves a stored claim from the song's pool to the holder's wallet, once.
func (h *ClaimRoyalties) Pay(ctx context.Context, c domain.Claim) error {
	if _, err := h.ledger.Transfer(ctx, paycontracts.TransferRequest{IdempotencyKey: "ownership:claim:" + c.ID.String(),
		From: paycontracts.RoyaltyPool(c.SongID), To: []paycontracts.Credit{{To: paycontracts.Wallet(c.UserID, usdAsset), Amount: usd(c.Amount)}},
		Details: paycontracts.Details{Reason: "royalty_claim", ExternalRef: c.ID.String(), Metadata: map[string]string{"song_id": c.SongID.String()}}}); err != nil {
		return err
	}
	h.metrics.RoyaltyClaimed(c.Amount)
	return h.settle.MarkClaimed(ctx, c, h.now())
}
