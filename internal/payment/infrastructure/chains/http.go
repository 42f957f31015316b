package chains

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

type chainsResponse struct {
	Chains []Info `json:"chains"`
}

// Routes mounts GET /chains (public): per chain, the network, chain id, VIBE token address or
// mint, the platform deposit address and the confirmations required. A nil *Chains (chains
// disabled) answers an empty list.
func Routes(api *echo.Group, c *Chains) {
	api.GET("/chains", func(ec echo.Context) error {
		out := chainsResponse{Chains: []Info{}}
		if c != nil {
			out.Chains = c.Info()
		}
		ec.Response().Header().Set("Cache-Control", "public, max-age=60")
		return ec.JSON(http.StatusOK, out)
	})
}

// Checks are readiness probes per chain: an unreachable RPC makes the chain "degraded" without
// making the instance unready (the API keeps serving; chain jobs retry).
func (c *Chains) Checks() map[string]func(ctx context.Context) error {
	probe := func(fn func(context.Context) error) func(context.Context) error {
		return func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			return fn(ctx)
		}
	}
	return map[string]func(context.Context) error{
		"ethereum": probe(c.Ethereum.Ping),
		"solana":   probe(c.Solana.Ping),
	}
}
