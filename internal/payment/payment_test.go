package payment_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/payment"
	"github.com/vibestream/vibestream/internal/payment/contracts"
	"github.com/vibestream/vibestream/internal/payment/paymenttest"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/jobs"
	"github.com/vibestream/vibestream/internal/platform/observability"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

const webhookSecret = "whsec_test_secret"

// env is the payment context served by echo over a fresh database and stripe-mock (behind a
// proxy that counts PaymentIntent creations).
type env struct {
	t         *testing.T
	pool      *pgxpool.Pool
	mod       *payment.Module
	e         *echo.Echo
	reg       *prometheus.Registry
	intents   atomic.Int64
	stripeURL string
}

func newEnv(t *testing.T, mutate ...func(*payment.Deps)) *env {
	t.Helper()
	en := &env{t: t, pool: pgtest.NewDB(t), reg: prometheus.NewRegistry()}
	target, err := url.Parse(paymenttest.StripeMock(t))
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v1/payment_intents" {
			en.intents.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(counting.Close)
	en.stripeURL = counting.URL
	d := payment.Deps{Pool: en.pool, Registry: en.reg,
		Stripe: payment.StripeConfig{SecretKey: "sk_test_123", WebhookSecret: webhookSecret, APIURL: counting.URL, Timeout: 5 * time.Second}}
	for _, m := range mutate {
		m(&d)
	}
	en.mod, err = payment.New(d)
	require.NoError(t, err)
	en.e = httpx.New(httpx.Options{Logger: observability.DiscardLogger()})
	api := en.e.Group("/api/v1", func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if u := c.Request().Header.Get("X-Test-User"); u != "" {
				perms := []string{usercontracts.PermReadPayment, usercontracts.PermWritePayment}
				if c.Request().Header.Get("X-Test-Admin") != "" {
					perms = append(perms, usercontracts.PermAdminPayments)
				}
				httpx.SetPrincipal(c, httpx.Principal{UserID: uuid.MustParse(u), Permissions: perms})
			}
			return next(c)
		}
	})
	en.mod.Routes(api)
	return en
}

type resp struct {
	Status int
	Body   []byte
	Header http.Header
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.Body, v), string(r.Body))
}

func (r resp) code(t *testing.T) string {
	var b httpx.ErrorBody
	r.json(t, &b)
	return b.Error.Code
}

func (en *env) do(method, path string, body any, hdr ...string) resp {
	en.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(en.t, err)
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	en.e.ServeHTTP(rec, req)
	return resp{Status: rec.Code, Body: rec.Body.Bytes(), Header: rec.Header()}
}

type topUpResp struct {
	PaymentID             uuid.UUID `json:"payment_id"`
	StripePaymentIntentID string    `json:"stripe_payment_intent_id"`
	ClientSecret          string    `json:"client_secret"`
	Status                string    `json:"status"`
	Amount                string    `json:"amount"`
	ReviewRequired        bool      `json:"review_required"`
}

func (en *env) topUp(user uuid.UUID, cents int64, key string) (resp, topUpResp) {
	en.t.Helper()
	r := en.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": cents, "currency": "usd"},
		"X-Test-User", user.String(), httpx.HeaderIdempotencyKey, key)
	var out topUpResp
	if r.Status == http.StatusCreated {
		r.json(en.t, &out)
	}
	return r, out
}

func signedEvent(t *testing.T, secret, id, typ string, object map[string]any) ([]byte, string) {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": "2023-10-16",
		"created": time.Now().Unix(), "data": map[string]any{"object": object}})
	require.NoError(t, err)
	s := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret})
	return s.Payload, s.Header
}

func succeededEvent(t *testing.T, secret, eventID, intentID string, cents int64) ([]byte, string) {
	return signedEvent(t, secret, eventID, "payment_intent.succeeded", map[string]any{"id": intentID, "object": "payment_intent",
		"amount": cents, "amount_received": cents, "currency": "usd", "status": "succeeded"})
}

func (en *env) webhook(payload []byte, sig string) resp {
	return en.do(http.MethodPost, "/api/v1/payments/webhooks/stripe", payload, "Stripe-Signature", sig)
}

