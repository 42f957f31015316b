package application

import (
	"context"
	"errors"
	"log/slog"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/ownership/domain"
	paycontracts "github.com/vibestream/vibestream/internal/payment/contracts"
)

// AccrueStream credits a paid stream's pool part to the song's shareholders: one update of
// the song's accumulator whatever the number of holders, recorded once per session.
type AccrueStream struct {
	markets domain.Markets
	metrics Metrics
	logger  *slog.Logger
	now     Clock
}

// NewAccrueStream builds the handler.
func NewAccrueStream(markets domain.Markets, metrics Metrics, logger *slog.Logger, now Clock) (*AccrueStream, error) {
	if markets == nil || now == nil {
		return nil, errNilDependency
	}
	if metrics == nil {
		metrics = noMetrics{}
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &AccrueStream{markets: markets, metrics: metrics, logger: logger, now: now}, nil
}

// Handle accrues one payment.stream_paid.v1 payload; a redelivery changes nothing.
func (h *AccrueStream) Handle(ctx context.Context, p paycontracts.StreamPaid) error {
	amt, err := money.Parse(money.USD, p.Shareholders)
	if err != nil || amt.IsNegative() {
		return domain.ErrInvalidPrice.WithMessage("stream_paid carries an invalid shareholders amount")
	}
	if amt.IsZero() {
		return nil
	}
	var fresh bool
	err = h.markets.With(ctx, p.SongID, func(ctx context.Context, m domain.Market) error {
		var err error
		if fresh, err = m.AccrueOnce(ctx, p.SessionID, amt.Units(), h.now()); err != nil || !fresh {
			return err
		}
		return m.Song().Accrue(amt.Units())
	})
	if errors.Is(err, domain.ErrSongNotOffered) {
		// The listen economy sends 0 to the pool until an offering exists; money for a song
		// without a register stays in its pool account, visible in the ledger.
		h.logger.WarnContext(ctx, "stream paid to the pool of a song without an offering", "song_id", p.SongID, "session_id", p.SessionID,
			"amount", amt.String())
		return nil
	}
	if err == nil && fresh {
		h.metrics.RoyaltyAccrued(amt.Units())
	}
	return err
}
