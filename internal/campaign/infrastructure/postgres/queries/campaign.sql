-- name: InsertCampaign :exec
INSERT INTO campaign.campaigns (id, artist_user_id, artist_id, name, song_ids, starts_at, ends_at, boost_tenths, budget,
    spent, status, hold_id, activating, milestone, end_reason, released, created_at, updated_at, ended_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19);

-- name: GetCampaign :one
SELECT * FROM campaign.campaigns WHERE id = $1;

-- name: GetCampaignForUpdate :one
SELECT * FROM campaign.campaigns WHERE id = $1 FOR UPDATE;

-- name: UpdateCampaign :exec
UPDATE campaign.campaigns SET artist_id = $2, name = $3, song_ids = $4, starts_at = $5, ends_at = $6, boost_tenths = $7,
    budget = $8, spent = $9, status = $10, hold_id = $11, activating = $12, milestone = $13, end_reason = $14,
    released = $15, updated_at = $16, ended_at = $17
WHERE id = $1;

-- name: ListCampaigns :many
SELECT * FROM campaign.campaigns
WHERE (sqlc.arg(status)::text = '' OR status = sqlc.arg(status)::text)
  AND (sqlc.narg(artist_id)::uuid IS NULL OR artist_id = sqlc.narg(artist_id)::uuid)
  AND (sqlc.narg(owner_id)::uuid IS NULL OR artist_user_id = sqlc.narg(owner_id)::uuid)
  AND (sqlc.narg(after_created)::timestamptz IS NULL OR (created_at, id) < (sqlc.narg(after_created)::timestamptz, sqlc.arg(after_id)::uuid))
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg(lim)::int;

-- name: RunningCampaigns :many
SELECT * FROM campaign.campaigns
WHERE status = 'active' AND song_ids @> ARRAY[sqlc.arg(song_id)::uuid] AND starts_at <= sqlc.arg(at)::timestamptz AND ends_at > sqlc.arg(at)::timestamptz
ORDER BY id;

-- name: RunningCampaignsForUpdate :many
SELECT * FROM campaign.campaigns
WHERE status = 'active' AND song_ids @> ARRAY[sqlc.arg(song_id)::uuid] AND starts_at <= sqlc.arg(at)::timestamptz AND ends_at > sqlc.arg(at)::timestamptz
ORDER BY id
FOR UPDATE;

-- name: DueCampaigns :many
SELECT id FROM campaign.campaigns
WHERE (status = 'scheduled' AND starts_at <= sqlc.arg(now)::timestamptz)
   OR (status IN ('scheduled', 'active', 'paused') AND ends_at <= sqlc.arg(now)::timestamptz)
   OR (status = 'ended' AND hold_id IS NOT NULL AND NOT released)
   OR (activating AND updated_at < sqlc.arg(stale_before)::timestamptz)
ORDER BY updated_at
LIMIT sqlc.arg(lim)::int;

-- name: GetBoost :one
SELECT * FROM campaign.boosts WHERE session_id = $1;

-- name: InsertBoost :exec
INSERT INTO campaign.boosts (session_id, campaign_id, listener_id, song_id, boost_tenths, base, extra, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: UnsettledBoosts :many
SELECT * FROM campaign.boosts
WHERE settled_at IS NULL
  AND (sqlc.narg(campaign_id)::uuid IS NULL OR campaign_id = sqlc.narg(campaign_id)::uuid)
  AND created_at < sqlc.arg(older_than)::timestamptz
ORDER BY created_at
LIMIT sqlc.arg(lim)::int;

-- name: MarkBoostSettled :exec
UPDATE campaign.boosts SET settled_at = $2, entry_id = $3 WHERE session_id = $1 AND settled_at IS NULL;

-- name: CampaignTotals :one
SELECT count(*)::bigint AS listens, count(DISTINCT listener_id)::bigint AS listeners, coalesce(sum(extra), 0)::bigint AS spent
FROM campaign.boosts WHERE campaign_id = $1;

-- name: CampaignDays :many
SELECT date_trunc('day', created_at AT TIME ZONE 'UTC')::date AS day, count(*)::bigint AS listens,
    count(DISTINCT listener_id)::bigint AS listeners, coalesce(sum(extra), 0)::bigint AS spent
FROM campaign.boosts WHERE campaign_id = $1
GROUP BY 1 ORDER BY 1;
