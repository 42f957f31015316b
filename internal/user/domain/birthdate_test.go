package domain

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestSetBirthdateOnceThenOnlyByAnAdmin(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	u := RehydrateUser(uuid.New(), "a@example.com", "ann", "h", "Ann", "", "", nil, []Role{RoleListener}, now, now)
	require.ErrorIs(t, u.SetBirthdate(now, false, now), ErrInvalidBirthdate, "today is not a past date")
	require.ErrorIs(t, u.SetBirthdate(time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), false, now), ErrInvalidBirthdate)
	d := time.Date(2000, 5, 6, 0, 0, 0, 0, time.UTC)
	require.NoError(t, u.SetBirthdate(d, false, now))
	require.True(t, u.Birthdate().Equal(d))
	require.ErrorIs(t, u.SetBirthdate(d.AddDate(-1, 0, 0), false, now), ErrBirthdateSet)
	require.NoError(t, u.SetBirthdate(d.AddDate(-1, 0, 0), true, now))
	require.True(t, u.Birthdate().Equal(d.AddDate(-1, 0, 0)))
}

func TestAgeOnIsTheCalendarNotDays(t *testing.T) {
	day := time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC)
	require.Equal(t, time.Date(2008, 3, 1, 0, 0, 0, 0, time.UTC), AgeOn(day, 18))
	// Someone born on 29 February 2008 turns 18 on 1 March 2026.
	born := time.Date(2008, 2, 29, 0, 0, 0, 0, time.UTC)
	require.False(t, born.After(AgeOn(day, 18)))
	require.True(t, born.After(AgeOn(day.AddDate(0, 0, -1), 18)))
}
