// Package contracts is the campaign context's public face: the integration events it publishes
// to the artist about their campaigns. The boost it pays listens is listenreward's
// RewardBoosts port, which this context implements.
package contracts

import (
	"time"

	"github.com/google/uuid"
)

// Source names the campaign context in event envelopes.
const Source = "campaign"

// Integration events, each sent to the campaign's artist (events.ForUsers) and so over the
// WebSocket.
const (
	// ActivatedV1: the budget is held; the campaign is scheduled or active (payload StatusChanged).
	ActivatedV1 = "campaign.activated.v1"
	// StartedV1: a scheduled campaign reached its start date (payload StatusChanged).
	StartedV1 = "campaign.started.v1"
	// PausedV1 and ResumedV1 follow the artist's pause and resume (payload StatusChanged).
	PausedV1  = "campaign.paused.v1"
	ResumedV1 = "campaign.resumed.v1"
	// EndedV1: the campaign ended, by the artist, on its end date or because its budget could
	// not pay the next boost (payload StatusChanged, Reason says which).
	EndedV1 = "campaign.ended.v1"
	// MilestoneReachedV1: spending crossed 25, 50, 75 or 100% of the budget (payload Milestone).
	MilestoneReachedV1 = "campaign.milestone_reached.v1"
)

// StatusChanged is the payload of the lifecycle events. Amounts are VIBE decimal strings.
type StatusChanged struct {
	CampaignID uuid.UUID `json:"campaign_id"`
	From       string    `json:"from"`
	Status     string    `json:"status"`
	// Reason is set on campaign.ended.v1: artist, schedule, budget_exhausted or not_started.
	Reason    string    `json:"reason,omitempty"`
	Spent     string    `json:"spent"`
	Remaining string    `json:"remaining"`
	At        time.Time `json:"at"`
}

// Milestone is the payload of campaign.milestone_reached.v1.
type Milestone struct {
	CampaignID uuid.UUID `json:"campaign_id"`
	Percent    int       `json:"percent"`
	Spent      string    `json:"spent"`
	Budget     string    `json:"budget"`
	At         time.Time `json:"at"`
}