func (en *env) available(user uuid.UUID) string {
	en.t.Helper()
	b, err := en.mod.Ledger().Balance(context.Background(), contracts.Wallet(user, money.USD))
	require.NoError(en.t, err)
	return b.String()
}

func TestTopUpRetriedWithItsKeyCreatesOnePaymentIntent(t *testing.T) {
	t.Parallel()
	en := newEnv(t)
	u := uuid.New()
	r1, first := en.topUp(u, 2500, "key-1")
	require.Equal(t, http.StatusCreated, r1.Status, string(r1.Body))
	assert.Equal(t, "processing", first.Status)
	assert.Equal(t, "25.000000", first.Amount)
	assert.NotEmpty(t, first.StripePaymentIntentID)
	assert.NotEmpty(t, first.ClientSecret)

	r2, second := en.topUp(u, 2500, "key-1")
	require.Equal(t, http.StatusCreated, r2.Status)
	assert.Equal(t, first, second)
	assert.Equal(t, "true", r2.Header.Get("Idempotent-Replayed"))
	assert.Equal(t, int64(1), en.intents.Load(), "one PaymentIntent for one key")

	r3, _ := en.topUp(u, 9900, "key-1")
	assert.Equal(t, http.StatusUnprocessableEntity, r3.Status)
	assert.Equal(t, "http.idempotency_key_reused", r3.code(t))

	missing := en.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": 2500, "currency": "usd"}, "X-Test-User", u.String())
	assert.Equal(t, http.StatusBadRequest, missing.Status)
	assert.Equal(t, "http.idempotency_key_required", missing.code(t))

	small, _ := en.topUp(u, 10, "key-2")
	assert.Equal(t, http.StatusUnprocessableEntity, small.Status)
	assert.Equal(t, "payment.amount_out_of_range", small.code(t))

	big, bigOut := en.topUp(u, 1_000_001, "key-3")
	require.Equal(t, http.StatusCreated, big.Status)
	assert.True(t, bigOut.ReviewRequired, "payments over $10,000 are flagged for review")
	assert.Equal(t, int64(2), en.intents.Load())

	anon := en.do(http.MethodPost, "/api/v1/payments/top-ups", map[string]any{"amount_cents": 2500, "currency": "usd"}, httpx.HeaderIdempotencyKey, "k")
	assert.Equal(t, http.StatusUnauthorized, anon.Status)
}

func TestWebhookDeliveredTwiceCreditsOnce(t *testing.T) {
	t.Parallel()
	en := newEnv(t)
	u := uuid.New()
	_, top := en.topUp(u, 2500, "k")
	payload, sig := succeededEvent(t, webhookSecret, "evt_1", top.StripePaymentIntentID, 2500)
	r := en.webhook(payload, sig)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	assert.JSONEq(t, `{"received":true,"handled":true}`, string(r.Body))
	r = en.webhook(payload, sig)
	require.Equal(t, http.StatusOK, r.Status)
	assert.JSONEq(t, `{"received":true,"handled":false}`, string(r.Body))
	// Another event id for the same intent (Stripe may resend as a new event) credits nothing.
	payload2, sig2 := succeededEvent(t, webhookSecret, "evt_2", top.StripePaymentIntentID, 2500)
	require.Equal(t, http.StatusOK, en.webhook(payload2, sig2).Status)
	assert.Equal(t, "25.000000", en.available(u))

	g := en.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID.String(), nil, "X-Test-User", u.String())
	require.Equal(t, http.StatusOK, g.Status)
	var p struct {
		Status string `json:"status"`
		Amount string `json:"amount"`
	}
	g.json(t, &p)
	assert.Equal(t, "succeeded", p.Status)

	bal := en.do(http.MethodGet, "/api/v1/payments/balances", nil, "X-Test-User", u.String())
	require.Equal(t, http.StatusOK, bal.Status)
	assert.JSONEq(t, `{"balances":[{"asset":"USD","available":"25.000000","held":"0.000000","earnings":"0.000000"},
		{"asset":"VIBE","available":"0.000000000","held":"0.000000000","earnings":"0.000000000"}]}`, string(bal.Body))

	led := en.do(http.MethodGet, "/api/v1/payments/ledger?asset=usd", nil, "X-Test-User", u.String())
	require.Equal(t, http.StatusOK, led.Status)
	var page struct {
		Items []struct {
			Kind        string `json:"kind"`
			Account     string `json:"account"`
			Amount      string `json:"amount"`
			ExternalRef string `json:"external_ref"`
		} `json:"items"`
	}
	led.json(t, &page)
	require.Len(t, page.Items, 1)
	assert.Equal(t, "top_up", page.Items[0].Kind)
	assert.Equal(t, "available", page.Items[0].Account)
	assert.Equal(t, "25.000000", page.Items[0].Amount)
	assert.Equal(t, top.StripePaymentIntentID, page.Items[0].ExternalRef)

	other := en.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID.String(), nil, "X-Test-User", uuid.NewString())
	assert.Equal(t, http.StatusNotFound, other.Status, "another user's payment does not exist for them")

	assert.Equal(t, 1.0, testutil.ToFloat64(gaugeOf(t, en.reg, "payment_payments", "succeeded")))
	paymenttest.RequireLedgerConsistent(t, en.pool)
}

