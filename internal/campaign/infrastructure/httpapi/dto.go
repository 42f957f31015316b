package httpapi

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/application"
)

// campaignRequest is the body of POST (all fields) and PATCH (any field) /campaigns. Boost is a
// JSON number or a decimal string; budget a VIBE decimal string.
type campaignRequest struct {
	Name     *string         `json:"name"`
	SongIDs  []string        `json:"song_ids"`
	StartsAt *string         `json:"starts_at"`
	EndsAt   *string         `json:"ends_at"`
	Boost    json.RawMessage `json:"boost"`
	Budget   *string         `json:"budget"`
}

type campaignResponse struct {
	ID        uuid.UUID   `json:"id"`
	ArtistID  uuid.UUID   `json:"artist_id"`
	Name      string      `json:"name"`
	Status    string      `json:"status"`
	SongIDs   []uuid.UUID `json:"song_ids"`
	StartsAt  time.Time   `json:"starts_at"`
	EndsAt    time.Time   `json:"ends_at"`
	Boost     json.Number `json:"boost"`
	Budget    string      `json:"budget"`
	Spent     string      `json:"spent"`
	Remaining string      `json:"remaining"`
	EndReason string      `json:"end_reason,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	EndedAt   *time.Time  `json:"ended_at,omitempty"`
}

func campaignOf(v application.CampaignView) campaignResponse {
	return campaignResponse{ID: v.ID, ArtistID: v.ArtistID, Name: v.Name, Status: string(v.Status), SongIDs: v.SongIDs,
		StartsAt: v.StartsAt, EndsAt: v.EndsAt, Boost: json.Number(v.Boost.String()), Budget: v.Budget.String(),
		Spent: v.Spent.String(), Remaining: v.Remaining.String(), EndReason: string(v.EndReason), CreatedAt: v.CreatedAt,
		UpdatedAt: v.UpdatedAt, EndedAt: v.EndedAt}
}

type campaignsResponse struct {
	Items      []campaignResponse `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

type dayResponse struct {
	Day           string `json:"day"`
	Listens       int64  `json:"boosted_listens"`
	Listeners     int64  `json:"unique_listeners"`
	Spent         string `json:"spent"`
	CostPerListen string `json:"cost_per_listen"`
}

type analyticsResponse struct {
	CampaignID    uuid.UUID     `json:"campaign_id"`
	Listens       int64         `json:"boosted_listens"`
	Listeners     int64         `json:"unique_listeners"`
	Spent         string        `json:"spent"`
	CostPerListen string        `json:"cost_per_listen"`
	Days          []dayResponse `json:"per_day"`
}

func analyticsOf(v application.AnalyticsView) analyticsResponse {
	out := analyticsResponse{CampaignID: v.CampaignID, Listens: v.Listens, Listeners: v.Listeners, Spent: v.Spent.String(),
		CostPerListen: v.CostPerListen.String(), Days: []dayResponse{}}
	for _, d := range v.Days {
		out.Days = append(out.Days, dayResponse{Day: d.Day.Format(time.DateOnly), Listens: d.Listens, Listeners: d.Listeners,
			Spent: d.Spent.String(), CostPerListen: d.CostPerListen.String()})
	}
	return out
}
