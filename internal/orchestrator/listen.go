package orchestrator

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/kernel/money"
	listencontracts "github.com/vibestream/vibestream/internal/listenreward/contracts"
	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
)

// Subscriber names of the listen flow.
const (
	PayListenSubscriber     = "orchestrator.pay_qualified_listen"
	ReleaseListenSubscriber = "orchestrator.release_rejected_listen"
	RewardListenSubscriber  = "orchestrator.reward_paid_listen"
)

// Releaser returns a hold to its owner (the payment ledger).
type Releaser interface {
	Release(ctx context.Context, req paymentcontracts.ReleaseRequest) (paymentcontracts.Receipt, error)
}

// Foreground is told while a step of the flow runs (platform/jobs.Foreground), so that
// CPU-heavy background work (the prover) yields to the flow.
type Foreground interface {
	Begin() (end func())
}

type noForeground struct{}

func (noForeground) Begin() func() { return func() {} }

// ListenFlow wires the qualified-listen workflow: listenreward.listen_qualified.v1 -> payment
// settles the hold as one split entry (payment.stream_paid.v1, written in that transaction);
// listenreward.listen_rejected.v1 -> the hold is released; payment.stream_paid.v1 -> the
// listen is recorded paid, its reward issued, and the prover told. Every step is keyed on the
// session, so a redelivery after a crash between any two steps repeats nothing.
//
// fg, when set, is told while a step runs, so CPU-heavy background work (the prover) yields to
// the flow.
func ListenFlow(bus Subscriber, payments paymentcontracts.StreamPayments, ledger Releaser,
	listens listencontracts.Listens, rewards listencontracts.Rewards, prover listencontracts.ListenProver, fg Foreground) {
	if prover == nil {
		prover = listencontracts.NoProver{}
	}
	if fg == nil {
		fg = noForeground{}
	}
	sub := func(name, typ string, h events.Handler) {
		bus.Subscribe(name, typ, func(ctx context.Context, e events.Envelope) error {
			defer fg.Begin()()
			return h(ctx, e)
		})
	}
	sub(PayListenSubscriber, listencontracts.ListenQualifiedV1, func(ctx context.Context, e events.Envelope) error {
		var p listencontracts.ListenQualified
		if err := e.Decode(&p); err != nil {
			return err
		}
		sp := paymentcontracts.StreamPayment{SessionID: p.SessionID, HoldID: p.HoldID, SongID: p.SongID, ListenerID: p.ListenerID,
			ArtistUserID: p.ArtistUserID, QualifiedAt: p.QualifiedAt}
		for _, x := range []struct {
			dst *money.Amount
			s   string
		}{{&sp.Price, p.Price}, {&sp.PlatformFee, p.PlatformFee}, {&sp.Shareholders, p.Shareholders}, {&sp.Artist, p.Artist}} {
			a, err := money.Parse(money.USD, x.s)
			if err != nil {
				return fmt.Errorf("listen %s: amount %q: %w", p.SessionID, x.s, err)
			}
			*x.dst = a
		}
		if _, err := payments.PayStream(ctx, sp); err != nil {
			return fmt.Errorf("pay listen %s: %w", p.SessionID, err)
		}
		return nil
	})
	sub(ReleaseListenSubscriber, listencontracts.ListenRejectedV1, func(ctx context.Context, e events.Envelope) error {
		var p listencontracts.ListenRejected
		if err := e.Decode(&p); err != nil {
			return err
		}
		if p.HoldID == uuid.Nil {
			return nil // a preview, an own song or a start that never held: nothing to release
		}
		if _, err := ledger.Release(ctx, paymentcontracts.ReleaseRequest{IdempotencyKey: "listen-release:" + p.SessionID.String(),
			HoldID: p.HoldID, Details: paymentcontracts.Details{Reason: "stream_hold_released",
				Metadata: map[string]string{"session_id": p.SessionID.String()}}}); err != nil {
			return fmt.Errorf("release hold of listen %s: %w", p.SessionID, err)
		}
		return nil
	})
	sub(RewardListenSubscriber, paymentcontracts.StreamPaidV1, func(ctx context.Context, e events.Envelope) error {
		var p paymentcontracts.StreamPaid
		if err := e.Decode(&p); err != nil {
			return err
		}
		if err := listens.ListenPaid(ctx, p.SessionID, p.EntryID, p.PaidAt); err != nil {
			return fmt.Errorf("record payment of listen %s: %w", p.SessionID, err)
		}
		if err := rewards.IssueReward(ctx, p.SessionID); err != nil {
			return fmt.Errorf("reward listen %s: %w", p.SessionID, err)
		}
		if err := prover.ProveListen(ctx, p.SessionID); err != nil {
			return fmt.Errorf("prove listen %s: %w", p.SessionID, err)
		}
		return nil
	})
}
