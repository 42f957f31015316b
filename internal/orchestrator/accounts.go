// Package orchestrator holds the cross-context workflows (process managers): each subscribes
// to one context's integration events and drives another through its contracts.
package orchestrator

import (
	"context"
	"fmt"

	paymentcontracts "github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Subscriber is the part of the event bus a workflow needs.
type Subscriber interface {
	Subscribe(name, eventType string, h events.Handler)
}

// OpenAccountsSubscriber names the account-opening workflow's subscription.
const OpenAccountsSubscriber = "orchestrator.open_payment_accounts"

// OpenAccountsOnRegistration opens a new user's ledger accounts when user.registered.v1
// arrives. Opening is idempotent, so a redelivered event is harmless.
func OpenAccountsOnRegistration(bus Subscriber, ledger paymentcontracts.Ledger) {
	bus.Subscribe(OpenAccountsSubscriber, usercontracts.UserRegisteredV1, func(ctx context.Context, e events.Envelope) error {
		var p usercontracts.UserRegistered
		if err := e.Decode(&p); err != nil {
			return err
		}
		if err := ledger.OpenUserAccounts(ctx, p.UserID); err != nil {
			return fmt.Errorf("open accounts of %s: %w", p.UserID, err)
		}
		return nil
	})
}
