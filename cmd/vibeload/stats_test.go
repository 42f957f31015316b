package main

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHistogramQuantilesWithinTwoPercent(t *testing.T) {
	var h histogram
	for i := 1; i <= 100_000; i++ { // 1 µs .. 100 ms, uniform
		h.record(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want float64 // ms
	}{{0.5, 50}, {0.95, 95}, {0.99, 99}} {
		t.Run(time.Duration(tc.q*1000).String(), func(t *testing.T) {
			assert.InEpsilon(t, tc.want, h.quantile(tc.q), 0.02)
		})
	}
	assert.Equal(t, uint64(100_000), h.max.Load())
	assert.Equal(t, 100.0, h.quantile(1))
}

func TestBucketsAreContiguousAndOrdered(t *testing.T) {
	prev := -1
	for us := uint64(0); us < 1<<20; us += 7 {
		b := bucketOf(us)
		require.GreaterOrEqual(t, b, prev, "bucket of %d", us)
		require.LessOrEqual(t, bucketValue(b), us, "lower bound of the bucket of %d", us)
		require.Greater(t, float64(bucketValue(b))*1.016+1, float64(us), "precision at %d", us)
		prev = b
	}
}

func TestMixPicksByWeight(t *testing.T) {
	m, err := parseMix("browse=1,listen=3,trade=0")
	require.NoError(t, err)
	assert.Equal(t, "browse", m.pick(0.1))
	assert.Equal(t, "listen", m.pick(0.3))
	assert.Equal(t, "listen", m.pick(0.99))
	assert.False(t, m.has("trade"), "a zero weight is never picked")
	for _, bad := range []string{"dance=1", "browse", "browse=-1", "browse=0"} {
		_, err := parseMix(bad)
		assert.Error(t, err, bad)
	}
}

func TestFlags(t *testing.T) {
	_, err := parseFlags([]string{"-users", "10"}, io.Discard)
	assert.ErrorContains(t, err, "-urls is required")
	_, err = parseFlags([]string{"-urls", "ftp://x"}, io.Discard)
	assert.Error(t, err)
	c, err := parseFlags([]string{"-urls", "http://a:1/, http://b:2", "-users", "5", "-duration", "10s", "-admin-email", "a@b.c"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"http://a:1", "http://b:2"}, c.urls)
	assert.Equal(t, 2*time.Second, c.ramp, "a fifth of the duration by default")
	assert.Equal(t, 1.0, c.fundVIBE, "VIBE for withdrawals when the mix withdraws and an admin funds")
}
