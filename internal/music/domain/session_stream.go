package domain

import "github.com/vibestream/vibestream/internal/kernel/errs"

// ErrForeignStreamLink refuses a listen session's stream link presented with a bearer token of
// another user.
var ErrForeignStreamLink = errs.New(errs.Forbidden, "music.stream_link_foreign", "this stream link belongs to another user's listen session")
