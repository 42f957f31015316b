package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/payment/application"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// SolvencyHandlers serve the solvency proofs.
type SolvencyHandlers struct {
	Prove *application.ProveSolvency
}

// Routes mounts POST /zk/solvency-proofs.
func (h *SolvencyHandlers) Routes(api *echo.Group) {
	api.POST("/zk/solvency-proofs", h.prove, httpx.Require(usercontracts.PermReadPayment))
}

type solvencyRequest struct {
	Asset     string `json:"asset"`
	Threshold string `json:"threshold"`
}

type solvencyResponse struct {
	Circuit        string            `json:"circuit"`
	Proof          string            `json:"proof"`
	PublicInputs   []string          `json:"public_inputs"`
	VerifyingKeyID string            `json:"verifying_key_id"`
	Attestation    string            `json:"attestation"`
	Statement      solvencyStatement `json:"statement"`
}

type solvencyStatement struct {
	Asset            string    `json:"asset"`
	Threshold        string    `json:"threshold"`
	ThresholdUnits   int64     `json:"threshold_units"`
	Commitment       string    `json:"commitment"`
	AttestationUntil time.Time `json:"attestation_expires_at"`
}

func (h *SolvencyHandlers) prove(c echo.Context) error {
	var req solvencyRequest
	if err := c.Bind(&req); err != nil {
		return err
	}
	p := httpx.MustPrincipal(c)
	res, err := h.Prove.Handle(c.Request().Context(), application.ProveSolvencyCommand{UserID: p.UserID, Asset: req.Asset, Threshold: req.Threshold})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, solvencyResponse{Circuit: res.Circuit, Proof: res.Proof, PublicInputs: res.PublicInputs,
		VerifyingKeyID: res.KeyID, Attestation: res.Attestation,
		Statement: solvencyStatement{Asset: res.Asset.String(), Threshold: res.Threshold.String(), ThresholdUnits: res.Threshold.Units(),
			Commitment: res.Commitment, AttestationUntil: res.ExpiresAt}})
}
