package devchain

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The local card peer: stripe-mock on loopback answers the Stripe API, and Stop ends it.
func TestStripeMockStartsOnLoopbackAndStops(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := StartStripeMock(ctx, StripeMockOptions{LogFile: t.TempDir() + "/stripe-mock.log"})
	if err != nil {
		t.Fatalf("%v (run `make tools`)", err)
	}
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, p.URL())
	req, _ := http.NewRequest(http.MethodGet, p.URL()+"/v1/balance", nil)
	req.Header.Set("Authorization", "Bearer sk_test_local")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	require.True(t, p.Alive())
	p.Stop()
	select {
	case <-p.Done():
	default:
		t.Fatal("stripe-mock still runs after Stop")
	}
	assert.False(t, p.Alive())
}

func TestStripeMockMissingBinaryIsAClearError(t *testing.T) {
	_, err := StartStripeMock(context.Background(), StripeMockOptions{Bin: t.TempDir() + "/no-such-stripe-mock"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "start stripe-mock")
}