func gaugeOf(t *testing.T, reg *prometheus.Registry, name, status string) prometheus.Collector {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "status" && l.GetValue() == status {
					g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x"})
					g.Set(m.GetGauge().GetValue())
					return g
				}
			}
		}
	}
	t.Fatalf("metric %s{status=%q} not found", name, status)
	return nil
}

func TestWebhookWithWrongSignatureChangesNothing(t *testing.T) {
	t.Parallel()
	en := newEnv(t)
	u := uuid.New()
	_, top := en.topUp(u, 2500, "k")
	payload, sig := succeededEvent(t, "whsec_wrong", "evt_1", top.StripePaymentIntentID, 2500)
	r := en.webhook(payload, sig)
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "payment.webhook_signature_invalid", r.code(t))
	r = en.webhook(payload, "")
	assert.Equal(t, http.StatusBadRequest, r.Status)
	assert.Equal(t, "0.000000", en.available(u))
	var events int
	require.NoError(t, en.pool.QueryRow(context.Background(), `SELECT count(*) FROM payment.webhook_events`).Scan(&events))
	assert.Zero(t, events)
	// The same event, correctly signed, is then handled: the bad delivery did not consume it.
	payload, sig = succeededEvent(t, webhookSecret, "evt_1", top.StripePaymentIntentID, 2500)
	require.Equal(t, http.StatusOK, en.webhook(payload, sig).Status)
	assert.Equal(t, "25.000000", en.available(u))
}

func TestWebhookIgnoresUnknownTypesAndFailsPayments(t *testing.T) {
	t.Parallel()
	en := newEnv(t)
	payload, sig := signedEvent(t, webhookSecret, "evt_c", "customer.created", map[string]any{"id": "cus_1", "object": "customer"})
	r := en.webhook(payload, sig)
	require.Equal(t, http.StatusOK, r.Status)
	assert.JSONEq(t, `{"received":true,"handled":true}`, string(r.Body))
	assert.JSONEq(t, `{"received":true,"handled":false}`, string(en.webhook(payload, sig).Body))

	u := uuid.New()
	_, top := en.topUp(u, 2500, "k")
	payload, sig = signedEvent(t, webhookSecret, "evt_f", "payment_intent.payment_failed", map[string]any{"id": top.StripePaymentIntentID,
		"object": "payment_intent", "amount": 2500, "status": "requires_payment_method", "last_payment_error": map[string]any{"code": "card_declined"}})
	require.Equal(t, http.StatusOK, en.webhook(payload, sig).Status)
	g := en.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID.String(), nil, "X-Test-User", u.String())
	var p struct {
		Status        string `json:"status"`
		FailureReason string `json:"failure_reason"`
	}
	g.json(t, &p)
	assert.Equal(t, "failed", p.Status)
	assert.Equal(t, "card_declined", p.FailureReason)
	assert.Equal(t, "0.000000", en.available(u))
}

