package main

import (
	"errors"

	"github.com/vibestream/vibestream/internal/subsonic"
)

// wireSubsonic mounts the Subsonic / OpenSubsonic API at /rest/ over the user, music and
// listenreward contracts. Its streams replay the listen sessions' signed links through the
// application's own handler, so the bytes are counted exactly like API streams.
func (a *app) wireSubsonic() error {
	auth := a.users.PlayerAuth()
	if auth == nil {
		return errors.New("subsonic: the user context has no app passwords (no APP_PASSWORD_KEY)")
	}
	api, err := subsonic.New(subsonic.Deps{Auth: auth, Library: a.music.Library(), Plays: a.listen.Plays(), Media: a.echo,
		ServerVersion: version, Logger: a.logger.With("adapter", "subsonic")})
	if err != nil {
		return err
	}
	api.Routes(a.echo)
	return nil
}
