// Package web embeds the built web console (web/dist, built by `make web` from the TypeScript
// sources next to this file) and serves it: files by path, index.html for every other path
// that is not the API's (the console routes in the browser).
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:dist
var dist embed.FS

// Dist is the built console (index.html, assets/, source-hash).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

// SourceHash is the hash of web/'s sources the embedded build was made from.
func SourceHash() string {
	b, err := fs.ReadFile(Dist(), "source-hash")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Handler serves the console. Hashed assets are cached for a year; index.html is revalidated
// so a new build is picked up at once.
func Handler() http.Handler {
	files := Dist()
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if name != "" && name != "index.html" && name != "source-hash" && name != "openapi-hash" {
			if st, err := fs.Stat(files, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				fileServer.ServeHTTP(w, r)
				return
			}
			if strings.HasPrefix(name, "assets/") {
				http.NotFound(w, r) // a missing asset is a 404, not the SPA
				return
			}
		}
		index, err := fs.ReadFile(files, "index.html")
		if err != nil {
			http.Error(w, "the web console is not built: run `make web`", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self'; media-src 'self' blob:; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'")
		_, _ = w.Write(index)
	})
}
