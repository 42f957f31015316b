package stripe_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/payment/infrastructure/stripe"
)

// FuzzWebhookPayload delivers any payload to the webhook verifier, either correctly signed
// (at any time offset) so that it reaches the event decoding, or with any Stripe-Signature
// header. Nothing panics; every refusal is payment.webhook_signature_invalid (a 400); what is
// accepted was signed with our secret within five minutes either way, is one JSON event with
// a type, holds no NUL or invalid UTF-8 in what is stored, and never a negative
// amount.
func FuzzWebhookPayload(f *testing.F) {
	const secret = "whsec_fuzz"
	ok, _, _ := stripe.SignTestSucceeded(secret, "evt_1", "pi_1", 2500, time.Unix(1_800_000_000, 0))
	f.Add(ok, true, int64(0), "")
	f.Add(ok, true, int64(301), "")
	f.Add(ok, true, int64(-301), "")
	f.Add(ok, false, int64(0), "t=1800000000,v1=00")
	f.Add([]byte(`{"id":"evt_\u0000","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_\u0000","amount_received":-5,"status":"succeeded"}}}`), true, int64(0), "")
	f.Add([]byte("{\"id\":\"evt_\xff\",\"type\":\"charge.refunded\",\"data\":{\"object\":{}}}"), true, int64(0), "")
	f.Add([]byte(`{"id":"evt_2","type":"payment_intent.payment_failed","data":{"object":{"id":"pi_2","metadata":{"payment_id":"nope"},"last_payment_error":{"code":"card_declined"}}}}`), true, int64(0), "")
	f.Add([]byte(`{"id":"evt_3","type":"payment_intent.succeeded","data":{"object":{"id":"pi_3","amount":9223372036854775807,"status":"succeeded"}}}`), true, int64(0), "")
	f.Add([]byte(`[]`), true, int64(0), "")
	f.Add([]byte(``), false, int64(0), "t=,v1=")
	v := stripe.NewVerifier(secret)
	f.Fuzz(func(t *testing.T, payload []byte, sign bool, offset int64, header string) {
		now := time.Now()
		if sign {
			offset %= 3600
			signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: now.Add(time.Duration(offset) * time.Second)})
			header = signed.Header
		}
		ev, err := v.Verify(payload, header)
		if err != nil {
			if !errors.Is(err, application.ErrBadSignature) {
				t.Fatalf("Verify = %v, want payment.webhook_signature_invalid", err)
			}
			return
		}
		if !sign && !strings.Contains(header, "v1=") {
			t.Fatalf("accepted a payload without a v1 signature: %q", header)
		}
		if sign && (offset > 300 || offset < -300) {
			t.Fatalf("accepted a signature %d s away", offset)
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(payload, &top) != nil {
			t.Fatalf("accepted a payload that is not a JSON object")
		}
		for _, s := range []string{ev.ID, ev.Type} {
			if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
				t.Fatalf("accepted %q", s)
			}
		}
		if ev.Intent != nil { // nil for an event without data: the handler only records it
			for _, s := range []string{ev.Intent.ID, ev.Intent.Status, ev.Intent.FailureReason} {
				if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
					t.Fatalf("accepted %q in the intent", s)
				}
			}
			if ev.Intent.AmountReceived.IsNegative() {
				t.Fatalf("a negative amount received: %s", ev.Intent.AmountReceived)
			}
		}
	})
}
