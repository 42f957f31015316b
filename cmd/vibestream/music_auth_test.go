package main

import (
	"testing"

	"github.com/google/uuid"

	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// musicUser registers a real account of role through the user context and returns its id and
// access token.
func musicUser(t *testing.T, ta *testApp, role string) (uuid.UUID, string) {
	t.Helper()
	var id, tok string
	if role == usercontracts.RoleAdmin {
		id, tok = registerAdmin(t, ta)
	} else {
		id, tok = registerUser(t, ta, role)
	}
	return mustUUID(t, id), tok
}
