// Package httpapi is the music context's HTTP face: thin echo handlers that bind, call the
// application and map to response DTOs, and the streaming endpoint.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/vibestream/vibestream/internal/kernel/errs"
	"github.com/vibestream/vibestream/internal/kernel/money"
	"github.com/vibestream/vibestream/internal/music/application"
	"github.com/vibestream/vibestream/internal/music/domain"
	"github.com/vibestream/vibestream/internal/music/infrastructure/storage"
	"github.com/vibestream/vibestream/internal/platform/httpx"
	usercontracts "github.com/vibestream/vibestream/internal/user/contracts"
)

// Handler serves /api/v1/music.
type Handler struct {
	app       *application.App
	sessions  *application.SessionStreams
	store     storage.Store
	publicURL string
	maxUpload int64
	metrics   *Metrics
}

// New builds the handler. publicURL is the externally visible base URL for signed links.
func New(app *application.App, sessions *application.SessionStreams, store storage.Store, publicURL string, maxUpload int64, metrics *Metrics) *Handler {
	if metrics == nil {
		metrics = NewMetrics(nil)
	}
	return &Handler{app: app, sessions: sessions, store: store, publicURL: strings.TrimRight(publicURL, "/"), maxUpload: maxUpload, metrics: metrics}
}

// Routes registers every music route on the /api/v1 group.
func (h *Handler) Routes(api *echo.Group) {
	g := api.Group("/music")
	read := httpx.Require(usercontracts.PermReadMusic)
	write := httpx.Require(usercontracts.PermWriteMusic)
	lib := httpx.Require(usercontracts.PermWriteLibrary)
	admin := httpx.Require(usercontracts.PermAdminMusic)

	g.GET("/songs", h.searchSongs, read)
	g.POST("/songs", h.createSong, write)
	g.GET("/songs/:id", h.getSong, read)
	g.PATCH("/songs/:id", h.updateSong, write)
	g.DELETE("/songs/:id", h.deleteSong, write)
	httpx.LargeBody(g.PUT("/songs/:id/audio", h.uploadAudio, write))
	g.POST("/songs/:id/stream-url", h.streamURL, read)
	g.PUT("/songs/:id/like", h.like, lib)
	g.DELETE("/songs/:id/like", h.unlike, lib)
	g.GET("/me/likes", h.listLikes, lib)

	g.GET("/stream/:id", h.stream)
	g.HEAD("/stream/:id", h.stream)

	g.GET("/artists/me", h.myArtist, write)
	g.PATCH("/artists/me", h.updateMyArtist, write)
	g.GET("/artists/:id", h.getArtist, read)
	g.PUT("/artists/:id/verification", h.verifyArtist, admin)

	g.POST("/albums", h.createAlbum, write)
	g.GET("/albums/:id", h.getAlbum, read)
	g.PATCH("/albums/:id", h.updateAlbum, write)
	g.DELETE("/albums/:id", h.deleteAlbum, write)

	g.POST("/playlists", h.createPlaylist, lib)
	g.GET("/playlists", h.listPlaylists, lib)
	g.GET("/playlists/:id", h.getPlaylist, read)
	g.PATCH("/playlists/:id", h.updatePlaylist, lib)
	g.DELETE("/playlists/:id", h.deletePlaylist, lib)
	g.POST("/playlists/:id/songs", h.addToPlaylist, lib)
	g.PUT("/playlists/:id/songs", h.reorderPlaylist, lib)
	g.DELETE("/playlists/:id/songs/:song_id", h.removeFromPlaylist, lib)
}

func viewer(c echo.Context) application.Viewer {
	p, _ := httpx.PrincipalOf(c)
	return application.Viewer{UserID: p.UserID, Admin: p.Has(usercontracts.PermAdminMusic)}
}

func pathID(c echo.Context, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return uuid.Nil, errs.ErrBadRequest.WithMessage("malformed id").WithField(name, "must be a UUID")
	}
	return id, nil
}

func ctxOf(c echo.Context) context.Context { return c.Request().Context() }

// ---- songs

type songRequest struct {
	Title       string     `json:"title"`
	Genre       string     `json:"genre"`
	Explicit    bool       `json:"explicit"`
	AlbumID     *uuid.UUID `json:"album_id"`
	TrackNumber *int       `json:"track_number"`
}

