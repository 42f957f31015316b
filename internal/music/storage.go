package music

import "github.com/vibestream/vibestream/internal/music/infrastructure/storage"

// S3Options configures S3-compatible media storage (the composition root fills it without
// importing the context's inner layers).
type S3Options = storage.S3Options
