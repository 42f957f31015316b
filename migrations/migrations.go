// Package migrations embeds the project's one linear goose migration history. Each context owns
// one schema; migrations are numbered in blocks per context only for the first version of each:
// new migrations simply take the next free number.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