func (h *Handler) createSong(c echo.Context) error {
	var req songRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	s, err := h.app.CreateSong(ctxOf(c), viewer(c), domain.SongDetails{Title: req.Title, Genre: req.Genre, Explicit: req.Explicit,
		AlbumID: req.AlbumID, TrackNumber: req.TrackNumber})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toSong(h.app.Prices(), s, true))
}

func (h *Handler) getSong(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v := viewer(c)
	s, err := h.app.GetSong(ctxOf(c), v, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSong(h.app.Prices(), s, h.app.Owns(ctxOf(c), v, s)))
}

type songPatch struct {
	Title       optional[string]    `json:"title"`
	Genre       optional[string]    `json:"genre"`
	Explicit    optional[bool]      `json:"explicit"`
	AlbumID     optional[uuid.UUID] `json:"album_id"`
	TrackNumber optional[int]       `json:"track_number"`
	Published   optional[bool]      `json:"published"`
	// StreamPrice is a USD decimal string; null returns the song to the platform default.
	StreamPrice optional[json.RawMessage] `json:"stream_price"`
}

func (h *Handler) updateSong(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req songPatch
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	f := errs.Fields{}
	var ch application.SongChanges
	setStr := func(o optional[string], name string, dst **string) {
		if o.Set {
			if o.V == nil {
				f.Add(name, "cannot be null")
				return
			}
			*dst = o.V
		}
	}
	setStr(req.Title, "title", &ch.Title)
	setStr(req.Genre, "genre", &ch.Genre)
	if req.Explicit.Set {
		if req.Explicit.V == nil {
			f.Add("explicit", "cannot be null")
		}
		ch.Explicit = req.Explicit.V
	}
	if req.Published.Set {
		if req.Published.V == nil {
			f.Add("published", "cannot be null")
		}
		ch.Published = req.Published.V
	}
	if req.AlbumID.Set {
		ch.AlbumID = &req.AlbumID.V
	}
	if req.TrackNumber.Set {
		ch.TrackNumber = &req.TrackNumber.V
	}
	if err := f.Err(errs.ErrValidation); err != nil {
		return err
	}
	if req.StreamPrice.Set {
		var price *money.Amount
		if req.StreamPrice.V != nil {
			var text string
			if err := json.Unmarshal(*req.StreamPrice.V, &text); err != nil {
				return domain.ErrStreamPriceInvalid.WithField("stream_price", "must be a decimal string such as \"0.004\"")
			}
			p, err := h.app.Prices().ParseStreamPrice(text)
			if err != nil {
				return err
			}
			price = &p
		}
		ch.StreamPrice = &price
	}
	s, err := h.app.UpdateSong(ctxOf(c), viewer(c), id, ch)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSong(h.app.Prices(), s, true))
}

