package domain

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var now = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func TestParseEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"alice@example.com", true},
		{"  Alice.Smith+tag@Sub.Example.org ", true},
		{"", false},
		{"alice", false},
		{"alice@", false},
		{"@example.com", false},
		{"alice@localhost", false},
		{"Alice <alice@example.com>", false},
		{"alice@example.com.", false},
		{strings.Repeat("a", 250) + "@example.com", false},
	} {
		got, err := ParseEmail(tc.in)
		if tc.ok {
			assert.NoError(t, err, tc.in)
			assert.Equal(t, strings.TrimSpace(tc.in), got)
		} else {
			assert.ErrorIs(t, err, ErrInvalidEmail, tc.in)
		}
	}
}

func TestParseUsername(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"abc", "abc", true},
		{"Alice_99", "alice_99", true},
		{strings.Repeat("a", 30), strings.Repeat("a", 30), true},
		{"ab", "", false},
		{strings.Repeat("a", 31), "", false},
		{"with space", "", false},
		{"dash-name", "", false},
		{"émile", "", false},
	} {
		got, err := ParseUsername(tc.in)
		if tc.ok {
			require.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, got)
		} else {
			assert.ErrorIs(t, err, ErrInvalidUsername, tc.in)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	assert.ErrorIs(t, CheckPassword("123456789"), ErrWeakPassword)
	assert.NoError(t, CheckPassword("1234567890"))
	assert.NoError(t, CheckPassword("ññññññññññ"), "ten characters, more bytes")
	assert.ErrorIs(t, CheckPassword(strings.Repeat("x", 257)), ErrWeakPassword)
}

func TestParseBirthdate(t *testing.T) {
	t.Parallel()
	d, err := ParseBirthdate("2000-02-29", now)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), d)
	for _, bad := range []string{"2026-11-28", "2030-01-01", "1899-12-31", "01/02/2000", "2001-02-29"} {
		_, err := ParseBirthdate(bad, now)
		assert.ErrorIs(t, err, ErrInvalidBirthdate, bad)
	}
}

func newTestUser(t *testing.T, role Role) *User {
	t.Helper()
	u, err := NewUser(NewUserParams{ID: uuid.New(), Email: "a@example.com", Username: "Alice", PasswordHash: "$argon2id$x",
		DisplayName: " Alice ", Role: role, Now: now})
	require.NoError(t, err)
	return u
}

func TestNewUserRecordsRegistered(t *testing.T) {
	t.Parallel()
	u := newTestUser(t, RoleArtist)
	assert.Equal(t, "alice", u.Username())
	assert.Equal(t, "Alice", u.DisplayName())
	assert.Equal(t, []Role{RoleArtist}, u.Roles())
	ev := u.PullEvents()
	require.Len(t, ev, 1)
	reg, ok := ev[0].(Registered)
	require.True(t, ok)
	assert.Equal(t, u.ID(), reg.UserID)
	assert.Equal(t, []Role{RoleArtist}, reg.Roles)
	assert.Empty(t, u.PullEvents(), "events are drained once")
}

