package domain

import "github.com/vibestream/vibestream/internal/kernel/errs"

// Errors raised by the listen-reward context's invariants and use cases.
var (
	ErrSessionNotFound     = errs.New(errs.NotFound, "listenreward.session_not_found", "the listen session does not exist")
	ErrInvalidSeconds      = errs.New(errs.Unprocessable, "listenreward.invalid_seconds", "seconds must be a whole number between 0 and 86400")
	ErrInvalidQuality      = errs.New(errs.Unprocessable, "listenreward.invalid_quality", "quality must be low, high or original")
	ErrSessionNotActive    = errs.New(errs.Conflict, "listenreward.session_not_active", "the listen session has already ended")
	ErrSessionSuperseded   = errs.New(errs.Conflict, "listenreward.session_superseded", "a newer listen session of this account ended this one before it started")
	ErrInvalidPrice        = errs.New(errs.Unprocessable, "listenreward.invalid_price", "the song's stream price must be a positive USD amount")
	ErrInvalidSplit        = errs.New(errs.Unprocessable, "listenreward.invalid_split", "fee and shareholder basis points must be between 0 and 10000")
	ErrInvalidDestination  = errs.New(errs.Unprocessable, "listenreward.invalid_destination", "destination must be balance, ethereum or solana")
	ErrInvalidClaimAmount  = errs.New(errs.Unprocessable, "listenreward.invalid_claim_amount", "amount must be a positive VIBE decimal with at most 9 decimals")
	ErrClaimBelowMinimum   = errs.New(errs.Unprocessable, "listenreward.claim_below_minimum", "the claim is below the minimum claim")
	ErrNothingToClaim      = errs.New(errs.Conflict, "listenreward.insufficient_claimable", "the claimable rewards do not cover this amount")
	ErrClaimFailed         = errs.New(errs.Conflict, "listenreward.claim_failed", "this claim failed and its VIBE was put back; claim again with a new Idempotency-Key")
	ErrNoLinkedWallet      = errs.New(errs.Conflict, "listenreward.no_linked_wallet", "link a wallet on this chain before claiming to it")
	ErrInvalidPeriod       = errs.New(errs.Unprocessable, "listenreward.invalid_period", "from and to must be RFC 3339 times with from before to")
	ErrSongNotPlayable     = errs.New(errs.Conflict, "listenreward.song_not_playable", "the song cannot be played")
	ErrRewardNotApplicable = errs.New(errs.Conflict, "listenreward.reward_not_applicable", "only a qualified listen earns a reward")
)
