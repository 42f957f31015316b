// Package stripe is the payment context's adapter for Stripe (stripe-go v76): PaymentIntents,
// refunds and webhook verification. STRIPE_API_URL points it at stripe-mock or another
// Stripe-compatible endpoint.
package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	stripego "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment/application"
)

// Gateway implements application.Gateway with a Stripe client.
type Gateway struct {
	api *client.API
}

var _ application.Gateway = (*Gateway)(nil)

// NewGateway builds a client for secretKey; apiURL overrides Stripe's API base (empty: Stripe).
func NewGateway(secretKey, apiURL string, timeout time.Duration) *Gateway {
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	cfg := &stripego.BackendConfig{
		HTTPClient:        &http.Client{Timeout: timeout},
		MaxNetworkRetries: stripego.Int64(2),
		LeveledLogger:     &stripego.LeveledLogger{Level: stripego.LevelNull},
	}
	if apiURL != "" {
		cfg.URL = stripego.String(strings.TrimRight(apiURL, "/"))
	}
	api := &client.API{}
	api.Init(secretKey, stripego.NewBackendsWithConfig(cfg))
	return &Gateway{api: api}
}

func cents(a money.Amount) (int64, error) {
	c, exact := a.Cents()
	if !exact {
		return 0, money.ErrInvalidAmount.WithMessage("card amounts must be whole cents")
	}
	return c, nil
}

// CreateIntent creates a PaymentIntent, passing the idempotency key to Stripe so that a retry
// returns the same intent.
func (g *Gateway) CreateIntent(ctx context.Context, in application.CreateIntent) (application.Intent, error) {
	c, err := cents(in.Amount)
	if err != nil {
		return application.Intent{}, err
	}
	p := &stripego.PaymentIntentParams{
		Amount:             stripego.Int64(c),
		Currency:           stripego.String(strings.ToLower(in.Currency)),
		PaymentMethodTypes: stripego.StringSlice([]string{"card"}),
	}
	p.Context = ctx
	p.SetIdempotencyKey(in.IdempotencyKey)
	p.AddMetadata("payment_id", in.PaymentID.String())
	p.AddMetadata("user_id", in.UserID.String())
	pi, err := g.api.PaymentIntents.New(p)
	if err != nil {
		return application.Intent{}, translate(err)
	}
	return intentOf(pi), nil
}

// GetIntent reads a PaymentIntent's current state.
func (g *Gateway) GetIntent(ctx context.Context, id string) (application.Intent, error) {
	p := &stripego.PaymentIntentParams{}
	p.Context = ctx
	pi, err := g.api.PaymentIntents.Get(id, p)
	if err != nil {
		return application.Intent{}, translate(err)
	}
	return intentOf(pi), nil
}

// Refund refunds part of a PaymentIntent.
func (g *Gateway) Refund(ctx context.Context, intentID string, amount money.Amount, key string) (string, error) {
	c, err := cents(amount)
	if err != nil {
		return "", err
	}
	p := &stripego.RefundParams{PaymentIntent: stripego.String(intentID), Amount: stripego.Int64(c)}
	p.Context = ctx
	p.SetIdempotencyKey(key)
	r, err := g.api.Refunds.New(p)
	if err != nil {
		return "", translate(err)
	}
	return r.ID, nil
}

func intentOf(pi *stripego.PaymentIntent) application.Intent {
	in := application.Intent{ID: pi.ID, ClientSecret: pi.ClientSecret, Status: string(pi.Status)}
	if id, err := uuid.Parse(pi.Metadata["payment_id"]); err == nil {
		in.PaymentID = id
	}
	received := pi.AmountReceived
	if received == 0 && pi.Status == stripego.PaymentIntentStatusSucceeded {
		received = pi.Amount
	}
	if a, err := money.FromCents(received); err == nil && received >= 0 {
		in.AmountReceived = a
	}
	if pi.LastPaymentError != nil {
		in.FailureReason = string(pi.LastPaymentError.Code)
		if in.FailureReason == "" {
			in.FailureReason = pi.LastPaymentError.Msg
		}
	}
	if pi.Status == stripego.PaymentIntentStatusCanceled && in.FailureReason == "" {
		in.FailureReason = "canceled: " + string(pi.CancellationReason)
	}
	return in
}

// translate keeps Stripe's error text for logs only.
func translate(err error) error {
	var se *stripego.Error
	if errors.As(err, &se) {
		switch {
		case se.HTTPStatusCode >= 500 || se.HTTPStatusCode == 0 || se.HTTPStatusCode == http.StatusTooManyRequests:
			return application.ErrGatewayFailed.Wrap(err)
		default:
			return application.ErrGatewayRefused.Wrap(err)
		}
	}
	return application.ErrGatewayFailed.Wrap(err)
}

