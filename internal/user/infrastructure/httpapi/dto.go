// Package httpapi is the user context's HTTP surface: thin handlers that bind a DTO, call a
// use case and map the result to a response DTO.
package httpapi

import (
	"time"

	"github.com/vibestream/vibestream/internal/user/application"
)

type registerRequest struct {
	Email       string `json:"email"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	Birthdate   string `json:"birthdate"`
}

type loginRequest struct {
	Login       string `json:"login"`
	Password    string `json:"password"`
	DeviceToken string `json:"device_token"`
}

type loginResponse struct {
	tokensResponse
	DeviceToken string `json:"device_token"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

type tokensResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

type registerResponse struct {
	User userResponse `json:"user"`
	tokensResponse
}

type userResponse struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Bio         string    `json:"bio"`
	AvatarURL   string    `json:"avatar_url"`
	Birthdate   *string   `json:"birthdate"`
	Roles       []string  `json:"roles"`
	Permissions []string  `json:"permissions"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

type profileResponse struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Bio         string    `json:"bio"`
	AvatarURL   string    `json:"avatar_url"`
	Roles       []string  `json:"roles"`
	CreatedAt   time.Time `json:"created_at"`
}

type patchMeRequest struct {
	// Birthdate (YYYY-MM-DD) can be set once; afterwards only an administrator changes it.
	Birthdate   *string `json:"birthdate"`
	DisplayName *string `json:"display_name"`
	Bio         *string `json:"bio"`
	AvatarURL   *string `json:"avatar_url"`
}

type challengeRequest struct {
	Chain   string `json:"chain"`
	Address string `json:"address"`
}

type challengeResponse struct {
	Chain     string    `json:"chain"`
	Address   string    `json:"address"`
	Message   string    `json:"message"`
	Nonce     string    `json:"nonce"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

type linkRequest struct {
	Chain     string `json:"chain"`
	Address   string `json:"address"`
	Message   string `json:"message"`
	Signature string `json:"signature"`
}

type walletResponse struct {
	Chain    string    `json:"chain"`
	Address  string    `json:"address"`
	LinkedAt time.Time `json:"linked_at"`
}

type walletsResponse struct {
	Items []walletResponse `json:"items"`
}

func tokensOf(p application.TokenPair) tokensResponse {
	return tokensResponse{AccessToken: p.AccessToken, RefreshToken: p.RefreshToken, TokenType: "Bearer",
		ExpiresIn: int64(p.ExpiresIn / time.Second)}
}

func userOf(v application.UserView) userResponse {
	r := userResponse{ID: v.ID.String(), Email: v.Email, Username: v.Username, DisplayName: v.DisplayName, Bio: v.Bio,
		AvatarURL: v.AvatarURL, Roles: v.Roles, Permissions: v.Permissions, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	if v.Birthdate != nil {
		s := v.Birthdate.Format(time.DateOnly)
		r.Birthdate = &s
	}
	if r.Roles == nil {
		r.Roles = []string{}
	}
	if r.Permissions == nil {
		r.Permissions = []string{}
	}
	return r
}

func profileOf(p application.PublicProfile) profileResponse {
	return profileResponse{ID: p.ID.String(), Username: p.Username, DisplayName: p.DisplayName, Bio: p.Bio,
		AvatarURL: p.AvatarURL, Roles: p.Roles, CreatedAt: p.CreatedAt}
}

func walletOf(w application.WalletView) walletResponse {
	return walletResponse{Chain: w.Chain, Address: w.Address, LinkedAt: w.LinkedAt}
}
