// Package domain holds the ownership context's rules: song share offerings, holdings, the
// price-time matching core of the order book and the dividend-per-share royalty accumulator.
// Nothing here does I/O, reads the clock or draws random numbers: callers pass ids and times.
package domain

import "github.com/vibestream/vibestream/internal/kernel/errs"

// Errors raised by the ownership context's invariants.
var (
	ErrInvalidShares       = errs.New(errs.Unprocessable, "ownership.invalid_shares", "shares must be a whole number above zero")
	ErrInvalidPrice        = errs.New(errs.Unprocessable, "ownership.invalid_price", "the price must be a USD amount above zero with at most 6 decimals")
	ErrInvalidSide         = errs.New(errs.Unprocessable, "ownership.invalid_side", "side must be buy or sell")
	ErrInvalidTimeInForce  = errs.New(errs.Unprocessable, "ownership.invalid_time_in_force", "time_in_force must be GTC or IOC")
	ErrInvalidStatus       = errs.New(errs.Unprocessable, "ownership.invalid_status", "status must be open, partially_filled, filled or cancelled")
	ErrDuplicateOrder      = errs.New(errs.Conflict, "ownership.duplicate_order", "an order with this id is already on the book")
	ErrOrderNotFound       = errs.New(errs.NotFound, "ownership.order_not_found", "no such order of yours")
	ErrOrderClosed         = errs.New(errs.Conflict, "ownership.order_closed", "the order is already filled or cancelled")
	ErrWouldCross          = errs.New(errs.Internal, "ownership.book_would_cross", "a resting order may not cross the book")
	ErrInvalidOffering     = errs.New(errs.Unprocessable, "ownership.invalid_offering", "the offering is not valid")
	ErrOfferingExists      = errs.New(errs.Conflict, "ownership.offering_exists", "this song already has an offering")
	ErrOfferingNotFound    = errs.New(errs.NotFound, "ownership.offering_not_found", "no such offering")
	ErrSongNotOffered      = errs.New(errs.Unprocessable, "ownership.song_not_offered", "this song has no share offering, so its shares cannot be traded")
	ErrNotSongArtist       = errs.New(errs.Forbidden, "ownership.not_song_artist", "only the song's artist may do this")
	ErrOfferingNotOpen     = errs.New(errs.Conflict, "ownership.offering_not_open", "the offering is not open for purchases")
	ErrOfferingSoldOut     = errs.New(errs.Conflict, "ownership.offering_sold_out", "not enough shares are left in the offering")
	ErrBelowMinimum        = errs.New(errs.Unprocessable, "ownership.below_minimum_purchase", "the purchase is below the offering's minimum")
	ErrHolderCapExceeded   = errs.New(errs.Conflict, "ownership.holder_cap_exceeded", "this would take you above the song's cap per holder")
	ErrOwnOffering         = errs.New(errs.Conflict, "ownership.own_offering", "the artist cannot buy from their own offering")
	ErrInsufficientShares  = errs.New(errs.Conflict, "ownership.insufficient_shares", "you do not have that many shares available to sell")
	ErrNothingToClaim      = errs.New(errs.Conflict, "ownership.nothing_to_claim", "you have no claimable royalties")
	ErrAccumulatorOverflow = errs.New(errs.Internal, "ownership.accumulator_overflow", "the royalty accumulator overflowed")
)
