package listenreward

import "github.com/vibestream/vibestream/internal/listenreward/domain"

// What the composition root needs to fill the module's configuration, so that it imports this
// module only (the architecture test keeps cmd/vibestream off the contexts' inner layers).

// Policy is the listen qualification and fraud policy.
type Policy = domain.Policy

// RewardPolicy is the listen reward policy.
type RewardPolicy = domain.RewardPolicy

// MaxBPS is 100% in basis points.
const MaxBPS = domain.MaxBPS

// DefaultPolicy is the qualification policy used when nothing is configured.
func DefaultPolicy() Policy { return domain.DefaultPolicy() }

// DefaultRewardPolicy is the reward policy used when nothing is configured.
func DefaultRewardPolicy() RewardPolicy { return domain.DefaultRewardPolicy() }
