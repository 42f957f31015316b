package zk

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/platform/zk"
	"github.com/vibestream/vibestream/internal/platform/zk/zkhttp"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Handlers serve the stored listen proofs and nullifier claims.
type Handlers struct {
	Proofs   *Proofs
	Registry *zk.Registry
}

// Routes mounts GET /listen-sessions/{id}/proof and POST /zk/listen-claims.
func (h *Handlers) Routes(api *echo.Group) {
	api.GET("/listen-sessions/:id/proof", h.proof, httpx.Require())
	api.POST("/zk/listen-claims", h.claim, httpx.Require())
}

type pendingDTO struct {
	SessionID string `json:"session_id"`
	Status    string `json:"status"`
}

// proof serves a session's proof to its listener (or an administrator): 202 while the job has
// not made it yet, then the immutable proof with a strong ETag, cacheable for an hour.
func (h *Handlers) proof(c echo.Context) error {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return ErrProofNotFound
	}
	sp, err := h.Proofs.Proof(c.Request().Context(), id)
	if err != nil {
		return err
	}
	pr := httpx.MustPrincipal(c)
	if sp.ListenerID != pr.UserID && !pr.Has(usercontracts.PermAdminUsers) {
		return ErrProofNotFound
	}
	switch sp.Status {
	case "pending":
		c.Response().Header().Set("Retry-After", "1")
		return c.JSON(http.StatusAccepted, pendingDTO{SessionID: id.String(), Status: "pending"})
	case "failed":
		return ErrProofFailed.WithMessage("the listen could not be proved: " + sp.Failure)
	}
	etag := sp.ETag()
	c.Response().Header().Set("ETag", etag)
	c.Response().Header().Set("Cache-Control", "private, max-age=3600, immutable")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && strings.Contains(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.JSON(http.StatusOK, zkhttp.ProofDTO{Circuit: CircuitName, Proof: base64.StdEncoding.EncodeToString(sp.Proof),
		PublicInputs: sp.PublicInputs, VerifyingKeyID: sp.KeyID})
}

type claimRequest struct {
	Proof        string   `json:"proof"`
	PublicInputs []string `json:"public_inputs"`
}

type claimDTO struct {
	Nullifier  string    `json:"nullifier"`
	SessionTag string    `json:"session_tag"`
	ClaimedAt  time.Time `json:"claimed_at"`
}

// claim verifies a listen proof fully (our key, accepted roots, unused nullifier) and uses its
// nullifier: the reward a proof stands for can be claimed once.
func (h *Handlers) claim(c echo.Context) error {
	var req claimRequest
	if err := c.Bind(&req); err != nil {
		return zkhttp.ErrBadBody.Wrap(err)
	}
	raw, err := base64.StdEncoding.DecodeString(req.Proof)
	if err != nil || len(raw) == 0 {
		return zk.ErrBadProof.WithField("proof", "must be the base64 of a Groth16 proof")
	}
	res, err := h.Registry.Verify(c.Request().Context(), zk.VerifyRequest{Circuit: CircuitName, Proof: raw, Public: req.PublicInputs})
	if err != nil {
		return err
	}
	if !res.Valid {
		return ErrClaimInvalid.WithMessage("the proof is not valid: " + strings.Join(res.Reasons, "; "))
	}
	at, err := h.Proofs.Claim(c.Request().Context(), req.PublicInputs[InNullifier], req.PublicInputs[InSessionTag], httpx.MustPrincipal(c).UserID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, claimDTO{Nullifier: req.PublicInputs[InNullifier], SessionTag: req.PublicInputs[InSessionTag], ClaimedAt: at})
}
