package main

import (
	"context"

	"github.com/google/uuid"

	"github.com/vibestream/vibestream/internal/music"
	"github.com/vibestream/vibestream/internal/orchestrator"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// wireMusic builds the music context, its routes, and the workflow that gives new artists
// their profile.
func (a *app) wireMusic() error {
	mc := a.cfg.Music
	secret, err := streamSecret(mc, a.cfg.DataDir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	deps := music.Deps{Pool: a.pool, Runner: a.runner, Bus: a.bus, Health: a.health, Logger: a.logger, Registerer: a.registry,
		Config: music.Config{
			Storage:  mc.Storage,
			MediaDir: mc.MediaDir,
			S3: music.S3Options{Endpoint: mc.S3Endpoint, Bucket: mc.S3Bucket, AccessKey: mc.S3AccessKey, SecretKey: mc.S3SecretKey,
				Region: mc.S3Region, UseSSL: mc.S3UseSSL, StagingDir: mc.MediaDir + "-staging"},
			UploadMaxBytes:     mc.UploadMaxBytes,
			StreamSecret:       secret,
			StreamURLTTL:       mc.StreamURLTTL,
			FFmpegPath:         mc.FFmpegPath,
			PublicURL:          a.cfg.PublicURL,
			CacheTTL:           mc.CacheTTL,
			TranscodeRetryBase: mc.TranscodeRetryDelay,
			StreamPriceDefault: mc.StreamPriceDefault,
			StreamPriceMin:     mc.StreamPriceMin,
			StreamPriceMax:     mc.StreamPriceMax,
		}}
	if a.users != nil {
		deps.Names = displayNames{a.users.Directory()}
	}
	m, err := music.New(ctx, deps)
	if err != nil {
		return err
	}
	m.Routes(a.api)
	orchestrator.ProvisionArtistProfiles(a.bus, m.ArtistProfiles())
	// The cache invalidation listener and the stream recorder run with the other background
	// work, and stop (writing what is queued) before the pool closes.
	a.background = append(a.background, m.Run)
	a.music = m
	return nil
}

// displayNames gives the music context users' display names for lazily created profiles.
type displayNames struct{ dir usercontracts.Directory }

func (d displayNames) DisplayName(ctx context.Context, id uuid.UUID) (string, error) {
	u, err := d.dir.User(ctx, id)
	if err != nil {
		return "", err
	}
	if u.DisplayName != "" {
		return u.DisplayName, nil
	}
	return u.Username, nil
}
