package payment_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/payment"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	uuidRe   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	intentRe = regexp.MustCompile(`pi_[A-Za-z0-9]+`)
	secretRe = regexp.MustCompile(`"client_secret":"[^"]*"`)
	refundRe = regexp.MustCompile(`re_[A-Za-z0-9]+`)
)

// golden compares a response body, with ids normalised and indented, to testdata/<name>.json.
func golden(t *testing.T, name string, body []byte) {
	t.Helper()
	b := uuidRe.ReplaceAll(body, []byte("00000000-0000-0000-0000-000000000000"))
	b = intentRe.ReplaceAll(b, []byte("pi_X"))
	b = refundRe.ReplaceAll(b, []byte("re_X"))
	b = secretRe.ReplaceAll(b, []byte(`"client_secret":"pi_X_secret"`))
	var out bytes.Buffer
	require.NoError(t, json.Indent(&out, b, "", "  "))
	out.WriteByte('\n')
	path := filepath.Join("testdata", name+".json")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./internal/payment/ -run Golden -update")
	assert.Equal(t, string(want), out.String())
}

func TestGoldenResponseShapes(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	en := newEnv(t, func(d *payment.Deps) { d.Now = func() time.Time { return at } })
	u := uuid.New()
	r, top := en.topUp(u, 1234, "golden")
	require.Equal(t, http.StatusCreated, r.Status)
	golden(t, "top_up", r.Body)
	payload, sig := succeededEvent(t, webhookSecret, "evt_golden", top.StripePaymentIntentID, 1234)
	require.Equal(t, http.StatusOK, en.webhook(payload, sig).Status)
	admin := uuid.NewString()
	ref := en.do(http.MethodPost, "/api/v1/payments/"+top.PaymentID.String()+"/refunds", map[string]any{"amount_cents": 234, "reason": "goodwill"},
		"X-Test-User", admin, "X-Test-Admin", "1", "Idempotency-Key", "g")
	require.Equal(t, http.StatusCreated, ref.Status)
	golden(t, "refund", ref.Body)
	g := en.do(http.MethodGet, "/api/v1/payments/"+top.PaymentID.String(), nil, "X-Test-User", u.String())
	golden(t, "payment", g.Body)
	golden(t, "balances", en.do(http.MethodGet, "/api/v1/payments/balances", nil, "X-Test-User", u.String()).Body)
	golden(t, "ledger", en.do(http.MethodGet, "/api/v1/payments/ledger?asset=USD", nil, "X-Test-User", u.String()).Body)
}
