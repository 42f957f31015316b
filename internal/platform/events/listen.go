package events

import (
	"context"
	"time"
)

const notifyChannel = "platform_events"

// Listen relays committed user events to the observers until ctx ends, reconnecting after
// errors. Events committed while it was disconnected are not replayed here: clients catch up
// with Since.
func (b *Bus) Listen(ctx context.Context) {
	for ctx.Err() == nil {
		if err := b.listenOnce(ctx); err != nil && ctx.Err() == nil {
			b.logger.Warn("event listener disconnected", "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
}

func (b *Bus) listenOnce(ctx context.Context) error {
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "UNLISTEN "+notifyChannel) }()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		e, id, whole, err := parseNotice(n.Payload)
		if err != nil {
			continue
		}
		if !whole {
			if e, err = b.Load(ctx, id); err != nil {
				b.logger.Warn("load notified event", "event_id", id, "error", err)
				continue
			}
		}
		b.mu.RLock()
		observers := b.observers
		b.mu.RUnlock()
		for _, o := range observers {
			o(e)
		}
	}
}
