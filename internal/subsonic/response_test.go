package subsonic

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func render(t *testing.T, query string, r *Response) (string, string) {
	t.Helper()
	e := echo.New()
	req := httptest.NewRequest(http.MethodGet, "/rest/x?"+query, nil)
	rec := httptest.NewRecorder()
	require.NoError(t, write(e.NewContext(req, rec), r, "1.2.3"))
	assert.Equal(t, http.StatusOK, rec.Code)
	return rec.Header().Get("Content-Type"), rec.Body.String()
}

// The wire shapes follow the Subsonic documentation: the root element and its namespace,
// attributes in XML and fields in JSON, character data as "value", repeated elements as arrays.
func TestResponseShapesInBothFormats(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)
	f := false
	r := &Response{Song: &Child{ID: "s1", Parent: "al-1", Title: "T & <x>", Duration: 40, Created: &at, IsVideo: &f, Type: "music"},
		Genres: &Genres{Genre: []Genre{{SongCount: 2, AlbumCount: 1, Value: "ambient"}}}}
	ct, body := render(t, "", r)
	assert.Equal(t, "application/xml; charset=UTF-8", ct)
	assert.Equal(t, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1" type="vibestream" serverVersion="1.2.3" openSubsonic="true">`+
		`<song id="s1" parent="al-1" isDir="false" title="T &amp; &lt;x&gt;" duration="40" created="2026-12-06T20:00:00Z" type="music" isVideo="false"></song>`+
		`<genres><genre songCount="2" albumCount="1">ambient</genre></genres></subsonic-response>`, body)

	ct, body = render(t, "f=json", r)
	assert.Equal(t, "application/json; charset=UTF-8", ct)
	assert.JSONEq(t, `{"subsonic-response":{"status":"ok","version":"1.16.1","type":"vibestream","serverVersion":"1.2.3","openSubsonic":true,
		"song":{"id":"s1","parent":"al-1","isDir":false,"title":"T & <x>","duration":40,"created":"2026-12-06T20:00:00Z","type":"music","isVideo":false},
		"genres":{"genre":[{"songCount":2,"albumCount":1,"value":"ambient"}]}}}`, body)

	_, body = render(t, "f=json", &Response{Status: "failed", Error: &Error{Code: 70, Message: "not found"}})
	assert.JSONEq(t, `{"subsonic-response":{"status":"failed","version":"1.16.1","type":"vibestream","serverVersion":"1.2.3","openSubsonic":true,
		"error":{"code":70,"message":"not found"}}}`, body)

	ct, body = render(t, "f=jsonp&callback=cb", &Response{})
	assert.Equal(t, "text/javascript; charset=utf-8", ct)
	assert.Regexp(t, `^cb\(\{"subsonic-response":\{.*\}\}\);$`, body)
	_, body = render(t, "f=jsonp&callback=alert(1)", &Response{})
	assert.Regexp(t, `^\{"subsonic-response"`, body, "a callback that is no identifier is ignored")
}

func TestIDsAndIndexLetters(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ in, want string }{
		"letter": {"beatles", "B"}, "accent": {"Élan", "É"}, "digit": {"2Pac", "#"}, "empty": {"", "#"},
	} {
		assert.Equal(t, c.want, indexLetter(c.in), name)
	}
	_, err := parseID("al-not-a-uuid", albumPrefix)
	require.Error(t, err)
	var ae *apiError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, CodeNotFound, ae.code)
	_, err = parseID("ar-"+"00000000-0000-0000-0000-000000000001", albumPrefix)
	assert.Error(t, err, "an artist id is not an album id")
}