// signatureTime reads t= of a Stripe-Signature header ("t=1700000000,v1=...").
func signatureTime(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return time.Time{}, false
			}
			return time.Unix(n, 0), true
		}
	}
	return time.Time{}, false
}

// Verifier implements application.WebhookVerifier with the endpoint's signing secret.
type Verifier struct {
	secret string
}

// NewVerifier builds a verifier for the webhook signing secret.
func NewVerifier(secret string) *Verifier { return &Verifier{secret: secret} }

// Verify checks the Stripe-Signature header (with Stripe's default five-minute tolerance, both
// ways: the library only refuses old signatures, so a timestamp more than five minutes in the
// future is refused here) and decodes the event. Events of any API version are accepted: only
// stable fields are read.
func (v *Verifier) Verify(payload []byte, header string) (application.WebhookEvent, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, header, v.secret, webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return application.WebhookEvent{}, application.ErrBadSignature.Wrap(err)
	}
	if ts, ok := signatureTime(header); !ok || time.Until(ts) > webhook.DefaultTolerance {
		return application.WebhookEvent{}, application.ErrBadSignature.WithMessage("the webhook signature is dated in the future")
	}
	out := application.WebhookEvent{ID: ev.ID, Type: string(ev.Type)}
	if strings.HasPrefix(out.Type, "payment_intent.") && ev.Data != nil {
		var pi stripego.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
			return application.WebhookEvent{}, application.ErrBadSignature.WithMessage("the event's payment intent could not be read").Wrap(err)
		}
		in := intentOf(&pi)
		out.Intent = &in
	}
	// JSON may spell a NUL (\u0000), which Postgres text refuses: such an event could never be
	// recorded, so it is refused here (found by FuzzWebhookPayload).
	texts := []string{out.ID, out.Type}
	if out.Intent != nil {
		texts = append(texts, out.Intent.ID, out.Intent.Status, out.Intent.FailureReason, out.Intent.ClientSecret)
	}
	for _, t := range texts {
		if strings.IndexByte(t, 0) >= 0 || !utf8.ValidString(t) {
			return application.WebhookEvent{}, application.ErrBadSignature.WithMessage("the event holds text that cannot be stored")
		}
	}
	return out, nil
}

// SignTestSucceeded builds a payment_intent.succeeded event for intentID with amountCents
// received, signed with the webhook secret the way Stripe signs deliveries: the local card
// setup (stripe-mock sends no webhooks) confirms a test payment through the real webhook path.
// eventID makes the event unique; now is the signature's timestamp.
func SignTestSucceeded(secret, eventID, intentID string, amountCents int64, now time.Time) (payload []byte, header string, err error) {
	payload, err = json.Marshal(map[string]any{"id": eventID, "object": "event", "type": "payment_intent.succeeded",
		"api_version": stripego.APIVersion, "created": now.Unix(), "livemode": false,
		"data": map[string]any{"object": map[string]any{"id": intentID, "object": "payment_intent", "amount": amountCents,
			"amount_received": amountCents, "currency": "usd", "status": "succeeded"}}})
	if err != nil {
		return nil, "", err
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: now})
	return signed.Payload, signed.Header, nil
}

// Deliver posts a webhook body with its Stripe-Signature header to the server's own webhook
// endpoint and returns the answer's status and body.
type Deliver func(ctx context.Context, payload []byte, signature string) (status int, body []byte, err error)

// LocalWebhookSender implements application.TestWebhookSender for the local card setup.
type LocalWebhookSender struct {
	secret  string
	deliver Deliver
	now     func() time.Time
}

var _ application.TestWebhookSender = (*LocalWebhookSender)(nil)

// NewLocalWebhookSender signs with secret and delivers through deliver.
func NewLocalWebhookSender(secret string, deliver Deliver, now func() time.Time) *LocalWebhookSender {
	return &LocalWebhookSender{secret: secret, deliver: deliver, now: now}
}

// SendSucceeded signs a fresh payment_intent.succeeded event and delivers it; a webhook answer
// other than 200 is an error carrying the endpoint's body.
func (s *LocalWebhookSender) SendSucceeded(ctx context.Context, intentID string, amountCents int64) error {
	payload, header, err := SignTestSucceeded(s.secret, "evt_local_"+strings.ReplaceAll(uuid.NewString(), "-", ""), intentID, amountCents, s.now())
	if err != nil {
		return err
	}
	status, body, err := s.deliver(ctx, payload, header)
	if err != nil {
		return application.ErrGatewayFailed.WithMessage("the local webhook could not be delivered").Wrap(err)
	}
	if status != http.StatusOK {
		return application.ErrGatewayFailed.WithMessage("the local webhook answered " + http.StatusText(status) + ": " + string(body))
	}
	return nil
}
