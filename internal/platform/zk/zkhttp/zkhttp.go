// Package zkhttp serves the platform's verification API: the published verifying keys, the
// accepted Merkle roots and POST /zk/verify, which only ever uses our keys.
package zkhttp

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/zk"
)

// ErrBadBody is a request body that is not the JSON the route takes.
var ErrBadBody = errs.New(errs.Invalid, "zk.invalid_request", "the request body is not valid JSON for this route")

// Roots lists the published trees with their accepted roots.
type Roots func(ctx context.Context) ([]TreeRoots, error)

// TreeRoots is one tree's current root and accepted history.
type TreeRoots struct {
	Tree    string   `json:"tree"`
	Depth   int      `json:"depth"`
	Leaves  int64    `json:"leaves"`
	Root    string   `json:"root"`
	History []string `json:"accepted_roots"`
}

// Handlers serve the zk routes.
type Handlers struct {
	Registry *zk.Registry
	Roots    Roots
}

// Routes mounts the routes on /api/v1.
func (h *Handlers) Routes(api *echo.Group) {
	api.GET("/zk/keys", h.keys)
	api.GET("/zk/keys/:circuit", h.key)
	api.GET("/zk/roots", h.roots)
	api.POST("/zk/verify", h.verify)
}

type keyDTO struct {
	Circuit         string        `json:"circuit"`
	KeyID           string        `json:"key_id"`
	Curve           string        `json:"curve"`
	Backend         string        `json:"backend"`
	PublicInputs    []string      `json:"public_inputs"`
	Constraints     int           `json:"constraints"`
	OnChainVerifier string        `json:"onchain_verifier,omitempty"`
	Format          string        `json:"format,omitempty"`
	VerifyingKey    string        `json:"verifying_key,omitempty"`
	Points          *zk.KeyPoints `json:"points,omitempty"`
}

func toKeyDTO(k zk.KeyInfo, withKey bool) keyDTO {
	d := keyDTO{Circuit: k.Circuit, KeyID: k.KeyID, Curve: "bn254", Backend: "groth16", PublicInputs: k.PublicInputs,
		Constraints: k.Constraints, OnChainVerifier: k.OnChainVerifier}
	if withKey {
		d.Format = "gnark-groth16-bn254-compressed+base64"
		d.VerifyingKey = base64.StdEncoding.EncodeToString(k.VerifyingKey)
		pts := k.Points
		d.Points = &pts
	}
	return d
}

func (h *Handlers) keys(c echo.Context) error {
	ks := h.Registry.Keys()
	out := make([]keyDTO, len(ks))
	for i, k := range ks {
		out[i] = toKeyDTO(k, false)
	}
	return c.JSON(http.StatusOK, map[string]any{"circuits": out})
}

// key serves a verifying key as JSON, or as gnark's binary form when asked for
// application/octet-stream (Accept or ?format=binary). Keys are immutable for their id: the id
// is a strong ETag.
func (h *Handlers) key(c echo.Context) error {
	k, err := h.Registry.Key(c.Param("circuit"))
	if err != nil {
		return err
	}
	etag := `"` + k.KeyID + `"`
	c.Response().Header().Set("ETag", etag)
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	c.Response().Header().Set("Vary", "Accept")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	if c.QueryParam("format") == "binary" || strings.Contains(c.Request().Header.Get("Accept"), "application/octet-stream") {
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+k.KeyID+`.vk"`)
		return c.Blob(http.StatusOK, "application/octet-stream", k.VerifyingKey)
	}
	return c.JSON(http.StatusOK, toKeyDTO(k, true))
}

func (h *Handlers) roots(c echo.Context) error {
	trees := []TreeRoots{}
	if h.Roots != nil {
		var err error
		if trees, err = h.Roots(c.Request().Context()); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"trees": trees})
}

type verifyRequest struct {
	Circuit      string   `json:"circuit"`
	Proof        string   `json:"proof"`
	PublicInputs []string `json:"public_inputs"`
	Attestation  string   `json:"attestation"`
	OnChain      bool     `json:"onchain"`
}

type onchainDTO struct {
	Valid    bool   `json:"valid"`
	Gas      uint64 `json:"gas"`
	Verifier string `json:"verifier"`
}

type attestationDTO struct {
	Subject   string    `json:"subject"`
	Asset     string    `json:"asset,omitempty"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

type verifyResponse struct {
	Circuit     string          `json:"circuit"`
	KeyID       string          `json:"key_id"`
	Valid       bool            `json:"valid"`
	Reasons     []string        `json:"reasons"`
	OnChain     *onchainDTO     `json:"onchain,omitempty"`
	Attestation *attestationDTO `json:"attestation,omitempty"`
}

func (h *Handlers) verify(c echo.Context) error {
	var req verifyRequest
	if err := c.Bind(&req); err != nil {
		return ErrBadBody.Wrap(err)
	}
	if req.Circuit == "" {
		return ErrBadBody.WithField("circuit", "required")
	}
	proof, err := base64.StdEncoding.DecodeString(req.Proof)
	if err != nil || len(proof) == 0 {
		return zk.ErrBadProof.WithField("proof", "must be the base64 of a Groth16 proof")
	}
	res, err := h.Registry.Verify(c.Request().Context(), zk.VerifyRequest{Circuit: req.Circuit, Proof: proof,
		Public: req.PublicInputs, Attestation: req.Attestation, OnChain: req.OnChain})
	if err != nil {
		return err
	}
	out := verifyResponse{Circuit: res.Circuit, KeyID: res.KeyID, Valid: res.Valid, Reasons: res.Reasons}
	if res.OnChain != nil {
		out.OnChain = &onchainDTO{Valid: res.OnChain.Valid, Gas: res.OnChain.Gas, Verifier: res.OnChain.Verifier}
	}
	if res.Attestation != nil && res.Valid {
		out.Attestation = &attestationDTO{Subject: res.Attestation.Subject, Asset: res.Attestation.Asset,
			IssuedAt: res.Attestation.IssuedAt, ExpiresAt: res.Attestation.ExpiresAt}
	}
	return c.JSON(http.StatusOK, out)
}

// ProofDTO is how every proof is served: {circuit, proof, public_inputs, verifying_key_id}.
type ProofDTO struct {
	Circuit        string   `json:"circuit"`
	Proof          string   `json:"proof"`
	PublicInputs   []string `json:"public_inputs"`
	VerifyingKeyID string   `json:"verifying_key_id"`
}