func (h *Handler) deleteSong(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.app.DeleteSong(ctxOf(c), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handler) searchSongs(c echo.Context) error {
	limit, err := httpx.Limit(c, 20, 100)
	if err != nil {
		return err
	}
	q := domain.SongQuery{Text: c.QueryParam("q"), Genre: c.QueryParam("genre"), Limit: limit}
	if a := c.QueryParam("artist_id"); a != "" {
		id, err := uuid.Parse(a)
		if err != nil {
			return errs.ErrValidation.WithField("artist_id", "must be a UUID")
		}
		q.ArtistID = &id
	}
	var cur domain.SongCursor
	if ok, err := httpx.DecodeCursor(c.QueryParam("cursor"), &cur); err != nil {
		return err
	} else if ok {
		q.After = &cur
	}
	songs, next, err := h.app.SearchSongs(ctxOf(c), q)
	if err != nil {
		return err
	}
	page := httpx.Page[songDTO]{Items: make([]songDTO, 0, len(songs))}
	for _, s := range songs {
		page.Items = append(page.Items, toSong(h.app.Prices(), s, false))
	}
	if next != nil {
		page.NextCursor = httpx.EncodeCursor(next)
	}
	return c.JSON(http.StatusOK, page)
}

// ---- upload

func (h *Handler) uploadAudio(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := audioBody(c.Request(), h.maxUpload)
	if err != nil {
		return err
	}
	s, err := h.app.Upload(ctxOf(c), viewer(c), application.UploadAudio{SongID: id, Body: body})
	if err != nil {
		h.metrics.Uploads.WithLabelValues("rejected").Inc()
		return err
	}
	h.metrics.Uploads.WithLabelValues("accepted").Inc()
	return c.JSON(http.StatusAccepted, toSong(h.app.Prices(), s, true))
}

// audioBody finds the audio of an upload: the raw body, or the part named "file" of a
// multipart/form-data body. It reads no further than that part's headers.
func audioBody(req *http.Request, maxUpload int64) (io.Reader, error) {
	ct := req.Header.Get(echo.HeaderContentType)
	if ct == "" {
		return nil, errs.ErrBadRequest.WithMessage("send the audio as multipart/form-data (field \"file\") or as the raw body with a Content-Type")
	}
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, errs.ErrBadRequest.WithMessage("malformed Content-Type")
	}
	// A declared length over the limit is refused before reading anything.
	overhead := int64(0)
	if mediaType == "multipart/form-data" {
		overhead = 64 << 10
	}
	if req.ContentLength > maxUpload+overhead {
		return nil, domain.ErrAudioTooLarge.WithMessage("the file is larger than the upload limit of " + strconv.FormatInt(maxUpload, 10) + " bytes")
	}
	var body io.Reader = req.Body
	if mediaType == "multipart/form-data" {
		// bound the whole body, not only the file part: parts before it are read and dropped
		req.Body = &bodyCap{r: req.Body, left: maxUpload + overhead, max: maxUpload}
		mr, err := req.MultipartReader()
		if err != nil {
			return nil, errs.ErrBadRequest.WithMessage("malformed multipart body")
		}
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil, errs.ErrValidation.WithField("file", "is required")
			}
			var ee *errs.Error
			if errors.As(err, &ee) {
				return nil, err
			}
			if err != nil {
				return nil, domain.ErrUploadInterrupted.Wrap(err)
			}
			if part.FormName() == "file" {
				body = part
				break
			}
			part.Close()
		}
	}
	return body, nil
}

// bodyCap fails a multipart body once it exceeds the upload limit plus the form's overhead
// (a chunked body declares no length to refuse up front).
type bodyCap struct {
	r    io.ReadCloser
	left int64
	max  int64
}

func (b *bodyCap) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, domain.ErrAudioTooLarge.WithMessage("the file is larger than the upload limit of " + strconv.FormatInt(b.max, 10) + " bytes")
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *bodyCap) Close() error { return b.r.Close() }

// ---- stream links

type streamURLRequest struct {
	Quality string `json:"quality"`
}

func (h *Handler) streamURL(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req streamURLRequest
	if c.Request().ContentLength != 0 {
		if err := httpx.Bind(c, &req); err != nil {
			return err
		}
	}
	if req.Quality == "" {
		req.Quality = c.QueryParam("quality")
	}
	q, err := domain.ParseQuality(req.Quality)
	if err != nil {
		return err
	}
	link, err := h.app.IssueStreamLink(ctxOf(c), viewer(c), id, q)
	if err != nil {
		return err
	}
	v := url.Values{}
	v.Set("quality", string(link.Quality))
	v.Set("uid", link.UserID.String())
	v.Set("exp", strconv.FormatInt(link.ExpiresAt.Unix(), 10))
	v.Set("sig", link.Signature)
	return c.JSON(http.StatusCreated, streamURLDTO{
		URL:     h.publicURL + "/api/v1/music/stream/" + id.String() + "?" + v.Encode(),
		Quality: string(link.Quality), ExpiresAt: link.ExpiresAt,
	})
}

// ---- likes

