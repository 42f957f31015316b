// Package contracts is the ownership context's public face: the integration events it
// publishes about offerings, trades and royalties. Other contexts ask it how much of a stream
// goes to a song's shareholders through listenreward's RoyaltyShares port, which the
// ownership module answers.
package contracts

import (
	"time"

	"github.com/google/uuid"
)

// Source names the ownership context in event envelopes.
const Source = "ownership"

// Integration events published by the ownership context. Amounts are USD decimal strings.
const (
	// OfferingOpenedV1 is published to the artist when an offering opens (payload OfferingOpened).
	OfferingOpenedV1 = "ownership.offering_opened.v1"
	// OfferingMilestoneV1 is published to the artist at 25, 50, 75 and 100% sold (payload
	// OfferingMilestone).
	OfferingMilestoneV1 = "ownership.offering_milestone.v1"
	// OfferingClosedV1 is published when the artist closes an offering early.
	OfferingClosedV1 = "ownership.offering_closed.v1"
	// SharesPurchasedV1 is published to buyer and artist when a primary purchase completes.
	SharesPurchasedV1 = "ownership.shares_purchased.v1"
	// TradeExecutedV1 is published to both parties and the song's watchers (payload Trade).
	TradeExecutedV1 = "ownership.trade_executed.v1"
	// BookChangedV1 is published to the song's watchers when its book changed (payload BookChanged).
	BookChangedV1 = "ownership.book_changed.v1"
	// OrderUpdatedV1 is published to an order's owner when it fills or is cancelled.
	OrderUpdatedV1 = "ownership.order_updated.v1"
	// RoyaltiesClaimedV1 is published to the holder when a claim is paid (payload RoyaltiesClaimed).
	RoyaltiesClaimedV1 = "ownership.royalties_claimed.v1"
)

// OfferingOpened is the payload of ownership.offering_opened.v1.
type OfferingOpened struct {
	OfferingID     uuid.UUID `json:"offering_id"`
	SongID         uuid.UUID `json:"song_id"`
	ArtistUserID   uuid.UUID `json:"artist_user_id"`
	ShareholderBPS int       `json:"shareholder_bps"`
	SharesForSale  int64     `json:"shares_for_sale"`
	PricePerShare  string    `json:"price_per_share"`
	At             time.Time `json:"at"`
}

// OfferingMilestone is the payload of ownership.offering_milestone.v1.
type OfferingMilestone struct {
	OfferingID uuid.UUID `json:"offering_id"`
	SongID     uuid.UUID `json:"song_id"`
	Percent    int       `json:"percent"`
	SharesSold int64     `json:"shares_sold"`
	At         time.Time `json:"at"`
}

// OfferingClosed is the payload of ownership.offering_closed.v1.
type OfferingClosed struct {
	OfferingID uuid.UUID `json:"offering_id"`
	SongID     uuid.UUID `json:"song_id"`
	SharesSold int64     `json:"shares_sold"`
	At         time.Time `json:"at"`
}

// SharesPurchased is the payload of ownership.shares_purchased.v1.
type SharesPurchased struct {
	PurchaseID uuid.UUID `json:"purchase_id"`
	OfferingID uuid.UUID `json:"offering_id"`
	SongID     uuid.UUID `json:"song_id"`
	BuyerID    uuid.UUID `json:"buyer_id"`
	Shares     int64     `json:"shares"`
	Gross      string    `json:"gross"`
	Fee        string    `json:"fee"`
	At         time.Time `json:"at"`
}

// Trade is the payload of ownership.trade_executed.v1.
type Trade struct {
	TradeID  uuid.UUID `json:"trade_id"`
	SongID   uuid.UUID `json:"song_id"`
	BuyerID  uuid.UUID `json:"buyer_id"`
	SellerID uuid.UUID `json:"seller_id"`
	Shares   int64     `json:"shares"`
	Price    string    `json:"price"`
	At       time.Time `json:"at"`
}

// BookChanged is the payload of ownership.book_changed.v1: the top of the book after the
// change (empty when a side has no order); clients reload the depth for more.
type BookChanged struct {
	SongID    uuid.UUID `json:"song_id"`
	BestBid   string    `json:"best_bid,omitempty"`
	BidShares int64     `json:"bid_shares,omitempty"`
	BestAsk   string    `json:"best_ask,omitempty"`
	AskShares int64     `json:"ask_shares,omitempty"`
	At        time.Time `json:"at"`
}

// OrderUpdated is the payload of ownership.order_updated.v1.
type OrderUpdated struct {
	OrderID      uuid.UUID `json:"order_id"`
	SongID       uuid.UUID `json:"song_id"`
	Status       string    `json:"status"`
	FilledShares int64     `json:"filled_shares"`
	At           time.Time `json:"at"`
}

// RoyaltiesClaimed is the payload of ownership.royalties_claimed.v1.
type RoyaltiesClaimed struct {
	ClaimID uuid.UUID `json:"claim_id"`
	UserID  uuid.UUID `json:"user_id"`
	SongID  uuid.UUID `json:"song_id"`
	Amount  string    `json:"amount"`
	At      time.Time `json:"at"`
}