func TestNewUserInvariants(t *testing.T) {
	t.Parallel()
	future := now.Add(48 * time.Hour)
	base := NewUserParams{ID: uuid.New(), Email: "a@example.com", Username: "alice", PasswordHash: "h", DisplayName: "A", Role: RoleListener, Now: now}
	for name, tc := range map[string]struct {
		mut  func(*NewUserParams)
		want error
	}{
		"admin not selectable": {func(p *NewUserParams) { p.Role = RoleAdmin }, ErrRoleNotSelectable},
		"bad email":            {func(p *NewUserParams) { p.Email = "nope" }, ErrInvalidEmail},
		"bad username":         {func(p *NewUserParams) { p.Username = "a" }, ErrInvalidUsername},
		"empty display name":   {func(p *NewUserParams) { p.DisplayName = "  " }, ErrInvalidDisplayName},
		"future birthdate":     {func(p *NewUserParams) { p.Birthdate = &future }, ErrInvalidBirthdate},
	} {
		p := base
		tc.mut(&p)
		_, err := NewUser(p)
		assert.ErrorIs(t, err, tc.want, name)
	}
	p := base
	p.PasswordHash = ""
	_, err := NewUser(p)
	assert.Error(t, err, "a user without a password hash is refused")
}

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	u := newTestUser(t, RoleListener)
	name, bio, avatar := "New Name", "Hello", "https://cdn.example.com/a.png"
	require.NoError(t, u.UpdateProfile(ProfilePatch{DisplayName: &name, Bio: &bio, AvatarURL: &avatar}, now.Add(time.Hour)))
	assert.Equal(t, "New Name", u.DisplayName())
	assert.Equal(t, "Hello", u.Bio())
	assert.Equal(t, avatar, u.AvatarURL())
	assert.Equal(t, now.Add(time.Hour), u.UpdatedAt())

	bad := "javascript:alert(1)"
	err := u.UpdateProfile(ProfilePatch{Bio: &bio, AvatarURL: &bad}, now)
	assert.ErrorIs(t, err, ErrInvalidAvatarURL)
	assert.Equal(t, avatar, u.AvatarURL(), "a failed patch changes nothing")

	empty := ""
	require.NoError(t, u.UpdateProfile(ProfilePatch{AvatarURL: &empty, Bio: &empty}, now))
	assert.Empty(t, u.AvatarURL())
	assert.Empty(t, u.Bio())
	assert.Equal(t, "New Name", u.DisplayName(), "absent fields stay")

	long := strings.Repeat("x", 1001)
	assert.ErrorIs(t, u.UpdateProfile(ProfilePatch{Bio: &long}, now), ErrInvalidBio)
}

func TestGrantRole(t *testing.T) {
	t.Parallel()
	u := newTestUser(t, RoleListener)
	assert.True(t, u.GrantRole(RoleAdmin, now))
	assert.False(t, u.GrantRole(RoleAdmin, now), "granting twice changes nothing")
	assert.Equal(t, []Role{RoleListener, RoleAdmin}, u.Roles())
	_, err := ParseRole("superuser")
	assert.ErrorIs(t, err, ErrInvalidRole)
	r, err := ParseRole(" Admin ")
	require.NoError(t, err)
	assert.Equal(t, RoleAdmin, r)
}

func TestRefreshTokenRotate(t *testing.T) {
	t.Parallel()
	exp := now.Add(time.Hour)
	tok := RehydrateRefreshToken(uuid.New(), uuid.New(), uuid.New(), exp, nil, nil)
	require.NoError(t, tok.Rotate(now))
	require.NotNil(t, tok.UsedAt())
	assert.ErrorIs(t, tok.Rotate(now), ErrRefreshReused, "a second use is a reuse")

	expired := RehydrateRefreshToken(uuid.New(), uuid.New(), uuid.New(), now, nil, nil)
	assert.ErrorIs(t, expired.Rotate(now), ErrRefreshInvalid)

	revokedAt := now.Add(-time.Minute)
	revoked := RehydrateRefreshToken(uuid.New(), uuid.New(), uuid.New(), exp, &revokedAt, &revokedAt)
	assert.ErrorIs(t, revoked.Rotate(now), ErrRefreshInvalid, "revocation wins over reuse")
}

