package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/vibestream/vibestream/internal/platform/events"
	"github.com/vibestream/vibestream/internal/platform/jobs"
)

// runUsers implements `vibestream users grant-role <email> <role>`.
func runUsers(ctx context.Context, cfg Config, pool *pgxpool.Pool, logger *slog.Logger, args []string) error {
	if len(args) != 3 || args[0] != "grant-role" {
		return errors.New("usage: vibestream users grant-role <email> <role>")
	}
	runner := jobs.NewRunner(pool, jobs.Options{Logger: logger})
	users, err := newUserModule(cfg, pool, events.NewBus(pool, runner, logger), nil, logger, nil, nil)
	if err != nil {
		return err
	}
	id, changed, err := users.GrantRole(ctx, args[1], args[2])
	if err != nil {
		return fmt.Errorf("grant-role: %w", err)
	}
	if changed {
		logger.Info("role granted; it takes effect in the user's next access token", "user_id", id, "role", args[2])
	} else {
		logger.Info("the user already has this role", "user_id", id, "role", args[2])
	}
	return nil
}