func (h *Handler) like(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.app.Like(ctxOf(c), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *Handler) unlike(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.app.Unlike(ctxOf(c), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func pageCursor(c echo.Context) (*domain.PageCursor, error) {
	var cur domain.PageCursor
	ok, err := httpx.DecodeCursor(c.QueryParam("cursor"), &cur)
	if err != nil || !ok {
		return nil, err
	}
	return &cur, nil
}

func (h *Handler) listLikes(c echo.Context) error {
	limit, err := httpx.Limit(c, 20, 100)
	if err != nil {
		return err
	}
	after, err := pageCursor(c)
	if err != nil {
		return err
	}
	likes, next, err := h.app.ListLikes(ctxOf(c), viewer(c), limit, after)
	if err != nil {
		return err
	}
	page := httpx.Page[likedSongDTO]{Items: make([]likedSongDTO, 0, len(likes))}
	for _, l := range likes {
		page.Items = append(page.Items, likedSongDTO{Song: toSong(h.app.Prices(), l.Song, false), LikedAt: l.LikedAt.LikedAt})
	}
	if next != nil {
		page.NextCursor = httpx.EncodeCursor(next)
	}
	return c.JSON(http.StatusOK, page)
}

// ---- artists

func (h *Handler) getArtist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v := viewer(c)
	pg, err := h.app.GetArtist(ctxOf(c), v, id)
	if err != nil {
		return err
	}
	own := pg.Artist.UserID() == v.UserID
	out := artistPageDTO{artistDTO: toArtist(pg.Artist), Songs: []songDTO{}, Albums: []albumDTO{}}
	for _, s := range pg.Songs {
		out.Songs = append(out.Songs, toSong(h.app.Prices(), s, own))
	}
	for _, a := range pg.Albums {
		out.Albums = append(out.Albums, toAlbum(a))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) myArtist(c echo.Context) error {
	a, err := h.app.MyArtist(ctxOf(c), viewer(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toArtist(a))
}

type artistPatch struct {
	Name     *string `json:"name"`
	Bio      *string `json:"bio"`
	ImageURL *string `json:"image_url"`
}

func (h *Handler) updateMyArtist(c echo.Context) error {
	var req artistPatch
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	cur, err := h.app.MyArtist(ctxOf(c), viewer(c))
	if err != nil {
		return err
	}
	p := domain.ArtistProfile{Name: cur.Name(), Bio: cur.Bio(), ImageURL: cur.ImageURL()}
	if req.Name != nil {
		p.Name = *req.Name
	}
	if req.Bio != nil {
		p.Bio = *req.Bio
	}
	if req.ImageURL != nil {
		p.ImageURL = *req.ImageURL
	}
	a, err := h.app.UpdateMyArtist(ctxOf(c), viewer(c), p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toArtist(a))
}

type verificationRequest struct {
	Verified *bool `json:"verified"`
}

func (h *Handler) verifyArtist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req verificationRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	if req.Verified == nil {
		return errs.ErrValidation.WithField("verified", "is required")
	}
	a, err := h.app.SetArtistVerified(ctxOf(c), viewer(c), id, *req.Verified)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toArtist(a))
}

// ---- albums

type albumRequest struct {
	Title       *string `json:"title"`
	ReleaseDate *string `json:"release_date"`
	CoverURL    *string `json:"cover_url"`
}

func (r albumRequest) details(base domain.AlbumDetails) (domain.AlbumDetails, error) {
	if r.Title != nil {
		base.Title = *r.Title
	}
	if r.CoverURL != nil {
		base.CoverURL = *r.CoverURL
	}
	if r.ReleaseDate != nil {
		if *r.ReleaseDate == "" {
			base.ReleaseDate = nil
		} else {
			d, err := time.Parse("2006-01-02", *r.ReleaseDate)
			if err != nil {
				return base, errs.ErrValidation.WithField("release_date", "must be a date like 2024-05-31")
			}
			base.ReleaseDate = &d
		}
	}
	return base, nil
}

func (h *Handler) createAlbum(c echo.Context) error {
	var req albumRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	d, err := req.details(domain.AlbumDetails{})
	if err != nil {
		return err
	}
	a, err := h.app.CreateAlbum(ctxOf(c), viewer(c), d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toAlbum(a))
}

func (h *Handler) getAlbum(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v := viewer(c)
	pg, err := h.app.GetAlbum(ctxOf(c), v, id)
	if err != nil {
		return err
	}
	own := pg.Artist.UserID() == v.UserID
	out := albumPageDTO{albumDTO: toAlbum(pg.Album), ArtistName: pg.Artist.Name(), Songs: []songDTO{}}
	for _, s := range pg.Songs {
		out.Songs = append(out.Songs, toSong(h.app.Prices(), s, own))
	}
	return c.JSON(http.StatusOK, out)
}

func (h *Handler) updateAlbum(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req albumRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	pg, err := h.app.GetAlbum(ctxOf(c), viewer(c), id)
	if err != nil {
		return err
	}
	cur := pg.Album
	d, err := req.details(domain.AlbumDetails{Title: cur.Title(), ReleaseDate: cur.ReleaseDate(), CoverURL: cur.CoverURL()})
	if err != nil {
		return err
	}
	a, err := h.app.UpdateAlbum(ctxOf(c), viewer(c), id, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAlbum(a))
}

func (h *Handler) deleteAlbum(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.app.DeleteAlbum(ctxOf(c), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// ---- playlists

type playlistRequest struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Public      *bool   `json:"public"`
}

func (h *Handler) createPlaylist(c echo.Context) error {
	var req playlistRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	d := domain.PlaylistDetails{}
	if req.Name != nil {
		d.Name = *req.Name
	}
	if req.Description != nil {
		d.Description = *req.Description
	}
	if req.Public != nil {
		d.Public = *req.Public
	}
	p, err := h.app.CreatePlaylist(ctxOf(c), viewer(c), d)
	if err != nil {
		return err
	}
	out := toPlaylist(p)
	out.Songs = []songDTO{}
	return c.JSON(http.StatusCreated, out)
}

func (h *Handler) listPlaylists(c echo.Context) error {
	limit, err := httpx.Limit(c, 20, 100)
	if err != nil {
		return err
	}
	after, err := pageCursor(c)
	if err != nil {
		return err
	}
	list, next, err := h.app.ListMyPlaylists(ctxOf(c), viewer(c), limit, after)
	if err != nil {
		return err
	}
	page := httpx.Page[playlistDTO]{Items: make([]playlistDTO, 0, len(list))}
	for _, p := range list {
		page.Items = append(page.Items, toPlaylist(p))
	}
	if next != nil {
		page.NextCursor = httpx.EncodeCursor(next)
	}
	return c.JSON(http.StatusOK, page)
}

func (h *Handler) getPlaylist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v := viewer(c)
	pg, err := h.app.GetPlaylist(ctxOf(c), v, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlaylistPage(h.app.Prices(), pg, v.UserID))
}

func (h *Handler) updatePlaylist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req playlistRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	v := viewer(c)
	pg, err := h.app.UpdatePlaylist(ctxOf(c), v, id, application.PlaylistChanges{Name: req.Name, Description: req.Description, Public: req.Public})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlaylistPage(h.app.Prices(), pg, v.UserID))
}

