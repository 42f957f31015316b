package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
)

// runUsers implements `vibestream users grant-role <email> <role>`.
func runUsers(ctx context.Context, cfg Config, pool *pgxpool.Pool, logger *slog.Logger, args []string) error {
	if len(args) != 3 || args[0] != "grant-role" {
		return errors.New("usage: vibestream users grant-role <email> <role>")
	}
	return errors.New("users grant-role: the user context is not wired yet")
}
