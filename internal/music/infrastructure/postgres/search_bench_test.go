package postgres_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/postgres"
	"github.com/vibestream/vibestream/internal/platform/pgtest"
	pg "github.com/vibestream/vibestream/internal/platform/postgres"
)

// vocabulary for the seeded catalog: titles, artist names and genres are drawn from it, so
// queries (and their typos) hit realistic word distributions.
var vocabulary = strings.Fields(`love night heart fire dream summer rain light dance blue moon star city road home
wild river ocean golden shadow silver broken secret midnight sunrise thunder whisper echo velvet electric crystal
paradise storm angel memory forever highway neon desert winter spring autumn garden mirror window letter
train station island mountain valley forest thunderbird hurricane satellite gravity horizon lullaby serenade
symphony rhapsody ballad anthem groove rhythm melody harmony chorus fever sugar honey cherry whiskey diamond
ghost phantom rebel outlaw cowboy runaway stranger lover sinner saint kingdom empire castle tower bridge
harbor lantern candle ember ashes smoke flame spark wonder magic miracle fortune destiny freedom glory
victory danger trouble mercy grace faith hope silence thunderstorm avalanche tornado volcano comet meteor
galaxy universe planet orbit rocket cosmic stellar lunar solar tropical arctic savanna jungle canyon glacier`)

var genres = []string{"rock", "pop", "jazz", "electronic", "hip hop", "classical", "folk", "metal", "ambient", "soul"}

var (
	seedOnce sync.Once
	seedPool *pgxpool.Pool
)

// seedCatalog fills a database with 100,000 published songs by 5,000 artists with
// generate_series (about 10 s), once per test binary.
func seedCatalog(b *testing.B) *pgxpool.Pool {
	seedOnce.Do(func() {
		// a pool that outlives each benchmark run (the process ends with the server)
		ctx := context.Background()
		pool, err := pg.Connect(ctx, pgtest.NewURL(b), 8)
		require.NoError(b, err)
		start := time.Now()
		_, err = pool.Exec(ctx, `
			INSERT INTO music.artists (id, user_id, name, created_at, updated_at)
			SELECT md5('artist' || i)::uuid, md5('user' || i)::uuid,
			       initcap(($1::text[])[1 + (i * 7) % array_length($1::text[], 1)] || ' ' || ($1::text[])[1 + (i * 13 + 3) % array_length($1::text[], 1)]),
			       now(), now()
			FROM generate_series(1, 5000) i`, vocabulary)
		require.NoError(b, err)
		_, err = pool.Exec(ctx, `
			INSERT INTO music.songs (id, artist_id, artist_name, title, genre, duration_ms, status, published, created_at, updated_at)
			SELECT md5('song' || i)::uuid, a.id, a.name,
			       initcap(($1::text[])[1 + (i * 31) % n] || ' ' || ($1::text[])[1 + (i * 17 + 5) % n] ||
			               CASE WHEN i % 3 = 0 THEN ' ' || ($1::text[])[1 + (i * 11 + 7) % n] ELSE '' END),
			       ($2::text[])[1 + i % array_length($2::text[], 1)], 180000 + i % 60000, 'ready', true,
			       now() - (i || ' seconds')::interval, now()
			FROM generate_series(1, 100000) i
			CROSS JOIN LATERAL (SELECT array_length($1::text[], 1) AS n) v
			JOIN music.artists a ON a.id = md5('artist' || (1 + i % 5000))::uuid`, vocabulary, genres)
		require.NoError(b, err)
		_, err = pool.Exec(ctx, `VACUUM ANALYZE music.songs`)
		require.NoError(b, err)
		_, err = pool.Exec(ctx, `VACUUM ANALYZE music.search_words`)
		require.NoError(b, err)
		b.Logf("seeded 100,000 songs in %s", time.Since(start).Round(time.Millisecond))
		seedPool = pool
	})
	require.NotNil(b, seedPool)
	return seedPool
}

// queries mix exact words, prefixes, two-word titles, typos and filters.
var benchQueries = []domain.SongQuery{
	{Text: "midnight"}, {Text: "golden river"}, {Text: "rhapsdy"}, {Text: "thundr"}, {Text: "serenade"},
	{Text: "electr"}, {Text: "neon highway"}, {Text: "lullaby", Genre: "jazz"}, {Text: "paradyse"},
	{Text: "broken heart"}, {Text: "satelite"}, {Text: "whisky"}, {Text: "love"}, {}, {Genre: "rock"},
	{Text: "oceon"}, {Text: "glacir canyon"}, {Text: "star"},
}

// BenchmarkCatalogSearch measures one search (first page of 20) over a 100,000-song catalog
// through the store, reporting p50 and p99 latencies.
func BenchmarkCatalogSearch(b *testing.B) {
	pool := seedCatalog(b)
	s := postgres.NewStore(pool, nil, nil, nil)
	ctx := context.Background()
	for _, q := range benchQueries { // warm up; every query must find something
		q.Limit = 20
		got, _, err := s.SearchSongs(ctx, q)
		require.NoError(b, err)
		require.NotEmpty(b, got, "query %+v", q)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := benchQueries[i%len(benchQueries)]
		q.Limit = 20
		t0 := time.Now()
		if _, _, err := s.SearchSongs(ctx, q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
	if b.N > 100 {
		fmt.Printf("catalog search over 100,000 songs: n=%d p50=%.2fms p99=%.2fms max=%.2fms\n", b.N, pct(0.5), pct(0.99), pct(1))
	}
}
