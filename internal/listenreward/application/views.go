package application

import (
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
)

// PaymentView is the split of a qualified session and where its payment is.
type PaymentView struct {
	Price, PlatformFee, Shareholders, Artist string
	// Status is "pending" until the ledger settled the hold, then "paid".
	Status string
	PaidAt *time.Time
}

// RewardView is a session's reward; Status "pending" while it is being issued.
type RewardView struct {
	Amount string
	Status string
}

// SessionView is what the API shows of a session.
type SessionView struct {
	ID, SongID            uuid.UUID
	Status                string
	Price                 string
	PreviewOnly           bool
	StreamURL             string
	Quality               string
	MaxBytes              int64
	StartedAt, ExpiresAt  time.Time
	QualifiesAfterSeconds int
	ListenedSeconds       int
	PositionSeconds       int
	Reasons               []string
	EndedBy               string
	DecidedAt             *time.Time
	Payment               *PaymentView
	Reward                *RewardView
}

func sessionView(s *domain.Session, r *domain.Reward, p domain.Policy) SessionView {
	v := SessionView{ID: s.ID(), SongID: s.Song().ID, Status: string(s.Status()), Price: s.Song().Price.String(),
		PreviewOnly: s.PreviewOnly(), StreamURL: s.Stream().URL, Quality: s.Stream().Quality, MaxBytes: s.Stream().MaxBytes,
		StartedAt: s.StartedAt(), ExpiresAt: s.ExpiresAt(),
		QualifiesAfterSeconds: int((s.QualifiesAfter(p) + time.Second - 1) / time.Second),
		ListenedSeconds:       s.Listened(), PositionSeconds: s.Position(), Reasons: []string{}, EndedBy: string(s.EndedBy()),
		DecidedAt: s.DecidedAt()}
	if v.Status == string(domain.StatusPending) {
		v.Status = string(domain.StatusActive) // a start still recording its hold is shown as started
	}
	for _, x := range s.Reasons() {
		v.Reasons = append(v.Reasons, string(x))
	}
	if sp := s.Split(); sp != nil && s.Status() == domain.StatusQualified {
		st := "pending"
		if s.Payment() == domain.PaymentPaid {
			st = "paid"
		}
		v.Payment = &PaymentView{Price: sp.Price.String(), PlatformFee: sp.PlatformFee.String(), Shareholders: sp.Shareholders.String(),
			Artist: sp.Artist.String(), Status: st, PaidAt: s.PaidAt()}
		v.Reward = &RewardView{Amount: "0.000000000", Status: string(domain.RewardPending)}
		if r != nil {
			v.Reward = &RewardView{Amount: r.Amount().String(), Status: string(r.Status())}
		}
	}
	return v
}