func TestRefundReversesOnlyWhatTheUserStillHolds(t *testing.T) {
	t.Parallel()
	en := newEnv(t)
	ctx := context.Background()
	u, friend := uuid.New(), uuid.New()
	require.NoError(t, en.mod.Ledger().OpenUserAccounts(ctx, friend))
	_, top := en.topUp(u, 2500, "k")
	payload, sig := succeededEvent(t, webhookSecret, "evt_1", top.StripePaymentIntentID, 2500)
	require.Equal(t, http.StatusOK, en.webhook(payload, sig).Status)
	twenty, _ := money.FromCents(2000)
	_, err := en.mod.Ledger().Transfer(ctx, contracts.TransferRequest{IdempotencyKey: "spend", From: contracts.Wallet(u, money.USD),
		To: []contracts.Credit{{To: contracts.Wallet(friend, money.USD), Amount: twenty}}})
	require.NoError(t, err)

	path := "/api/v1/payments/" + top.PaymentID.String() + "/refunds"
	admin := uuid.NewString()
	forbidden := en.do(http.MethodPost, path, map[string]any{"reason": "x"}, "X-Test-User", u.String(), httpx.HeaderIdempotencyKey, "r1")
	assert.Equal(t, http.StatusForbidden, forbidden.Status)

	r := en.do(http.MethodPost, path, map[string]any{"reason": "customer request"}, "X-Test-User", admin, "X-Test-Admin", "1", httpx.HeaderIdempotencyKey, "r1")
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	var refund struct {
		Amount   string `json:"amount"`
		Reversed string `json:"reversed_in_ledger"`
		Status   string `json:"status"`
		StripeID string `json:"stripe_refund_id"`
	}
	r.json(t, &refund)
	assert.Equal(t, "25.000000", refund.Amount)
	assert.Equal(t, "5.000000", refund.Reversed, "only what the user still held")
	assert.Equal(t, "succeeded", refund.Status)
	assert.NotEmpty(t, refund.StripeID)
	assert.Equal(t, "0.000000", en.available(u))

	again := en.do(http.MethodPost, path, map[string]any{"reason": "again"}, "X-Test-User", admin, "X-Test-Admin", "1", httpx.HeaderIdempotencyKey, "r2")
	assert.Equal(t, http.StatusConflict, again.Status)
	assert.Equal(t, "payment.refund_exceeds_paid", again.code(t))

	g := en.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID.String(), nil, "X-Test-User", admin, "X-Test-Admin", "1")
	require.Equal(t, http.StatusOK, g.Status, "an administrator sees any payment")
	var p struct {
		Refunded string `json:"refunded"`
		Refunds  []any  `json:"refunds"`
	}
	g.json(t, &p)
	assert.Equal(t, "25.000000", p.Refunded)
	assert.Len(t, p.Refunds, 1)
	paymenttest.RequireLedgerConsistent(t, en.pool)
}

func TestWithoutStripeKeyTopUpsAnswer503AndTheRestWorks(t *testing.T) {
	t.Parallel()
	en := newEnv(t, func(d *payment.Deps) { d.Stripe = payment.StripeConfig{} })
	u := uuid.New()
	r, _ := en.topUp(u, 2500, "k")
	assert.Equal(t, http.StatusServiceUnavailable, r.Status)
	assert.Equal(t, "payment.top_ups_unavailable", r.code(t))
	// not stored: once configured, the same key may be used
	var n int
	require.NoError(t, en.pool.QueryRow(context.Background(), `SELECT count(*) FROM platform.idempotency_keys`).Scan(&n))
	assert.Zero(t, n)
	w := en.webhook([]byte(`{}`), "t=1,v1=x")
	assert.Equal(t, http.StatusServiceUnavailable, w.Status)
	assert.Equal(t, "payment.webhooks_unavailable", w.code(t))
	b := en.do(http.MethodGet, "/api/v1/payments/balances", nil, "X-Test-User", u.String())
	assert.Equal(t, http.StatusOK, b.Status)
	l := en.do(http.MethodGet, "/api/v1/payments/ledger?asset=VIBE", nil, "X-Test-User", u.String())
	assert.Equal(t, http.StatusOK, l.Status)
	assert.JSONEq(t, `{"items":[]}`, string(l.Body))
}

