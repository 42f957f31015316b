package application

import (
	"slices"

	"github.com/vibestream/vibestream/internal/user/contracts"
	"github.com/vibestream/vibestream/internal/user/domain"
)

var listenerPermissions = []string{
	contracts.PermReadMusic, contracts.PermWriteLibrary, contracts.PermReadPayment,
	contracts.PermWritePayment, contracts.PermWriteListen,
}

// rolePermissions maps each role to what it may do; an artist is also a listener and an
// admin may do everything.
var rolePermissions = map[domain.Role][]string{
	domain.RoleListener: listenerPermissions,
	domain.RoleArtist:   append(slices.Clone(listenerPermissions), contracts.PermWriteMusic),
	domain.RoleAdmin: append(slices.Clone(listenerPermissions), contracts.PermWriteMusic,
		contracts.PermAdminUsers, contracts.PermAdminMusic, contracts.PermAdminPayments, contracts.PermAdminTreasury),
}

// PermissionsOf returns the sorted union of the roles' permissions.
func PermissionsOf(roles []domain.Role) []string {
	var out []string
	for _, r := range roles {
		for _, p := range rolePermissions[r] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

func roleNames(roles []domain.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}