func (h *Handler) deletePlaylist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.app.DeletePlaylist(ctxOf(c), viewer(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type addSongRequest struct {
	SongID   *uuid.UUID `json:"song_id"`
	Position *int       `json:"position"`
}

func (h *Handler) addToPlaylist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req addSongRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	if req.SongID == nil {
		return errs.ErrValidation.WithField("song_id", "is required")
	}
	v := viewer(c)
	pg, err := h.app.AddToPlaylist(ctxOf(c), v, id, *req.SongID, req.Position)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlaylistPage(h.app.Prices(), pg, v.UserID))
}

type reorderRequest struct {
	SongIDs []uuid.UUID `json:"song_ids"`
}

func (h *Handler) reorderPlaylist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req reorderRequest
	if err := httpx.Bind(c, &req); err != nil {
		return err
	}
	if req.SongIDs == nil {
		return errs.ErrValidation.WithField("song_ids", "is required")
	}
	v := viewer(c)
	pg, err := h.app.ReorderPlaylist(ctxOf(c), v, id, req.SongIDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlaylistPage(h.app.Prices(), pg, v.UserID))
}

func (h *Handler) removeFromPlaylist(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	songID, err := pathID(c, "song_id")
	if err != nil {
		return err
	}
	v := viewer(c)
	pg, err := h.app.RemoveFromPlaylist(ctxOf(c), v, id, songID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toPlaylistPage(h.app.Prices(), pg, v.UserID))
}
