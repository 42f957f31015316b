package orchestrator

import (
	"context"
	"slices"

	musiccontracts "github.com/vibestream/vibestream/internal/music/contracts"
	"github.com/vibestream/vibestream/internal/platform/events"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// ArtistProfilesSubscriber names the subscription that gives new artists their profile.
const ArtistProfilesSubscriber = "orchestrator.open_artist_profiles"

// ProvisionArtistProfiles gives every user registered with the artist role an artist profile
// in the music context. Redelivery is harmless: EnsureArtist is idempotent.
func ProvisionArtistProfiles(bus Subscriber, artists musiccontracts.ArtistProfiles) {
	bus.Subscribe(ArtistProfilesSubscriber, usercontracts.UserRegisteredV1, func(ctx context.Context, e events.Envelope) error {
		var p usercontracts.UserRegistered
		if err := e.Decode(&p); err != nil {
			return err
		}
		if !slices.Contains(p.Roles, usercontracts.RoleArtist) {
			return nil
		}
		name := p.DisplayName
		if name == "" {
			name = p.Username
		}
		return artists.EnsureArtist(ctx, p.UserID, name)
	})
}