func TestStripeOutageLeavesPaymentPendingAndReconciliationCreatesTheIntent(t *testing.T) {
	t.Parallel()
	en := newEnv(t, func(d *payment.Deps) { d.Stripe.APIURL = "http://127.0.0.1:1" })
	u := uuid.New()
	r, _ := en.topUp(u, 2500, "k")
	assert.Equal(t, http.StatusServiceUnavailable, r.Status)
	assert.Equal(t, "payment.gateway_unavailable", r.code(t))
	var status string
	require.NoError(t, en.pool.QueryRow(context.Background(), `SELECT status FROM payment.payments WHERE user_id = $1`, u).Scan(&status))
	assert.Equal(t, "pending", status)

	// Stripe is back: reconciliation (another instance, same database) creates the intent.
	healthy, err := payment.New(payment.Deps{Pool: en.pool, Stripe: payment.StripeConfig{SecretKey: "sk_test_123", APIURL: en.stripeURL}})
	require.NoError(t, err)
	res, err := healthy.Reconcile(context.Background(), 0)
	require.NoError(t, err)
	assert.Equal(t, 1, res.IntentsCreated)
	require.NoError(t, en.pool.QueryRow(context.Background(), `SELECT status FROM payment.payments WHERE user_id = $1`, u).Scan(&status))
	assert.Equal(t, "processing", status)
}

func TestLedgerHistoryPaginates(t *testing.T) {
	t.Parallel()
	en := newEnv(t)
	ctx := context.Background()
	u := uuid.New()
	require.NoError(t, en.mod.Ledger().OpenUserAccounts(ctx, u))
	for i := range 5 {
		_, err := en.mod.Ledger().Transfer(ctx, contracts.TransferRequest{IdempotencyKey: fmt.Sprintf("reward:%d", i),
			From: contracts.System(contracts.KindRewardPool, money.VIBE),
			To:   []contracts.Credit{{To: contracts.Wallet(u, money.VIBE), Amount: money.MustNew(money.VIBE, int64(i+1))}}})
		require.NoError(t, err)
	}
	var amounts []string
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		r := en.do(http.MethodGet, "/api/v1/payments/ledger?asset=VIBE&limit=2&cursor="+cursor, nil, "X-Test-User", u.String())
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		var page struct {
			Items []struct {
				Amount string `json:"amount"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		r.json(t, &page)
		for _, it := range page.Items {
			amounts = append(amounts, it.Amount)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	assert.Equal(t, []string{"0.000000005", "0.000000004", "0.000000003", "0.000000002", "0.000000001"}, amounts, "newest first, exact")
	bad := en.do(http.MethodGet, "/api/v1/payments/ledger?cursor=!!", nil, "X-Test-User", u.String())
	assert.Equal(t, http.StatusBadRequest, bad.Status)
	assert.True(t, strings.Contains(string(bad.Body), "http.invalid_cursor"))
}

// The reconciliation runs as a River periodic job: a payment left pending by a Stripe outage
// gets its PaymentIntent once Stripe answers again, without anyone calling the API.
func TestReconciliationRunsAsAPeriodicJob(t *testing.T) {
	t.Parallel()
	down := newEnv(t, func(d *payment.Deps) { d.Stripe.APIURL = "http://127.0.0.1:1" })
	u := uuid.New()
	r, _ := down.topUp(u, 2500, "k")
	require.Equal(t, http.StatusServiceUnavailable, r.Status)

	runner := jobs.NewRunner(down.pool, jobs.Options{FetchPollInterval: 50 * time.Millisecond, Logger: observability.DiscardLogger()})
	_, err := payment.New(payment.Deps{Pool: down.pool, Runner: runner, Logger: observability.DiscardLogger(),
		Stripe:         payment.StripeConfig{SecretKey: "sk_test_123", APIURL: down.stripeURL},
		ReconcileEvery: 200 * time.Millisecond, ReconcileAfter: time.Nanosecond})
	require.NoError(t, err)
	require.NoError(t, runner.Start(context.Background()))
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })

	deadline := time.Now().Add(60 * time.Second) // River elects a leader first; slow on a loaded machine
	status := ""
	for time.Now().Before(deadline) {
		require.NoError(t, down.pool.QueryRow(context.Background(), `SELECT status FROM payment.payments WHERE user_id = $1`, u).Scan(&status))
		if status == "processing" {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling a condition with a deadline
	}
	assert.Equal(t, "processing", status)
	assert.Equal(t, int64(1), down.intents.Load(), "one PaymentIntent, created by the job")
}
