package domain

import "github.com/vibestream/vibestream/internal/kernel/errs"

// Domain errors, each with a stable code.
var (
	ErrInvalidName         = errs.New(errs.Unprocessable, "campaign.invalid_name", "the name must be 3 to 100 characters after trimming")
	ErrInvalidDuration     = errs.New(errs.Unprocessable, "campaign.invalid_duration", "a campaign lasts from 1 to 90 days")
	ErrStartInPast         = errs.New(errs.Unprocessable, "campaign.start_in_past", "a campaign must start in the future")
	ErrInvalidBoost        = errs.New(errs.Unprocessable, "campaign.invalid_boost", "the boost must be 1.0 to 10.0 in steps of 0.1")
	ErrInvalidBudget       = errs.New(errs.Unprocessable, "campaign.invalid_budget", "the budget must be a positive VIBE amount")
	ErrNoSongs             = errs.New(errs.Unprocessable, "campaign.invalid_songs", "a campaign names 1 to 50 distinct songs")
	ErrSongNotOwned        = errs.New(errs.Forbidden, "campaign.song_not_owned", "every song must be your own")
	ErrSongNotPublished    = errs.New(errs.Unprocessable, "campaign.song_not_published", "every song must be published")
	ErrInvalidTransition   = errs.New(errs.Conflict, "campaign.invalid_transition", "the campaign cannot do this in its current status")
	ErrOutsideDates        = errs.New(errs.Conflict, "campaign.outside_dates", "the campaign's dates are over")
	ErrNotDraft            = errs.New(errs.Conflict, "campaign.not_draft", "only a draft campaign can be changed")
	ErrNotFound            = errs.New(errs.NotFound, "campaign.not_found", "the campaign does not exist")
	ErrNotRunning          = errs.New(errs.Conflict, "campaign.not_running", "the campaign is not running")
	ErrBudgetExhausted     = errs.New(errs.Conflict, "campaign.budget_exhausted", "the campaign's budget cannot pay this boost")
	ErrInvalidStatus       = errs.New(errs.Unprocessable, "campaign.invalid_status", "status must be draft, scheduled, active, paused or ended")
	ErrActivationUnderway  = errs.New(errs.Conflict, "campaign.activation_underway", "the campaign is being activated")
	ErrInsufficientBalance = errs.New(errs.Conflict, "campaign.insufficient_vibe", "your VIBE wallet does not cover the budget")
)
