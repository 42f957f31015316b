package postgres

import (
	"fmt"
	"strconv"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/ownership/domain"
	"github.com/vibestream/vibestream/internal/ownership/infrastructure/postgres/ownershipdb"
)

// Explicit mappers between rows and domain objects.

func toSong(r ownershipdb.OwnershipSong) (*domain.Song, error) {
	per, err := domain.ParseU128(r.AccPerShare)
	if err != nil {
		return nil, err
	}
	carry, err := strconv.ParseUint(r.AccCarry, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("song %s: accumulator carry %q: %w", r.SongID, r.AccCarry, err)
	}
	acc := domain.Accumulator{PerShare: per, Carry: carry, Entered: r.RoyaltyEntered}
	return domain.RehydrateSong(r.SongID, r.ArtistUserID, int(r.ShareholderBps), acc, r.RoyaltyClaimed, r.LastPrice, r.OrderSeq, r.CreatedAt), nil
}

func toOffering(r ownershipdb.OwnershipOffering) *domain.Offering {
	return domain.RehydrateOffering(r.ID, r.SongID, r.ArtistUserID, int(r.ShareholderBps), r.SharesForSale, r.SharesSold, r.SharesPaid,
		r.PricePerShare, r.MinPurchaseShares, r.MaxSharesPerHolder, int(r.FeeBps), r.OpensAt, r.ClosesAt, r.ClosedAt, int(r.Milestones), r.CreatedAt)
}

func toHolding(r ownershipdb.OwnershipHolding) (*domain.Holding, error) {
	cp, err := domain.ParseU128(r.Checkpoint)
	if err != nil {
		return nil, err
	}
	owed, err := domain.ParseU128(r.Owed)
	if err != nil {
		return nil, err
	}
	return domain.RehydrateHolding(r.SongID, r.UserID, r.Shares, r.Locked, r.CostBasis, domain.Royalty{Checkpoint: cp, Owed: owed, Claimed: r.Claimed}), nil
}

func toHoldings(rows []ownershipdb.OwnershipHolding) ([]*domain.Holding, error) {
	out := make([]*domain.Holding, 0, len(rows))
	for _, r := range rows {
		h, err := toHolding(r)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

func toOrder(r ownershipdb.OwnershipOrder) *domain.Order {
	side, _ := domain.ParseSide(r.Side)
	tif, _ := domain.ParseTimeInForce(r.Tif)
	var hold uuid.UUID
	if r.HoldID != nil {
		hold = *r.HoldID
	}
	return domain.RehydrateOrder(r.ID, r.SongID, r.OwnerID, side, tif, r.Price, r.Shares, r.Filled, r.Spent, domain.OrderStatus(r.Status),
		r.Seq, r.HoldAmount, int(r.FeeBps), hold, r.Released, r.CancelReason, r.CreatedAt, r.UpdatedAt)
}

func toOrders(rows []ownershipdb.OwnershipOrder, err error) ([]*domain.Order, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*domain.Order, 0, len(rows))
	for _, r := range rows {
		out = append(out, toOrder(r))
	}
	return out, nil
}

func toTrade(r ownershipdb.OwnershipTrade) domain.Trade {
	return domain.Trade{ID: r.ID, SongID: r.SongID, BuyOrderID: r.BuyOrderID, SellOrderID: r.SellOrderID, BuyerID: r.BuyerID,
		SellerID: r.SellerID, BuyHoldID: r.BuyHoldID, Shares: r.Shares, Price: r.Price, Gross: r.Gross, Fee: r.Fee, Refund: r.BuyerRefund, At: r.CreatedAt}
}

func toTrades(rows []ownershipdb.OwnershipTrade, err error) ([]domain.Trade, error) {
	if err != nil {
		return nil, err
	}
	out := make([]domain.Trade, 0, len(rows))
	for _, r := range rows {
		out = append(out, toTrade(r))
	}
	return out, nil
}

func toPurchase(r ownershipdb.OwnershipPurchase) domain.Purchase {
	return domain.Purchase{ID: r.ID, OfferingID: r.OfferingID, SongID: r.SongID, BuyerID: r.BuyerID, ArtistUserID: r.ArtistUserID,
		Shares: r.Shares, Price: r.PricePerShare, Gross: r.Gross, Fee: r.Fee, Status: domain.PurchaseStatus(r.Status),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func toClaim(r ownershipdb.OwnershipClaim) domain.Claim {
	return domain.Claim{ID: r.ID, UserID: r.UserID, SongID: r.SongID, Amount: r.Amount, Completed: r.CompletedAt != nil, CreatedAt: r.CreatedAt}
}

func nilUUID(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func limit32(n int) int32 {
	if n > 1<<20 {
		return 1 << 20
	}
	return int32(n) //nolint:gosec // bounded above
}
