package httpapi

import (
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/application"
)

type startRequest struct {
	SongID  string `json:"song_id"`
	Quality string `json:"quality"`
}

type paymentResponse struct {
	Price        string     `json:"price"`
	PlatformFee  string     `json:"platform_fee"`
	Shareholders string     `json:"shareholders"`
	Artist       string     `json:"artist"`
	Status       string     `json:"status"`
	PaidAt       *time.Time `json:"paid_at,omitempty"`
}

type rewardResponse struct {
	Amount string `json:"amount"`
	Status string `json:"status"`
}

type sessionResponse struct {
	ID                    uuid.UUID        `json:"id"`
	SongID                uuid.UUID        `json:"song_id"`
	Status                string           `json:"status"`
	Price                 string           `json:"price"`
	PreviewOnly           bool             `json:"preview_only"`
	StreamURL             string           `json:"stream_url"`
	Quality               string           `json:"quality,omitempty"`
	MaxBytes              int64            `json:"max_bytes,omitempty"`
	StartedAt             time.Time        `json:"started_at"`
	ExpiresAt             time.Time        `json:"expires_at"`
	QualifiesAfterSeconds int              `json:"qualifies_after_seconds"`
	ListenedSeconds       int              `json:"listened_seconds"`
	PositionSeconds       int              `json:"position_seconds"`
	Reasons               []string         `json:"reasons"`
	EndedBy               string           `json:"ended_by,omitempty"`
	DecidedAt             *time.Time       `json:"decided_at,omitempty"`
	Payment               *paymentResponse `json:"payment,omitempty"`
	Reward                *rewardResponse  `json:"reward,omitempty"`
}

func sessionOf(v application.SessionView) sessionResponse {
	r := sessionResponse{ID: v.ID, SongID: v.SongID, Status: v.Status, Price: v.Price, PreviewOnly: v.PreviewOnly,
		StreamURL: v.StreamURL, Quality: v.Quality, MaxBytes: v.MaxBytes, StartedAt: v.StartedAt, ExpiresAt: v.ExpiresAt,
		QualifiesAfterSeconds: v.QualifiesAfterSeconds, ListenedSeconds: v.ListenedSeconds, PositionSeconds: v.PositionSeconds,
		Reasons: v.Reasons, EndedBy: v.EndedBy, DecidedAt: v.DecidedAt}
	if r.Reasons == nil {
		r.Reasons = []string{}
	}
	if p := v.Payment; p != nil {
		r.Payment = &paymentResponse{Price: p.Price, PlatformFee: p.PlatformFee, Shareholders: p.Shareholders, Artist: p.Artist,
			Status: p.Status, PaidAt: p.PaidAt}
	}
	if w := v.Reward; w != nil {
		r.Reward = &rewardResponse{Amount: w.Amount, Status: w.Status}
	}
	return r
}

type sessionsResponse struct {
	Items      []sessionResponse `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

type rewardItemResponse struct {
	SessionID uuid.UUID `json:"session_id"`
	SongID    uuid.UUID `json:"song_id"`
	Amount    string    `json:"amount"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

type rewardsResponse struct {
	Claimable    string               `json:"claimable"`
	ClaimedTotal string               `json:"claimed_total"`
	EarnedToday  string               `json:"earned_today"`
	DailyCap     string               `json:"daily_cap"`
	MinClaim     string               `json:"min_claim"`
	Items        []rewardItemResponse `json:"items"`
}

func rewardsOf(v application.RewardsSummary) rewardsResponse {
	r := rewardsResponse{Claimable: v.Claimable, ClaimedTotal: v.ClaimedTotal, EarnedToday: v.EarnedToday, DailyCap: v.DailyCap,
		MinClaim: v.MinClaim, Items: []rewardItemResponse{}}
	for _, i := range v.Items {
		r.Items = append(r.Items, rewardItemResponse{SessionID: i.SessionID, SongID: i.SongID, Amount: i.Amount, Status: i.Status, CreatedAt: i.CreatedAt})
	}
	return r
}

type claimRequest struct {
	Destination string `json:"destination"`
	Amount      string `json:"amount"`
}

type transactionResponse struct {
	ID        uuid.UUID `json:"id"`
	Chain     string    `json:"chain"`
	Status    string    `json:"status"`
	ToAddress string    `json:"to_address"`
	Amount    string    `json:"amount"`
	Asset     string    `json:"asset"`
	CreatedAt time.Time `json:"created_at"`
}

type claimResponse struct {
	ID          uuid.UUID            `json:"id"`
	Destination string               `json:"destination"`
	Amount      string               `json:"amount"`
	Transaction *transactionResponse `json:"transaction,omitempty"`
	CreatedAt   time.Time            `json:"created_at"`
}

func claimOf(v application.ClaimView) claimResponse {
	r := claimResponse{ID: v.ID, Destination: v.Destination, Amount: v.Amount, CreatedAt: v.CreatedAt}
	if t := v.Transaction; t != nil {
		r.Transaction = &transactionResponse{ID: t.ID, Chain: t.Chain, Status: t.Status, ToAddress: t.ToAddress,
			Amount: t.Amount.String(), Asset: string(t.Amount.Asset()), CreatedAt: t.CreatedAt}
	}
	return r
}

type songEarningsResponse struct {
	SongID       uuid.UUID `json:"song_id"`
	Title        string    `json:"title"`
	PaidListens  int64     `json:"paid_listens"`
	Gross        string    `json:"gross"`
	PlatformFee  string    `json:"platform_fee"`
	Shareholders string    `json:"shareholders"`
	Net          string    `json:"net"`
}

type totalsResponse struct {
	PaidListens  int64  `json:"paid_listens"`
	Gross        string `json:"gross"`
	PlatformFee  string `json:"platform_fee"`
	Shareholders string `json:"shareholders"`
	Net          string `json:"net"`
}

type earningsResponse struct {
	From   time.Time              `json:"from"`
	To     time.Time              `json:"to"`
	Songs  []songEarningsResponse `json:"songs"`
	Totals totalsResponse         `json:"totals"`
}

func earningsOf(v application.EarningsView) earningsResponse {
	r := earningsResponse{From: v.From, To: v.To, Songs: []songEarningsResponse{}, Totals: totalsResponse{PaidListens: v.Totals.PaidListens,
		Gross: v.Totals.Gross, PlatformFee: v.Totals.PlatformFee, Shareholders: v.Totals.Shareholders, Net: v.Totals.Net}}
	for _, s := range v.Songs {
		r.Songs = append(r.Songs, songEarningsResponse{SongID: s.SongID, Title: s.Title, PaidListens: s.PaidListens, Gross: s.Gross,
			PlatformFee: s.PlatformFee, Shareholders: s.Shareholders, Net: s.Net})
	}
	return r
}