func TestThrottlePolicySlowsDownProgressively(t *testing.T) {
	t.Parallel()
	p := ThrottlePolicy{MaxFailures: 3, Window: 10 * time.Minute, BaseDelay: time.Second, Lockout: 5 * time.Minute}
	var st Throttle
	var ok bool
	for i := 1; i <= 2; i++ {
		at := now.Add(time.Duration(i) * time.Second)
		st, ok = p.Attempt(st, at)
		require.True(t, ok)
		st = p.Failed(st, at)
		assert.Equal(t, i, st.Failures)
		assert.Zero(t, st.RetryAfter(at))
		assert.False(t, p.StartedBlocking(st))
	}
	at := now.Add(3 * time.Second)
	st, ok = p.Attempt(st, at)
	require.True(t, ok, "the third attempt is still checked")
	st = p.Failed(st, at)
	assert.True(t, p.StartedBlocking(st))
	assert.Equal(t, time.Second, st.RetryAfter(at), "the third failure starts the delays, short at first")
	blocked, ok := p.Attempt(st, at.Add(500*time.Millisecond))
	assert.False(t, ok)
	assert.Equal(t, st, blocked, "a refused attempt is not counted")

	// each further failure doubles the delay, up to the cap
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, 64 * time.Second,
		128 * time.Second, 256 * time.Second, 5 * time.Minute, 5 * time.Minute}
	for i, w := range want {
		at = at.Add(st.RetryAfter(at))
		st, ok = p.Attempt(st, at)
		require.True(t, ok, "attempt %d after waiting", i)
		st = p.Failed(st, at)
		assert.Equal(t, w, st.RetryAfter(at), "failure %d", i+4)
		assert.False(t, p.StartedBlocking(st))
	}
	// a guesser gets at most one try per delay: about 3 + log2(cap) + (time / cap) guesses

	// once a whole window has passed since the last block, counting starts again
	quiet := st.BlockedUntil.Add(10 * time.Minute)
	st, ok = p.Attempt(st, quiet)
	require.True(t, ok)
	assert.Equal(t, 1, st.Failures)
	assert.Nil(t, st.BlockedUntil)

	// failures outside the window start a new count
	later, ok := p.Attempt(Throttle{Failures: 2, WindowStarted: now}, now.Add(11*time.Minute))
	assert.True(t, ok)
	assert.Equal(t, 1, later.Failures)
}

func TestThrottleCountsAttemptsInFlight(t *testing.T) {
	t.Parallel()
	// Five guesses arrive together: each is counted before its password check, so the first
	// three are checked, the fourth is checked too but blocks the key while it is, and the
	// fifth waits.
	p := ThrottlePolicy{MaxFailures: 3, Window: time.Hour, Lockout: time.Minute}
	var st Throttle
	var allowed []bool
	for range 5 {
		var ok bool
		st, ok = p.Attempt(st, now)
		allowed = append(allowed, ok)
	}
	assert.Equal(t, []bool{true, true, true, true, false}, allowed)
	assert.Equal(t, 2*time.Second, st.RetryAfter(now), "the delay the fourth failure would set")

	// A success uncounts its attempt.
	s := Throttle{Failures: 2, WindowStarted: now}.Succeeded()
	assert.Equal(t, 1, s.Failures)
	assert.Equal(t, 0, Throttle{}.Succeeded().Failures)
}

func TestErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	assert.False(t, errors.Is(ErrEmailTaken, ErrUsernameTaken))
	assert.NotEqual(t, ErrEmailTaken.Code(), ErrUsernameTaken.Code())
}

func TestRevokeRole(t *testing.T) {
	t.Parallel()
	u := newTestUser(t, RoleListener)
	u.GrantRole(RoleArtist, now)
	changed, err := u.RevokeRole(RoleListener, now)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.Equal(t, []Role{RoleArtist}, u.Roles())
	changed, err = u.RevokeRole(RoleAdmin, now)
	require.NoError(t, err)
	assert.False(t, changed, "revoking a role the user lacks changes nothing")
	_, err = u.RevokeRole(RoleArtist, now)
	assert.ErrorIs(t, err, ErrLastRole)
	assert.Equal(t, []Role{RoleArtist}, u.Roles())
}

func TestRoleChangesEndTheAccountsSessions(t *testing.T) {
	t.Parallel()
	u := newTestUser(t, RoleListener)
	assert.False(t, u.SessionsEnded())
	assert.False(t, u.GrantRole(RoleListener, now), "granting a held role changes nothing")
	assert.False(t, u.SessionsEnded())
	assert.True(t, u.GrantRole(RoleArtist, now))
	assert.True(t, u.SessionsEnded())
}
