package application

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/vibestream/vibestream/internal/listenreward/domain"
	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
)

// fakeListenProofs records what the use case asked of the port.
type fakeListenProofs struct {
	listens  map[uuid.UUID]RecordedListen
	proveErr error
	proved   map[uuid.UUID]int // session -> min seconds asked
	failed   map[uuid.UUID]string
}

func newFakeListenProofs(ls ...RecordedListen) *fakeListenProofs {
	f := &fakeListenProofs{listens: map[uuid.UUID]RecordedListen{}, proved: map[uuid.UUID]int{}, failed: map[uuid.UUID]string{}}
	for _, l := range ls {
		f.listens[l.SessionID] = l
	}
	return f
}

func (f *fakeListenProofs) Recorded(_ context.Context, id uuid.UUID) (RecordedListen, error) {
	l, ok := f.listens[id]
	if !ok {
		return RecordedListen{}, ErrListenNotRecorded
	}
	return l, nil
}

func (f *fakeListenProofs) ProveAndStore(_ context.Context, l RecordedListen, min int) error {
	if f.proveErr != nil {
		return f.proveErr
	}
	f.proved[l.SessionID] = min
	return nil
}

func (f *fakeListenProofs) Fail(_ context.Context, id uuid.UUID, reason string) error {
	f.failed[id] = reason
	return nil
}

type codedErr string

func (c codedErr) Error() string { return string(c) }
func (c codedErr) Code() string  { return string(c) }

type songsByID map[uuid.UUID]musiccontracts.SongSummary

func (s songsByID) Song(_ context.Context, id uuid.UUID) (musiccontracts.SongSummary, error) {
	if v, ok := s[id]; ok {
		return v, nil
	}
	return musiccontracts.SongSummary{}, codedErr("music.song_not_found")
}

func TestProofMinSecondsFollowsTheQualificationPolicy(t *testing.T) {
	p := domain.DefaultPolicy() // 30 s, capped at half the song
	for _, tc := range []struct {
		name       string
		durationMS int
		want       int
	}{
		{"a long song states the platform minimum", 180_000, 30},
		{"a song of exactly a minute", 60_000, 30},
		{"a short song states half of it", 40_000, 20},
		{"half a song rounds down to whole seconds", 41_999, 20},
		{"a very short song still states a second", 1_500, 1},
		{"an unknown duration states the platform minimum", 0, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, ProofMinSeconds(p, tc.durationMS))
			// Every listen the policy qualifies (whole seconds >= the threshold) satisfies the
			// stated minimum.
			if tc.durationMS > 0 {
				least := (p.Threshold(tc.durationMS) + time.Second - 1) / time.Second
				require.LessOrEqual(t, tc.want, int(least))
			}
		})
	}
	p.MinListen = 45 * time.Second
	require.Equal(t, 45, ProofMinSeconds(p, 180_000), "the minimum comes from the policy, not a copy of it")
}

func TestProveListenProvesPublishedSongsAndFailsTheRest(t *testing.T) {
	ctx := context.Background()
	long, short, hidden, gone := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	songs := songsByID{
		long:   {ID: long, Published: true, DurationMS: 180_000},
		short:  {ID: short, Published: true, DurationMS: 40_000},
		hidden: {ID: hidden, Published: false, DurationMS: 180_000},
	}
	rec := func(song uuid.UUID, pending bool) RecordedListen {
		return RecordedListen{SessionID: uuid.New(), ListenerID: uuid.New(), SongID: song, ListenedSeconds: 45, Pending: pending}
	}
	lLong, lShort, lHidden, lGone, lDone := rec(long, true), rec(short, true), rec(hidden, true), rec(gone, true), rec(long, false)
	port := newFakeListenProofs(lLong, lShort, lHidden, lGone, lDone)
	uc, err := NewProveListen(port, songs, domain.DefaultPolicy())
	require.NoError(t, err)

	for _, l := range []RecordedListen{lLong, lShort, lHidden, lGone, lDone} {
		require.NoError(t, uc.Run(ctx, l.SessionID))
	}
	require.Equal(t, map[uuid.UUID]int{lLong.SessionID: 30, lShort.SessionID: 20}, port.proved)
	require.Equal(t, map[uuid.UUID]string{lHidden.SessionID: "the song is not published", lGone.SessionID: "the song no longer exists"}, port.failed)

	t.Run("not recorded yet is returned for the job to retry", func(t *testing.T) {
		require.ErrorIs(t, uc.Run(ctx, uuid.New()), ErrListenNotRecorded)
	})
	t.Run("an unprovable listen fails for good with the reason", func(t *testing.T) {
		l := rec(long, true)
		port.listens[l.SessionID] = l
		port.proveErr = ErrUnprovable.WithMessage("listen: listened seconds below the minimum")
		require.NoError(t, uc.Run(ctx, l.SessionID))
		require.Equal(t, "listen: listened seconds below the minimum", port.failed[l.SessionID])
	})
	t.Run("other prover errors are returned (retried)", func(t *testing.T) {
		l := rec(long, true)
		port.listens[l.SessionID] = l
		port.proveErr = errors.New("connection reset")
		require.EqualError(t, uc.Run(ctx, l.SessionID), "connection reset")
		require.NotContains(t, port.failed, l.SessionID)
	})
	t.Run("nil dependencies are refused", func(t *testing.T) {
		_, err := NewProveListen(nil, songs, domain.DefaultPolicy())
		require.Error(t, err)
		_, err = NewProveListen(port, songs, domain.Policy{})
		require.Error(t, err)
	})
}
