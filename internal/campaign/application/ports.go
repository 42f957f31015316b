// Package application holds the campaign context's use cases: creating and changing drafts, the
// lifecycle (activate with the budget held, pause, resume, end, the schedule), the boost paid to
// listens from the held budget, and the artist's queries.
package application

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/campaign/domain"
	"github.com/vibestream/vibestream/internal/kernel/money"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// Songs is what the context asks the music catalog.
type Songs interface {
	Song(ctx context.Context, id uuid.UUID) (musiccontracts.SongSummary, error)
}

// Ledger is the part of the payment ledger a campaign's budget moves through.
type Ledger interface {
	OpenUserAccounts(ctx context.Context, owner uuid.UUID) error
	Hold(ctx context.Context, req paymentcontracts.HoldRequest) (paymentcontracts.HoldReceipt, error)
	Settle(ctx context.Context, req paymentcontracts.SettleRequest) (paymentcontracts.Receipt, error)
	Release(ctx context.Context, req paymentcontracts.ReleaseRequest) (paymentcontracts.Receipt, error)
}

// Metrics records the business metrics (a no-op when nil).
type Metrics interface {
	Transition(to domain.Status)
	Boosted(extra money.Amount)
	Refused(reason string)
}

type noMetrics struct{}

func (noMetrics) Transition(domain.Status) {}
func (noMetrics) Boosted(money.Amount)     {}
func (noMetrics) Refused(string)           {}

var errNilDependency = errors.New("campaign application: a required dependency is nil")

// Deps are the ports every use case draws from.
type Deps struct {
	Campaigns domain.Campaigns
	Boosts    domain.Boosts
	Songs     Songs
	Ledger    Ledger
	Metrics   Metrics
	Now       func() time.Time
	NewID     func() uuid.UUID
	// StaleAfter is how old an unfinished activation (or an unsettled boost) must be before
	// the lifecycle job finishes it.
	StaleAfter time.Duration
}

func (d *Deps) check() error {
	if d.Campaigns == nil || d.Boosts == nil || d.Songs == nil || d.Ledger == nil || d.Now == nil || d.NewID == nil {
		return errNilDependency
	}
	if d.Metrics == nil {
		d.Metrics = noMetrics{}
	}
	if d.StaleAfter <= 0 {
		d.StaleAfter = time.Minute
	}
	return nil
}

// Idempotency keys of the ledger commands, derived from the campaign or the session so that
// every retry (a client's, the job's) repeats the same command.
func holdKey(id uuid.UUID) string       { return "campaign-hold:" + id.String() }
func releaseKey(id uuid.UUID) string    { return "campaign-release:" + id.String() }
func boostKey(session uuid.UUID) string { return "campaign-boost:" + session.String() }

// settleRequest is the ledger command paying one boost; built in one place so the job and the
// listen flow send byte-identical requests under the same key.
func settleRequest(holdID uuid.UUID, p domain.BoostPayment) paymentcontracts.SettleRequest {
	return paymentcontracts.SettleRequest{IdempotencyKey: boostKey(p.SessionID), HoldID: holdID,
		To: []paymentcontracts.Credit{{To: paymentcontracts.UserAccount(p.ListenerID, money.VIBE, paymentcontracts.KindRewards), Amount: p.Extra}},
		Details: paymentcontracts.Details{Reason: "campaign_boost",
			Metadata: map[string]string{"campaign_id": p.CampaignID.String(), "session_id": p.SessionID.String()}}}
}
