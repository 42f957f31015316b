package httpapi

import (
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	"github.com/vibestream/vibestream/internal/user/application"
	"github.com/vibestream/vibestream/internal/user/contracts"
)

// ErrAgeProofsUnavailable is answered when the age circuit's keys are not loaded.
var ErrAgeProofsUnavailable = errs.New(errs.Unavailable, "user.age_proofs_unavailable", "age proofs are not available on this server")

func (h *Handlers) ageRoutes(api *echo.Group) {
	api.PUT("/admin/users/:id/birthdate", h.adminBirthdate, httpx.Require(contracts.PermAdminUsers))
	api.POST("/zk/age-proofs", h.ageProof, httpx.Require())
}

type birthdateRequest struct {
	Birthdate string `json:"birthdate"`
}

func (h *Handlers) adminBirthdate(c echo.Context) error {
	id, err := uuid.Parse(c.Param("id"))
	if err != nil {
		return contracts.ErrUserNotFound
	}
	var req birthdateRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	if err := h.Birthdates.Handle(c.Request().Context(), application.SetBirthdateCommand{UserID: id, Birthdate: req.Birthdate, ByAdmin: true}); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type ageProofRequest struct {
	MinAgeYears int `json:"min_age_years"`
}

type ageStatementDTO struct {
	MinAgeYears      int       `json:"min_age_years"`
	AsOf             string    `json:"as_of"`
	BornOnOrBefore   string    `json:"born_on_or_before"`
	Commitment       string    `json:"commitment"`
	AttestationUntil time.Time `json:"attestation_expires_at"`
}

type ageProofResponse struct {
	Circuit        string          `json:"circuit"`
	Proof          string          `json:"proof"`
	PublicInputs   []string        `json:"public_inputs"`
	VerifyingKeyID string          `json:"verifying_key_id"`
	Attestation    string          `json:"attestation"`
	Statement      ageStatementDTO `json:"statement"`
}

func (h *Handlers) ageProof(c echo.Context) error {
	if h.AgeProofs == nil {
		return ErrAgeProofsUnavailable
	}
	var req ageProofRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	res, err := h.AgeProofs.Handle(c.Request().Context(), application.ProveAgeCommand{UserID: httpx.MustPrincipal(c).UserID, MinAgeYears: req.MinAgeYears})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ageProofResponse{Circuit: res.Circuit, Proof: res.Proof, PublicInputs: res.PublicInputs,
		VerifyingKeyID: res.KeyID, Attestation: res.Attestation, Statement: ageStatementDTO{MinAgeYears: res.MinAgeYears,
			AsOf: res.AsOf.Format(time.DateOnly), BornOnOrBefore: res.BornOnOrBefore.Format(time.DateOnly), Commitment: res.Commitment,
			AttestationUntil: res.ExpiresAt}})
}
